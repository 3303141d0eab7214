"""jq's builtin functions and @formats, keyed by (name, arity)."""

from __future__ import annotations

import base64
import itertools
import json
import math
import re
import urllib.parse
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from aoi.shelltools.jq_values import (
    JqRuntimeError,
    add,
    brief,
    dump_compact,
    equal,
    iterate,
    length,
    num,
    sort_key,
    tostring,
    truthy,
    type_name,
)

Fn = Callable[[Any, dict[str, Any]], Iterator[Any]]
Builtin = Callable[[Any, list[Fn], dict[str, Any]], Iterator[Any]]

BUILTINS: dict[tuple[str, int], Builtin] = {}


def _gen(name: str, arity: int = 0) -> Callable[[Builtin], Builtin]:
    """Register a builtin that receives its arguments as filters (closures)."""

    def deco(fn: Builtin) -> Builtin:
        BUILTINS[(name, arity)] = fn
        return fn

    return deco


def _val(name: str, arity: int = 0) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a builtin computed from values: the cartesian product of its arguments."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
            if not args:
                yield fn(v)
                return
            streams = [list(a(v, env)) for a in args]
            for combo in itertools.product(*streams):
                yield fn(v, *combo)

        BUILTINS[(name, arity)] = run
        return fn

    return deco


def _first_of(fn: Fn, v: Any, env: dict[str, Any]) -> list[Any]:
    return list(fn(v, env))


# --- streams -----------------------------------------------------------------


