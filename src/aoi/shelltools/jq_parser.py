"""Tokenizer and recursive-descent parser for the jq subset the twin understands.

The parser yields a small tuple AST (see `Node`); `jq_eval` turns it into
closures. Syntax errors carry jq's (bison's) wording so agents see what jq says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# An AST node is a tuple whose first item names the node kind.
Node = tuple[Any, ...]

KEYWORDS = frozenset(
    {
        "if",
        "then",
        "elif",
        "else",
        "end",
        "as",
        "def",
        "reduce",
        "foreach",
        "try",
        "catch",
        "label",
        "import",
        "include",
        "and",
        "or",
        "__loc__",
    }
)
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}
_UNSUPPORTED_KEYWORDS = frozenset({"def", "foreach", "label", "import", "include", "__loc__"})

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+|\#[^\n]*)
  | (?P<field>\.[A-Za-z_][A-Za-z0-9_]*)
  | (?P<var>\$(?:__loc__|[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*))
  | (?P<format>@[A-Za-z0-9_]+)
  | (?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op>\?//=|\?//|\|=|\+=|-=|\*=|/=|%=|//=|==|!=|<=|>=|//|\.\.|[.\[\]{}()|,:;=<>+\-*/%?])
    """,
    re.VERBOSE,
)

_CLOSERS = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # FIELD IDENT KW VAR FORMAT NUM STR OP EOF INVALID
    value: Any
    pos: int


class JqSyntaxError(Exception):
    """A compile error; `message` is the text after `jq: error: `."""

    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


def _describe(tok: Token) -> str:
    """The name bison gives a token in `unexpected X`."""
    if tok.kind == "EOF":
        return "end of file"
    if tok.kind in ("FIELD", "IDENT", "FORMAT", "INVALID"):
        return {"INVALID": "INVALID_CHARACTER"}.get(tok.kind, tok.kind)
    if tok.kind == "NUM":
        return "LITERAL"
    if tok.kind == "STR":
        return "QQSTRING_START"
    if tok.kind == "VAR":
        return "'$'"
    if tok.kind == "KW":
        return str(tok.value)
    value = str(tok.value)
    return f"'{value}'" if len(value) == 1 else value


def _unexpected(tok: Token, expecting: str = "") -> JqSyntaxError:
    tail = f", expecting {expecting}" if expecting else ""
    return JqSyntaxError(
        f"syntax error, unexpected {_describe(tok)}{tail} (Unix shell quoting issues?)", tok.pos
    )


_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}


def tokenize(src: str, pos: int = 0, *, in_interp: bool = False) -> tuple[list[Token], int]:
    """Split `src` into tokens; inside a string interpolation stop at its `)`."""
    tokens: list[Token] = []
    stack: list[str] = []
    n = len(src)
    while pos < n:
        ch = src[pos]
        if ch == '"':
            parts, pos2 = _lex_string(src, pos + 1)
            tokens.append(Token("STR", parts, pos))
            pos = pos2
            continue
        m = _TOKEN_RE.match(src, pos)
        if m is None:
            tokens.append(Token("INVALID", ch, pos))
            pos += 1
            continue
        kind = m.lastgroup
        text = m.group()
        if kind == "ws":
            pos = m.end()
            continue
        if kind == "op":
            if text in ("(", "[", "{"):
                stack.append(text)
            elif text in _CLOSERS:
                if not stack:
                    if in_interp and text == ")":
                        return tokens, pos + 1
                    tokens.append(Token("INVALID", text, pos))
                    pos = m.end()
                    continue
                if stack[-1] != _CLOSERS[text]:
                    tokens.append(Token("INVALID", text, pos))
                    pos = m.end()
                    continue
                stack.pop()
            tokens.append(Token("OP", text, pos))
        elif kind == "field":
            tokens.append(Token("FIELD", text[1:], pos))
        elif kind == "var":
            tokens.append(Token("VAR", text[1:], pos))
        elif kind == "format":
            tokens.append(Token("FORMAT", text[1:], pos))
        elif kind == "num":
            tokens.append(Token("NUM", _number(text), pos))
        else:
            tokens.append(Token("KW" if text in KEYWORDS else "IDENT", text, pos))
        pos = m.end()
    if in_interp:
        raise JqSyntaxError(
            "syntax error, unexpected end of file (Unix shell quoting issues?)", pos
        )
    tokens.append(Token("EOF", None, pos))
    return tokens, pos


def _number(text: str) -> int | float:
    if "." in text or "e" in text or "E" in text:
        return float(text)
    return int(text)


