"""The shell inside a container: `kubectl exec POD -- sh -c 'SCRIPT'`.

The script is parsed by `aoi.shell` (the same POSIX-sh grammar the command
line uses) and evaluated in-process, with the container's own programs: lists,
pipes, `&&`/`||`, loops, variables (the container's environment) and `$(...)`
work as the image's shell runs them, and a program the image lacks fails in
that shell's words (dash: `sh: 1: X: not found`, busybox ash: `sh: X: not
found`, bash: `bash: line 1: X: command not found`). `sleep` and endless loops
run on the simulated clock under the line's time limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aoi.shell import ShellSyntaxError, parse
from aoi.shell.run import Limits, Result, Shell
from aoi.shelltools import CommandResult

Run = Callable[[list[str], str], CommandResult]
"""argv, stdin -> what the program printed (the image's program, never a shell)."""


@dataclass(frozen=True, slots=True)
class Flavour:
    """Which shell an image's `sh` is, and how it words its errors."""

    name: str  # dash, ash (busybox) or bash

    def not_found(self, program: str) -> str:
        if self.name == "bash":
            return f"bash: line 1: {program}: command not found\n"
        if self.name == "ash":
            return f"sh: {program}: not found\n"
        return f"sh: 1: {program}: not found\n"

    def syntax_error(self, invoked: str) -> str:
        if self.name == "bash":
            return f"{invoked}: -c: line 1: syntax error near unexpected token\n"
        if self.name == "ash":
            return f"{invoked}: syntax error: unexpected word\n"
        return f"{invoked}: 1: Syntax error: word unexpected\n"

    def cannot_open(self, invoked: str, path: str) -> str:
        if self.name == "bash":
            return f"{invoked}: {path}: No such file or directory\n"
        if self.name == "ash":
            return f"{invoked}: can't open '{path}': No such file or directory\n"
        return f"{invoked}: 0: cannot open {path}: No such file\n"


def flavour_of(invoked: str, os: str) -> Flavour:
    """`bash` is bash; `sh` is busybox ash on Alpine and dash on Debian and Ubuntu."""
    if invoked == "bash":
        return Flavour("bash")
    return Flavour("ash" if os == "alpine" else "dash")


def run_shell(
    invoked: str,
    flavour: Flavour,
    args: list[str],
    env: dict[str, str],
    files: dict[str, str],
    run: Run,
    sleep: Callable[[float], None],
    expire: Callable[[], None],
) -> CommandResult:
    """`sh ARGS` inside the container: `-c SCRIPT`, a script file, or no script at all.

    `kubectl exec` without `-i` gives the shell no input, so a shell with
    nothing to run reads end-of-file and exits at once, silently.
    """
    script: str | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            i += 1
            break
        if arg.startswith("-") and len(arg) > 1:
            if "c" in arg[1:]:
                if i + 1 >= len(args):
                    return CommandResult("", f"{invoked}: -c: option requires an argument\n", 2)
                script = args[i + 1]
                break
            i += 1
            continue
        break
    if script is None:
        if i >= len(args):
            return CommandResult("")
        path = args[i]
        if path not in files:
            code = 127 if flavour.name == "bash" else 2
            return CommandResult("", flavour.cannot_open(invoked, path), code)
        script = files[path]
    try:
        tree = parse(script)
    except ShellSyntaxError:
        return CommandResult("", flavour.syntax_error(invoked), 2)

    def program(argv: list[str], stdin: str) -> Result:
        result = run(argv, stdin)
        if result.exit_code == 127 and not result.stdout and not result.stderr:
            return Result("", flavour.not_found(argv[0]), 127)
        return Result(result.stdout, result.stderr, result.exit_code)

    shell = Shell(program, sleep=sleep, expire=expire, limits=Limits(max_sleep_s=float("inf")))
    shell.variables.update(env)
    result = shell.run(tree)
    return CommandResult(result.stdout, result.stderr, result.code)
