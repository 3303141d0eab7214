"""A parser for the shell's JavaScript subset: statements, expressions, function literals.

AST nodes are tuples: ("lit", v) ("obj", [(k, node)]) ("arr", [node]) ("name", id)
("member", node, key_node) ("call", node, [args]) ("neg" | "pos" | "not" | "typeof", node)
("bin", op, left, right) ("cond", test, then, else) ("var", id, node) ("assign", id, node)
("fundecl", id, func) ("return", node) and ("func", params, body, source), where body
is ("expr", node) or ("block", [statements]).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aoi.twin.surface.mongo.lexer import Tok, tokenize
from aoi.twin.surface.mongo.values import UNDEFINED, JsError

Node = tuple[Any, ...]

# binary operators and their precedence (higher binds tighter)
_BINARY = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "===": 3,
    "!==": 3,
    "<": 4,
    ">": 4,
    "<=": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}
_WORDS = {
    "true": True,
    "false": False,
    "null": None,
    "undefined": UNDEFINED,
    "NaN": float("nan"),
    "Infinity": float("inf"),
}
MAX_NESTING = 64  # deeper nesting is hostile input; SpiderMonkey would also give up, later


class Parser:
    def __init__(self, src: str) -> None:
        self.src = src
        self.toks = tokenize(src)
        self.i = 0
        self.nesting = 0
        self.functions = 0  # how many function bodies enclose the parse position

    def peek(self, ahead: int = 0) -> Tok:
        return self.toks[min(self.i + ahead, len(self.toks) - 1)]

    def take(self) -> Tok:
        tok = self.toks[self.i]
        self.i = min(self.i + 1, len(self.toks) - 1)
        return tok

    def accept(self, text: str) -> bool:
        tok = self.peek()
        if tok.kind in ("punct", "ident") and tok.text == text:
            self.take()
            return True
        return False

    def at(self, text: str, ahead: int = 0) -> bool:
        tok = self.peek(ahead)
        return tok.kind == "punct" and tok.text == text

    def expect(self, text: str, message: str) -> None:
        if not self.accept(text):
            raise self.error(message)

    def error(self, message: str) -> JsError:
        return JsError("SyntaxError", message, ("",), col=self.peek().pos)

    def unexpected(self) -> JsError:
        tok = self.peek()
        if tok.kind == "eof":
            return self.error("expected expression, got end of script")
        return self.error(f"expected expression, got '{tok.text}'")

    # --- statements ------------------------------------------------------------------------
    def program(self) -> list[Node]:
        return self.statements(closing=False)

    def statements(self, closing: bool) -> list[Node]:
        """Statements up to the end of the script, or up to the `}` closing a function body."""
        stmts: list[Node] = []
        while not (closing and self.accept("}")):
            if self.peek().kind == "eof":
                if closing:
                    raise self.error("missing } after function body")
                return stmts
            if self.accept(";"):
                continue
            stmt = self.statement()
            stmts.append(stmt)
            tok = self.peek()
            ends = tok.kind == "eof" or (closing and self.at("}"))
            if ends or tok.newline_before or stmt[0] == "fundecl":
                continue
            if not self.accept(";"):
                raise self.error("missing ; before statement")
        return stmts

    def statement(self) -> Node:
        tok = self.peek()
        if tok.kind == "ident" and tok.text in ("var", "let", "const"):
            self.take()
            name = self.take()
            if name.kind != "ident":
                raise JsError("SyntaxError", "missing variable name", ("",), col=name.pos)
            value: Node = ("lit", UNDEFINED)
            if self.accept("="):
                value = self.expression()
            return ("var", name.text, value)
        if tok.kind == "ident" and tok.text == "function" and self.peek(1).kind == "ident":
            declared, func = self.function()
            return ("fundecl", declared, func)
        if tok.kind == "ident" and tok.text == "return":
            if not self.functions:
                raise self.error("return not in function")
            self.take()
            after = self.peek()
            if after.kind == "eof" or after.newline_before or self.at(";") or self.at("}"):
                return ("return", ("lit", UNDEFINED))
            return ("return", self.expression())
        return self.expression()

    # --- expressions -----------------------------------------------------------------------
    def expression(self) -> Node:
        return self.nested(self.assignment)

    def assignment(self) -> Node:
        node = self.conditional()
        if self.at("="):
            self.take()
            if node[0] != "name":
                raise self.error("invalid assignment left-hand side")
            return ("assign", node[1], self.expression())
        return node

    def conditional(self) -> Node:
        node = self.binary(1)
        if not self.accept("?"):
            return node
        then = self.expression()
        self.expect(":", "missing : in conditional expression")
        return ("cond", node, then, self.expression())

    def binary(self, min_prec: int) -> Node:
        left = self.unary()
        while True:
            tok = self.peek()
            prec = _BINARY.get(tok.text, 0) if tok.kind == "punct" else 0
            if prec < min_prec:
                return left
            self.take()
            left = ("bin", tok.text, left, self.binary(prec + 1))

    def unary(self) -> Node:
        for op, kind in (("-", "neg"), ("+", "pos"), ("!", "not")):
            if self.at(op):
                self.take()
                return (kind, self.nested(self.unary))
        if self.peek().kind == "ident" and self.peek().text == "typeof":
            self.take()
            return ("typeof", self.nested(self.unary))
        return self.postfix(self.primary())

    def nested(self, parse: Callable[[], Node]) -> Node:
        """`parse()` one level deeper; hostile nesting ends as SpiderMonkey's would."""
        self.nesting += 1
        try:
            if self.nesting > MAX_NESTING:
                raise JsError("InternalError", "too much recursion", ("",), col=self.peek().pos)
            return parse()
        finally:
            self.nesting -= 1

    def postfix(self, node: Node) -> Node:
        while True:
            if self.accept("."):
                tok = self.take()
                if tok.kind != "ident":
                    raise JsError("SyntaxError", "missing name after . operator", ("",), tok.pos)
                node = ("member", node, ("lit", tok.text))
            elif self.accept("["):
                key = self.expression()
                self.expect("]", "missing ] in index expression")
                node = ("member", node, key)
            elif self.accept("("):
                node = ("call", node, self.items(")", "missing ) after argument list"))
            else:
                return node

    def items(self, close: str, message: str) -> list[Node]:
        out: list[Node] = []
        while not self.accept(close):
            if self.peek().kind == "eof":
                raise self.error(message)
            out.append(self.expression())
            if not self.accept(","):
                self.expect(close, message)
                break
        return out

    def primary(self) -> Node:
        tok = self.peek()
        if tok.kind in ("num", "str"):
            self.take()
            return ("lit", tok.value)
        if tok.kind == "ident":
            if tok.text == "function":
                return self.function()[1]
            if self.at("=>", 1):
                return self.arrow()
            self.take()
            if tok.text in _WORDS:
                return ("lit", _WORDS[tok.text])
            if tok.text == "new":
                return self.postfix(self.nested(self.primary))
            return ("name", tok.text)
        if self.at("(") and self.arrow_params() is not None:
            return self.arrow()
        if self.accept("("):
            node = self.expression()
            self.expect(")", "missing ) in parenthetical")
            return node
        if self.accept("["):
            return ("arr", self.items("]", "missing ] after element list"))
        if self.accept("{"):
            return self.object_literal()
        raise self.unexpected()

    def object_literal(self) -> Node:
        pairs: list[tuple[str, Node]] = []
        while not self.accept("}"):
            key = self.take()
            if key.kind not in ("ident", "str", "num"):
                raise JsError("SyntaxError", "invalid property id", ("",), col=key.pos)
            self.expect(":", "missing : after property id")
            pairs.append((str(key.value), self.expression()))
            if not self.accept(","):
                self.expect("}", "missing } after property list")
                break
        return ("obj", pairs)

    # --- function literals -----------------------------------------------------------------
    def arrow_params(self) -> list[str] | None:
        """The parameters of `(a, b) => ...` starting at `(`, or None when it is no arrow."""
        params: list[str] = []
        k = 1
        while not self.at(")", k):
            tok = self.peek(k)
            if tok.kind != "ident" or tok.text in _WORDS:
                return None
            params.append(tok.text)
            k += 1
            if self.at(",", k):
                k += 1
            elif not self.at(")", k):
                return None
        return params if self.at("=>", k + 1) else None

    def arrow(self) -> Node:
        start = self.peek().pos
        if self.peek().kind == "ident":
            params = [self.take().text]
        else:
            params = self.arrow_params() or []
            self.i = self._after_params()
        self.expect("=>", "missing => after arrow parameters")
        if self.at("{"):
            self.take()
            body = self.block()
        else:
            body = ("expr", self.nested(self.assignment))
        return ("func", tuple(params), body, self.src[start : self.toks[self.i - 1].end])

    def _after_params(self) -> int:
        """The token index just after the `)` closing the parameter list opened here."""
        k = self.i
        while not (self.toks[k].kind == "punct" and self.toks[k].text == ")"):
            k += 1
        return k + 1

    def function(self) -> tuple[str, Node]:
        """`function [name](params) { body }`: its name ("" when anonymous) and its node."""
        start = self.take().pos
        name = self.take().text if self.peek().kind == "ident" else ""
        self.expect("(", "missing ( before formal parameters")
        params: list[str] = []
        while not self.accept(")"):
            tok = self.take()
            if tok.kind != "ident":
                raise JsError("SyntaxError", "missing formal parameter", ("",), col=tok.pos)
            params.append(tok.text)
            if not self.accept(","):
                self.expect(")", "missing ) after formal parameters")
                break
        self.expect("{", "missing { before function body")
        body = self.block()
        return name, ("func", tuple(params), body, self.src[start : self.toks[self.i - 1].end])

    def block(self) -> Node:
        """("block", statements) of a function body, after its `{`."""
        self.functions += 1
        try:
            return self.nested(lambda: ("block", self.statements(closing=True)))
        finally:
            self.functions -= 1
