"""jq's builtins on strings: prefixes, case, split and join, and the regex family (test, capture, sub).

jq's regexes are Oniguruma's; the ones agents type (classes, groups, flags g i x n s)
mean the same in Python's `re`, to which they are translated once and cached.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from aoi.shelltools.jq_registry import Builtin, Fn, Registry
from aoi.shelltools.jq_values import (
    JqRuntimeError,
    brief,
    dump_compact,
    iterate,
    type_name,
)

_TABLE = Registry()
_gen = _TABLE.gen
_val = _TABLE.val


def _need_str(v: Any, fn: str) -> str:
    if not isinstance(v, str):
        raise JqRuntimeError(f"{fn}() requires string inputs")
    return v


@_val("startswith", 1)
def _startswith(v: Any, s: Any) -> Any:
    if not isinstance(v, str) or not isinstance(s, str):
        raise JqRuntimeError("startswith() requires string inputs")
    return v.startswith(s)


@_val("endswith", 1)
def _endswith(v: Any, s: Any) -> Any:
    if not isinstance(v, str) or not isinstance(s, str):
        raise JqRuntimeError("endswith() requires string inputs")
    return v.endswith(s)


@_val("ltrimstr", 1)
def _ltrimstr(v: Any, s: Any) -> Any:
    if isinstance(v, str) and isinstance(s, str) and v.startswith(s):
        return v[len(s) :]
    return v


@_val("rtrimstr", 1)
def _rtrimstr(v: Any, s: Any) -> Any:
    if isinstance(v, str) and isinstance(s, str) and s and v.endswith(s):
        return v[: -len(s)]
    return v


@_val("ascii_downcase")
def _downcase(v: Any) -> Any:
    if not isinstance(v, str):
        raise JqRuntimeError(f"{brief(v)} cannot be ascii_downcased")
    return "".join(c.lower() if c.isascii() else c for c in v)


@_val("ascii_upcase")
def _upcase(v: Any) -> Any:
    if not isinstance(v, str):
        raise JqRuntimeError(f"{brief(v)} cannot be ascii_upcased")
    return "".join(c.upper() if c.isascii() else c for c in v)


@_val("split", 1)
def _split(v: Any, sep: Any) -> Any:
    if not isinstance(v, str) or not isinstance(sep, str):
        raise JqRuntimeError("split input and separator must be strings")
    if not v:
        return []
    return v.split(sep) if sep else list(v)


@_val("join", 1)
def _join(v: Any, sep: Any) -> Any:
    parts = []
    for x in iterate(v):
        if x is None:
            parts.append("")
        elif isinstance(x, str):
            parts.append(x)
        elif isinstance(x, bool | int | float):
            parts.append(dump_compact(x))
        else:
            raise JqRuntimeError(f"Cannot join with {type_name(x)}")
    if not isinstance(sep, str):
        if not parts:
            return ""
        raise JqRuntimeError(f"{brief(parts[0])} and {brief(sep)} cannot be added")
    return sep.join(parts)


@lru_cache(maxsize=256)
def _regex(pattern: str, flags: str) -> re.Pattern[str]:
    bits = 0
    for f in flags:
        if f == "i":
            bits |= re.IGNORECASE
        elif f == "x":
            bits |= re.VERBOSE
        elif f == "s":
            bits |= re.DOTALL
        elif f not in "gnlp":
            raise JqRuntimeError(f"{flags} is not a valid modifier string")
    # Oniguruma spells named groups (?<name>...); Python wants (?P<name>...).
    pattern = re.sub(r"\(\?<([A-Za-z_])", r"(?P<\1", pattern)
    try:
        return re.compile(pattern, bits)
    except re.error as err:
        raise JqRuntimeError(
            f"{pattern} (at offset {err.pos or 0}) is not a valid regex: {err.msg}"
        ) from None


def _match_input(v: Any, pattern: Any) -> str:
    if not isinstance(v, str):
        raise JqRuntimeError(f"{brief(v)} cannot be matched, as it is not a string")
    if not isinstance(pattern, str):
        raise JqRuntimeError(f"{brief(pattern)} cannot be matched, as it is not a string")
    return v


@_val("test", 1)
def _test(v: Any, pattern: Any) -> Any:
    return _regex(pattern, "").search(_match_input(v, pattern)) is not None


@_val("test", 2)
def _test2(v: Any, pattern: Any, flags: Any) -> Any:
    return _regex(pattern, flags or "").search(_match_input(v, pattern)) is not None


def _capture_obj(m: re.Match[str]) -> dict[str, Any]:
    return dict(m.groupdict())


@_val("capture", 1)
def _capture(v: Any, pattern: Any) -> Any:
    m = _regex(pattern, "").search(_match_input(v, pattern))
    return _capture_obj(m) if m else None


def _sub(global_: bool) -> Builtin:
    def run(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
        flags = "g" if global_ else ""
        if len(args) == 3:
            flags += "".join(str(f) for f in args[2](v, env))
        for pattern in args[0](v, env):
            text = _match_input(v, pattern)
            rx = _regex(pattern, flags.replace("g", ""))
            out: list[str] = []
            pos = 0
            for m in rx.finditer(text):
                out.append(text[pos : m.start()])
                out.append(next((str(r) for r in args[1](_capture_obj(m), env)), ""))
                pos = m.end()
                if "g" not in flags:
                    break
            out.append(text[pos:])
            yield "".join(out)

    return run


_TABLE[("sub", 2)] = _sub(False)
_TABLE[("gsub", 2)] = _sub(True)
_TABLE[("sub", 3)] = _sub(False)
_TABLE[("gsub", 3)] = _sub(True)


@_gen("splits", 1)
def _splits(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    for pattern in args[0](v, env):
        yield from _regex(pattern, "").split(_match_input(v, pattern))


TABLE = _TABLE
