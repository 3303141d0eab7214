"""GNU grep over stdin: POSIX basic/extended regex translated to Python's `re`."""

from __future__ import annotations

import re
from functools import lru_cache

from aoi.shelltools.options import Spec, UsageError, getopt
from aoi.shelltools.result import FilterResult

_USAGE = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n"

_SPEC = Spec(
    flags="ivEFGPcnowxhHlLqsyrRUzbTZ",
    valued="efABCmd",
    longs=(
        ("ignore-case", "i", False),
        ("no-ignore-case", "no-i", False),
        ("invert-match", "v", False),
        ("extended-regexp", "E", False),
        ("fixed-strings", "F", False),
        ("basic-regexp", "G", False),
        ("perl-regexp", "P", False),
        ("count", "c", False),
        ("line-number", "n", False),
        ("only-matching", "o", False),
        ("word-regexp", "w", False),
        ("line-regexp", "x", False),
        ("no-filename", "h", False),
        ("with-filename", "H", False),
        ("files-with-matches", "l", False),
        ("files-without-match", "L", False),
        ("quiet", "q", False),
        ("silent", "q", False),
        ("no-messages", "s", False),
        ("regexp", "e", True),
        ("file", "f", True),
        ("after-context", "A", True),
        ("before-context", "B", True),
        ("context", "C", True),
        ("max-count", "m", True),
        ("color", "color", False),
        ("colour", "color", False),
        ("label", "label", True),
        ("line-buffered", "lb", False),
        ("text", "a", False),
        ("null-data", "z", False),
        ("initial-tab", "T", False),
    ),
    digits=True,
)

_CLASSES = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "space": r" \t\n\r\f\v",
    "blank": r" \t",
    "punct": r"!-/:-@\[-`{-~",
    "xdigit": "0-9A-Fa-f",
    "word": r"\w",
    "cntrl": r"\x00-\x1f\x7f",
    "print": r" -~",
    "graph": r"!-~",
}


class RegexError(Exception):
    """GNU grep's wording for a pattern it cannot compile."""


def _bracket(p: str, i: int) -> tuple[str, int]:
    """Translate a POSIX bracket expression starting at p[i] == '['."""
    j = i + 1
    if j >= len(p):
        raise RegexError("Invalid regular expression")
    out = ["["]
    if j < len(p) and p[j] == "^":
        out.append("^")
        j += 1
    first = True
    while j < len(p):
        ch = p[j]
        if ch == "]" and not first:
            out.append("]")
            return "".join(out), j + 1
        first = False
        if ch == "[" and p[j + 1 : j + 2] in (":", ".", "="):
            kind = p[j + 1]
            end = p.find(kind + "]", j + 2)
            if end < 0:
                raise RegexError("Unmatched [, [^, [:, [., or [=")
            name = p[j + 2 : end]
            if kind == ":":
                if name not in _CLASSES:
                    raise RegexError("Invalid character class name")
                out.append(_CLASSES[name])
            else:
                out.append(re.escape(name))
            j = end + 2
            continue
        out.append("\\" + ch if ch in "\\[]^&~|" else ch)
        j += 1
    raise RegexError("Unmatched [, [^, [:, [., or [=")


