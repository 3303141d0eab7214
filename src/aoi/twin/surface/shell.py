"""Command lines on the twin: `kubectl ... | grep ... | head`, evaluated in-process.

No real shell is ever involved. The line is split with shlex (quotes as a POSIX
shell reads them); `|` connects stages, `&&`, `||` and `;` sequence commands,
and `2>&1` / `2>/dev/null` / `>/dev/null` redirections are understood. Command
substitution, here-docs and writing files are not: they print an error.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from aoi.shelltools import FILTERS, CommandResult, run_filter

if TYPE_CHECKING:
    from aoi.twin.world import World

_SEPARATORS = {"&&", "||", ";"}


class ShellSyntaxError(Exception):
    pass


def split_line(line: str) -> list[str]:
    """Tokens of a command line, with operators as their own tokens."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars="|&;<>()")
    lexer.whitespace_split = True
    lexer.commenters = ""
    return list(lexer)


def run_command_line(twin: World, line: str) -> CommandResult:
    """Run a command line on the twin; errors come back as text, never as exceptions."""
    if "$(" in line or "`" in line:
        return _unsupported("command substitution")
    try:
        tokens = split_line(line)
    except ValueError as exc:
        message = (
            "unexpected EOF while looking for matching quote"
            if "quotation" in str(exc)
            else str(exc)
        )
        return CommandResult("", f"bash: -c: line 1: {message}\n", 2)
    if not tokens:
        return CommandResult("", "", 0)
    try:
        sequence = _sequence(tokens)
    except ShellSyntaxError as exc:
        return CommandResult("", f"bash: -c: line 1: {exc}\n", 2)
    out: list[str] = []
    err: list[str] = []
    status = 0
    previous_op = ";"
    for op, pipeline in sequence:
        if (previous_op == "&&" and status != 0) or (previous_op == "||" and status == 0):
            previous_op = op
            continue
        result = _pipeline(twin, pipeline)
        out.append(result.stdout)
        err.append(result.stderr)
        status = result.exit_code
        previous_op = op
    return CommandResult("".join(out), "".join(err), status)


def _sequence(tokens: list[str]) -> list[tuple[str, list[list[str]]]]:
    """[(operator after it, pipeline stages)]"""
    out: list[tuple[str, list[list[str]]]] = []
    stages: list[list[str]] = [[]]
    for tok in tokens:
        if tok in _SEPARATORS:
            if not stages[-1]:
                raise ShellSyntaxError(f"syntax error near unexpected token `{tok}'")
            out.append((tok, stages))
            stages = [[]]
        elif tok == "|":
            if not stages[-1]:
                raise ShellSyntaxError("syntax error near unexpected token `|'")
            stages.append([])
        elif tok in ("(", ")", "&"):
            raise ShellSyntaxError(f"syntax error near unexpected token `{tok}'")
        else:
            stages[-1].append(tok)
    if stages[-1]:
        out.append((";", stages))
    elif len(stages) > 1:
        raise ShellSyntaxError("syntax error: unexpected end of file")
    return out


def _redirections(argv: list[str]) -> tuple[list[str], bool, bool, str | None]:
    """Strip redirections: (argv, stderr to stdout, drop stderr, error)."""
    clean: list[str] = []
    merge = drop_err = False
    i = 0
    while i < len(argv):
        tok = argv[i]
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        if tok.isdigit() and nxt in (">", ">&", ">>"):
            fd, op = tok, nxt
            target = argv[i + 2] if i + 2 < len(argv) else None
            if op == ">&" and target == "1" and fd == "2":
                merge = True
            elif op in (">", ">>") and target == "/dev/null":
                drop_err = fd == "2" or drop_err
            elif op == ">" and target == "&" and i + 3 < len(argv) and argv[i + 3] == "1":
                merge = True
                i += 1
            else:
                return clean, merge, drop_err, "writing files is not supported on the twin"
            i += 3
            continue
        if tok in (">", ">>", "<", "<<", ">&", "&>"):
            if nxt == "/dev/null" and tok in (">", ">>"):
                i += 2
                continue
            return clean, merge, drop_err, "redirection to files is not supported on the twin"
        clean.append(tok)
        i += 1
    return clean, merge, drop_err, None


def _pipeline(twin: World, stages: list[list[str]]) -> CommandResult:
    stdin = ""
    stderr: list[str] = []
    status = 0
    for index, raw in enumerate(stages):
        argv, merge, drop_err, problem = _redirections(raw)
        if problem:
            return CommandResult("", f"bash: {problem}\n", 1)
        if not argv:
            return CommandResult("", "bash: -c: line 1: syntax error near unexpected token\n", 2)
        if index == 0:
            result = run_program(twin, argv)
        elif argv[0] in FILTERS:
            filtered = run_filter(argv, stdin)
            result = CommandResult(filtered.stdout, filtered.stderr, filtered.exit_code)
        else:
            result = run_program(twin, argv, stdin=stdin)
        out = result.stdout
        err = result.stderr
        if merge:
            out, err = out + err, ""
        if not drop_err and err:
            stderr.append(err if err.endswith("\n") else err + "\n")
        stdin = out
        status = result.exit_code
    return CommandResult(stdin, "".join(stderr), status)


def run_program(twin: World, argv: list[str], stdin: str = "") -> CommandResult:
    """One program of a pipeline: kubectl, helm, a filter, or a few shell builtins."""
    name = argv[0].rsplit("/", 1)[-1]
    if name in ("kubectl", "k"):
        from aoi.twin.surface.kubectl.cli import run_kubectl

        return run_kubectl(twin, argv[1:], stdin=stdin)
    if name == "helm":
        from aoi.twin.surface.helm import run_helm

        return run_helm(twin, argv[1:])
    if name in FILTERS:
        filtered = run_filter(argv, stdin)
        return CommandResult(filtered.stdout, filtered.stderr, filtered.exit_code)
    if name == "echo":
        return CommandResult(" ".join(argv[1:]) + "\n")
    if name == "true":
        return CommandResult("")
    if name == "false":
        return CommandResult("", "", 1)
    if name == "date":
        return CommandResult(twin.clock.now().strftime("%a %b %d %H:%M:%S UTC %Y") + "\n")
    return CommandResult("", f"bash: {argv[0]}: command not found\n", 127)


def _unsupported(what: str) -> CommandResult:
    return CommandResult("", f"bash: {what} is not supported on the twin\n", 2)