def _lex_string(src: str, pos: int) -> tuple[list[Any], int]:
    """Lex a string body after its opening quote into text and token-list parts."""
    parts: list[Any] = []
    buf: list[str] = []
    n = len(src)
    while pos < n:
        ch = src[pos]
        if ch == '"':
            if buf or not parts:
                parts.append("".join(buf))
            return parts, pos + 1
        if ch != "\\":
            buf.append(ch)
            pos += 1
            continue
        esc = src[pos + 1 : pos + 2]
        if esc in _ESCAPES:
            buf.append(_ESCAPES[esc])
            pos += 2
        elif esc == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", src[pos + 2 : pos + 6]):
            buf.append(chr(int(src[pos + 2 : pos + 6], 16)))
            pos += 6
        elif esc == "(":
            if buf:
                parts.append("".join(buf))
                buf = []
            inner, pos = tokenize(src, pos + 2, in_interp=True)
            inner.append(Token("EOF", None, pos))
            parts.append(inner)
        else:
            raise JqSyntaxError(f"Invalid escape at line 1, column {pos + 1}", pos)
    raise JqSyntaxError(
        "syntax error, unexpected end of file, expecting QQSTRING_TEXT or"
        " QQSTRING_INTERP_START or QQSTRING_END (Unix shell quoting issues?)",
        pos,
    )


