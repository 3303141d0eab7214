"""Compile a jq AST into Python generator closures (jq filters produce streams)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

from aoi.shelltools.jq_builtins import BUILTINS, FORMATS, Fn
from aoi.shelltools.jq_parser import JqSyntaxError, Node
from aoi.shelltools.jq_values import (
    JqRuntimeError,
    arith,
    brief,
    compare,
    index,
    iterate,
    slice_,
    truthy,
)

Env = dict[str, Any]
PathFn = Callable[[Any, Env], Iterator[tuple[list[Any], Any]]]


def check_variables(node: Any, bound: frozenset[str]) -> None:
    """Reject `$name` used outside any binding, at compile time as jq does."""
    if not isinstance(node, tuple | list):
        return
    if isinstance(node, tuple) and node:
        kind = node[0]
        if kind == "var" and node[1] not in bound and node[1] != "ENV":
            raise JqSyntaxError(f"${node[1]} is not defined", 0)
        if kind == "bind":
            check_variables(node[1], bound)
            check_variables(node[3], bound | {node[2]})
            return
        if kind == "reduce":
            check_variables(node[1], bound)
            check_variables(node[3], bound)
            check_variables(node[4], bound | {node[2]})
            return
    for child in node:
        check_variables(child, bound)


def compile_node(node: Node) -> Fn:
    kind = node[0]
    return _COMPILERS[kind](node)


def _identity(node: Node) -> Fn:
    def run(v: Any, env: Env) -> Iterator[Any]:
        yield v

    return run


def _literal(node: Node) -> Fn:
    value = node[1]

    def run(v: Any, env: Env) -> Iterator[Any]:
        yield value

    return run


def _index(node: Node) -> Fn:
    target = compile_node(node[1])
    if node[2][0] == "literal":
        key = node[2][1]

        def run_const(v: Any, env: Env) -> Iterator[Any]:
            for t in target(v, env):
                yield index(t, key)

        return run_const
    key_fn = compile_node(node[2])

    def run(v: Any, env: Env) -> Iterator[Any]:
        for t in target(v, env):
            for k in key_fn(v, env):
                yield index(t, k)

    return run


def _slice(node: Node) -> Fn:
    target = compile_node(node[1])
    lo = compile_node(node[2]) if node[2] is not None else _null
    hi = compile_node(node[3]) if node[3] is not None else _null

    def run(v: Any, env: Env) -> Iterator[Any]:
        for t in target(v, env):
            for h in hi(v, env):
                for lo_v in lo(v, env):
                    yield slice_(t, lo_v, h)

    return run


def _null(v: Any, env: Env) -> Iterator[Any]:
    yield None


def _iter(node: Node) -> Fn:
    target = compile_node(node[1])

    def run(v: Any, env: Env) -> Iterator[Any]:
        for t in target(v, env):
            yield from iterate(t)

    return run


def _pipe(node: Node) -> Fn:
    left, right = compile_node(node[1]), compile_node(node[2])

    def run(v: Any, env: Env) -> Iterator[Any]:
        for x in left(v, env):
            yield from right(x, env)

    return run


def _comma(node: Node) -> Fn:
    left, right = compile_node(node[1]), compile_node(node[2])

    def run(v: Any, env: Env) -> Iterator[Any]:
        yield from left(v, env)
        yield from right(v, env)

    return run


def _alt(node: Node) -> Fn:
    left, right = compile_node(node[1]), compile_node(node[2])

    def run(v: Any, env: Env) -> Iterator[Any]:
        produced = False
        try:
            for x in left(v, env):
                if truthy(x):
                    produced = True
                    yield x
        except JqRuntimeError:
            pass
        if not produced:
            yield from right(v, env)

    return run


def _and_or(node: Node) -> Fn:
    is_and = node[0] == "and"
    left, right = compile_node(node[1]), compile_node(node[2])

    def run(v: Any, env: Env) -> Iterator[Any]:
        for lv in left(v, env):
            if truthy(lv) != is_and:
                yield not is_and
                continue
            for rv in right(v, env):
                yield truthy(rv)

    return run


def _binop(node: Node) -> Fn:
    op = node[1]
    left, right = compile_node(node[2]), compile_node(node[3])
    if op in ("==", "!=", "<", "<=", ">", ">="):

        def run_cmp(v: Any, env: Env) -> Iterator[Any]:
            for r in right(v, env):
                for lv in left(v, env):
                    yield compare(op, lv, r)

        return run_cmp

    def run(v: Any, env: Env) -> Iterator[Any]:
        for r in right(v, env):
            for lv in left(v, env):
                yield arith(op, lv, r)

    return run


def _neg(node: Node) -> Fn:
    inner = compile_node(node[1])

    def run(v: Any, env: Env) -> Iterator[Any]:
        for x in inner(v, env):
            if isinstance(x, bool) or not isinstance(x, int | float):
                raise JqRuntimeError(f"{brief(x)} cannot be negated")
            yield -x

    return run


def _array(node: Node) -> Fn:
    inner = compile_node(node[1])

    def run(v: Any, env: Env) -> Iterator[Any]:
        yield list(inner(v, env))

    return run


def _object(node: Node) -> Fn:
    entries = [(compile_node(k), compile_node(val)) for k, val in node[1]]

    def run(v: Any, env: Env) -> Iterator[Any]:
        results: list[dict[str, Any]] = [{}]
        for key_fn, val_fn in entries:
            grown: list[dict[str, Any]] = []
            for partial in results:
                for k in key_fn(v, env):
                    if not isinstance(k, str):
                        raise JqRuntimeError(
                            "Object keys must be strings"
                            if k is not None
                            else "Cannot use null (null) as object key"
                        )
                    for val in val_fn(v, env):
                        grown.append({**partial, k: val})
            results = grown
        yield from results

    return run


def _string(node: Node) -> Fn:
    fmt = node[2] or "text"
    if fmt not in FORMATS:
        raise JqSyntaxError(f"{fmt} is not a valid format", 0)
    to_text = FORMATS[fmt]
    parts: list[str | Fn] = [p if isinstance(p, str) else compile_node(p) for p in node[1]]

    def run(v: Any, env: Env) -> Iterator[Any]:
        streams = [[p] if isinstance(p, str) else [to_text(x) for x in p(v, env)] for p in parts]
        # jq evaluates later interpolations in the outer loop.
        for combo in itertools.product(*reversed(streams)):
            yield "".join(reversed(combo))

    return run


def _format(node: Node) -> Fn:
    name = node[1]
    if name not in FORMATS:
        raise JqSyntaxError(f"{name} is not a valid format", 0)
    to_text = FORMATS[name]

    def run(v: Any, env: Env) -> Iterator[Any]:
        yield to_text(v)

    return run


def _var(node: Node) -> Fn:
    name = node[1]

    def run(v: Any, env: Env) -> Iterator[Any]:
        if name == "ENV":
            yield env.get(name, {})
        else:
            yield env[name]

    return run


def _bind(node: Node) -> Fn:
    source, name, body = compile_node(node[1]), node[2], compile_node(node[3])

    def run(v: Any, env: Env) -> Iterator[Any]:
        for x in source(v, env):
            yield from body(v, {**env, name: x})

    return run


def _if(node: Node) -> Fn:
    cond, then, other = compile_node(node[1]), compile_node(node[2]), compile_node(node[3])

    def run(v: Any, env: Env) -> Iterator[Any]:
        for c in cond(v, env):
            yield from (then if truthy(c) else other)(v, env)

    return run


def _try(node: Node) -> Fn:
    body = compile_node(node[1])
    handler = compile_node(node[2]) if node[2] is not None else None

    def run(v: Any, env: Env) -> Iterator[Any]:
        try:
            yield from body(v, env)
        except JqRuntimeError as err:
            if handler is not None:
                yield from handler(err.value, env)

    return run


def _reduce(node: Node) -> Fn:
    source, name = compile_node(node[1]), node[2]
    init, update = compile_node(node[3]), compile_node(node[4])

    def run(v: Any, env: Env) -> Iterator[Any]:
        for acc in init(v, env):
            for x in source(v, env):
                outs = list(update(acc, {**env, name: x}))
                acc = outs[-1] if outs else None
            yield acc

    return run


def _call(node: Node) -> Fn:
    name, arg_nodes = node[1], node[2]
    impl = BUILTINS.get((name, len(arg_nodes)))
    if impl is None:
        raise JqSyntaxError(f"{name}/{len(arg_nodes)} is not defined", 0)
    if name in ("path", "del") and len(arg_nodes) == 1:
        return _path_builtin(name, compile_path(arg_nodes[0]))
    args = [compile_node(a) for a in arg_nodes]
    label = f"{name}/{len(arg_nodes)}"

    def run(v: Any, env: Env) -> Iterator[Any]:
        try:
            yield from impl(v, args, env)
        except _HOST_ERRORS:
            # A builtin fed values jq would reject: report it as jq does, as an error value.
            raise JqRuntimeError(f"{brief(v)} is not valid input for {label}") from None

    return run


_HOST_ERRORS = (TypeError, ValueError, OverflowError, ZeroDivisionError, IndexError, KeyError)


def _assign(node: Node) -> Fn:
    op, lhs, rhs = node[1], compile_path(node[2]), compile_node(node[3])

    def run(v: Any, env: Env) -> Iterator[Any]:
        if op == "|=":
            out = v
            for path, current in list(lhs(v, env)):
                new = next(iter(rhs(current, env)), _DELETE)
                out = _delpath(out, path) if new is _DELETE else _setpath(out, path, new)
            yield out
            return
        for r in rhs(v, env):
            out = v
            for path, current in list(lhs(v, env)):
                if op == "=":
                    new = r
                elif op == "//=":
                    new = current if truthy(current) else r
                else:
                    new = arith(op[0], current, r)
                out = _setpath(out, path, new)
            yield out

    return run


_DELETE = object()


def _path_builtin(name: str, pf: PathFn) -> Fn:
    def run(v: Any, env: Env) -> Iterator[Any]:
        if name == "path":
            for path, _ in pf(v, env):
                yield path
            return
        paths = [p for p, _ in pf(v, env)]
        out = v
        for p in sorted(paths, key=lambda p: [(isinstance(x, str), x) for x in p], reverse=True):
            out = _delpath(out, p)
        yield out

    return run


def _setpath(v: Any, path: list[Any], new: Any) -> Any:
    if not path:
        return new
    key, rest = path[0], path[1:]
    if isinstance(key, str):
        if v is not None and not isinstance(v, dict):
            raise JqRuntimeError(f'Cannot index {brief(v).split(" ")[0]} with "{key}"')
        base = dict(v or {})
        base[key] = _setpath(base.get(key), rest, new)
        return base
    if v is not None and not isinstance(v, list):
        raise JqRuntimeError(f"Cannot index {brief(v).split(' ')[0]} with number")
    items = list(v or [])
    if not isinstance(key, int | float) or isinstance(key, bool) or not abs(key) < 10_000_000:
        raise JqRuntimeError("Array index too large")
    i = int(key)
    if i < 0:
        i += len(items)
        if i < 0:
            raise JqRuntimeError("Out of bounds negative array index")
    while len(items) <= i:
        items.append(None)
    items[i] = _setpath(items[i], rest, new)
    return items


def _delpath(v: Any, path: list[Any]) -> Any:
    if v is None or not path:
        return None
    key, rest = path[0], path[1:]
    if isinstance(v, dict) and isinstance(key, str):
        if key not in v:
            return v
        out = dict(v)
        if rest:
            out[key] = _delpath(out[key], rest)
        else:
            del out[key]
        return out
    if isinstance(v, list) and isinstance(key, int):
        if not -len(v) <= key < len(v):
            return v
        items = list(v)
        if rest:
            items[key] = _delpath(items[key], rest)
        else:
            del items[key]
        return items
    raise JqRuntimeError(f"Cannot delete field at index {key} of {brief(v)}")


def compile_path(node: Node) -> PathFn:
    """Compile a path expression (`.a.b`, `.[]`, `select(...)`) into (path, value) pairs."""
    kind = node[0]
    if kind == "identity":
        return lambda v, env: iter([([], v)])
    if kind == "index":
        target = compile_path(node[1])
        key_fn = compile_node(node[2])

        def run_index(v: Any, env: Env) -> Iterator[tuple[list[Any], Any]]:
            for path, t in target(v, env):
                for k in key_fn(v, env):
                    yield [*path, k], index(t, k)

        return run_index
    if kind == "iter":
        target = compile_path(node[1])

        def run_iter(v: Any, env: Env) -> Iterator[tuple[list[Any], Any]]:
            for path, t in target(v, env):
                if isinstance(t, dict):
                    for k, x in t.items():
                        yield [*path, k], x
                elif t is not None:
                    for i, x in enumerate(iterate(t)):
                        yield [*path, i], x

        return run_iter
    if kind == "pipe":
        left, right = compile_path(node[1]), compile_path(node[2])

        def run_pipe(v: Any, env: Env) -> Iterator[tuple[list[Any], Any]]:
            for p1, x in left(v, env):
                for p2, y in right(x, env):
                    yield p1 + p2, y

        return run_pipe
    if kind == "comma":
        left, right = compile_path(node[1]), compile_path(node[2])
        return lambda v, env: itertools.chain(left(v, env), right(v, env))
    if kind == "try":
        body = compile_path(node[1])

        def run_try(v: Any, env: Env) -> Iterator[tuple[list[Any], Any]]:
            try:
                yield from body(v, env)
            except JqRuntimeError:
                return

        return run_try
    if kind == "call" and node[1] == "select" and len(node[2]) == 1:
        cond = compile_node(node[2][0])

        def run_select(v: Any, env: Env) -> Iterator[tuple[list[Any], Any]]:
            for c in cond(v, env):
                if truthy(c):
                    yield [], v

        return run_select
    if kind == "call" and node[1] == "empty":
        return lambda v, env: iter(())
    value_fn = compile_node(node)

    def run_bad(v: Any, env: Env) -> Iterator[tuple[list[Any], Any]]:
        for x in value_fn(v, env):
            raise JqRuntimeError(
                f"Invalid path expression with result {brief(x).split(' ', 1)[1][1:-1]}"
            )
        return
        yield

    return run_bad


_COMPILERS: dict[str, Callable[[Node], Fn]] = {
    "identity": _identity,
    "literal": _literal,
    "index": _index,
    "slice": _slice,
    "iter": _iter,
    "pipe": _pipe,
    "comma": _comma,
    "alt": _alt,
    "and": _and_or,
    "or": _and_or,
    "binop": _binop,
    "neg": _neg,
    "array": _array,
    "object": _object,
    "string": _string,
    "format": _format,
    "var": _var,
    "bind": _bind,
    "if": _if,
    "try": _try,
    "reduce": _reduce,
    "call": _call,
    "assign": _assign,
}
