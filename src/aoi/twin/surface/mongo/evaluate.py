"""The evaluator: runs parsed statements with the shell's globals, never Python's eval.

Scripts are read-only helpers' glue: function literals run only when an array method
or a script calls them, there are no loops, and every evaluated node costs a step
from a budget, so a hostile script ends with an error instead of hanging.
"""

from __future__ import annotations

import hashlib
from typing import Any

from aoi.twin.surface.mongo import operators as ops
from aoi.twin.surface.mongo.format import display, json_stringify, tojson
from aoi.twin.surface.mongo.helpers import (
    COLL_METHODS,
    CURSOR_METHODS,
    DB_METHODS,
    RS_METHODS,
    ShellHelpers,
)
from aoi.twin.surface.mongo.parser import Node
from aoi.twin.surface.mongo.server import Server
from aoi.twin.surface.mongo.values import (
    UNDEFINED,
    VERSION,
    CollHandle,
    Cursor,
    DbHandle,
    Function,
    JsError,
    JsonHandle,
    Method,
    RsHandle,
    Scope,
    Special,
)

MAX_STEPS = 200_000  # evaluated nodes per script: far above any honest read-only script
MAX_CALLS = 64  # nested function calls
_GLOBALS = {
    "print",
    "printjson",
    "tojson",
    "version",
    "NumberLong",
    "NumberInt",
    "ObjectId",
    "ISODate",
    "UUID",
    "quit",
    "exit",
    "hostname",
}
_ARRAY_METHODS = {
    "map",
    "filter",
    "forEach",
    "find",
    "some",
    "every",
    "join",
    "includes",
    "indexOf",
}


class Quit(Exception):
    """quit() or exit(): the script stops here, successfully."""


def _source(node: Node) -> str:
    """How SpiderMonkey names an expression in a TypeError: db.getUser(...), x.y."""
    kind = node[0]
    if kind == "name":
        return str(node[1])
    if kind == "member":
        key = node[2]
        inner = _source(node[1])
        return (
            f"{inner}.{key[1]}" if key[0] == "lit" and isinstance(key[1], str) else f"{inner}[...]"
        )
    if kind == "call":
        return _source(node[1]) + "(...)"
    if kind == "lit":
        return tojson(node[1])
    return "(intermediate value)"


