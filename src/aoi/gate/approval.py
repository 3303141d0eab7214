"""Approval of allow-listed writes: auto, deny, ask on the terminal, or a callback."""

from __future__ import annotations

from collections.abc import Callable

from aoi.gate.verdict import Verdict

Approval = Callable[[str, Verdict], bool]
"""Decides whether an allow-listed WRITE runs: (command, verdict) -> yes?"""


def _auto(command: str, verdict: Verdict) -> bool:
    return True


def _deny(command: str, verdict: Verdict) -> bool:
    return False


def ask_terminal(
    input_fn: Callable[[str], str] = input,
    output_fn: Callable[[str], None] = print,
) -> Approval:
    """An approval that shows the command and reason and waits for y/N."""

    def ask(command: str, verdict: Verdict) -> bool:
        output_fn(f"The Executor wants to run:\n  {command}\nbecause: {verdict.reason}")
        try:
            answer = input_fn("Run it? [y/N] ")
        except EOFError:
            return False
        return answer.strip().lower() in ("y", "yes")

    return ask


def approval_from(
    spec: str | Approval,
    *,
    input_fn: Callable[[str], str] = input,
    output_fn: Callable[[str], None] = print,
) -> Approval:
    """Turn 'auto', 'deny', 'ask' or a callback into an Approval."""
    if callable(spec):
        return spec
    if spec == "auto":
        return _auto
    if spec == "deny":
        return _deny
    if spec == "ask":
        return ask_terminal(input_fn, output_fn)
    raise ValueError(f"unknown approval policy {spec!r}; use auto, deny, ask or a callback")


def approval_name(spec: str | Approval) -> str:
    return spec if isinstance(spec, str) else getattr(spec, "__name__", "callback")
