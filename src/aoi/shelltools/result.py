"""The outcome of one in-process filter run: what it printed and how it exited."""

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


def ok(stdout: str) -> FilterResult:
    return FilterResult(stdout, "", 0)


def fail(stderr: str, exit_code: int, stdout: str = "") -> FilterResult:
    return FilterResult(stdout, stderr, exit_code)
