"""Command lines on the twin: the command tree of `aoi.shell`, evaluated in-process.

No real shell is ever involved. A line is parsed by `aoi.shell` (the parser the
gate judges with, so both see the same commands), or a tree arrives already
judged; `aoi.shell.run` evaluates lists, pipelines, `&&`/`||`, loops,
variables and `$(...)` with the twin's programs: kubectl, helm, the text
filters and `date`. `sleep` advances the simulated clock, and the whole line
runs under AIOpsLab's 30 s time limit (`aoi.twin.surface.limit`): a line still
running then is killed, and its result says so (`timed_out`). Writing files is
not available.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from aoi.shell import Sequence, ShellSyntaxError, parse
from aoi.shell.run import Check, Expired, Result, Shell
from aoi.shelltools import FILTERS, CommandResult, run_filter
from aoi.twin.surface import limit

if TYPE_CHECKING:
    from aoi.twin.world import World


def run_command_line(twin: World, line: str) -> CommandResult:
    """Run a command line on the twin; errors come back as text, never as exceptions."""
    if not line.strip():
        return CommandResult("", "", 0)
    try:
        tree = parse(line)
    except ShellSyntaxError as exc:
        reason = exc.reason
        if reason.startswith("unterminated") and "quote" in reason:
            reason = "unexpected EOF while looking for matching quote"
        return CommandResult("", f"bash: -c: line 1: {reason}\n", 2)
    return run_tree(twin, tree)


def run_tree(
    twin: World, tree: Sequence, check: Check | None = None, timeout: float = limit.TIMEOUT_S
) -> CommandResult:
    """Evaluate a parsed tree; `check` judges each command whose words expanded at run time.

    A line still running after `timeout` simulated seconds is killed: the result
    holds what it printed until then, exit status 124 and `timed_out`.
    """

    def program(argv: list[str], stdin: str) -> Result:
        result = run_program(twin, argv, stdin)
        return Result(result.stdout, result.stderr, result.exit_code)

    shell = Shell(
        program,
        check=check,
        sleep=lambda seconds: limit.sleep(twin, seconds),
        expire=lambda: limit.expire(twin),
    )
    outer = twin.deadline
    twin.deadline = twin.clock.now() + timedelta(seconds=timeout)
    try:
        result = shell.run(tree)
    except Expired as expired:
        return CommandResult(expired.stdout, "", expired.code, timed_out=True)
    finally:
        twin.deadline = outer
    return CommandResult(result.stdout, result.stderr, result.code)


def run_program(twin: World, argv: list[str], stdin: str = "") -> CommandResult:
    """One program of a command line: kubectl, helm, a filter, or `date`."""
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
    if name == "date":
        return CommandResult(twin.clock.now().strftime("%a %b %d %H:%M:%S UTC %Y") + "\n")
    return CommandResult("", f"bash: {argv[0]}: command not found\n", 127)
