"""jq's builtin functions and @formats, keyed by (name, arity); the builtins on values live here.

The table is assembled from its parts: `jq_streams` (builtins over filters),
`jq_strings` (strings and regexes), the value builtins below (length, keys,
entries, arrays, conversions, math, paths) and `jq_formats` (@formats).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

from aoi.shelltools import jq_streams, jq_strings
from aoi.shelltools.jq_formats import FORMATS
from aoi.shelltools.jq_registry import Builtin, Fn, Registry
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

__all__ = ["BUILTINS", "FORMATS", "Fn"]

_TABLE = Registry()
_gen = _TABLE.gen
_val = _TABLE.val


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


@_gen("with_entries", 1)
def _with_entries(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    entries = [y for e in _to_entries(v) for y in args[0](e, env)]
    yield _from_entries(entries)


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

    _TABLE[(name, 0)] = run


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


_TABLE[("del", 1)] = _path_placeholder


BUILTINS: dict[tuple[str, int], Builtin] = {**jq_streams.TABLE, **jq_strings.TABLE, **_TABLE}
