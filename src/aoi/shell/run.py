"""Run a command tree in-process: lists, pipelines, and/or, loops, variables, substitutions.

The caller supplies the programs (a function from argv and stdin to a result)
and, optionally, `check`: every simple command whose words expanded at run
time is handed to it before it runs, and a refusal stops the whole tree. So a
runner executes exactly what the gate judged: literal commands were judged
with the tree, expanded ones are judged as they are about to run.

Shell builtins live here (`echo`, `printf`, `true`, `false`, `:`, `test`/`[`,
`read`, `sleep`); `sleep` and loops are bounded, and `sleep` only calls the
caller's clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

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


@dataclass(slots=True)
class Result:
    """What a program or a whole tree printed, and its exit status."""

    stdout: str = ""
    stderr: str = ""
    code: int = 0


Program = Callable[[list[str], str], Result]
"""argv, stdin -> Result: runs one program (never a shell)."""
Check = Callable[[list[str]], "str | None"]
"""argv -> None when it may run, else the reason it may not."""

REFUSED_EXIT = 3
TIMEOUT_EXIT = 124
BUILTINS = frozenset({"echo", "printf", "true", "false", ":", "test", "[", "read", "sleep"})


_IFS = re.compile(r"[ \t\n]+")


class Abort(Exception):
    """Raised by a program to end the whole run (a time-out): the message goes to stderr."""

    def __init__(self, message: str, code: int, stdout: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.stdout = stdout


class Expired(Abort):
    """The caller's time limit ran out: passes through `Shell.run`, nested shells included.

    `stdout` gathers what the commands printed before the limit, as the tree
    unwinds (the rest of a pipeline still reads what the killed command wrote).
    """


class _Stop(Exception):
    """Ends the whole run: a refusal, a bound reached, an unavailable feature."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.stdout = ""


@dataclass(slots=True)
class Limits:
    """Bounds on one run: commands executed, loop rounds, seconds slept, output kept."""

    max_commands: int = 2000
    max_rounds: int = 1000
    max_sleep_s: float = 300.0
    max_output: int = 4_000_000


@dataclass(slots=True)
class _Input:
    """A pipeline's input, consumed line by line by `read`."""

    text: str
    at: int = 0

    def rest(self) -> str:
        return self.text[self.at :]

    def line(self) -> str | None:
        if self.at >= len(self.text):
            return None
        end = self.text.find("\n", self.at)
        if end < 0:
            line, self.at = self.text[self.at :], len(self.text)
        else:
            line, self.at = self.text[self.at : end], end + 1
        return line


