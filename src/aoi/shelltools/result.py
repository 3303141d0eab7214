"""What a command or an in-process filter printed and how it exited."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FilterResult:
    """stdout and stderr text plus the exit status a real shell would report."""

    stdout: str
    stderr: str = ""
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


@dataclass(frozen=True, slots=True)
class CommandResult:
    """What a command printed and how it exited, as a terminal would show it."""

    stdout: str
    stderr: str = ""
    exit_code: int = 0
    timed_out: bool = False
    """The command was killed at its time limit; `stdout` is what it printed until then."""

    @property
    def output(self) -> str:
        """stdout and stderr together, the way an agent's exec_shell sees them."""
        if self.stdout and self.stderr:
            joined = self.stdout if self.stdout.endswith("\n") else self.stdout + "\n"
            return joined + self.stderr
        return self.stdout or self.stderr


def ok(stdout: str) -> FilterResult:
    return FilterResult(stdout, "", 0)


def fail(stderr: str, exit_code: int, stdout: str = "") -> FilterResult:
    return FilterResult(stdout, stderr, exit_code)
