"""Tokens of the shell's JavaScript subset."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aoi.twin.surface.mongo.values import JsError

_TOKEN = re.compile(
    r"""(?P<ws>[ \t\r]+)|(?P<nl>\n)|(?P<comment>//[^\n]*)
    |(?P<num>\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)
    |(?P<ident>[A-Za-z_$][\w$]*)
    |(?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<open>"|')
    |(?P<punct>===|!==|==|!=|=>|<=|>=|&&|\|\||[{}\[\](),:;.=\-+*/%<>!?])""",
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "v": "\v"}


@dataclass(slots=True)
class Tok:
    kind: str  # num | ident | str | punct | eof
    text: str
    value: Any
    pos: int
    newline_before: bool = False
    end: int = 0


def tokenize(src: str) -> list[Tok]:
    """Split source into tokens; SyntaxError (as JsError) on what the subset cannot read."""
    toks: list[Tok] = []
    pos = 0
    newline = False
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if m is None:
            raise JsError("SyntaxError", "illegal character", ("",), col=pos)
        kind = m.lastgroup or ""
        text = m.group()
        if kind == "nl":
            newline = True
        elif kind == "open":
            raise JsError("SyntaxError", "unterminated string literal", ("",), col=pos)
        elif kind not in ("ws", "comment"):
            value: Any = text
            if kind == "num":
                # past 15 digits an integer is no longer exact in a double, as in JavaScript
                exact = len(text) <= 15 and not any(c in text for c in ".eE")
                value = int(text) if exact else float(text)
            elif kind == "str":
                value = re.sub(r"\\(.)", lambda e: _ESCAPES.get(e.group(1), e.group(1)), text[1:-1])
            toks.append(Tok(kind, text, value, pos, newline, m.end()))
            newline = False
        pos = m.end()
    toks.append(Tok("eof", "", None, len(src), newline, len(src)))
    return toks