@dataclass(slots=True)
class Shell:
    """Evaluates trees with the given programs; variables persist across `run` calls."""

    program: Program
    check: Check | None = None
    sleep: Callable[[float], None] | None = None
    limits: Limits = field(default_factory=Limits)
    variables: dict[str, str] = field(default_factory=dict)
    ran: list[list[str]] = field(default_factory=list)
    expire: Callable[[], None] | None = None
    """Called when a bound is reached (rounds, commands, output): raise `Expired` to end the run
    as a time limit would; when absent the bound ends the run with its own message."""
    _commands: int = 0
    _slept: float = 0.0
    _status: int = 0
    _err: list[str] = field(default_factory=list)

    def run(self, tree: Sequence, stdin: str = "") -> Result:
        """Run the tree; errors and refusals come back in the result; only `Expired` is raised."""
        self._err = []
        try:
            out, code = self.sequence(tree, _Input(stdin))
        except _Stop as stop:
            self._err.append(stop.message if stop.message.endswith("\n") else stop.message + "\n")
            return Result(stop.stdout, "".join(self._err), stop.code)
        return Result(out, "".join(self._err), code)

    # --- lists ---------------------------------------------------------------
    def sequence(self, seq: Sequence, stdin: _Input) -> tuple[str, int]:
        out: list[str] = []
        code = 0
        size = 0
        for item in seq.items:
            try:
                text, code = self.and_or(item, stdin)
            except (_Stop, Expired) as stop:
                stop.stdout = "".join(out) + stop.stdout
                raise
            size += len(text)
            if size > self.limits.max_output:
                self._bound("".join(out) + text)
                raise _Stop(f"output passed {self.limits.max_output} characters; stopped", 1)
            out.append(text)
        return "".join(out), code

    def and_or(self, node: AndOr, stdin: _Input) -> tuple[str, int]:
        out, code = self.pipeline(node.first, stdin)
        parts = [out]
        for op, pipeline in node.rest:
            if (op == "&&") == (code == 0):
                try:
                    out, code = self.pipeline(pipeline, stdin)
                except Expired as expired:
                    expired.stdout = "".join(parts) + expired.stdout
                    raise
                parts.append(out)
        return "".join(parts), code

    def pipeline(self, node: Pipeline, stdin: _Input) -> tuple[str, int]:
        data = stdin
        out = ""
        code = 0
        last = len(node.commands) - 1
        for i, command in enumerate(node.commands):
            try:
                out, code = self.command(command, data)
            except Expired as expired:
                if i == last:
                    raise
                # the rest of the pipeline reads what the killed command wrote, then is killed too
                tail = Pipeline(node.commands[i + 1 :])
                try:
                    expired.stdout, _ = self.pipeline(tail, _Input(expired.stdout))
                except Expired as again:
                    expired.stdout = again.stdout
                raise expired from None
            if i < last:
                data = _Input(out)
        if node.negated:
            code = 0 if code else 1
        self._status = code
        return out, code

    def command(self, node: Command, stdin: _Input) -> tuple[str, int]:
        if isinstance(node, Simple):
            return self.simple(node, stdin)
        if isinstance(node, For):
            return self.for_loop(node, stdin)
        if isinstance(node, While):
            return self.while_loop(node, stdin)
        if isinstance(node, If):
            for cond, body in node.branches:
                _, code = self.sequence(cond, stdin)
                if code == 0:
                    return self.sequence(body, stdin)
            if node.orelse is not None:
                return self.sequence(node.orelse, stdin)
            return "", 0
        if isinstance(node, Group):
            if node.subshell:
                saved = dict(self.variables)
                try:
                    return self.sequence(node.body, stdin)
                finally:
                    self.variables = saved
            return self.sequence(node.body, stdin)
        raise TypeError(f"not a command node: {node!r}")  # pragma: no cover

    def for_loop(self, node: For, stdin: _Input) -> tuple[str, int]:
        values: list[str] = []
        for word in node.words or ():
            values.extend(self.fields(word))
        if len(values) > self.limits.max_rounds:
            self._bound("")
            raise _Stop(
                f"for loop over {len(values)} values; the limit is {self.limits.max_rounds}", 1
            )
        out: list[str] = []
        code = 0
        for value in values:
            self.variables[node.name] = value
            try:
                text, code = self.sequence(node.body, stdin)
            except Expired as expired:
                expired.stdout = "".join(out) + expired.stdout
                raise
            out.append(text)
        return "".join(out), code

    def while_loop(self, node: While, stdin: _Input) -> tuple[str, int]:
        out: list[str] = []
        code = 0
        for _ in range(self.limits.max_rounds):
            try:
                text, status = self.sequence(node.cond, stdin)
                out.append(text)
                if (status == 0) == node.until:
                    return "".join(out), code
                text, code = self.sequence(node.body, stdin)
            except Expired as expired:
                expired.stdout = "".join(out) + expired.stdout
                raise
            out.append(text)
        self._bound("".join(out))
        stop = _Stop(f"loop stopped after {self.limits.max_rounds} rounds", TIMEOUT_EXIT)
        stop.stdout = "".join(out)
        raise stop

    # --- simple commands -----------------------------------------------------
    def simple(self, node: Simple, stdin: _Input) -> tuple[str, int]:
        argv: list[str] = []
        dynamic = False
        for word in node.words:
            if word.dynamic:
                dynamic = True
                argv.extend(self.fields(word))
            else:
                argv.append(word.literal or "")
        if node.assigns and argv:
            raise _Stop("assignments before a command (`VAR=x cmd`) are not available", 2)
        if not argv:
            self._status = 0
            for name, value in node.assigns:
                if name in ("IFS", "PATH"):
                    raise _Stop(f"setting {name} is not available", 2)
                self.variables[name] = "".join(self.fields(value, split=False))
            return "", self._status
        if dynamic and self.check is not None:
            reason = self.check(argv)
            if reason is not None:
                raise _Stop(f"refused: {reason}", REFUSED_EXIT)
        self._commands += 1
        if self._commands > self.limits.max_commands:
            self._bound("")
            raise _Stop(f"more than {self.limits.max_commands} commands in one run; stopped", 1)
        self.ran.append(argv)
        result = self.builtin(argv, stdin)
        if result is None:
            try:
                result = self.program(argv, stdin.rest())
            except Expired:
                raise
            except Abort as abort:
                stop = _Stop(abort.message, abort.code)
                stop.stdout = abort.stdout
                raise stop from None
        out, err = result.stdout, result.stderr
        for r in node.redirects:
            target = r.target.literal
            fd = r.fd if r.fd is not None else (0 if r.op in ("<", "<&") else 1)
            if r.op in (">", ">>", ">|") and target == "/dev/null":
                if fd == 1:
                    out = ""
                elif fd == 2:
                    err = ""
            elif r.op in ("&>", "&>>") and target == "/dev/null":
                out = err = ""
            elif r.op == ">&" and fd == 2 and target == "1":
                out, err = out + err, ""
            elif r.op == ">&" and fd == 1 and target == "2":
                out, err = "", err + out
            else:
                raise _Stop("redirection to or from files is not available", 1)
        if err:
            self._err.append(err if err.endswith("\n") else err + "\n")
        self._status = result.code
        return out, result.code

    def _bound(self, stdout: str) -> None:
        """A bound was reached: let the caller end the run as its time limit would."""
        if self.expire is None:
            return
        try:
            self.expire()
        except Expired as expired:
            expired.stdout = stdout + expired.stdout
            raise

    def fields(self, word: Word, split: bool = True) -> list[str]:
        """Expand a word into fields: unquoted expansions split on blanks and line breaks."""
        pieces: list[tuple[str, bool, bool]] = []
        for part in word.parts:
            if isinstance(part, Lit):
                pieces.append((part.text, False, part.quoted))
                continue
            if isinstance(part, Param):
                value = str(self._status) if part.name == "?" else self.variables.get(part.name, "")
            elif isinstance(part, CommandSub):
                value = self.substitute(part)
            else:  # pragma: no cover
                raise TypeError(part)
            pieces.append((value, split and not part.quoted, part.quoted))
        if not split:
            return ["".join(text for text, _, _ in pieces)]
        fields: list[str] = []
        current: list[str] = []
        have = False
        for text, splittable, quoted in pieces:
            if not splittable:
                current.append(text)
                have = have or quoted or bool(text)
                continue
            for k, chunk in enumerate(_IFS.split(text)):
                if k > 0:
                    if have:
                        fields.append("".join(current))
                    current, have = [], False
                if chunk:
                    current.append(chunk)
                    have = True
        if have:
            fields.append("".join(current))
        return fields

    def substitute(self, part: CommandSub) -> str:
        saved = dict(self.variables)
        try:
            out, code = self.sequence(part.body, _Input(""))
        except Expired as expired:
            expired.stdout = ""  # a substitution's output was never printed
            raise
        finally:
            self.variables = saved
        self._status = code
        return out.rstrip("\n")

    # --- builtins ------------------------------------------------------------
    def builtin(self, argv: list[str], stdin: _Input) -> Result | None:
        name = argv[0]
        if name not in BUILTINS:
            return None
        args = argv[1:]
        if name in ("true", ":"):
            return Result()
        if name == "false":
            return Result(code=1)
        if name == "echo":
            newline = True
            while args and args[0] == "-n":
                newline = False
                args = args[1:]
            return Result(" ".join(args) + ("\n" if newline else ""))
        if name == "printf":
            return _printf(args)
        if name in ("test", "["):
            if name == "[":
                if not args or args[-1] != "]":
                    return Result(stderr="[: missing `]'\n", code=2)
                args = args[:-1]
            return _test(args)
        if name == "read":
            return self.read(args, stdin)
        return self.sleep_for(args)

    def read(self, args: list[str], stdin: _Input) -> Result:
        names = [a for a in args if not a.startswith("-")]
        line = stdin.line()
        if line is None:
            return Result(code=1)
        if not names:
            names = ["REPLY"]
        values = line.strip(" \t").split(None, len(names) - 1) if line.strip() else []
        for i, name in enumerate(names):
            self.variables[name] = values[i] if i < len(values) else ""
        return Result()

    def sleep_for(self, args: list[str]) -> Result:
        total = 0.0
        for arg in args:
            m = re.fullmatch(r"(\d+(?:\.\d+)?)([smh]?)", arg)
            if m is None:
                return Result(stderr=f"sleep: invalid time interval '{arg}'\n", code=1)
            total += float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]
        if not args:
            return Result(stderr="sleep: missing operand\n", code=1)
        if self._slept + total > self.limits.max_sleep_s:
            self._bound("")
            raise _Stop(
                f"sleeping past {self.limits.max_sleep_s:g} s in one command; stopped", TIMEOUT_EXIT
            )
        self._slept += total
        if self.sleep is not None:
            self.sleep(total)
        return Result()


