"""A small awk: `[pattern] { print ... }` rules, BEGIN/END, -F; mawk's messages.

Supported: patterns `/re/`, `!/re/`, comparisons of `$N`, `NR`, `NF` with
numbers or strings, `~` / `!~`, `&&`, `||`, `!`, parentheses; actions `print`
with `$N`, `$NF`, `$(NF-1)`, `NR`, `NF`, string and number literals, commas
(OFS) and juxtaposition (concatenation), and `next`. Anything else is reported
as mawk's syntax error (exit 2) rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aoi.shelltools.result import FilterResult

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t]+|\\\n)
  | (?P<nl>[\n;]+)
  | (?P<num>\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)
  | (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>&&|\|\||==|!=|<=|>=|!~|[$(){}<>!~,+\-*/%])
    """,
    re.VERBOSE,
)
_STR_ESC = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "/": "/", "r": "\r"}


class AwkSyntaxError(Exception):
    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    value: str


def _tokenize(src: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos, n = 0, len(src)
    while pos < n:
        ch = src[pos]
        if ch == "/" and _regex_allowed(toks):
            end = pos + 1
            while end < n and src[end] != "/":
                end += 2 if src[end] == "\\" else 1
            if end >= n:
                raise AwkSyntaxError(
                    "runaway regular expression /" + src[pos + 1 : pos + 11] + " ..."
                )
            toks.append(_Tok("re", src[pos + 1 : end].replace("\\/", "/")))
            pos = end + 1
            continue
        m = _TOKEN.match(src, pos)
        if m is None:
            raise AwkSyntaxError(f"syntax error at or near {ch}")
        kind = m.lastgroup or ""
        if kind == "str":
            body = m.group()[1:-1]
            toks.append(
                _Tok("str", re.sub(r"\\(.)", lambda x: _STR_ESC.get(x.group(1), x.group(1)), body))
            )
        elif kind != "ws":
            toks.append(_Tok(kind, m.group()))
        pos = m.end()
    toks.append(_Tok("eof", ""))
    return toks


def _regex_allowed(toks: list[_Tok]) -> bool:
    if not toks:
        return True
    last = toks[-1]
    return (last.kind in ("nl", "op") and last.value not in (")",)) or (
        last.kind == "name" and last.value in ("print",)
    )


Expr = Callable[["_Record"], Any]


@dataclass(slots=True)
class _Record:
    line: str
    fields: list[str]
    nr: int


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: str  # BEGIN, END, main
    pattern: Expr | None
    action: list[tuple[str, list[Expr]]] | None


def _num(v: Any) -> float:
    if isinstance(v, int | float):
        return v
    m = re.match(r"\s*[-+]?(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)", str(v))
    return float(m.group()) if m else 0.0


def _looks_numeric(v: Any) -> bool:
    return isinstance(v, int | float) or bool(
        re.fullmatch(r"\s*[-+]?(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)\s*", str(v))
    )


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e16 else f"{v:.6g}"
    return str(v)


class _Parser:
    def __init__(self, toks: list[_Tok]) -> None:
        self.toks, self.i = toks, 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def at_op(self, *values: str) -> bool:
        return self.tok.kind == "op" and self.tok.value in values

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def error(self) -> AwkSyntaxError:
        t = self.tok
        if t.kind == "eof":
            return AwkSyntaxError("syntax error at or near end of file")
        return AwkSyntaxError(f"syntax error at or near {t.value}")

    def expect(self, value: str) -> None:
        if not self.at_op(value):
            if self.tok.kind == "eof" and value == "}":
                raise AwkSyntaxError("missing } near end of file", line=2)
            if value == ")":
                raise AwkSyntaxError(f"missing ) near {self.tok.value or 'end of file'}")
            raise self.error()
        self.take()

    def skip_nl(self) -> None:
        while self.tok.kind == "nl":
            self.take()

    def program(self) -> list[_Rule]:
        rules: list[_Rule] = []
        self.skip_nl()
        while self.tok.kind != "eof":
            rules.append(self.rule())
            self.skip_nl()
        return rules

    def rule(self) -> _Rule:
        if self.tok.kind == "name" and self.tok.value in ("BEGIN", "END"):
            kind = self.take().value
            if not self.at_op("{"):
                raise self.error()
            return _Rule(kind, None, self.block())
        pattern = None if self.at_op("{") else self.expr()
        action = self.block() if self.at_op("{") else None
        return _Rule("main", pattern, action)

    def block(self) -> list[tuple[str, list[Expr]]]:
        self.expect("{")
        stmts: list[tuple[str, list[Expr]]] = []
        self.skip_nl()
        while not self.at_op("}"):
            if self.tok.kind == "eof":
                raise AwkSyntaxError("missing } near end of file", line=2)
            word = self.tok.value if self.tok.kind == "name" else ""
            if word == "print":
                self.take()
                args: list[Expr] = []
                if not self.at_op("}") and self.tok.kind not in ("nl", "eof"):
                    args.append(self.concat())
                    while self.at_op(","):
                        self.take()
                        args.append(self.concat())
                stmts.append(("print", args))
            elif word == "next":
                self.take()
                stmts.append(("next", []))
            else:
                raise self.error()
            if self.tok.kind == "nl":
                self.skip_nl()
            elif self.tok.kind == "eof":
                raise AwkSyntaxError("missing } near end of file", line=2)
            elif not self.at_op("}"):
                raise self.error()
        self.take()
        return stmts

    def expr(self) -> Expr:
        left = self.and_()
        while self.at_op("||"):
            self.take()
            lhs, rhs = left, self.and_()
            left = _logic("||", lhs, rhs)
        return left

    def and_(self) -> Expr:
        left = self.match()
        while self.at_op("&&"):
            self.take()
            lhs, rhs = left, self.match()
            left = _logic("&&", lhs, rhs)
        return left

    def match(self) -> Expr:
        left = self.comparison()
        while self.at_op("~", "!~"):
            negate = self.take().value == "!~"
            rx = self.regex_operand()
            lhs = left
            left = _matcher(lhs, rx, negate)
        return left

    def regex_operand(self) -> re.Pattern[str]:
        t = self.take()
        if t.kind == "re" or t.kind == "str":
            return _compile(t.value)
        raise self.error()

    def comparison(self) -> Expr:
        left = self.concat()
        if self.at_op("==", "!=", "<", "<=", ">", ">="):
            op = self.take().value
            lhs, rhs = left, self.concat()
            left = _binary(_compare, op, lhs, rhs)
        return left

    def concat(self) -> Expr:
        parts = [self.additive()]
        while self.tok.kind in ("num", "str", "name") or self.at_op("$", "("):
            if self.tok.kind == "name" and self.tok.value not in ("NR", "NF", "FNR"):
                break
            parts.append(self.additive())
        if len(parts) == 1:
            return parts[0]
        return lambda r: "".join(_fmt(p(r)) for p in parts)

    def additive(self) -> Expr:
        left = self.unary()
        while self.at_op("+", "-", "*", "/", "%"):
            op = self.take().value
            lhs, rhs = left, self.unary()
            left = _binary(_arith, op, lhs, rhs)
        return left

    def unary(self) -> Expr:
        t = self.tok
        if t.value == "!":
            self.take()
            inner = self.unary()
            return lambda r: int(not _truth(inner(r)))
        if t.value == "-":
            self.take()
            inner = self.unary()
            return lambda r: -_num(inner(r))
        if t.value == "$":
            self.take()
            index = self.primary()
            return lambda r: _field(r, index(r))
        return self.primary()

    def primary(self) -> Expr:
        t = self.take()
        if t.kind == "num":
            value = float(t.value)
            return lambda r: value
        if t.kind == "str":
            text = t.value
            return lambda r: text
        if t.kind == "re":
            rx = _compile(t.value)
            return lambda r: int(rx.search(r.line) is not None)
        if t.kind == "name" and t.value in ("NR", "FNR"):
            return lambda r: r.nr
        if t.kind == "name" and t.value == "NF":
            return lambda r: len(r.fields)
        if t.value == "(":
            inner = self.expr()
            self.expect(")")
            return inner
        if t.value == "$":
            index = self.primary()
            return lambda r: _field(r, index(r))
        self.i -= 1
        raise self.error()


def _logic(op: str, a: Expr, b: Expr) -> Expr:
    if op == "&&":
        return lambda r: int(_truth(a(r)) and _truth(b(r)))
    return lambda r: int(_truth(a(r)) or _truth(b(r)))


def _matcher(a: Expr, rx: re.Pattern[str], negate: bool) -> Expr:
    return lambda r: int((rx.search(_fmt(a(r))) is not None) != negate)


def _binary(fn: Callable[[str, Any, Any], Any], op: str, a: Expr, b: Expr) -> Expr:
    return lambda r: fn(op, a(r), b(r))


class _RunError(Exception):
    pass


def _field(r: _Record, index: Any) -> str:
    i = int(_num(index))
    if i < 0:
        raise _RunError(f"negative field index ${i}")
    if i == 0:
        return r.line
    return r.fields[i - 1] if i <= len(r.fields) else ""


def _truth(v: Any) -> bool:
    if isinstance(v, int | float):
        return v != 0
    return v != "" and (not _looks_numeric(v) or _num(v) != 0)


def _compare(op: str, a: Any, b: Any) -> int:
    if _looks_numeric(a) and _looks_numeric(b):
        x: Any = _num(a)
        y: Any = _num(b)
    else:
        x, y = _fmt(a), _fmt(b)
    return int({"==": x == y, "!=": x != y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op])


def _arith(op: str, a: Any, b: Any) -> float:
    x, y = _num(a), _num(b)
    if op in "/%" and y == 0:
        raise _RunError("division by zero" if op == "/" else "division by zero in %")
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "/":
        return x / y
    return x % y


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    from aoi.shelltools.grep import RegexError, translate

    try:
        return re.compile(translate(pattern, extended=True))
    except (RegexError, re.error):
        raise AwkSyntaxError(
            f"regular expression compile failed (missing operand)\n{pattern}"
        ) from None


@lru_cache(maxsize=256)
def _parse(program: str) -> list[_Rule]:
    return _Parser(_tokenize(program)).program()


def _splitter(fs: str | None) -> Callable[[str], list[str]]:
    if fs is None or fs == " ":
        return str.split
    if fs == "t" or fs == "\\t":
        fs = "\t"
    if len(fs) == 1 and fs != "\\":
        return lambda line: line.split(fs) if line else []
    rx = _compile(fs)
    return lambda line: rx.split(line) if line else []


def run_awk(args: list[str], stdin: str) -> FilterResult:
    """`awk [-F SEP] 'PROGRAM'` over stdin, for the subset described in the module docstring."""
    fs: str | None = None
    program: str | None = None
    operands: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if program is None and arg.startswith("-F"):
            if len(arg) > 2:
                fs = arg[2:]
            elif i < len(args):
                fs = args[i]
                i += 1
            else:
                return FilterResult("", "awk: option -F lacks argument\n", 2)
        elif program is None and arg == "--":
            continue
        elif program is None and arg.startswith("-") and len(arg) > 1:
            return FilterResult("", f"awk: not an option: {arg}\n", 2)
        elif program is None:
            program = arg
        else:
            operands.append(arg)
    if program is None:
        return FilterResult("", "Usage: awk [Options] [Program] [file ...]\n", 2)
    try:
        rules = _parse(program)
    except AwkSyntaxError as err:
        return FilterResult("", f"awk: line {err.line}: {err}\n", 2)
    if operands:
        return FilterResult("", f"awk: cannot open {operands[0]} (No such file or directory)\n", 2)
    split = _splitter(fs)
    out: list[str] = []
    nr = 0
    record = _Record("", [], 0)
    try:
        _run_block(rules, "BEGIN", record, out)
        lines = stdin.split("\n")
        if lines[-1] == "":
            lines.pop()
        for line in lines:
            nr += 1
            record = _Record(line, split(line), nr)
            for rule in rules:
                if rule.kind != "main":
                    continue
                if rule.pattern is not None and not _truth(rule.pattern(record)):
                    continue
                if rule.action is None:
                    out.append(line + "\n")
                elif _exec(rule.action, record, out):
                    break
        _run_block(rules, "END", record, out)
    except _RunError as err:
        return FilterResult(
            "".join(out), f'awk: run time error: {err}\n\tFILENAME="-" FNR={nr} NR={nr}\n', 2
        )
    return FilterResult("".join(out))


def _run_block(rules: list[_Rule], kind: str, record: _Record, out: list[str]) -> None:
    for rule in rules:
        if rule.kind == kind and rule.action is not None:
            _exec(rule.action, record, out)


def _exec(action: list[tuple[str, list[Expr]]], record: _Record, out: list[str]) -> bool:
    """Run one action; True when it said `next`."""
    for stmt, args in action:
        if stmt == "next":
            return True
        values = [_fmt(a(record)) for a in args] if args else [record.line]
        out.append(" ".join(values) + "\n")
    return False
