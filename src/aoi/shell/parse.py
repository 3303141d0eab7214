"""A parser of the POSIX shell grammar, for the subset AOI runs, into a command tree.

One pass over the text, left to right, with no backtracking: the cost is linear
in the input's length (regular-expression chunks carry the long runs), and
nesting is bounded. What the subset does not cover is refused with a reason,
never guessed: here-documents, background jobs, `case`, functions,
arithmetic, `${...}` operators, brace and tilde expansion, `$'...'`, process
substitution. Glob characters stay literal: no runner expands file names.
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
    Part,
    Pipeline,
    Redirect,
    Sequence,
    Simple,
    While,
    Word,
    literal_word,
)

MAX_LENGTH = 32 * 1024
"""Longest command line accepted, in characters; longer ones are refused."""
MAX_DEPTH = 16
"""Deepest nesting of substitutions and compound commands."""


class ShellSyntaxError(ValueError):
    """The line is not in the shell subset; `reason` says what to change."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_BLANK = re.compile(r"(?:[ \t]+|\\\n)+")
_COMMENT = re.compile(r"#[^\n]*")
# unquoted word characters: everything but blanks, quotes, escapes, expansions, operators
_PLAIN = re.compile(r"[^ \t\n'\"\\$`|&;<>()]+")
_SQ = re.compile(r"'([^']*)'")
_DQ_PLAIN = re.compile(r'[^"\\$`]+')
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACED = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*|\?)\}")
_ASSIGN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_IO_NUMBER = re.compile(r"([0-9]+)(?=[<>])")
_REDIRECT_OPS = ("&>>", ">>", "<<", "<&", ">&", "<>", ">|", "&>", "<", ">")
_REFUSED_WORDS = {
    "case": "`case` is not available; use if/then/else or grep",
    "esac": "`case` is not available; use if/then/else or grep",
    "function": "shell functions are not available; write the commands out",
    "select": "`select` is interactive and not available",
    "time": "`time` is not available",
    "[[": "`[[ ... ]]` is not available; use `[ ... ]` or test",
}
_SPECIAL_PARAMS = "@*#$!-0123456789"
# a word made only of literal pieces, ending where a word ends
_FAST_WORD = re.compile(
    r"(?:[^ \t\n'\"\\$`|&;<>(){}~]+|'[^']*'|\"[^\"\\$`]*\"|\\[^\n])+(?=[ \t\n;&|<>()]|$)"
)
_REMOVE_QUOTES = re.compile(r"'([^']*)'|\"([^\"]*)\"|\\(.)", re.S)
# a line with none of these is one simple command of literal words split on blanks
_SPECIAL = re.compile(r"['\"\\$`|&;<>(){}~#\n]")
_ODD_SPACE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)


def parse(text: str) -> Sequence:
    """Parse a command line into its tree; raise ShellSyntaxError when it is not in the subset."""
    if len(text) > MAX_LENGTH:
        raise ShellSyntaxError(
            f"the command is {len(text)} characters long; the limit is {MAX_LENGTH}: "
            "send a shorter command"
        )
    # printable ASCII holds none of _ODD_SPACE's characters: two C calls instead of a scan
    odd = None if text.isascii() and text.isprintable() else _ODD_SPACE.search(text)
    if odd is not None:
        raise ShellSyntaxError(
            f"control or unusual whitespace character {odd.group()!r} is not allowed"
        )
    if _SPECIAL.search(text) is None:
        words = text.split()
        if not words:
            raise ShellSyntaxError("empty command")
        if words[0] in _RESERVED or words[0] in _REFUSED_WORDS or _ASSIGN.match(words[0]):
            return _Parser(text).program()
        simple = Simple((), tuple([literal_word(w) for w in words]))
        return Sequence((AndOr(Pipeline((simple,))),))
    tree = _ops_line(text) if _NOT_OPS_ONLY.search(text) is None else _fast_line(text)
    if tree is not None:
        return tree
    parser = _Parser(text)
    tree = parser.program()
    if not tree.items:
        raise ShellSyntaxError("empty command")
    return tree