_FORMAT = re.compile(r"%([-+ 0#]*\d*(?:\.\d+)?)([sdiufxXoc%])|\\(.)")
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "r": "\r", '"': '"', "a": "\a", "0": "\0"}


def _printf(args: list[str]) -> Result:
    if not args:
        return Result(stderr="printf: usage: printf format [arguments]\n", code=2)
    fmt, values = args[0], args[1:]
    out: list[str] = []
    index = 0
    while True:
        used = False

        def sub(m: re.Match[str]) -> str:
            nonlocal index, used
            if m.group(3) is not None:
                return _ESCAPES.get(m.group(3), "\\" + m.group(3))
            spec, conv = m.group(1), m.group(2)
            if conv == "%":
                return "%"
            value = values[index] if index < len(values) else ""
            index += 1
            used = True
            if conv in "diuxXoc":
                try:
                    number: object = int(value or "0")
                except ValueError:
                    number = 0
                if conv == "c":
                    return value[:1]
                return ("%" + spec + ("d" if conv in "iu" else conv)) % number
            if conv == "f":
                try:
                    return ("%" + spec + "f") % float(value or "0")
                except ValueError:
                    return ("%" + spec + "f") % 0.0
            return ("%" + spec + "s") % value

        out.append(_FORMAT.sub(sub, fmt))
        if not used or index >= len(values):
            break
    return Result("".join(out))


def _test(args: list[str]) -> Result:
    ok: bool
    if not args:
        ok = False
    elif len(args) == 1:
        ok = args[0] != ""
    elif len(args) == 2 and args[0] == "!":
        ok = args[1] == ""
    elif len(args) == 2 and args[0] in ("-n", "-z"):
        ok = (args[1] != "") == (args[0] == "-n")
    elif len(args) == 3 and args[1] in ("=", "==", "!="):
        ok = (args[0] == args[2]) == (args[1] != "!=")
    elif len(args) == 3 and args[1] in ("-eq", "-ne", "-lt", "-le", "-gt", "-ge"):
        try:
            a, b = int(args[0]), int(args[2])
        except ValueError:
            return Result(stderr="test: integer expression expected\n", code=2)
        ok = {
            "-eq": a == b,
            "-ne": a != b,
            "-lt": a < b,
            "-le": a <= b,
            "-gt": a > b,
            "-ge": a >= b,
        }[args[1]]
    else:
        return Result(stderr="test: only string and integer comparisons are available\n", code=2)
    return Result(code=0 if ok else 1)
