"""Secrets masked by value: whatever shape a command gives them, they never leave.

Structural masking (redact.py) recognises a secret by where it stands: under a
Secret's `data`, after `password:`, inside `user:pass@`. A reader that reshapes
the text (`jq @base64d`, `awk '{print $2}'`, `rev`, `cut -c`, `grep -o`) defeats
any such rule, so every value the environment knows to be secret is also masked
wherever it appears, in the forms a caller could turn it into: the value, its
base64 (standard and URL-safe, padded or not), each reversed, the decoded text of
a base64 value, each line of a multi-line value (PEM keys), and every fragment of
four or more characters of any of these.

Only values that look like secrets are masked by value: at least 8 characters
with a digit, a symbol or mixed case, or at least 16 characters. A password such
as `admin` or `root` is masked only where it stands as a credential (structural
masking); masking it by value would erase every user name and word it equals.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from aoi.gate.redact import MASK, _is_sensitive, redact, redact_command

FRAGMENT = 4  # the shortest fragment of a secret that is masked
_HELM_RELEASE = "helm.sh/release.v1"
_POD_KINDS = frozenset(
    {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"}
)
_LINE = re.compile(r"[^\r\n]+")
_ARMOUR = re.compile(r"^\s*-----(BEGIN|END) [A-Z0-9 ]+-----\s*$")
_WORD_CHAR = re.compile(r"[A-Za-z0-9+/=_-]")


def looks_secret(value: str) -> bool:
    """Whether a value is specific enough to be masked wherever it appears."""
    if len(value) < 8 or MASK in value:
        return False
    if len(value) >= 16:
        return True
    classes = (
        any(c.isdigit() for c in value)
        + (any(c.islower() for c in value) and any(c.isupper() for c in value))
        + any(not c.isalnum() for c in value)
    )
    return classes >= 1 and not value.isdigit()


def _b64(raw: bytes) -> list[str]:
    std = base64.b64encode(raw).decode()
    url = base64.urlsafe_b64encode(raw).decode()
    return [std, std.rstrip("="), url.rstrip("=")]


def _decoded(value: str) -> str | None:
    text = re.sub(r"\s+", "", value)
    if len(text) < 8 or not re.fullmatch(r"[A-Za-z0-9+/_-]+={0,2}", text):
        return None
    try:
        raw = base64.b64decode(
            text + "=" * (-len(text) % 4), altchars=b"-_" if "-" in text or "_" in text else None
        )
        decoded = raw.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    printable = sum(c.isprintable() or c in "\r\n\t" for c in decoded)
    return decoded if decoded and printable == len(decoded) else None


def forms(value: str) -> set[str]:
    """The texts a caller could turn `value` into (see the module doc)."""
    out: set[str] = set()
    pending = [value]
    decoded = _decoded(value)
    if decoded is not None:
        pending.append(decoded)
    for item in pending:
        # PEM armour ("-----BEGIN PRIVATE KEY-----") names a format, it is not secret
        item = "\n".join(line for line in item.splitlines() if not _ARMOUR.match(line))
        pieces = [item, *(m.group(0).strip() for m in _LINE.finditer(item))]
        pieces.append("".join(item.split()))
        for piece in pieces:
            if not looks_secret(piece):
                continue
            for form in (piece, *_b64(piece.encode())):
                out.add(form)
                out.add(form[::-1])
    return {f for f in out if len(f) >= FRAGMENT}


@functools.lru_cache(maxsize=4096)
def _grams_of(value: str) -> frozenset[str]:
    grams: set[str] = set()
    for form in forms(value):
        for word in form.split():
            grams.update(
                gram
                for gram in (word[i : i + FRAGMENT] for i in range(len(word) - FRAGMENT + 1))
                if any(c.isalnum() for c in gram)
            )
    return frozenset(grams)


class SecretValues:
    """A set of secret values, masked with their forms and fragments in any text."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._values: set[str] = set()
        self._grams: set[str] = set()
        self.add(values)

    def __len__(self) -> int:
        return len(self._values)

    def __bool__(self) -> bool:
        return bool(self._grams)

    def add(self, values: Iterable[str]) -> None:
        """Learn more secret values (those that do not look secret are ignored)."""
        for value in values:
            value = value.strip().strip("'\"")
            if value in self._values or not value:
                continue
            grams = _grams_of(value)
            if not grams:
                continue
            self._values.add(value)
            self._grams |= grams

    def mask(self, text: str) -> str:
        """`text` with every run of secret fragments replaced by the mask.

        A run is masked when it is at least 8 characters long, or when it is a
        whole word of the text (4+ characters between separators): a word of
        ordinary text that merely contains four characters of a secret
        ("RESTARTS" beside a key holding "REST") is left alone.
        """
        if not self._grams or len(text) < FRAGMENT:
            return text
        grams = self._grams
        spans: list[tuple[int, int]] = []
        i, n = 0, len(text)
        while i <= n - FRAGMENT:
            if text[i : i + FRAGMENT] not in grams:
                i += 1
                continue
            end = i + FRAGMENT
            while end < n and text[end - FRAGMENT + 1 : end + 1] in grams:
                end += 1
            if end - i >= 2 * FRAGMENT or _whole_word(text, i, end):
                if spans and spans[-1][1] >= i:
                    spans[-1] = (spans[-1][0], end)
                else:
                    spans.append((i, end))
                i = end
            else:
                i += 1
        if not spans:
            return text
        out, last = [], 0
        for start, end in spans:
            out.append(text[last:start])
            out.append(MASK)
            last = end
        out.append(text[last:])
        return "".join(out)

    def learn_from(self, original: str, masked: str) -> None:
        """Learn the values structural masking hid in `original` (they may reappear reshaped)."""
        if original == masked or MASK not in masked:
            return
        self.add(masked_values(original, masked))

    def redact(self, text: str, argv: list[list[str]] | None = None) -> tuple[str, bool]:
        """Structural masking, learning what it hid, then masking by value."""
        structural, _ = redact(text, argv)
        self.learn_from(text.replace("\x00", "\n"), structural)
        out = self.mask(structural)
        return out, out != text

    def command(self, command: str) -> str:
        """A command line with typed credentials (learned) and known values masked."""
        structural = redact_command(command)
        self.learn_from(command, structural)
        return self.mask(structural)

    def scrub(self, value: Any) -> Any:
        """Every string in a JSON-like value masked by value and by command shape."""
        if isinstance(value, str):
            return self.mask(redact_command(value))
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        if isinstance(value, dict):
            return {k: self.scrub(v) for k, v in value.items()}
        return value


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (_WORD_CHAR.match(before) or _WORD_CHAR.match(after))