class _Parser:
    __slots__ = ("depth", "n", "pos", "text")

    def __init__(self, text: str, depth: int = 0) -> None:
        self.text = text
        self.pos = 0
        self.n = len(text)
        self.depth = depth

    # --- helpers -------------------------------------------------------------
    def fail(self, reason: str) -> ShellSyntaxError:
        return ShellSyntaxError(reason)

    def blanks(self) -> None:
        """Skip blanks, line continuations and a comment."""
        m = _BLANK.match(self.text, self.pos)
        if m is not None:
            self.pos = m.end()
        if self.pos < self.n and self.text[self.pos] == "#":
            self.pos = _COMMENT.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def newlines(self) -> None:
        """Skip blanks, comments and line breaks (a `linebreak` in the grammar)."""
        while True:
            self.blanks()
            if self.pos < self.n and self.text[self.pos] == "\n":
                self.pos += 1
                continue
            return

    def at(self, s: str) -> bool:
        return self.text.startswith(s, self.pos)

    def peek_reserved(self) -> str | None:
        """The reserved word at the cursor (a whole unquoted word), or None."""
        text = self.text
        i = self.pos
        j = i
        n = self.n
        while j < n and text[j] not in " \t\n;&|<>()'\"\\$`":
            j += 1
        word = text[i:j]
        if word in _RESERVED or word in _REFUSED_WORDS:
            return word
        return None

    def eat_reserved(self, word: str) -> None:
        self.blanks()
        if self.peek_reserved() != word:
            raise self.fail(f"syntax error: expected `{word}`{self._near()}")
        self.pos += len(word)

    def _near(self) -> str:
        if self.pos >= self.n:
            return " before the end of the command"
        return f" near `{self.text[self.pos : self.pos + 12]}`"

    def deeper(self) -> None:
        if self.depth >= MAX_DEPTH:
            raise self.fail(f"the command nests more than {MAX_DEPTH} levels deep")

    # --- lists ---------------------------------------------------------------
    def program(self) -> Sequence:
        seq = self.sequence(frozenset())
        self.newlines()
        if self.pos < self.n:
            raise self.fail(f"syntax error: unexpected `{self.text[self.pos]}`{self._near()}")
        return seq

    def sequence(self, stops: frozenset[str], close: str | None = None) -> Sequence:
        """and/or lists separated by `;` or line breaks, until a stop word or `close`."""
        items: list[AndOr] = []
        while True:
            self.newlines()
            if self.pos >= self.n:
                break
            char = self.text[self.pos]
            if close is not None and char == close:
                break
            word = self.peek_reserved()
            if word is not None and word in stops:
                break
            items.append(self.and_or(stops))
            self.blanks()
            if self.pos >= self.n:
                break
            char = self.text[self.pos]
            if char == ";":
                if self.at(";;"):
                    raise self.fail("`;;` belongs to `case`, which is not available")
                self.pos += 1
                continue
            if char == "\n":
                continue
            if char == "&":
                raise self.fail(
                    "`&` runs a command in the background; background jobs are not available"
                )
            if close is not None and char == close:
                break
            raise self.fail(f"syntax error: unexpected `{char}`{self._near()}")
        return Sequence(tuple(items))

    def and_or(self, stops: frozenset[str]) -> AndOr:
        first = self.pipeline(stops)
        rest: list[tuple[str, Pipeline]] = []
        while True:
            self.blanks()
            if self.at("&&") or self.at("||"):
                op = self.text[self.pos : self.pos + 2]
                self.pos += 2
                self.newlines()
                rest.append((op, self.pipeline(stops)))
                continue
            return AndOr(first, tuple(rest))

    def pipeline(self, stops: frozenset[str]) -> Pipeline:
        self.blanks()
        negated = False
        if self.peek_reserved() == "!":
            self.pos += 1
            negated = True
        commands = [self.command(stops)]
        while True:
            self.blanks()
            if self.at("|") and not self.at("||"):
                if self.at("|&"):
                    raise self.fail("`|&` is not available; use `2>&1 |`")
                self.pos += 1
                self.newlines()
                commands.append(self.command(stops))
                continue
            return Pipeline(tuple(commands), negated)

    # --- commands ------------------------------------------------------------
    def command(self, stops: frozenset[str]) -> Command:
        self.blanks()
        if self.pos >= self.n:
            raise self.fail("syntax error: a command is missing at the end")
        word = self.peek_reserved()
        if word is not None:
            refused = _REFUSED_WORDS.get(word)
            if refused is not None:
                raise self.fail(refused)
            if word == "for":
                node: Command = self.for_loop()
            elif word in ("while", "until"):
                node = self.while_loop(word)
            elif word == "if":
                node = self.if_clause()
            elif word == "{":
                node = self.group()
            else:
                raise self.fail(f"syntax error near unexpected word `{word}`")
            self.after_compound()
            return node
        if self.at("(("):
            raise self.fail("arithmetic `((...))` is not available")
        if self.at("("):
            self.deeper()
            self.pos += 1
            self.depth += 1
            body = self.sequence(frozenset(), close=")")
            self.depth -= 1
            if not self.at(")"):
                raise self.fail("syntax error: `(` is never closed")
            self.pos += 1
            if not body.items:
                raise self.fail("syntax error: empty `( )`")
            self.after_compound()
            return Group(body, subshell=True)
        return self.simple()

    def after_compound(self) -> None:
        self.blanks()
        if self.pos < self.n and (
            self.text[self.pos] in "<>" or _IO_NUMBER.match(self.text, self.pos)
        ):
            raise self.fail(
                "redirections on compound commands are not available; redirect inside them"
            )

    def body(self, stops: frozenset[str]) -> Sequence:
        self.deeper()
        self.depth += 1
        seq = self.sequence(stops)
        self.depth -= 1
        if not seq.items:
            raise self.fail(f"syntax error: an empty body before `{self.peek_reserved()}`")
        return seq

    def for_loop(self) -> For:
        self.pos += 3
        self.blanks()
        m = _NAME.match(self.text, self.pos)
        end = m.end() if m else self.pos
        if m is None or (end < self.n and self.text[end] not in " \t\n;"):
            raise self.fail("syntax error: `for` needs a variable name")
        name = m.group()
        self.pos = end
        self.newlines()
        words: list[Word] | None = None
        if self.peek_reserved() == "in":
            self.pos += 2
            words = []
            while True:
                self.blanks()
                if self.pos >= self.n or self.text[self.pos] in ";\n":
                    break
                if self.text[self.pos] in "&|<>()":
                    raise self.fail(f"syntax error: unexpected `{self.text[self.pos]}` in `for`")
                words.append(self.word())
        self.blanks()
        if self.at(";"):
            self.pos += 1
        self.newlines()
        self.eat_reserved("do")
        body = self.body(frozenset({"done"}))
        self.eat_reserved("done")
        return For(name, None if words is None else tuple(words), body)

    def while_loop(self, word: str) -> While:
        self.pos += len(word)
        cond = self.body(frozenset({"do"}))
        self.eat_reserved("do")
        body = self.body(frozenset({"done"}))
        self.eat_reserved("done")
        return While(cond, body, until=word == "until")

    def if_clause(self) -> If:
        self.pos += 2
        branches: list[tuple[Sequence, Sequence]] = []
        orelse: Sequence | None = None
        while True:
            cond = self.body(frozenset({"then"}))
            self.eat_reserved("then")
            then = self.body(frozenset({"elif", "else", "fi"}))
            branches.append((cond, then))
            self.blanks()
            word = self.peek_reserved()
            if word == "elif":
                self.pos += 4
                continue
            if word == "else":
                self.pos += 4
                orelse = self.body(frozenset({"fi"}))
            self.eat_reserved("fi")
            return If(tuple(branches), orelse)

    def group(self) -> Group:
        self.pos += 1
        body = self.body(frozenset({"}"}))
        self.eat_reserved("}")
        return Group(body, subshell=False)

    def simple(self) -> Simple:
        assigns: list[tuple[str, Word]] = []
        words: list[Word] = []
        redirects: list[Redirect] = []
        text = self.text
        while True:
            self.blanks()
            if self.pos >= self.n:
                break
            char = text[self.pos]
            io = _IO_NUMBER.match(text, self.pos)
            if char in "<>" or io is not None or text.startswith("&>", self.pos):
                redirects.append(self.redirect(io))
                continue
            if char in "\n;&|)":
                break
            if char == "(":
                raise self.fail(
                    "syntax error near `(`: sub-shells start a command; quote `(` in arguments"
                )
            if not words:
                m = _ASSIGN.match(text, self.pos)
                if m is not None:
                    self.pos = m.end()
                    value = (
                        self.word()
                        if self.pos < self.n and text[self.pos] not in " \t\n;&|)"
                        else Word(())
                    )
                    _no_tilde(value, assignment=True)
                    assigns.append((m.group(1), value))
                    continue
            words.append(self.word())
        if not words and not assigns and not redirects:
            raise self.fail(f"syntax error: a command is missing{self._near()}")
        if words and words[0].literal in _REFUSED_WORDS:
            raise self.fail(_REFUSED_WORDS[words[0].literal or ""])
        return Simple(tuple(assigns), tuple(words), tuple(redirects))

    def redirect(self, io: re.Match[str] | None) -> Redirect:
        fd: int | None = None
        if io is not None:
            fd = int(io.group(1))
            self.pos = io.end()
        for op in _REDIRECT_OPS:
            if self.at(op):
                break
        else:  # pragma: no cover - callers checked the first character
            raise self.fail("syntax error in a redirection")
        if op == "<<":
            raise self.fail("here-documents (`<<`) are not available; pass data as arguments")
        if op in ("<", ">") and self.at(op + "("):
            raise self.fail("process substitution (`<(...)`, `>(...)`) is not available")
        self.pos += len(op)
        self.blanks()
        if self.pos >= self.n or self.text[self.pos] in "\n;&|<>()":
            raise self.fail(f"syntax error: `{op}` needs a target")
        return Redirect(fd, op, self.word())

    # --- words ---------------------------------------------------------------
    def word(self) -> Word:
        """One word at the cursor (the caller skipped blanks and checked it starts a word)."""
        text = self.text
        fast = _FAST_WORD.match(text, self.pos)
        if fast is not None:
            raw = fast.group()
            self.pos = fast.end()
            if raw[0] == "#":  # pragma: no cover - blanks() took comments already
                raise self.fail("a word cannot start with `#`")
            for c in "'\"\\":
                if c in raw:
                    value = _REMOVE_QUOTES.sub(_unquote, raw)
                    return literal_word(value, True)
            return literal_word(raw)
        n = self.n
        parts: list[Part] = []
        start = self.pos
        while self.pos < n:
            char = text[self.pos]
            if char in " \t\n;&|<>()":
                break
            if char == "'":
                m = _SQ.match(text, self.pos)
                if m is None:
                    raise self.fail("unterminated single quote")
                parts.append(Lit(m.group(1), True))
                self.pos = m.end()
            elif char == '"':
                self.pos += 1
                self.double_quoted(parts)
            elif char == "\\":
                if self.pos + 1 >= n:
                    raise self.fail("a trailing backslash has nothing to escape")
                nxt = text[self.pos + 1]
                self.pos += 2
                if nxt != "\n":
                    parts.append(Lit(nxt, True))
            elif char == "$":
                self.dollar(parts, quoted=False)
            elif char == "`":
                parts.append(self.backticks(quoted=False))
            else:
                m = _PLAIN.match(text, self.pos)
                assert m is not None
                parts.append(Lit(m.group(), False))
                self.pos = m.end()
        if self.pos == start:  # pragma: no cover - callers start at a word character
            raise self.fail(f"syntax error{self._near()}")
        word = Word(_merge(parts))
        _no_braces(word)
        _no_tilde(word, assignment=False)
        return word

    def double_quoted(self, parts: list[Part]) -> None:
        text = self.text
        n = self.n
        while True:
            if self.pos >= n:
                raise self.fail("unterminated double quote")
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                # `""` is a word of its own even when empty
                parts.append(Lit("", True))
                return
            if char == "\\":
                if self.pos + 1 >= n:
                    raise self.fail("unterminated double quote")
                nxt = text[self.pos + 1]
                self.pos += 2
                if nxt in '$`"\\':
                    parts.append(Lit(nxt, True))
                elif nxt != "\n":
                    parts.append(Lit("\\" + nxt, True))
            elif char == "$":
                self.dollar(parts, quoted=True)
            elif char == "`":
                parts.append(self.backticks(quoted=True))
            else:
                m = _DQ_PLAIN.match(text, self.pos)
                assert m is not None
                parts.append(Lit(m.group(), True))
                self.pos = m.end()

    def dollar(self, parts: list[Part], quoted: bool) -> None:
        text = self.text
        i = self.pos + 1
        nxt = text[i] if i < self.n else ""
        if nxt == "(":
            if text.startswith("((", i):
                raise self.fail("arithmetic `$((...))` is not available")
            self.deeper()
            self.pos = i + 1
            self.depth += 1
            body = self.sequence(frozenset(), close=")")
            self.depth -= 1
            if not self.at(")"):
                raise self.fail("`$(` is never closed")
            self.pos += 1
            if not body.items:
                raise self.fail("an empty command substitution `$()`")
            parts.append(CommandSub(body, quoted))
            return
        if nxt == "{":
            m = _BRACED.match(text, i)
            if m is None:
                raise self.fail(
                    "only plain `${NAME}` is available; `${...}` operators (defaults, lengths, "
                    "substrings) are not"
                )
            parts.append(Param(m.group(1), quoted))
            self.pos = m.end()
            return
        if nxt == "?":
            parts.append(Param("?", quoted))
            self.pos = i + 1
            return
        if nxt in ("'", '"') and not quoted:
            raise self.fail(f"`${nxt}...{nxt}` quoting is not available; use plain quotes")
        if nxt and nxt in _SPECIAL_PARAMS:
            raise self.fail(
                f"the special parameter `${nxt}` is not available; write the value literally"
            )
        m = _NAME.match(text, i)
        if m is not None:
            parts.append(Param(m.group(), quoted))
            self.pos = m.end()
            return
        # a `$` that starts no expansion is a literal dollar sign, as in the shell
        parts.append(Lit("$", quoted))
        self.pos = i

    def backticks(self, quoted: bool) -> CommandSub:
        text = self.text
        i = self.pos + 1
        inner: list[str] = []
        while True:
            if i >= self.n:
                raise self.fail("unterminated backtick")
            char = text[i]
            if char == "`":
                break
            if char == "\\" and i + 1 < self.n:
                nxt = text[i + 1]
                if nxt in "$`\\" or (quoted and nxt == '"'):
                    inner.append(nxt)
                    i += 2
                    continue
                if nxt == "\n":
                    i += 2
                    continue
            inner.append(char)
            i += 1
        self.deeper()
        sub = _Parser("".join(inner), self.depth + 1)
        body = sub.program()
        if not body.items:
            raise self.fail("an empty command substitution (backticks)")
        self.pos = i + 1
        return CommandSub(body, quoted)


