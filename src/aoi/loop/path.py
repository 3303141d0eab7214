"""A trajectory's command path: the commands it ran in order, and the reads worth replaying.

`command_path` flattens a stored trajectory into what the Purifier, the Judge and
the Evolver reason about; `prefilter` drops what no shortest path needs before
any replay: refused commands, failed ones (the tries a retry replaced), and reads
repeated with no write between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aoi.catalog import parse_action
from aoi.llm import estimate_tokens
from aoi.loop.replay import ReplayCommand
from aoi.trajectories import Trajectory

_SUBMIT = re.compile(r"^\s*(?:```\s*)?submit\s*\(")


@dataclass(frozen=True)
class PathCommand:
    """One command of a trajectory: who ran it, the gate's verdict, its exit status and output."""

    role: str
    command: str
    output: str = ""
    exit_code: int | None = 0
    verdict: str = "READ"
    allowed: bool = True
    step: int = 0
    iteration: int = 0

    @property
    def ok(self) -> bool:
        return self.allowed and self.exit_code == 0

    @property
    def refused(self) -> bool:
        return not self.allowed or self.verdict == "FORBIDDEN"

    @property
    def is_write(self) -> bool:
        return self.verdict == "WRITE" or self.role == "executor"

    @property
    def tokens(self) -> int:
        """What the command costs a reader: its line and its output, estimated."""
        return estimate_tokens(self.command) + estimate_tokens(self.output)

    def replayable(self) -> ReplayCommand:
        return ReplayCommand("executor" if self.is_write else "probe", self.command)


@dataclass(frozen=True)
class Dropped:
    """A command the prefilter left out, and why."""

    index: int
    command: str
    reason: str


def command_path(trajectory: Trajectory) -> list[PathCommand]:
    """Every command of every step, in order, as PathCommands."""
    out: list[PathCommand] = []
    for step in trajectory.steps:
        for record in step.commands:
            out.append(
                PathCommand(
                    role=record.role,
                    command=record.command,
                    output=record.output_raw,
                    exit_code=record.exit_code,
                    verdict=record.verdict,
                    allowed=record.allowed,
                    step=step.index,
                    iteration=step.iteration,
                )
            )
    return out


def submission_call(trajectory: Trajectory) -> str | None:
    """The submit(...) call the trajectory made and the environment accepted, if any."""
    for step in reversed(trajectory.steps):
        call = (step.api_call or "").strip()
        if call and _SUBMIT.match(call) and not step.error:
            return call
    return None


def same_submission(a: str | None, b: str | None) -> bool:
    """Whether two submit calls give the same answer (a list of services in any order)."""
    if a is None or b is None:
        return a is b

    def args(call: str) -> object:
        text = call.strip()
        parsed = parse_action(text if text.startswith("```") else f"```\n{text}\n```")
        if not parsed.ok:
            return ("unparsed", " ".join(text.split()))
        values = list(parsed.args)
        norm: list[object] = []
        for value in values:
            if isinstance(value, list):
                norm.append(sorted(str(v).strip().lower() for v in value))
            elif isinstance(value, str):
                norm.append(value.strip().lower())
            elif isinstance(value, dict):
                norm.append(sorted((str(k), str(v).strip().lower()) for k, v in value.items()))
            else:
                norm.append(value)
        return norm

    return args(a) == args(b)


def prefilter(path: list[PathCommand]) -> tuple[list[int], list[Dropped]]:
    """Indices of the commands worth replaying, and the ones dropped with the reason.

    Dropped: refused by the gate, failed (non-zero exit: a dead end or the try a
    retry replaced), and a read already made with no write since.
    """
    kept: list[int] = []
    dropped: list[Dropped] = []
    reads_since_write: set[str] = set()
    for index, cmd in enumerate(path):
        key = " ".join(cmd.command.split())
        if cmd.refused:
            dropped.append(Dropped(index, cmd.command, "refused by the gate"))
            continue
        if cmd.exit_code != 0:
            dropped.append(Dropped(index, cmd.command, f"failed (exit {cmd.exit_code})"))
            continue
        if cmd.is_write:
            reads_since_write.clear()
            kept.append(index)
            continue
        if key in reads_since_write:
            dropped.append(Dropped(index, cmd.command, "repeated read, no write since"))
            continue
        reads_since_write.add(key)
        kept.append(index)
    return kept, dropped