class Parser:
    """Recursive descent over a token list, lowest precedence first."""

    def __init__(self, tokens: list[Token]) -> None:
        self.toks = tokens
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def at(self, kind: str, value: Any = None) -> bool:
        t = self.toks[self.i]
        return t.kind == kind and (value is None or t.value == value)

    def take(self) -> Token:
        t = self.toks[self.i]
        if t.kind != "EOF":
            self.i += 1
        return t

    def expect(self, kind: str, value: Any = None) -> Token:
        if not self.at(kind, value):
            raise _unexpected(self.tok)
        return self.take()

    def parse_program(self) -> Node:
        node = self.pipe()
        if not self.at("EOF"):
            raise _unexpected(self.tok, "end of file")
        return node

    def pipe(self) -> Node:
        if self.at("KW") and self.tok.value in _UNSUPPORTED_KEYWORDS:
            raise _unexpected(self.tok)
        left = self.comma()
        if left[0] == "bind":
            return left
        if self.at("OP", "|"):
            self.take()
            return ("pipe", left, self.pipe())
        return left

    def comma(self) -> Node:
        left = self.alt()
        while self.at("OP", ","):
            self.take()
            left = ("comma", left, self.alt())
        return left

    def alt(self) -> Node:
        left = self.or_()
        if self.at("OP", "//"):
            self.take()
            return ("alt", left, self.alt())
        if self.at("OP") and self.tok.value in ("=", "|=", "+=", "-=", "*=", "/=", "%=", "//="):
            op = self.take().value
            return ("assign", op, left, self.alt())
        return left

    def or_(self) -> Node:
        left = self.and_()
        while self.at("KW", "or"):
            self.take()
            left = ("or", left, self.and_())
        return left

    def and_(self) -> Node:
        left = self.compare()
        while self.at("KW", "and"):
            self.take()
            left = ("and", left, self.compare())
        return left

    def compare(self) -> Node:
        left = self.additive()
        if self.at("OP") and self.tok.value in ("==", "!=", "<", "<=", ">", ">="):
            op = self.take().value
            left = ("binop", op, left, self.additive())
            if self.at("OP") and self.tok.value in ("==", "!=", "<", "<=", ">", ">="):
                raise _unexpected(self.tok)
        return left

    def additive(self) -> Node:
        left = self.multiplicative()
        while self.at("OP") and self.tok.value in ("+", "-"):
            op = self.take().value
            left = ("binop", op, left, self.multiplicative())
        return left

    def multiplicative(self) -> Node:
        left = self.unary()
        while self.at("OP") and self.tok.value in ("*", "/", "%"):
            op = self.take().value
            left = ("binop", op, left, self.unary())
        return left

    def unary(self) -> Node:
        if self.at("OP", "-"):
            self.take()
            return ("neg", self.unary())
        return self.postfix()

    def postfix(self, allow_as: bool = True) -> Node:
        node = self.term()
        while True:
            t = self.tok
            if t.kind == "FIELD":
                self.take()
                node = ("index", node, ("literal", t.value))
            elif t.kind == "OP" and t.value == "." and self.toks[self.i + 1].kind == "STR":
                self.take()
                node = ("index", node, self.string(self.take()))
            elif t.kind == "OP" and t.value == "." and self.toks[self.i + 1].value == "[":
                self.take()
            elif t.kind == "OP" and t.value == "[":
                node = self.bracket(node)
            elif t.kind == "OP" and t.value == "?":
                self.take()
                node = ("try", node, None)
            elif t.kind == "KW" and t.value == "as" and allow_as:
                self.take()
                name = self.expect("VAR").value
                self.expect("OP", "|")
                return ("bind", node, name, self.pipe())
            else:
                return node

    def bracket(self, target: Node) -> Node:
        self.expect("OP", "[")
        if self.at("OP", "]"):
            self.take()
            return ("iter", target)
        if self.at("OP", ":"):
            self.take()
            upper = self.pipe()
            self.expect("OP", "]")
            return ("slice", target, None, upper)
        index = self.pipe()
        if self.at("OP", ":"):
            self.take()
            upper2 = None if self.at("OP", "]") else self.pipe()
            self.expect("OP", "]")
            return ("slice", target, index, upper2)
        self.expect("OP", "]")
        return ("index", target, index)

    def term(self) -> Node:
        t = self.tok
        k = t.kind
        if k == "OP":
            v = t.value
            if v == ".":
                self.take()
                if self.at("STR"):
                    return ("index", ("identity",), self.string(self.take()))
                return ("identity",)
            if v == "..":
                self.take()
                return ("call", "recurse", [])
            if v == "(":
                self.take()
                inner = self.pipe()
                self.expect("OP", ")")
                return inner
            if v == "[":
                self.take()
                if self.at("OP", "]"):
                    self.take()
                    return ("literal", [])
                inner = self.pipe()
                self.expect("OP", "]")
                return ("array", inner)
            if v == "{":
                return self.obj()
            raise _unexpected(t)
        if k == "FIELD":
            self.take()
            return ("index", ("identity",), ("literal", t.value))
        if k == "NUM":
            self.take()
            return ("literal", t.value)
        if k == "STR":
            self.take()
            return self.string(t)
        if k == "FORMAT":
            self.take()
            if self.at("STR"):
                return self.string(self.take(), fmt=t.value)
            return ("format", t.value)
        if k == "VAR":
            self.take()
            return ("var", t.value)
        if k == "IDENT" and t.value in _LITERALS and self.toks[self.i + 1].value != "(":
            self.take()
            return ("literal", _LITERALS[t.value])
        if k == "IDENT":
            self.take()
            args: list[Node] = []
            if self.at("OP", "("):
                self.take()
                args.append(self.pipe())
                while self.at("OP", ";"):
                    self.take()
                    args.append(self.pipe())
                self.expect("OP", ")")
            return ("call", t.value, args)
        if k == "KW":
            if t.value == "if":
                return self.if_()
            if t.value == "try":
                self.take()
                body = self.postfix()
                handler = None
                if self.at("KW", "catch"):
                    self.take()
                    handler = self.postfix()
                return ("try", body, handler)
            if t.value == "reduce":
                self.take()
                source = self.postfix(allow_as=False)
                self.expect("KW", "as")
                name = self.expect("VAR").value
                self.expect("OP", "(")
                init = self.pipe()
                self.expect("OP", ";")
                update = self.pipe()
                self.expect("OP", ")")
                return ("reduce", source, name, init, update)
        raise _unexpected(t)

    def if_(self) -> Node:
        self.expect("KW", "if")
        cond = self.pipe()
        self.expect("KW", "then")
        then = self.pipe()
        if self.at("KW", "elif"):
            return ("if", cond, then, self.if_elif())
        other: Node = ("identity",)
        if self.at("KW", "else"):
            self.take()
            other = self.pipe()
        self.expect("KW", "end")
        return ("if", cond, then, other)

    def if_elif(self) -> Node:
        self.expect("KW", "elif")
        cond = self.pipe()
        self.expect("KW", "then")
        then = self.pipe()
        if self.at("KW", "elif"):
            return ("if", cond, then, self.if_elif())
        other: Node = ("identity",)
        if self.at("KW", "else"):
            self.take()
            other = self.pipe()
        self.expect("KW", "end")
        return ("if", cond, then, other)

    def obj(self) -> Node:
        self.expect("OP", "{")
        entries: list[tuple[Node, Node]] = []
        while not self.at("OP", "}"):
            t = self.tok
            key: Node
            if t.kind in ("IDENT", "KW"):
                self.take()
                key = ("literal", t.value)
                value: Node = ("index", ("identity",), key)
            elif t.kind == "VAR":
                self.take()
                key = ("literal", t.value)
                value = ("var", t.value)
            elif t.kind == "STR":
                self.take()
                key = self.string(t)
                value = ("index", ("identity",), key)
            elif t.kind == "NUM":
                self.take()
                key = ("literal", t.value)
                value = ("index", ("identity",), key)
            elif t.kind == "OP" and t.value == "(":
                self.take()
                key = self.pipe()
                self.expect("OP", ")")
                value = ("identity",)
                if not self.at("OP", ":"):
                    raise _unexpected(self.tok)
            else:
                raise _unexpected(t)
            if self.at("OP", ":"):
                self.take()
                value = self.objval()
            entries.append((key, value))
            if self.at("OP", ","):
                self.take()
                continue
            if not self.at("OP", "}"):
                raise _unexpected(self.tok, "'}'")
        self.take()
        return ("object", entries)

    def objval(self) -> Node:
        # jq's grammar (ExpD) allows only terms and pipes here: `{a: .x // 1}` is an error.
        left = self.unary()
        if self.at("OP", "|"):
            self.take()
            return ("pipe", left, self.objval())
        return left

    def string(self, tok: Token, fmt: str | None = None) -> Node:
        parts: list[Any] = []
        for part in tok.value:
            if isinstance(part, str):
                parts.append(part)
            else:
                parts.append(Parser(part).parse_program())
        if len(parts) == 1 and isinstance(parts[0], str):
            return ("literal", parts[0])
        return ("string", parts, fmt)


def parse(program: str) -> Node:
    """Parse a jq program; raises JqSyntaxError with jq's wording."""
    tokens, _ = tokenize(program)
    return Parser(tokens).parse_program()