_FAST_TOKEN = re.compile(
    r"[ \t]*(?:((?:[^ \t\n'\"\\$`|&;<>(){}~#]+|'[^']*'|\"[^\"\\$`]*\"|\\[^\n])"
    r"(?:[^ \t\n'\"\\$`|&;<>(){}~]+|'[^']*'|\"[^\"\\$`]*\"|\\[^\n])*)|(\|\||&&|\||;)|(.))",
    re.S,
)


def _fast_line(text: str) -> Sequence | None:
    """Lists of pipelines of literal words, parsed in one regular-expression pass; else None.

    `_FAST_TOKEN` matches at every position (its last branch takes any one
    character), so its matches tile the text and findall sees all of it.
    """
    items: list[AndOr] = []
    pipes: list[tuple[str, Pipeline]] = []
    commands: list[Simple] = []
    words: list[Word] = []
    op = ""
    for raw, operator, other in _FAST_TOKEN.findall(text):
        if raw:
            if not words and (raw in _RESERVED or raw in _REFUSED_WORDS or "=" in raw):
                return None
            if "'" in raw or '"' in raw or "\\" in raw:
                value = _REMOVE_QUOTES.sub(_unquote, raw)
                words.append(literal_word(value, True))
            else:
                words.append(literal_word(raw))
            continue
        if other:
            if other in " \t":
                continue
            return None
        if not operator:
            continue
        if not words:
            return None
        commands.append(Simple((), tuple(words)))
        words = []
        if operator == "|":
            continue
        pipes.append((op, Pipeline(tuple(commands))))
        commands = []
        if operator == ";":
            items.append(_and_or(pipes))
            pipes = []
            op = ""
        else:
            op = operator
    if words:
        commands.append(Simple((), tuple(words)))
        pipes.append((op, Pipeline(tuple(commands))))
    elif commands or op:
        return None
    if pipes:
        items.append(_and_or(pipes))
    if not items:
        return None
    return Sequence(tuple(items))


