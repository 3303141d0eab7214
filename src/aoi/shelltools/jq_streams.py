"""jq's builtins over streams: those that take filters as arguments (select, map, limit, ...).

They yield any number of outputs per input, so they are written as generators
that call their argument filters themselves.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from aoi.shelltools.jq_registry import Fn, Registry
from aoi.shelltools.jq_values import (
    JqRuntimeError,
    brief,
    equal,
    iterate,
    sort_key,
    truthy,
)

_TABLE = Registry()
_gen = _TABLE.gen
_val = _TABLE.val


def _first_of(fn: Fn, v: Any, env: dict[str, Any]) -> list[Any]:
    return list(fn(v, env))


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


@_gen("debug")
def _debug(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
    yield v


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

    _TABLE[(name, 1)] = run


for _name in ("sort_by", "group_by", "unique_by", "min_by", "max_by"):
    _by(_name)


TABLE = _TABLE