class Interpreter(ShellHelpers):
    """Evaluates the parsed statements with the shell's globals (db, rs, print, ...)."""

    def __init__(self, server: Server | None, db: str, out: list[str]) -> None:
        super().__init__(server, db, out)
        self.scope = Scope()
        self.steps = 0
        self.calls = 0

    def run(self, stmts: list[Node]) -> Any:
        last: Any = UNDEFINED
        for stmt in stmts:
            last = self.eval(stmt)
        return last

    def tick(self, steps: int = 1) -> None:
        self.steps += steps
        if self.steps > MAX_STEPS:
            raise JsError("InternalError", f"script stopped after {MAX_STEPS} evaluation steps")

    def eval(self, node: Node) -> Any:
        self.tick()
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "arr":
            return [self.eval(n) for n in node[1]]
        if kind == "obj":
            return {k: self.eval(v) for k, v in node[1]}
        if kind == "neg":
            return -ops.to_number(self.eval(node[1]))
        if kind == "pos":
            return ops.to_number(self.eval(node[1]))
        if kind == "not":
            return not ops.truthy(self.eval(node[1]))
        if kind == "typeof":
            if node[1][0] == "name":  # typeof of an undeclared name is "undefined"
                return ops.typeof(self.lookup(node[1][1], UNDEFINED))
            return ops.typeof(self.eval(node[1]))
        if kind == "bin":
            return self.binary(node[1], node[2], node[3])
        if kind == "cond":
            return self.eval(node[2] if ops.truthy(self.eval(node[1])) else node[3])
        if kind in ("var", "fundecl"):
            self.scope.vars[node[1]] = self.eval(node[2])
            return UNDEFINED
        if kind == "assign":
            value = self.eval(node[2])
            (self.scope.find(node[1]) or self.global_scope()).vars[node[1]] = value
            return value
        if kind == "func":
            return Function(node[1], node[2], node[3], self.scope)
        if kind == "name":
            return self.lookup(node[1])
        if kind == "member":
            target = self.eval(node[1])
            return self.member(target, self.eval(node[2]), node[1])
        target = self.eval(node[1])
        args = [self.eval(a) for a in node[2]]
        if not isinstance(target, Method | Function):
            raise JsError("TypeError", f"{_source(node[1])} is not a function")
        return self.invoke(target, args)

    def binary(self, op: str, left: Node, right: Node) -> Any:
        value = self.eval(left)
        if op == "&&":
            return self.eval(right) if ops.truthy(value) else value
        if op == "||":
            return value if ops.truthy(value) else self.eval(right)
        return ops.binary(op, value, self.eval(right))

    def global_scope(self) -> Scope:
        scope = self.scope
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def lookup(self, name: str, missing: Any = None) -> Any:
        scope = self.scope.find(name)
        if scope is not None:
            return scope.vars[name]
        if name == "db" and self.server is not None:
            return DbHandle(self.db)
        if name == "rs" and self.server is not None:
            return RsHandle()
        if name == "JSON":
            return JsonHandle()
        if name in _GLOBALS:
            return Method(None, name)
        if missing is not None:
            return missing
        raise JsError("ReferenceError", f"{name} is not defined")

    def member(self, target: Any, key: Any, node: Node) -> Any:
        if target is None or target is UNDEFINED:
            raise JsError(
                "TypeError", f"{_source(node)} is {'null' if target is None else 'undefined'}"
            )
        name = ops.to_string(key)
        if isinstance(target, DbHandle):
            return Method(target, name) if name in DB_METHODS else CollHandle(target.name, name)
        if isinstance(target, CollHandle):
            if name in COLL_METHODS:
                return Method(target, name)
            return CollHandle(target.db, f"{target.name}.{name}")
        if isinstance(target, Cursor):
            return Method(target, name) if name in CURSOR_METHODS else UNDEFINED
        if isinstance(target, RsHandle):
            return Method(target, name) if name in RS_METHODS else UNDEFINED
        if isinstance(target, JsonHandle):
            return Method(target, name) if name == "stringify" else UNDEFINED
        if isinstance(target, dict):
            return target.get(name, UNDEFINED)
        if isinstance(target, list) and name in _ARRAY_METHODS:
            return Method(target, name)
        if isinstance(target, list | str):
            if name == "length":
                return len(target)
            if isinstance(key, int) and 0 <= key < len(target):
                return target[key]
        return UNDEFINED

    # --- calls ---------------------------------------------------------------------------
    def invoke(self, fn: Method | Function, args: list[Any]) -> Any:
        if isinstance(fn, Function):
            return self.call_function(fn, args)
        return self.call(fn, args)

    def call_function(self, fn: Function, args: list[Any]) -> Any:
        if self.calls >= MAX_CALLS:
            raise JsError("InternalError", "too much recursion")
        bound = dict(zip(fn.params, [*args, *[UNDEFINED] * len(fn.params)], strict=False))
        outer, self.scope = self.scope, Scope(bound, fn.scope)
        self.calls += 1
        try:
            kind, body = fn.body
            if kind == "expr":
                return self.eval(body)
            for stmt in body:
                if stmt[0] == "return":
                    return self.eval(stmt[1])
                self.eval(stmt)
            return UNDEFINED
        finally:
            self.scope = outer
            self.calls -= 1

    def call(self, fn: Method, args: list[Any]) -> Any:
        target = fn.target
        if target is None:
            return self.call_global(fn.name, args)
        if isinstance(target, list):
            return self.call_array(target, fn.name, args)
        if isinstance(target, JsonHandle):
            return self.stringify(args)
        if isinstance(target, DbHandle):
            return self.call_db(target, fn.name, args)
        if isinstance(target, CollHandle):
            return self.call_coll(target, fn.name, args)
        if isinstance(target, Cursor):
            if fn.name in ("forEach", "map"):
                return self.call_array(self.fetch(target), fn.name, args)
            return self.call_cursor(target, fn.name, args)
        return self.call_rs(fn.name, args)

    def call_array(self, items: list[Any], name: str, args: list[Any]) -> Any:
        """map, filter, forEach, find, some, every, join, includes, indexOf."""
        arg = args[0] if args else UNDEFINED
        self.tick(len(items))
        if name == "join":
            ops.check_size(items)
            sep = "," if arg is UNDEFINED else ops.to_string(arg)
            return ops.cap(
                sep.join("" if v is None or v is UNDEFINED else display(v) for v in items)
            )
        if name in ("includes", "indexOf"):
            found = [i for i, v in enumerate(items) if ops.strict_equals(v, arg)]
            return bool(found) if name == "includes" else (found[0] if found else -1)
        if not isinstance(arg, Method | Function):
            shown = tojson(arg) if ops.is_primitive(arg) else "(intermediate value)"
            raise JsError("TypeError", f"{shown} is not a function")
        results = [self.invoke(arg, [v, i, items]) for i, v in enumerate(items)]
        if name == "map":
            return results
        if name == "filter":
            return [v for v, r in zip(items, results, strict=True) if ops.truthy(r)]
        if name == "find":
            return next(
                (v for v, r in zip(items, results, strict=True) if ops.truthy(r)), UNDEFINED
            )
        if name == "some":
            return any(ops.truthy(r) for r in results)
        if name == "every":
            return all(ops.truthy(r) for r in results)
        return UNDEFINED

    def stringify(self, args: list[Any]) -> Any:
        value = self.materialize(args[0]) if args else UNDEFINED
        space = args[2] if len(args) > 2 else UNDEFINED
        gap = ""
        if ops.is_number(space):
            gap = " " * max(0, min(10, ops.to_int(space)))
        elif isinstance(space, str):
            gap = space[:10]
        ops.check_size(value)
        text = json_stringify(value, gap)
        return UNDEFINED if text is None else ops.cap(text)

    def call_global(self, name: str, args: list[Any]) -> Any:
        arg = args[0] if args else UNDEFINED
        if name == "print":
            self.out.append(" ".join(ops.to_string(a) for a in args))
            return UNDEFINED
        if name in ("printjson", "tojson"):
            value = self.materialize(arg)
            ops.check_size(value)
            text = ops.cap(tojson(value))
            if name == "tojson":
                return text
            self.out.append(text)
            return UNDEFINED
        if name == "version":
            return VERSION
        if name in ("quit", "exit"):
            raise Quit()
        if name == "hostname":
            return self.server.component if self.server else "localhost"
        if name in ("NumberLong", "NumberInt"):
            number = (
                int(float(arg))
                if isinstance(arg, int | float | str)
                and str(arg).strip("-").replace(".", "", 1).isdigit()
                else 0
            )
            return Special(f"{name}({number})") if name == "NumberLong" else number
        if name == "UUID" and isinstance(arg, str):
            return Special(f'UUID("{arg}")')
        if name == "ObjectId":
            text = (
                arg
                if isinstance(arg, str)
                else hashlib.sha1(str(len(self.out)).encode()).hexdigest()[:24]
            )
            return Special(f'ObjectId("{text}")')
        if name == "ISODate":
            return Special(f'ISODate("{arg if isinstance(arg, str) else "1970-01-01T00:00:00Z"}")')
        return UNDEFINED

    def show(self, value: Any) -> None:
        """shellPrintHelper: how the shell prints the value of the last statement."""
        if value is UNDEFINED:
            return
        if isinstance(value, Cursor):
            docs = self.fetch(value)
            for doc in docs[:20]:
                self.out.append(tojson(doc) if value.pretty else tojson(doc, "", True))
            if len(docs) > 20:
                self.out.append('Type "it" for more')
            return
        ops.check_size(value)
        if isinstance(value, dict | list | Special) or value is None:
            self.out.append(tojson(value))
            return
        self.out.append(display(value))