# a line with none of these holds only unquoted words and the operators | || && ; &
_NOT_OPS_ONLY = re.compile(r"['\"\\$`<>(){}~#\n]")
_OPERATOR = re.compile(r"(\|\||&&|[|;&])")


def _ops_line(text: str) -> Sequence | None:
    """`_fast_line` for lines of unquoted words and operators: split in C, not tokenised in Python.

    Gives the tree `_fast_line` gives, or None where it gives None (a lone `&`,
    a missing command, a reserved word or assignment where a command starts).
    """
    pieces = _OPERATOR.split(text)
    items: list[AndOr] = []
    pipes: list[tuple[str, Pipeline]] = []
    commands: list[Simple] = []
    op = ""
    last = len(pieces) - 1
    for k in range(0, last + 1, 2):
        names = pieces[k].split()
        operator = pieces[k + 1] if k < last else None
        if not names:
            if operator is None and not commands and not op:
                break  # a line may end with `;`
            return None
        first = names[0]
        if first in _RESERVED or first in _REFUSED_WORDS or "=" in first:
            return None
        commands.append(Simple((), tuple([literal_word(w) for w in names])))
        if operator is None or operator == "|":
            continue
        if operator == "&":
            return None
        pipes.append((op, Pipeline(tuple(commands))))
        commands = []
        if operator == ";":
            items.append(_and_or(pipes))
            pipes = []
            op = ""
        else:
            op = operator
    if commands:
        pipes.append((op, Pipeline(tuple(commands))))
    if pipes:
        items.append(_and_or(pipes))
    if not items:
        return None
    return Sequence(tuple(items))


