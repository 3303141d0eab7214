"""Write a tree back as text that a POSIX shell reads as the same tree.

Every literal is single-quoted (unless it is made only of characters no shell
treats specially), so a shell given the text can expand nothing that the tree
does not expand: no globs, no `$`, no backticks, no operators hidden in words.
"""

from __future__ import annotations

import re

from aoi.shell.tree import RESERVED as _RESERVED
from aoi.shell.tree import (
    AndOr,
    Command,
    CommandSub,
    For,
    Group,
    If,
    Lit,
    Param,
    Pipeline,
    Sequence,
    Simple,
    While,
    Word,
)

_SAFE = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")


def quote(text: str) -> str:
    """One literal as a shell word: bare when safe, else in single quotes."""
    if _SAFE.fullmatch(text) and text not in _RESERVED:
        return text
    return "'" + text.replace("'", "'\"'\"'") + "'"


# what a POSIX shell still interprets between double quotes (besides the closing quote)
DOUBLE_QUOTE_SPECIAL = frozenset("\\$`")


def escape_for_double_quotes(text: str, *, escape_quote: bool = True) -> str:
    """`text` written so that a POSIX shell reading it between double quotes gives it back.

    Each `\\`, `$` and backtick gets a backslash (inside double quotes a backslash
    escapes exactly these, `"` and a newline), so nothing in it expands. With
    `escape_quote=False` a `"` is left as it is, for a wrapper that escapes it itself.
    """
    special = DOUBLE_QUOTE_SPECIAL | {'"'} if escape_quote else DOUBLE_QUOTE_SPECIAL
    return "".join("\\" + c if c in special else c for c in text)


def has_expansions(tree: Sequence) -> bool:
    """True when some word in the tree expands (a variable or a command substitution)."""
    return _render(tree, literal_only=True) is None


def render(tree: Sequence) -> str:
    """The tree as one line a shell parses back into the same argv for every command."""
    text = _render(tree, literal_only=False)
    assert text is not None
    return text


def _render(tree: Sequence, literal_only: bool) -> str | None:
    try:
        return _Renderer(literal_only).sequence(tree)
    except _Dynamic:
        return None


class _Dynamic(Exception):
    pass


class _Renderer:
    def __init__(self, literal_only: bool) -> None:
        self.literal_only = literal_only

    def sequence(self, seq: Sequence) -> str:
        return "; ".join(self.and_or(item) for item in seq.items)

    def and_or(self, node: AndOr) -> str:
        out = [self.pipeline(node.first)]
        for op, pipeline in node.rest:
            out.append(op)
            out.append(self.pipeline(pipeline))
        return " ".join(out)

    def pipeline(self, node: Pipeline) -> str:
        text = " | ".join(self.command(c) for c in node.commands)
        return f"! {text}" if node.negated else text

    def command(self, node: Command) -> str:
        if isinstance(node, Simple):
            return self.simple(node)
        if isinstance(node, For):
            words = "" if node.words is None else " in " + " ".join(map(self.word, node.words))
            return f"for {node.name}{words}; do {self.sequence(node.body)}; done"
        if isinstance(node, While):
            keyword = "until" if node.until else "while"
            return f"{keyword} {self.sequence(node.cond)}; do {self.sequence(node.body)}; done"
        if isinstance(node, If):
            out = []
            for i, (cond, body) in enumerate(node.branches):
                out.append(f"{'if' if i == 0 else 'elif'} {self.sequence(cond)}; then")
                out.append(f"{self.sequence(body)};")
            if node.orelse is not None:
                out.append(f"else {self.sequence(node.orelse)};")
            out.append("fi")
            return " ".join(out)
        if isinstance(node, Group):
            if node.subshell:
                return f"( {self.sequence(node.body)} )"
            return f"{{ {self.sequence(node.body)}; }}"
        raise TypeError(f"not a command node: {node!r}")  # pragma: no cover

    def simple(self, node: Simple) -> str:
        out = [f"{name}={self.word(value) if value.parts else ''}" for name, value in node.assigns]
        out.extend(self.word(w) for w in node.words)
        for r in node.redirects:
            fd = "" if r.fd is None else str(r.fd)
            target = r.target.literal
            if r.op in (">&", "<&") and target is not None and (target.isdigit() or target == "-"):
                out.append(f"{fd}{r.op}{target}")
            else:
                out.append(f"{fd}{r.op}{self.word(r.target)}")
        return " ".join(out)

    def word(self, word: Word) -> str:
        if not word.parts:
            return "''"
        out = []
        for part in word.parts:
            if isinstance(part, Lit):
                out.append(quote(part.text) if part.text else "''")
                continue
            if self.literal_only:
                raise _Dynamic
            if isinstance(part, Param):
                inner = f"${{{part.name}}}"
            elif isinstance(part, CommandSub):
                inner = f"$({self.sequence(part.body)})"
            else:  # pragma: no cover
                raise TypeError(part)
            out.append(f'"{inner}"' if part.quoted else inner)
        return "".join(out)
