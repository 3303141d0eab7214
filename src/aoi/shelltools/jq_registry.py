"""How a jq builtin is declared: a table keyed by (name, arity), filled by two decorators.

A builtin receives its input value, its arguments as filters (closures over the
environment) and the environment, and yields its outputs. `Registry.gen`
registers one that handles its filter arguments itself (`select`, `path`);
`Registry.val` one computed from values, called once per combination of its
arguments' outputs, as jq evaluates `f(a; b)`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

Fn = Callable[[Any, dict[str, Any]], Iterator[Any]]
Builtin = Callable[[Any, list[Fn], dict[str, Any]], Iterator[Any]]


class Registry(dict[tuple[str, int], Builtin]):
    """Builtins keyed by (name, arity)."""

    def gen(self, name: str, arity: int = 0) -> Callable[[Builtin], Builtin]:
        """Register a builtin that receives its arguments as filters (closures)."""

        def deco(fn: Builtin) -> Builtin:
            self[(name, arity)] = fn
            return fn

        return deco

    def val(self, name: str, arity: int = 0) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register a builtin computed from values: the cartesian product of its arguments."""

        def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
            def run(v: Any, args: list[Fn], env: dict[str, Any]) -> Iterator[Any]:
                if not args:
                    yield fn(v)
                    return
                streams = [list(a(v, env)) for a in args]
                for combo in itertools.product(*streams):
                    yield fn(v, *combo)

            self[(name, arity)] = run
            return fn

        return deco