@_gen("empty")
def _empty(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    return iter(())


@_gen("select", 1)
def _select(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    for c in args[0](v, env):
        if truthy(c):
            yield v


@_gen("map", 1)
def _map(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    yield [y for x in iterate(v) for y in args[0](x, env)]


@_gen("map_values", 1)
def _map_values(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            for y in args[0](x, env):
                out[k] = y
                break
        yield out
    else:
        yield [y for x in iterate(v) for y in itertools.islice(args[0](x, env), 1)]


@_gen("recurse")
def _recurse(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    yield v
    if isinstance(v, list):
        for x in v:
            yield from _recurse(x, args, env)
    elif isinstance(v, dict):
        for x in v.values():
            yield from _recurse(x, args, env)


@_gen("recurse", 1)
def _recurse_f(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    yield v
    for x in args[0](v, env):
        yield from _recurse_f(x, args, env)


@_gen("first", 1)
def _first_f(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    yield from itertools.islice(args[0](v, env), 1)


@_gen("last", 1)
def _last_f(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    out = list(args[0](v, env))
    if out:
        yield out[-1]


@_gen("limit", 2)
def _limit(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    for n in args[0](v, env):
        if n > 0:
            yield from itertools.islice(args[1](v, env), int(n))


@_gen("nth", 2)
def _nth_f(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    for n in args[0](v, env):
        if n < 0:
            raise JqRuntimeError("Out of bounds negative array index")
        yield from itertools.islice(args[1](v, env), int(n), int(n) + 1)


@_gen("isempty", 1)
def _isempty(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    yield next(iter(args[0](v, env)), _MISSING) is _MISSING


_MISSING = object()


@_gen("range", 1)
def _range1(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    for n in args[0](v, env):
        i = 0
        while i < n:
            yield i
            i += 1


@_gen("range", 2)
def _range2(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    for lo in args[0](v, env):
        for hi in args[1](v, env):
            i = lo
            while i < hi:
                yield i
                i += 1


@_gen("error")
def _error0(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    raise JqRuntimeError(v)


@_gen("error", 1)
def _error1(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    for msg in args[0](v, env):
        raise JqRuntimeError(msg)
    return
    yield


@_gen("any", 1)
def _any_f(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    yield any(truthy(y) for x in iterate(v) for y in args[0](x, env))


@_gen("all", 1)
def _all_f(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    yield all(truthy(y) for x in iterate(v) for y in args[0](x, env))


@_gen("any", 2)
def _any_gen(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    yield any(truthy(y) for x in args[0](v, env) for y in args[1](x, env))


@_gen("all", 2)
def _all_gen(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    yield all(truthy(y) for x in args[0](v, env) for y in args[1](x, env))


@_gen("IN", 1)
def _in_stream(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    yield any(equal(x, v) for x in args[0](v, env))


@_gen("IN", 2)
def _in_stream2(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    wanted = list(args[1](v, env))
    yield any(equal(x, w) for x in args[0](v, env) for w in wanted)


@_gen("splits", 1)
def _splits(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    for pattern in args[0](v, env):
        yield from _regex(pattern, "").split(_match_input(v, pattern))


@_gen("debug")
def _debug(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    yield v


@_gen("with_entries", 1)
def _with_entries(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    entries = [y for e in _to_entries(v) for y in args[0](e, env)]
    yield _from_entries(entries)


@_gen("walk", 1)
def _walk(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    if isinstance(v, list):
        v = [y for x in v for y in _walk(x, args, env)]
    elif isinstance(v, dict):
        v = {k: y for k, x in v.items() for y in itertools.islice(_walk(x, args, env), 1)}
    yield from args[0](v, env)


def _by(name: str) -> None:
    def run(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
        if not isinstance(v, list):
            raise JqRuntimeError(f"{brief(v)} cannot be sorted, as it is not an array")
        keyed = [(sort_key(list(args[0](x, env))), x) for x in v]
        keyed.sort(key=lambda p: p[0])
        if name == "sort_by":
            yield [x for _, x in keyed]
        elif name in ("group_by", "unique_by"):
            groups = [
                [x for _, x in grp] for _, grp in itertools.groupby(keyed, key=lambda p: p[0])
            ]
            yield groups if name == "group_by" else [g[0] for g in groups]
        elif name == "min_by":
            yield keyed[0][1] if keyed else None
        else:
            best = None
            for k, x in keyed:  # the last of equal maxima, as jq does
                if best is None or k >= best[0]:
                    best = (k, x)
            yield best[1] if best else None

    BUILTINS[(name, 1)] = run


for _name in ("sort_by", "group_by", "unique_by", "min_by", "max_by"):
    _by(_name)


# --- values ------------------------------------------------------------------


@_val("not")
def _not(v: Any) -> Any:
    return not truthy(v)


@_val("length")
def _length(v: Any) -> Any:
    return length(v)


@_val("utf8bytelength")
def _utf8bytelength(v: Any) -> Any:
    if not isinstance(v, str):
        raise JqRuntimeError(f"{brief(v)} only strings have UTF-8 byte length")
    return len(v.encode())


@_val("keys")
def _keys(v: Any) -> Any:
    if isinstance(v, dict):
        return sorted(v)
    if isinstance(v, list):
        return list(range(len(v)))
    raise JqRuntimeError(f"{brief(v)} has no keys")


@_val("keys_unsorted")
def _keys_unsorted(v: Any) -> Any:
    if isinstance(v, dict):
        return list(v)
    return _keys(v)


@_val("has", 1)
def _has(v: Any, k: Any) -> Any:
    if isinstance(v, dict) and isinstance(k, str):
        return k in v
    if isinstance(v, list) and isinstance(k, int | float) and not isinstance(k, bool):
        return 0 <= k < len(v)
    raise JqRuntimeError(f"Cannot check whether {type_name(v)} has a {type_name(k)} key")


@_val("in", 1)
def _in(v: Any, obj: Any) -> Any:
    return _has(obj, v)


def _contains(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return all(k in a and _contains(a[k], bv) for k, bv in b.items())
    if isinstance(a, list) and isinstance(b, list):
        return all(any(_contains(x, y) for x in a) for y in b)
    if isinstance(a, str) and isinstance(b, str):
        return b in a
    if type_name(a) == type_name(b):
        return equal(a, b)
    raise JqRuntimeError(f"{brief(a)} and {brief(b)} cannot have their containment checked")


@_val("contains", 1)
def _contains_b(v: Any, b: Any) -> Any:
    return _contains(v, b)


@_val("inside", 1)
def _inside(v: Any, b: Any) -> Any:
    return _contains(b, v)


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


BUILTINS[("sub", 2)] = _sub(False)
BUILTINS[("gsub", 2)] = _sub(True)
BUILTINS[("sub", 3)] = _sub(False)
BUILTINS[("gsub", 3)] = _sub(True)


def _to_entries(v: Any) -> list[Any]:
    if isinstance(v, dict):
        return [{"key": k, "value": x} for k, x in v.items()]
    if isinstance(v, list):
        return [{"key": i, "value": x} for i, x in enumerate(v)]
    raise JqRuntimeError(f"{brief(v)} has no keys")


def _from_entries(v: Any) -> Any:
    out: dict[str, Any] = {}
    for e in iterate(v):
        if not isinstance(e, dict):
            raise JqRuntimeError(f'Cannot index {type_name(e)} with "k"')
        key = next(
            (e[k] for k in ("key", "k", "name", "Name", "K", "Key") if truthy(e.get(k))),
            e.get("key"),
        )
        value = next((e[k] for k in ("value", "v", "Value", "V") if k in e), None)
        if isinstance(key, bool | int | float) and key is not None:
            key = dump_compact(key)
        if not isinstance(key, str):
            raise JqRuntimeError(f"Cannot use {brief(key)} as object key")
        out[key] = value
    return out


_val("to_entries")(_to_entries)
_val("from_entries")(_from_entries)


@_val("first")
def _first(v: Any) -> Any:
    return _idx(v, 0)


@_val("last")
def _last(v: Any) -> Any:
    return _idx(v, -1)


@_val("nth", 1)
def _nth(v: Any, n: Any) -> Any:
    return _idx(v, n)


def _idx(v: Any, i: Any) -> Any:
    if v is None:
        return None
    if not isinstance(v, list):
        raise JqRuntimeError(f"Cannot index {type_name(v)} with number")
    i = math.floor(i)
    if i < 0:
        i += len(v)
    return v[i] if 0 <= i < len(v) else None


def _need_array(v: Any, what: str) -> list[Any]:
    if not isinstance(v, list):
        raise JqRuntimeError(f"{brief(v)} cannot be {what}, as it is not an array")
    return v


@_val("sort")
def _sort(v: Any) -> Any:
    return sorted(_need_array(v, "sorted"), key=sort_key)


@_val("unique")
def _unique(v: Any) -> Any:
    out: list[Any] = []
    for x in sorted(_need_array(v, "sorted"), key=sort_key):
        if not out or not equal(out[-1], x):
            out.append(x)
    return out


@_val("min")
def _min(v: Any) -> Any:
    items = _need_array(v, "sorted")
    return min(items, key=sort_key) if items else None


@_val("max")
def _max(v: Any) -> Any:
    items = _need_array(v, "sorted")
    return max(reversed(items), key=sort_key) if items else None


@_val("reverse")
def _reverse(v: Any) -> Any:
    if v is None:
        return []
    if isinstance(v, str | list):
        return v[::-1]
    raise JqRuntimeError(f"Cannot reverse {brief(v)}")


@_val("add")
def _add(v: Any) -> Any:
    acc = None
    for x in iterate(v):
        acc = add(acc, x)
    return acc


@_val("any")
def _any(v: Any) -> Any:
    return any(truthy(x) for x in iterate(v))


@_val("all")
def _all(v: Any) -> Any:
    return all(truthy(x) for x in iterate(v))


def _flatten(v: Any, depth: float) -> list[Any]:
    if depth < 0:
        raise JqRuntimeError("flatten depth must not be negative")
    out: list[Any] = []
    for x in _need_array(v, "flattened"):
        if isinstance(x, list) and depth > 0:
            out.extend(_flatten(x, depth - 1))
        else:
            out.append(x)
    return out


_val("flatten")(lambda v: _flatten(v, 1e9))
_val("flatten", 1)(_flatten)


@_val("type")
def _type(v: Any) -> Any:
    return type_name(v)


@_val("tostring")
def _tostring(v: Any) -> Any:
    return tostring(v)


@_val("tojson")
def _tojson(v: Any) -> Any:
    return dump_compact(v)


@_val("fromjson")
def _fromjson(v: Any) -> Any:
    try:
        return json.loads(v)
    except (TypeError, ValueError):
        raise JqRuntimeError(f"{brief(v)} cannot be parsed as JSON") from None


@_val("tonumber")
def _tonumber(v: Any) -> Any:
    if isinstance(v, int | float) and not isinstance(v, bool):
        return v
    if isinstance(v, str):
        try:
            return num(float(v)) if re.search(r"[.eE]", v) else int(v)
        except ValueError:
            raise JqRuntimeError(f"Cannot parse '{v}' as JSON") from None
    raise JqRuntimeError(f"{brief(v)} cannot be parsed as a number")


@_val("ascii")
def _ascii(v: Any) -> Any:
    return chr(int(v))


@_val("explode")
def _explode(v: Any) -> Any:
    if not isinstance(v, str):
        raise JqRuntimeError(f"{brief(v)} cannot be exploded")
    return [ord(c) for c in v]


@_val("implode")
def _implode(v: Any) -> Any:
    try:
        return "".join(chr(int(c)) for c in _need_array(v, "imploded"))
    except (TypeError, ValueError, OverflowError):
        raise JqRuntimeError("Implode input must be an array of codepoints") from None


def _trimmer(name: str, fn: Callable[[str], str]) -> None:
    def run(v: Any) -> Any:
        if not isinstance(v, str):
            raise JqRuntimeError(f"{brief(v)} cannot be trimmed")
        return fn(v)

    _val(name)(run)


_trimmer("trim", str.strip)
_trimmer("ltrim", str.lstrip)
_trimmer("rtrim", str.rstrip)


@_val("index", 1)
def _index(v: Any, s: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, str) and isinstance(s, str):
        i = v.find(s)
        return None if i < 0 or not s else i
    if isinstance(v, list):
        needle = s if isinstance(s, list) else [s]
        for i in range(len(v) - len(needle) + 1):
            if all(equal(v[i + j], needle[j]) for j in range(len(needle))):
                return i
        return None
    raise JqRuntimeError(f"Cannot determine the index of {brief(s)} in {brief(v)}")


_MATH: dict[str, Callable[[float], float]] = {
    "floor": math.floor,
    "ceil": math.ceil,
    "round": round,
    "sqrt": math.sqrt,
    "fabs": abs,
}


def _math_builtin(name: str) -> None:
    fn = _MATH[name]

    def run(v: Any) -> Any:
        if not isinstance(v, int | float) or isinstance(v, bool):
            raise JqRuntimeError(f"{brief(v)} number required")
        return num(float(fn(v)))

    _val(name)(run)


for _name in _MATH:
    _math_builtin(_name)


def _kind_filter(name: str, pred: Callable[[Any], bool]) -> None:
    def run(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
        if pred(v):
            yield v

    BUILTINS[(name, 0)] = run


_kind_filter("values", lambda v: v is not None)
_kind_filter("nulls", lambda v: v is None)
_kind_filter("booleans", lambda v: v is True or v is False)
_kind_filter("numbers", lambda v: type_name(v) == "number")
_kind_filter("strings", lambda v: isinstance(v, str))
_kind_filter("arrays", lambda v: isinstance(v, list))
_kind_filter("objects", lambda v: isinstance(v, dict))
_kind_filter("iterables", lambda v: isinstance(v, list | dict))
_kind_filter("scalars", lambda v: not isinstance(v, list | dict))


@_gen("paths")
def _paths(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    def walk(x: Any, prefix: list[Any]) -> Iterator[Any]:
        items = x.items() if isinstance(x, dict) else enumerate(x) if isinstance(x, list) else ()
        for k, y in items:
            yield [*prefix, k]
            yield from walk(y, [*prefix, k])

    yield from walk(v, [])


@_val("getpath", 1)
def _getpath(v: Any, path: Any) -> Any:
    for k in _need_array(path, "used as a path"):
        if v is None:
            return None
        if (isinstance(v, dict) and isinstance(k, str)) or (
            isinstance(v, list) and isinstance(k, int)
        ):
            v = _idx(v, k) if isinstance(v, list) else v.get(k)
        else:
            return None
    return v


@_gen("env")
def _env(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    yield {}


@_gen("input_filename")
def _input_filename(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    yield None


@_gen("path", 1)
def _path_placeholder(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    raise JqRuntimeError("path(...) is compiled specially")  # pragma: no cover


BUILTINS[("del", 1)] = _path_placeholder


# --- @formats -----------------------------------------------------------------


def _csv_cell(x: Any) -> str:
    if isinstance(x, str):
        return '"' + x.replace('"', '""') + '"'
    if x is None:
        return ""
    if isinstance(x, list | dict):
        raise JqRuntimeError(f"{brief(x)} is not valid in a csv row")
    return dump_compact(x)


def _tsv_cell(x: Any) -> str:
    if isinstance(x, str):
        return (
            x.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        )
    if x is None:
        return ""
    if isinstance(x, list | dict):
        raise JqRuntimeError(f"{brief(x)} is not valid in a csv row")
    return dump_compact(x)


def _row(v: Any, kind: str) -> list[Any]:
    if not isinstance(v, list):
        raise JqRuntimeError(f"{brief(v)} cannot be {kind}-formatted, only an array can be")
    return v


def _sh(v: Any) -> str:
    items = v if isinstance(v, list) else [v]
    out = []
    for x in items:
        if isinstance(x, list | dict):
            raise JqRuntimeError(f"{brief(x)} can not be escaped for shell")
        out.append("'" + x.replace("'", "'\\''") + "'" if isinstance(x, str) else dump_compact(x))
    return " ".join(out)


def _base64d(v: Any) -> str:
    text = tostring(v)
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4)).decode("utf-8", "replace")
    except ValueError:
        raise JqRuntimeError(f"{brief(v)} is not valid base64 data") from None


FORMATS: dict[str, Callable[[Any], str]] = {
    "text": tostring,
    "json": dump_compact,
    "csv": lambda v: ",".join(_csv_cell(x) for x in _row(v, "csv")),
    "tsv": lambda v: "\t".join(_tsv_cell(x) for x in _row(v, "tsv")),
    "html": lambda v: (
        tostring(v)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&quot;")
    ),
    "uri": lambda v: urllib.parse.quote(tostring(v), safe="-_.~"),
    "sh": _sh,
    "base64": lambda v: base64.b64encode(tostring(v).encode()).decode(),
    "base64d": _base64d,
}
