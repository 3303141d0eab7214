"""Mask secrets in command output before any model sees it or anything stores it.

Masks Secret `data` / `stringData` values (YAML, JSON, templated output),
values of keys and environment variables whose names look like passwords,
tokens or keys, bearer and basic credentials, JWTs, private keys, and the
password part of connection strings. Masking is idempotent.
"""

from __future__ import annotations

import json
import re
from typing import Any

MASK = "****"

_SENSITIVE = re.compile(
    r"(?i)(passw(or)?d|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key"
    r"|credential|authorization|auth[_-]?key|[._-]key$|\.pem$)"
)
# Names that mention a secret without holding one (secretName, tokenPath, ...).
_HARMLESS = re.compile(
    r"(?i)(name|names|ref|path|file|dir|mode|type|length|ttl|expir\w*|enabled|kind|version"
    r"|seconds|policy|count|hash|size|mount|id|uid|_url)$"
)
_NOT_SECRET_VALUES = frozenset(
    {"true", "false", "null", "~", '""', "''", "{}", "[]", MASK, f'"{MASK}"', f"'{MASK}'"}
)

_KEY_LINE = re.compile(
    r"""^(?P<lead>\s*(?:-\s+)?["']?)(?P<key>[A-Za-z_][\w.-]*)(?P<sep>["']?\s*:\s+|=)(?P<value>\S.*?)\s*$"""
)
_YAML_KEY = re.compile(
    r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[^\s:#'\"][^:]*?|'[^']*'|\"[^\"]*\"):(?:\s+(?P<value>.*?))?\s*$"
)
_CONN = re.compile(r"\b([a-zA-Z][\w+.-]*://)([^\s:/@'\"]+):([^\s@/'\"]+)@")
_BEARER = re.compile(r"(?i)\b(bearer|basic)(\s+)([A-Za-z0-9._~+/=-]{8,})")
_JWT = re.compile(r"\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*")
_PEM = re.compile(r"-----BEGIN ([A-Z ]*PRIVATE KEY)-----.*?-----END \1-----", re.S)
_QUERY = re.compile(
    r"(?i)([?&](?:password|passwd|pwd|token|access_token|api_key|apikey|secret|key)=)([^&\s\"']+)"
)
_FLAG = re.compile(
    r"(?i)(--(?:password|passwd|token|secret|api-key|apikey|client-secret)[= ])(\S+)"
)
_MONGO_P = re.compile(r"(\bmongo(?:sh)?\b[^\n]*?\s-p\s+)(\S+)")
_EMBEDDED_DATA = re.compile(r'("(?:data|stringData)"\s*:\s*\{)([^{}]*)(\})')
_EMBEDDED_PAIR = re.compile(r'("[^"]*"\s*:\s*)"[^"]*"')
_JSON_ENV = re.compile(r'("name"\s*:\s*"([^"]+)"\s*,\s*"value"\s*:\s*")((?:[^"\\]|\\.)*)(")')
_JSON_PAIR = re.compile(r'("([A-Za-z_][\w.-]*)"\s*:\s*")((?:[^"\\]|\\.)*)(")')
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{4,}={0,2}")
_SECRET_PATH = re.compile(
    r"(?i)(secret|token|passw|credential|\.key$|\.pem$|/keys?/|serviceaccount)"
)
_QUICK = re.compile(
    r"(?i)passw|passwd|pwd|secret|token|key|credential|authorization|bearer|basic|eyJ|://|PRIVATE KEY"
)
_FILE_READERS = frozenset({"cat", "head", "tail", "more", "less", "strings"})
_TEMPLATE_OUTPUTS = ("jsonpath", "go-template", "template", "custom-columns")


def _is_sensitive(name: str) -> bool:
    return _SENSITIVE.search(name) is not None and _HARMLESS.search(name) is None


def redact(text: str, argv: list[list[str]] | None = None) -> tuple[str, bool]:
    """Return (masked text, whether anything was masked).

    `argv` is the verdict's pipeline, used to recognise output that has lost
    its structure: templated Secret reads and files read from secret paths.
    """
    if not text:
        return text, False
    # NUL-separated dumps (/proc/*/environ) become lines so env rules apply.
    source = text
    text = text.replace("\x00", "\n")
    mode = _command_mode(argv)
    if mode == "all":
        masked = _BASE64_RUN.sub(MASK, text)
        return masked, masked != source
    out = text
    stripped = out.lstrip()
    if stripped[:1] in ("{", "["):
        out = _redact_json(out)
    if "Secret" in out or mode == "secret":
        out = _redact_secret_yaml(out, aggressive=mode == "secret" and "kind: Secret" not in out)
    if _QUICK.search(out) is not None:
        out = _redact_lines(out)
        # One-line JSON (jsonpath output, structured logs) has no lines to go by.
        out = _JSON_ENV.sub(_mask_json_value, out)
        out = _JSON_PAIR.sub(_mask_json_value, out)
        out = _PEM.sub(
            lambda m: f"-----BEGIN {m.group(1)}-----\n{MASK}\n-----END {m.group(1)}-----", out
        )
        out = _JWT.sub(MASK, out)
        out = _CONN.sub(lambda m: f"{m.group(1)}{m.group(2)}:{MASK}@", out)
        out = _BEARER.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", out)
        out = _QUERY.sub(lambda m: f"{m.group(1)}{MASK}", out)
        out = _FLAG.sub(lambda m: f"{m.group(1)}{MASK}", out)
    return out, out != source


_ASSIGN = re.compile(r"""(?<![\w-])([A-Za-z_][\w.-]*)=("[^"]*"|'[^']*'|[^\s,;&|]+)""")
_MONGO_FIELD = re.compile(
    r"""(?i)(["']?(?:pwd|password|passwd)["']?\s*:\s*)("[^"]*"|'[^']*'|[^\s,}]+)"""
)


def _mask_assign(m: re.Match[str]) -> str:
    if not _is_sensitive(m.group(1)) or m.group(2).strip("'\"") in ("", MASK):
        return m.group(0)
    return f"{m.group(1)}={MASK}"


def redact_command(command: str) -> str:
    """Mask credentials a command line itself carries (for the audit log).

    Connection strings, --password-style flags, `mongo -p`, bearer tokens, JWTs,
    NAME=VALUE pairs with a credential-like NAME (`--from-literal=password=...`,
    `set env ... DB_PASSWORD=...`) and mongo documents' `pwd: "..."`.
    """
    out = _CONN.sub(lambda m: f"{m.group(1)}{m.group(2)}:{MASK}@", command)
    out = _ASSIGN.sub(_mask_assign, out)
    out = _MONGO_FIELD.sub(lambda m: f"{m.group(1)}{MASK}", out)
    out = _FLAG.sub(lambda m: f"{m.group(1)}{MASK}", out)
    out = _MONGO_P.sub(lambda m: f"{m.group(1)}{MASK}", out)
    out = _BEARER.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", out)
    out = _JWT.sub(MASK, out)
    return _EMBEDDED_DATA.sub(_mask_embedded, out) if '"kind":"Secret"' in out else out


def _command_mode(argv: list[list[str]] | None) -> str:
    """'all' for templated Secret reads and secret files, 'secret' for other Secret reads."""
    if not argv or not argv[0]:
        return ""
    main = argv[0]
    if main[0] != "kubectl":
        return ""
    if "exec" in main:
        inner = main[main.index("--") + 1 :] if "--" in main else main
        if (
            inner
            and inner[0].rsplit("/", 1)[-1] in _FILE_READERS
            and any(_SECRET_PATH.search(a) for a in inner[1:] if not a.startswith("-"))
        ):
            return "all"
        return ""
    reads_secrets = any(
        tok.split("/", 1)[0].split(",")[0].split(".", 1)[0] in ("secret", "secrets")
        or "secret" in tok.split(",")
        or "secrets" in tok.split(",")
        for tok in main[1:]
        if not tok.startswith("-")
    )
    if not reads_secrets:
        return ""
    for i, tok in enumerate(main):
        value = None
        if tok in ("-o", "--output") and i + 1 < len(main):
            value = main[i + 1]
        elif tok.startswith("--output="):
            value = tok[9:]
        elif tok.startswith("-o") and len(tok) > 2:
            value = tok[2:].lstrip("=")
        elif tok.startswith("--template"):
            value = "template"
        if value is not None and value.startswith(_TEMPLATE_OUTPUTS):
            return "all"
    return "secret"


def _mask_json_value(m: re.Match[str]) -> str:
    value = m.group(3)
    if (
        not value
        or value == MASK
        or value.lower() in _NOT_SECRET_VALUES
        or not _is_sensitive(m.group(2))
    ):
        return m.group(0)
    return f"{m.group(1)}{MASK}{m.group(4)}"


def _mask_embedded(m: re.Match[str]) -> str:
    return (
        m.group(1) + _EMBEDDED_PAIR.sub(lambda p: f'{p.group(1)}"{MASK}"', m.group(2)) + m.group(3)
    )


def _redact_json(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if not _walk(data):
        return text
    return json.dumps(data, indent=4, ensure_ascii=False) + ("\n" if text.endswith("\n") else "")


def _walk(node: Any) -> bool:
    changed = False
    if isinstance(node, dict):
        if node.get("kind") == "Secret":
            for field in ("data", "stringData"):
                block = node.get(field)
                if isinstance(block, dict):
                    for key, value in block.items():
                        if value != MASK:
                            block[key] = MASK
                            changed = True
        name = node.get("name")
        env_value = node.get("value")
        if (
            isinstance(name, str)
            and isinstance(env_value, str)
            and env_value not in ("", MASK)
            and _is_sensitive(name)
        ):
            node["value"] = MASK
            changed = True
        for key, value in node.items():
            if isinstance(value, str):
                if _is_sensitive(key) and value.lower() not in _NOT_SECRET_VALUES and value:
                    node[key] = MASK
                    changed = True
                elif value.startswith("{") and '"kind":"Secret"' in value:
                    masked = _EMBEDDED_DATA.sub(_mask_embedded, value)
                    if masked != value:
                        node[key] = masked
                        changed = True
            elif _walk(value):
                changed = True
    elif isinstance(node, list):
        for item in node:
            if _walk(item):
                changed = True
    return changed


def _indent_of(line: str) -> tuple[int, re.Match[str] | None]:
    m = _YAML_KEY.match(line)
    if m is None:
        return len(line) - len(line.lstrip(" ")), None
    indent = len(m.group("indent")) + (len(m.group("dash")) if m.group("dash") else 0)
    return indent, m


def _redact_secret_yaml(text: str, aggressive: bool) -> str:
    """Mask data/stringData children of every YAML mapping whose kind is Secret."""
    lines = text.split("\n")
    parsed = [_indent_of(line) for line in lines]
    n = len(lines)
    targets: list[tuple[int, int]] = []
    for i, (indent, m) in enumerate(parsed):
        if (
            m is None
            or m.group("key") != "kind"
            or (m.group("value") or "").strip("'\"") != "Secret"
        ):
            continue
        start = i
        while start > 0:
            here = parsed[start][1]
            if here is not None and here.group("dash") and parsed[start][0] == indent:
                break
            prev_indent, prev_m = parsed[start - 1]
            if lines[start - 1].strip() == "---" or (prev_m is not None and prev_indent < indent):
                break
            start -= 1
        end = i + 1
        while end < n:
            next_indent, next_m = parsed[end]
            if lines[end].strip() == "---":
                break
            if next_m is not None and (
                next_indent < indent or (next_m.group("dash") and next_indent == indent)
            ):
                break
            end += 1
        for j in range(start, end):
            jm = parsed[j][1]
            if (
                jm is not None
                and parsed[j][0] == indent
                and jm.group("key") in ("data", "stringData")
            ):
                targets.append((j, indent))
    for j, indent in targets:
        m = parsed[j][1]
        assert m is not None
        value = m.group("value")
        if value and value not in ("|", ">"):
            lines[j] = f"{lines[j][: m.start('value')]}{MASK}" if value != MASK else lines[j]
        k = j + 1
        while k < n:
            line = lines[k]
            if not line.strip():
                k += 1
                continue
            child_indent = len(line) - len(line.lstrip(" "))
            if child_indent <= indent:
                break
            lines[k] = _mask_value_line(line)
            k += 1
    if aggressive:
        for idx, line in enumerate(lines):
            lines[idx] = _mask_value_line(line, only_base64=True)
    return "\n".join(lines)


def _mask_value_line(line: str, only_base64: bool = False) -> str:
    m = _YAML_KEY.match(line)
    if m is None or not m.group("value"):
        if only_base64 or m is not None:
            return line
        stripped = line.lstrip(" ")
        return line[: len(line) - len(stripped)] + MASK if stripped and stripped != MASK else line
    value = m.group("value")
    if value == MASK:
        return line
    if only_base64 and (_BASE64_RUN.fullmatch(value) is None or len(value) < 8):
        return line
    return f"{line[: m.start('value')]}{MASK}"


def _redact_lines(text: str) -> str:
    lines = text.split("\n")
    pending_env: int | None = None
    for i, line in enumerate(lines):
        if '"kind":"Secret"' in line:
            line = _EMBEDDED_DATA.sub(_mask_embedded, line)
        m = _KEY_LINE.match(line)
        if m is None:
            lines[i] = line
            continue
        key = m.group("key")
        value = m.group("value")
        indent = (
            len(m.group("lead")) - len(m.group("lead").lstrip(" -\"'")) if m.group("lead") else 0
        )
        if key == "name" and m.group("sep").strip() == ":":
            name = value.strip("'\",")
            pending_env = indent if _is_sensitive(name) else None
        elif key == "value" and pending_env is not None and indent == pending_env:
            line = _masked(m, value)
            pending_env = None
        elif _is_sensitive(key):
            line = _masked(m, value)
        lines[i] = line
    return "\n".join(lines)


def _masked(m: re.Match[str], value: str) -> str:
    bare = value.rstrip(",")
    if (
        bare.lower() in _NOT_SECRET_VALUES
        or bare.strip("'\"") == MASK
        or bare.startswith(("<set to", "|", ">"))
    ):
        return m.string
    tail = "," if value.endswith(",") else ""
    quote = bare[0] if bare[:1] in ("'", '"') and bare[-1:] == bare[:1] and len(bare) > 1 else ""
    return f"{m.group('lead')}{m.group('key')}{m.group('sep')}{quote}{MASK}{quote}{tail}"
