"""Pull one JSON object out of what a model wrote.

Models wrap JSON in prose and fences and write it loosely. ``extract_json`` tries,
in order: fenced blocks (```json or plain ```), then every top-level balanced
``{...}`` in the text, left to right; each candidate is parsed as JSON, then again
after repairs: comments (``//``, ``/* */``, ``#``) dropped, trailing commas dropped,
single-quoted strings and bare keys quoted, Python's ``True``/``False``/``None``
turned into JSON. The first candidate that yields an object wins.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aoi.errors import AOIError

# Bounds that keep extraction linear-ish on hostile input.
_MAX_TEXT = 200_000
_MAX_PASSES = 4

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)
_PY_LITERALS = {"True": "true", "False": "false", "None": "null"}


class JSONExtractionError(AOIError, ValueError):
    """No JSON object could be read from the text; ``reason`` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"no JSON object in the model's answer: {reason}")
        self.reason = reason


def extract_json(text: str) -> dict[str, Any]:
    """The first JSON object in ``text`` (see the module doc for what is tolerated).

    Raises ``JSONExtractionError`` (a ``ValueError``) and nothing else.
    """
    if not isinstance(text, str):
        raise JSONExtractionError(f"expected text, got {type(text).__name__}")
    text = text[:_MAX_TEXT]
    first_error = ""
    saw_array = False
    for candidate in _candidates(text):
        value, error = _parse(candidate)
        if isinstance(value, dict):
            return value
        if isinstance(value, list):
            saw_array = True
        elif error and not first_error:
            first_error = error
    if first_error:
        raise JSONExtractionError(first_error)
    if saw_array:
        raise JSONExtractionError("found a JSON array but no object")
    if "{" not in text:
        raise JSONExtractionError("no '{' in the text")
    raise JSONExtractionError("an object starts but never closes (was the output cut off?)")


def extract_json_objects(text: str) -> list[dict[str, Any]]:
    """Every top-level JSON object in ``text``, in order, repaired as ``extract_json`` does."""
    if not isinstance(text, str):
        return []
    found: list[dict[str, Any]] = []
    for start, end in _balanced_spans(text[:_MAX_TEXT]):
        value, _ = _parse(text[start:end])
        if isinstance(value, dict):
            found.append(value)
    return found


def count_json_objects(text: str) -> int:
    """How many top-level JSON objects ``text`` holds (fenced or not)."""
    return len(extract_json_objects(text))


# --- candidates ---------------------------------------------------------------------


def _candidates(text: str) -> list[str]:
    out: list[str] = []
    whole = _balanced_spans(text)
    for match in _FENCE.finditer(text):
        lang, body = match.group(1).lower(), match.group(2)
        if lang in ("", "json", "jsonc", "json5", "javascript", "js", "python", "py"):
            # Objects of the whole text that start in this block come first: that scan is
            # quote-aware, so a ``` inside a JSON string does not cut the object short.
            out.extend(text[s:e] for s, e in whole if match.start(2) <= s <= match.end(2))
            spans = list(_balanced_spans(body))
            out.extend(body[s:e] for s, e in spans)
            if not spans and body.strip():
                out.append(body.strip())
    out.extend(text[s:e] for s, e in whole)
    return out


def _balanced_spans(text: str) -> list[tuple[int, int]]:
    """Outermost balanced ``{...}`` spans, in order, aware of quoted strings.

    One pass with a stack. Quotes count only inside brackets (prose has
    apostrophes); a single-quoted string ends at a newline. An opener that never
    closes does not hide the objects inside it; a pass that ends inside a string
    is retried from just after the first unclosed opener, a few times at most.
    """
    found: set[tuple[int, int]] = set()
    pos = 0
    for _ in range(_MAX_PASSES):
        spans, unclosed = _scan(text, pos)
        found.update(spans)
        if unclosed is None:
            break
        pos = unclosed + 1
    outermost: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda span: (span[0], -span[1])):
        if outermost and start < outermost[-1][1]:
            continue
        outermost.append((start, end))
    return outermost