def masked_values(original: str, masked: str) -> Iterator[str]:
    """The pieces of `original` that structural masking replaced with the mask.

    Compared line by line (structural masking keeps lines, or collapses a block
    such as a PEM key into one masked line); within a changed line, what lies
    between the common start and end is the value.
    """
    before, after = original.split("\n"), masked.split("\n")
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal" or not any(MASK in line for line in after[b0:b1]):
            continue
        if a1 - a0 == b1 - b0:
            for old, new in zip(before[a0:a1], after[b0:b1], strict=True):
                yield from _line_value(old, new)
        else:
            block = "\n".join(before[a0:a1]).strip()
            if block:
                yield block
                yield from (line.strip() for line in before[a0:a1] if line.strip())


def _line_value(old: str, new: str) -> Iterator[str]:
    if old == new:
        return
    if new.count(MASK) > 1:
        pieces = _mask_pieces(old, new)
        if pieces is not None:
            yield from pieces
            return
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    piece = old[start : len(old) - end].strip().strip("'\",")
    if piece:
        yield piece


def _mask_pieces(old: str, new: str) -> list[str] | None:
    """The values behind each of several masks on one line, or None where they cannot be aligned.

    The text between masks is kept as it was, so each value lies between the
    literal pieces around its mask: found in order, each one after the last.
    """
    literal = new.split(MASK)
    if not old.startswith(literal[0]) or not old.endswith(literal[-1]):
        return None
    pos, end = len(literal[0]), len(old) - len(literal[-1])
    values: list[str] = []
    for piece in literal[1:-1]:
        found = old.find(piece, pos, end) if piece else pos
        if found < 0:
            return None
        values.append(old[pos:found])
        pos = found + len(piece)
    values.append(old[pos:end])
    return [v.strip().strip("'\",") for v in values if v.strip().strip("'\",")]


def secrets_in_objects(objects: Iterable[Mapping[str, Any]]) -> set[str]:
    """Secret values in Kubernetes objects (as `-o json` gives them).

    Secrets' data (decoded) and stringData; values under credential-like keys in
    ConfigMaps (whole files too: JSON, YAML, scripts, connection strings); env
    values of credential-like names in pod templates.
    """
    found: set[str] = set()
    for obj in objects:
        kind = obj.get("kind")
        if kind == "Secret":
            if obj.get("type") == _HELM_RELEASE:
                continue  # a release blob: masked where it stands, by structure
            for block in ("data", "stringData"):
                for value in (obj.get(block) or {}).values():
                    if isinstance(value, str):
                        found.add(value)
                        decoded = _decoded(value) if block == "data" else None
                        if decoded is not None:
                            found.add(decoded)
        elif kind == "ConfigMap":
            for key, value in (obj.get("data") or {}).items():
                if not isinstance(value, str):
                    continue
                if _is_sensitive(key):
                    found.add(value)
                found.update(_file_values(value))
        elif kind in _POD_KINDS:
            found.update(_env_values(obj))
    return {v for v in found if looks_secret(v.strip())}


@functools.lru_cache(maxsize=1024)
def _file_values(text: str) -> tuple[str, ...]:
    """What structural masking hides in one file's text (ConfigMaps repeat across resets)."""
    masked, _ = redact(text)
    return tuple(masked_values(text, masked))


def _env_values(obj: Mapping[str, Any]) -> Iterator[str]:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    template = spec.get("template") or spec.get("jobTemplate", {}).get("spec", {}).get("template")
    pod = template.get("spec") if isinstance(template, dict) else spec
    if not isinstance(pod, dict):
        return
    for group in ("containers", "initContainers"):
        for container in pod.get(group) or []:
            for item in container.get("env") or [] if isinstance(container, dict) else []:
                if (
                    isinstance(item, dict)
                    and isinstance(item.get("value"), str)
                    and _is_sensitive(str(item.get("name", "")))
                ):
                    yield item["value"]
