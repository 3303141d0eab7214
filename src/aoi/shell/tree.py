"""The command tree: what a command line means, as typed nodes.

A line parses into a `Sequence` of and/or lists of pipelines of commands. A
simple command is a list of words with redirections; a word is a list of
parts (literal text, a variable, a command substitution holding its own tree),
each marked quoted or not, because only unquoted expansions are split into
fields. Every runner executes this tree; nothing re-reads the text.
"""

from __future__ import annotations

from dataclasses import dataclass

RESERVED = frozenset(
    {"if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until"}
    | {"for", "in", "{", "}", "!", "function", "select", "time"}
)
"""Words the shell reads as grammar where a command starts."""


@dataclass(slots=True)
class Lit:
    """Literal text after quote removal; `quoted` when it came from quotes or an escape."""

    text: str
    quoted: bool = False


@dataclass(slots=True)
class Param:
    """`$NAME`, `${NAME}` or `$?`."""

    name: str
    quoted: bool = False


@dataclass(slots=True)
class CommandSub:
    """`$(...)` or backticks: the inner tree, whose output becomes text."""

    body: Sequence
    quoted: bool = False


Part = Lit | Param | CommandSub


class Word:
    """One shell word: parts joined; `literal` is its value when nothing expands, else None."""

    __slots__ = ("_parts", "_quoted", "literal")

    def __init__(self, parts: tuple[Part, ...], literal: str | bool | None = True) -> None:
        self._parts: tuple[Part, ...] | None = parts
        self._quoted = False
        if literal is True:
            texts = []
            for part in parts:
                if not isinstance(part, Lit):
                    literal = None
                    break
                texts.append(part.text)
            else:
                literal = "".join(texts)
        self.literal: str | None = literal  # type: ignore[assignment]

    @property
    def parts(self) -> tuple[Part, ...]:
        """The word's parts; a word made by `literal_word` builds its one part when first asked."""
        parts = self._parts
        if parts is None:
            parts = self._parts = (Lit(self.literal or "", self._quoted),)
        return parts

    @property
    def dynamic(self) -> bool:
        """True when some part expands at run time."""
        return self.literal is None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Word) and other.parts == self.parts

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Word({self.parts!r})"


_new_word = object.__new__


def literal_word(text: str, quoted: bool = False) -> Word:
    """The word `Word((Lit(text, quoted),))`, made without its part until a reader asks.

    Most words of most command lines are plain literals; the gate reads only
    `literal`, so the parser makes these without allocating the part.
    """
    word: Word = _new_word(Word)
    word.literal = text
    word._quoted = quoted
    word._parts = None
    return word


def lit(text: str) -> Word:
    """A word that is exactly `text` (for building trees in code and tests)."""
    return literal_word(text, True)


@dataclass(slots=True)
class Redirect:
    """`[fd]op target`: op is one of > >> < >& <& >| &> &>> <>."""

    fd: int | None
    op: str
    target: Word


@dataclass(slots=True)
class Simple:
    """A simple command: leading NAME=value assignments, words, redirections."""

    assigns: tuple[tuple[str, Word], ...]
    words: tuple[Word, ...]
    redirects: tuple[Redirect, ...] = ()

    @property
    def argv(self) -> list[str] | None:
        """The literal argv when no word expands, else None."""
        out = []
        for word in self.words:
            value = word.literal
            if value is None:
                return None
            out.append(value)
        return out


@dataclass(slots=True)
class Pipeline:
    commands: tuple[Command, ...]
    negated: bool = False


@dataclass(slots=True)
class AndOr:
    """`p1 && p2 || p3`: `rest` pairs each operator with the pipeline after it."""

    first: Pipeline
    rest: tuple[tuple[str, Pipeline], ...] = ()


@dataclass(slots=True)
class Sequence:
    """Commands run one after another (`;` or a line break between them)."""

    items: tuple[AndOr, ...]


@dataclass(slots=True)
class For:
    """`for NAME in WORDS; do BODY; done` (no `in`: the words are None)."""

    name: str
    words: tuple[Word, ...] | None
    body: Sequence


@dataclass(slots=True)
class While:
    """`while COND; do BODY; done`, or `until` when `until` is True."""

    cond: Sequence
    body: Sequence
    until: bool = False


@dataclass(slots=True)
class If:
    """`if C; then B; elif C2; then B2; else E; fi`."""

    branches: tuple[tuple[Sequence, Sequence], ...]
    orelse: Sequence | None = None


@dataclass(slots=True)
class Group:
    """`( LIST )` when `subshell`, else `{ LIST; }`."""

    body: Sequence
    subshell: bool


Command = Simple | For | While | If | Group


def simple_commands(node: object) -> list[Simple]:
    """Every simple command in a tree, substitutions included, in source order."""
    if type(node) is Sequence and len(node.items) == 1:
        # the common shape, one pipeline of literal simple commands, without the walk
        item = node.items[0]
        if not item.rest:
            commands = item.first.commands
            for c in commands:
                if type(c) is not Simple or c.assigns or c.redirects:
                    break
                if any(w.literal is None for w in c.words):
                    break
            else:
                return list(commands)  # type: ignore[arg-type]
    found: list[Simple] = []
    _walk(node, found)
    return found


def _walk(node: object, out: list[Simple]) -> None:
    if isinstance(node, Sequence):
        for item in node.items:
            _walk(item, out)
    elif isinstance(node, AndOr):
        _walk(node.first, out)
        for _, pipeline in node.rest:
            _walk(pipeline, out)
    elif isinstance(node, Pipeline):
        for command in node.commands:
            _walk(command, out)
    elif isinstance(node, Simple):
        for _, word in node.assigns:
            _walk_word(word, out)
        out.append(node)
        for word in node.words:
            _walk_word(word, out)
        for redirect in node.redirects:
            _walk_word(redirect.target, out)
    elif isinstance(node, For):
        for word in node.words or ():
            _walk_word(word, out)
        _walk(node.body, out)
    elif isinstance(node, While):
        _walk(node.cond, out)
        _walk(node.body, out)
    elif isinstance(node, If):
        for cond, body in node.branches:
            _walk(cond, out)
            _walk(body, out)
        if node.orelse is not None:
            _walk(node.orelse, out)
    elif isinstance(node, Group):
        _walk(node.body, out)


def _walk_word(word: Word, out: list[Simple]) -> None:
    if word.literal is not None:
        return
    for part in word.parts:
        if isinstance(part, CommandSub):
            _walk(part.body, out)
