"""Shell builtins the runners provide in-process: all read, and `sleep` is bounded."""

from __future__ import annotations

import re

from aoi.gate.facts import READ, Outcome, forbid

MAX_SLEEP_S = 60
"""Longest single `sleep` a command may ask for."""

_SLEEP = re.compile(r"(\d+(?:\.\d+)?)([smh]?)")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600}
_DATE_SWITCHES = frozenset({"-u", "--utc", "--universal", "-R", "--rfc-email"})


def classify_builtin(argv: list[str]) -> Outcome | None:
    """READ / FORBIDDEN for a builtin (and `date`), or None when argv[0] is not one."""
    name = argv[0]
    args = argv[1:]
    if name in ("echo", "true", "false", ":", "test", "["):
        return Outcome(READ, f"read-only: `{name}` is a shell builtin")
    if name == "printf":
        if args[:1] == ["-v"]:
            return forbid("printf -v is not available; print the value instead")
        return Outcome(READ, "read-only: `printf` prints")
    if name == "read":
        if any(a.startswith("-") and a != "-r" for a in args):
            return forbid("read takes only -r and variable names here")
        return Outcome(READ, "read-only: `read` reads a line of input into variables")
    if name == "sleep":
        return _sleep(args)
    if name == "date":
        for a in args:
            if not (a.startswith("+") or a in _DATE_SWITCHES or a.startswith("-I")):
                return forbid(
                    f"date {a} is not available (it sets the clock or reads files); "
                    "use date, date -u or date +FORMAT"
                )
        return Outcome(READ, "read-only: `date` prints the time")
    return None


def _sleep(args: list[str]) -> Outcome:
    if not args:
        return forbid("sleep needs a number of seconds")
    total = 0.0
    for arg in args:
        if arg == "\x00":
            return Outcome(READ, "read-only: `sleep` (its length is checked when it runs)")
        m = _SLEEP.fullmatch(arg)
        if m is None:
            return forbid(f"sleep takes seconds (`sleep 5`), not {arg!r}")
        total += float(m.group(1)) * _UNIT[m.group(2)]
    if total > MAX_SLEEP_S:
        return forbid(f"sleep {total:g} s is too long; sleep at most {MAX_SLEEP_S} s at a time")
    return Outcome(READ, f"read-only: sleeps {total:g} s")