def _and_or(pipes: list[tuple[str, Pipeline]]) -> AndOr:
    return AndOr(pipes[0][1], tuple(pipes[1:]))


def _unquote(m: re.Match[str]) -> str:
    if m.group(1) is not None:
        return m.group(1)
    if m.group(2) is not None:
        return m.group(2)
    return m.group(3)


def _merge(parts: list[Part]) -> tuple[Part, ...]:
    """Adjacent literals of the same quoting joined into one."""
    out: list[Part] = []
    for part in parts:
        if isinstance(part, Lit) and out:
            prev = out[-1]
            if isinstance(prev, Lit) and prev.quoted == part.quoted:
                out[-1] = Lit(prev.text + part.text, part.quoted)
                continue
        out.append(part)
    return tuple(out)


def _no_braces(word: Word) -> None:
    """Refuse unquoted `{a,b}` / `{1..3}`: the shell would expand them into several words."""
    depth_open = False
    seen_sep = False
    for part in word.parts:
        if not isinstance(part, Lit) or part.quoted:
            continue
        text = part.text
        if "{" not in text and not depth_open:
            continue
        for k, char in enumerate(text):
            if char == "{":
                depth_open = True
                seen_sep = False
            elif depth_open and (char == "," or (char == "." and text.startswith("..", k))):
                seen_sep = True
            elif char == "}" and depth_open and seen_sep:
                raise ShellSyntaxError(
                    "brace expansion (`{a,b}`, `{1..3}`) is not available; "
                    "quote the word or write each value out"
                )


def _no_tilde(word: Word, assignment: bool) -> None:
    """Refuse an unquoted `~` where a shell may put a home directory.

    That is at the start of a word and, since bash also expands it in words
    that look like assignments (`a=~`, `PATH=x:~`), after any `=` or `:`.
    """
    previous = ""
    for k, part in enumerate(word.parts):
        if isinstance(part, Lit) and not part.quoted:
            text = part.text
            at = text.find("~")
            while at >= 0:
                before = text[at - 1] if at else previous
                if (k == 0 and at == 0) or before in ("=", ":") or (assignment and at == 0):
                    raise ShellSyntaxError(
                        "`~` expands to a home directory on the machine running the command; "
                        "write the path out or quote it"
                    )
                at = text.find("~", at + 1)
        previous = "\0"
        if isinstance(part, Lit) and part.text:
            previous = part.text[-1] if not part.quoted else "\0"