def translate(pattern: str, extended: bool) -> str:
    """POSIX BRE/ERE (with GNU extensions) to a Python regular expression."""
    out: list[str] = []
    i, n = 0, len(pattern)
    depth = 0
    at_start = True  # where `*` is literal and `^` is an anchor
    while i < n:
        ch = pattern[i]
        nxt = pattern[i + 1] if i + 1 < n else ""
        start_here = at_start
        at_start = False
        if ch == "\\":
            if not nxt:
                raise RegexError("Trailing backslash")
            i += 2
            if not extended and nxt in "(|){}+?":
                if nxt == "(":
                    depth += 1
                    out.append("(")
                    at_start = True
                elif nxt == ")":
                    if depth == 0:
                        raise RegexError("Unmatched ) or \\)")
                    depth -= 1
                    out.append(")")
                elif nxt == "|":
                    out.append("|")
                    at_start = True
                elif nxt == "{":
                    end = pattern.find("\\}", i)
                    if end < 0:
                        raise RegexError("Unmatched \\{")
                    out.append(_interval(pattern[i:end]))
                    i = end + 2
                else:
                    out.append(nxt)
            elif nxt == "<":
                out.append(r"\b(?=\w)")
            elif nxt == ">":
                out.append(r"\b(?<=\w)")
            elif nxt in "wWsSbB" or (nxt.isdigit() and nxt != "0"):
                out.append("\\" + nxt)
            elif nxt == "`":
                out.append(r"\A")
            elif nxt == "'":
                out.append(r"\Z")
            else:
                out.append(re.escape(nxt))
            continue
        if ch == "[":
            text, i = _bracket(pattern, i)
            out.append(text)
            continue
        i += 1
        if ch == "^":
            out.append("^" if start_here or extended else r"\^")
            at_start = start_here
        elif ch == "$":
            rest = pattern[i:]
            is_end = extended or not rest or rest.startswith(("\\)", "\\|"))
            out.append("$" if is_end else r"\$")
        elif ch == "*":
            out.append(r"\*" if start_here else "*")
            if not start_here and i < n and pattern[i] == "*":
                while i < n and pattern[i] == "*":
                    i += 1
        elif extended and ch in "+?":
            out.append(re.escape(ch) if start_here else ch)
        elif extended and ch == "(":
            depth += 1
            out.append("(")
            at_start = True
        elif extended and ch == ")":
            if depth == 0:
                out.append(r"\)")
            else:
                depth -= 1
                out.append(")")
        elif extended and ch == "|":
            out.append("|")
            at_start = True
        elif extended and ch == "{":
            m = re.match(r"(\d*)(,(\d*))?\}", pattern[i:])
            if m and (m.group(1) or m.group(3)):
                out.append(_interval(m.group(0)[:-1]))
                i += m.end()
            else:
                out.append(r"\{")
        elif ch == ".":
            out.append(".")
        else:
            out.append(re.escape(ch))
    if depth:
        raise RegexError("Unmatched ( or \\(")
    return "".join(out)


def _interval(body: str) -> str:
    m = re.fullmatch(r"(\d*)(,(\d*))?", body)
    if m is None:
        raise RegexError("Invalid content of \\{\\}")
    lo, hi = m.group(1), m.group(3)
    if lo and hi and int(lo) > int(hi):
        raise RegexError("Invalid content of \\{\\}")
    if m.group(2) is None:
        return "{" + (lo or "0") + "}"
    return "{" + (lo or "0") + "," + (hi or "") + "}"


@lru_cache(maxsize=512)
def compile_patterns(
    patterns: tuple[str, ...], mode: str, ignore_case: bool, word: bool, line: bool
) -> re.Pattern[str]:
    """One Python regex for grep's pattern list; raises RegexError with grep's message."""
    parts = []
    for p in patterns:
        if mode == "F":
            parts.append(re.escape(p))
        elif mode == "P":
            parts.append(p)
        else:
            parts.append(translate(p, extended=mode == "E"))
    body = "|".join(f"(?:{p})" for p in parts) if len(parts) > 1 else parts[0]
    if line:
        body = f"^(?:{body})$"
    elif word:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    try:
        return re.compile(body, re.IGNORECASE if ignore_case else 0)
    except re.error as err:
        if mode == "P":
            raise RegexError(_pcre_message(err)) from None
        if "unbalanced parenthesis" in err.msg or "missing )" in err.msg:
            raise RegexError("Unmatched ( or \\(") from None
        if "nothing to repeat" in err.msg or "multiple repeat" in err.msg:
            raise RegexError("Invalid preceding regular expression") from None
        if "invalid group reference" in err.msg:
            raise RegexError("Invalid back reference") from None
        raise RegexError("Invalid regular expression") from None


def _pcre_message(err: re.error) -> str:
    if "missing )" in err.msg:
        return "missing closing parenthesis"
    return err.msg