def _scan(text: str, pos: int) -> tuple[list[tuple[int, int]], int | None]:
    """Closed ``{...}`` spans from ``pos``; and the first unclosed opener if the pass
    ended inside a string (else None)."""
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    quote = ""
    i, n = pos, len(text)
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote or (ch == "\n" and quote == "'"):
                quote = ""
        elif ch in "{[":
            stack.append(i)
        elif not stack:
            pass
        elif ch in "\"'":
            quote = ch
        elif ch in "}]":
            opener = stack.pop()
            if ch == "}" and text[opener] == "{":
                spans.append((opener, i + 1))
        i += 1
    return spans, (stack[0] if stack and quote else None)


# --- parsing and repair -------------------------------------------------------------


def _parse(candidate: str) -> tuple[Any, str]:
    """(value, "") on success, (None, reason) on failure; never raises."""
    try:
        return json.loads(candidate, strict=False), ""
    except (ValueError, RecursionError) as exc:
        error = _short(exc)
    try:
        repaired = _repair(candidate)
    except (ValueError, RecursionError) as exc:
        return None, _short(exc)
    try:
        return json.loads(repaired, strict=False), ""
    except (ValueError, RecursionError):
        return None, error


def _short(exc: BaseException) -> str:
    message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
    if isinstance(exc, RecursionError):
        message = "nested too deeply"
    return f"invalid JSON ({message[:80]})"


def _repair(src: str) -> str:
    """Rewrite loose JSON (JSON5-ish or a Python dict literal) into strict JSON."""
    out: list[str] = []
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch == '"' or ch == "'":
            end, body = _read_string(src, i)
            out.append(json.dumps(body))
            i = end
        elif src.startswith("//", i) or ch == "#":
            nl = src.find("\n", i)
            i = n if nl < 0 else nl
        elif src.startswith("/*", i):
            close = src.find("*/", i + 2)
            i = n if close < 0 else close + 2
        elif ch == "," and _next_significant(src, i + 1) in ("}", "]", ""):
            i += 1
        elif ch.isalpha() or ch == "_" or ch == "$":
            j = i + 1
            while j < n and (src[j].isalnum() or src[j] in "_$-"):
                j += 1
            word = src[i:j]
            if word in _PY_LITERALS:
                out.append(_PY_LITERALS[word])
            elif word in ("true", "false", "null", "NaN", "Infinity"):
                out.append(word)
            elif _next_significant(src, j) == ":":
                out.append(json.dumps(word))  # a bare key
            else:
                out.append(word)
            i = j
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _read_string(src: str, start: int) -> tuple[int, str]:
    """Read a quoted string starting at ``start``; return (index after it, its value)."""
    quote = src[start]
    chars: list[str] = []
    i, n = start + 1, len(src)
    escapes = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "/": "/", "\\": "\\"}
    while i < n:
        ch = src[i]
        if ch == "\\" and i + 1 < n:
            nxt = src[i + 1]
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", src[i + 2 : i + 6]):
                chars.append(chr(int(src[i + 2 : i + 6], 16)))
                i += 6
                continue
            chars.append(escapes.get(nxt, nxt))
            i += 2
            continue
        if ch == quote:
            return i + 1, "".join(chars)
        chars.append(ch)
        i += 1
    raise ValueError("unterminated string")


def _next_significant(src: str, i: int) -> str:
    """The next character that is not whitespace or inside a comment ("" at the end)."""
    n = len(src)
    while i < n:
        if src[i].isspace():
            i += 1
        elif src.startswith("//", i) or src[i] == "#":
            nl = src.find("\n", i)
            if nl < 0:
                return ""
            i = nl
        elif src.startswith("/*", i):
            close = src.find("*/", i + 2)
            if close < 0:
                return ""
            i = close + 2
        else:
            return src[i]
    return ""