def _split_lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def run_grep(args: list[str], stdin: str, prog: str = "grep") -> FilterResult:
    """`grep ARGS` reading stdin; exit 0 on a selected line, 1 on none, 2 on error."""
    try:
        opts, operands = getopt(prog, args, _SPEC)
    except UsageError as err:
        return FilterResult("", f"{err.line}\n{_USAGE}", 2)
    flags: set[str] = set()
    patterns: list[str] = []
    after = before = 0
    max_count: int | None = None
    mode = {"egrep": "E", "fgrep": "F"}.get(prog, "G")
    errors: list[str] = []
    for key, value in opts:
        if key in "EFGP" and len(key) == 1:
            mode = key
        elif key == "e":
            patterns.extend(value.split("\n"))
        elif key == "f":
            errors.append(f"grep: {value}: No such file or directory\n")
        elif key in ("A", "B", "C", "#"):
            if not value.isdigit():
                return FilterResult("", f"grep: {value}: invalid context length argument\n", 2)
            if key in ("A", "C", "#"):
                after = int(value)
            if key in ("B", "C", "#"):
                before = int(value)
        elif key == "m":
            if not re.fullmatch(r"-?\d+", value):
                return FilterResult("", "grep: invalid max count\n", 2)
            max_count = int(value) if int(value) >= 0 else None
        elif key == "y":
            flags.add("i")
        elif key == "no-i":
            flags.discard("i")
        else:
            flags.add(key)
    if errors:
        return FilterResult("", "".join(errors), 2)
    if not patterns:
        if not operands:
            return FilterResult("", _USAGE, 2)
        patterns = operands.pop(0).split("\n")
    try:
        rx = compile_patterns(tuple(patterns), mode, "i" in flags, "w" in flags, "x" in flags)
    except RegexError as err:
        return FilterResult("", f"grep: {err}\n", 2)
    stderr = "".join(
        f"grep: {name}: No such file or directory\n" for name in operands if name != "-"
    )
    read_stdin = not operands or "-" in operands
    many = len(operands) > 1
    label = "(standard input)"
    show_name = ("H" in flags or many) and "h" not in flags
    if not read_stdin:
        return FilterResult("", stderr, 2)
    lines = _split_lines(stdin)
    out, selected = _select(lines, rx, flags, before, after, max_count, label if show_name else "")
    if "q" in flags:
        return FilterResult("", "", 0 if selected else (2 if stderr else 1))
    if "l" in flags or "L" in flags:
        hit = bool(selected) if "l" in flags else not selected
        out = [label] if hit else []
    elif "c" in flags:
        out = [f"{label}:{selected}" if show_name else str(selected)]
    text = "".join(f"{line}\n" for line in out)
    code = 2 if stderr else (0 if selected else 1)
    return FilterResult(text, stderr, code)


def _select(
    lines: list[str],
    rx: re.Pattern[str],
    flags: set[str],
    before: int,
    after: int,
    max_count: int | None,
    name: str,
) -> tuple[list[str], int]:
    invert = "v" in flags
    numbered = "n" in flags
    only = "o" in flags and not invert
    quiet = bool(flags & {"c", "q", "l", "L"})
    if only or quiet:
        before = after = 0
    prefix = f"{name}:" if name else ""
    ctx_prefix = f"{name}-" if name else ""
    out: list[str] = []
    selected = 0
    last_printed = -1
    pending_after = 0
    for idx, line in enumerate(lines):
        if max_count is not None and selected >= max_count:
            if pending_after and not quiet and (rx.search(line) is not None) == invert:
                out.append(f"{ctx_prefix}{idx + 1}-{line}" if numbered else ctx_prefix + line)
                last_printed = idx
                pending_after -= 1
                continue
            break
        hit = (rx.search(line) is not None) != invert
        if not hit:
            if pending_after and not quiet:
                out.append(f"{ctx_prefix}{idx + 1}-{line}" if numbered else ctx_prefix + line)
                last_printed = idx
                pending_after -= 1
            continue
        selected += 1
        if quiet:
            continue
        start = max(idx - before, last_printed + 1)
        if (before or after) and last_printed >= 0 and start > last_printed + 1:
            out.append("--")
        for k in range(start, idx):
            out.append(f"{ctx_prefix}{k + 1}-{lines[k]}" if numbered else ctx_prefix + lines[k])
        if only:
            for m in rx.finditer(line):
                if m.group():
                    out.append(f"{prefix}{idx + 1}:{m.group()}" if numbered else prefix + m.group())
        else:
            out.append(f"{prefix}{idx + 1}:{line}" if numbered else prefix + line)
        last_printed = idx
        pending_after = after
    return out, selected
