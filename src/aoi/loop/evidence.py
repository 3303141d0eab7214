"""The evidence reader: the expert's rules, fed only what some commands printed.

A deterministic reader of evidence, the oracle for answers scored from the
submission alone (detection, localization, analysis): given the outputs of a
list of commands, does the expert's diagnosis reach a submission, and which?
Outputs go the way they go in a run: raw records, the Compressor (extractive,
no model), then the expert's parsers and rules. Which parser reads a command is
recognised from the expert's own query builders, so the reader knows exactly
the reads the expert knows; a command it does not recognise adds nothing.

As the expert never answers before its surface scan, the reader reaches no
submission unless the pods and deployments of the namespace were read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from aoi.agents.compressor import Compressor
from aoi.agents.expert import queries as q
from aoi.agents.expert.evidence import absorb
from aoi.agents.expert.notes import Notes
from aoi.agents.expert.rules import Finding, diagnose, resolve_without
from aoi.agents.expert.submit import submit_call
from aoi.agents.memory import AgentRole, Memory, RawRecord
from aoi.catalog import get_task
from aoi.loop.replay import CommandLike, replay

_NS = "\x00ns\x00"
_SUBJECT = "\x00subject\x00"
_USER = "\x00user\x00"
_PASSWORD = "\x00password\x00"
_NAME = r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?"


@dataclass(frozen=True)
class Output:
    """One command's output as the reader takes it."""

    command: str
    output: str
    exit_code: int = 0
    verdict: str = "READ"
    agent: str = "probe"


@dataclass
class Reading:
    """What the reader made of some outputs: the notes, the findings, and the answer."""

    task_type: str
    notes: Notes
    findings: list[Finding] = field(default_factory=list)
    recognised: int = 0

    @property
    def best(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    @property
    def scanned(self) -> bool:
        return self.notes.scanned

    @property
    def submission(self) -> str | None:
        """The expert's submit call from this evidence, or None without a surface scan."""
        if not self.scanned:
            return None
        return submit_call(self.task_type, self.best)


def _templates() -> list[tuple[re.Pattern[str], str]]:
    """(pattern, kind) for every read the expert makes, built from its query builders."""
    builders: list[Callable[[], q.Query]] = [
        lambda: q.pods(_NS),
        lambda: q.deployments(_NS),
        lambda: q.services(_NS),
        lambda: q.warning_events(_NS),
        q.nodes,
        lambda: q.pvcs(_NS),
        q.pvs,
        lambda: q.flags(_NS),
        lambda: q.crash_log(_NS, _SUBJECT),
        lambda: q.log_grep(_NS, _SUBJECT),
        lambda: q.log_head(_NS, _SUBJECT),
        lambda: q.mongo_log(_NS, _SUBJECT),
        lambda: q.mongo_users(_NS, _SUBJECT, _USER, _PASSWORD),
        lambda: q.helm_list(_NS),
        lambda: q.helm_values(_NS, _SUBJECT),
        lambda: q.helm_history(_NS, _SUBJECT),
    ]
    out = []
    for build in builders:
        query = build()
        pattern = re.escape(query.command)
        pattern = pattern.replace(re.escape(_NS), f"(?P<ns>{_NAME})")
        pattern = pattern.replace(re.escape(_SUBJECT), f"(?P<subject>{_NAME})", 1)
        pattern = pattern.replace(re.escape(_SUBJECT), "(?P=subject)")
        pattern = pattern.replace(re.escape(_USER), r"\S+").replace(re.escape(_PASSWORD), r"\S+")
        out.append((re.compile(pattern + r"\Z"), query.kind))
    return out


_TEMPLATES = _templates()


@lru_cache(maxsize=4096)
def recognise(command: str) -> tuple[str, str] | None:
    """(kind, subject) of an expert read, or None for a command the reader does not know."""
    text = command.strip()
    for pattern, kind in _TEMPLATES:
        match = pattern.match(text)
        if match:
            groups = match.groupdict()
            return kind, groups.get("subject") or ""
    return None


def read(
    task_type: str,
    namespace: str,
    outputs: Iterable[Output],
    *,
    without: Iterable[str] = (),
) -> Reading:
    """Read outputs in order into the expert's notes and diagnose them."""
    notes = Notes()
    notes.namespace = namespace
    memory = Memory()
    writer = memory.view(AgentRole.PROBE)
    compressor_view = memory.view(AgentRole.COMPRESSOR)
    compressor = Compressor()
    issued: dict[str, tuple[str, str]] = {}
    recognised = 0
    for iteration, item in enumerate(outputs, start=1):
        known = recognise(item.command)
        if known is not None:
            issued[item.command] = known
            recognised += 1
        writer.write_raw(
            RawRecord(
                iteration, item.agent, item.command, item.output, item.exit_code, item.verdict
            )
        )
        context = compressor.compress_iteration(compressor_view, iteration)
        absorb(notes, context.text, issued)
    if all(query.command in notes.ran for query in (q.pods(namespace), q.deployments(namespace))):
        notes.scanned = not any(
            query.command in notes.errors for query in (q.pods(namespace), q.deployments(namespace))
        )
    findings = diagnose(notes, resolve_without(without))
    return Reading(task_type, notes, findings, recognised)


def read_task(task_id: str, outputs: Iterable[Output], *, without: Iterable[str] = ()) -> Reading:
    task = get_task(task_id)
    return read(task.type.value, task.namespace, outputs, without=without)


def outputs_of(task_id: str, seed: int, commands: Sequence[CommandLike]) -> list[Output]:
    """The outputs of `commands` replayed on a fresh twin of the task and seed."""
    result = replay(task_id, seed, commands)
    return [
        Output(run.command, run.output, run.exit_code, run.verdict, run.role) for run in result.runs
    ]


def reach_submission(
    task_id: str,
    seed: int,
    outputs_or_commands: Sequence[Output] | Sequence[CommandLike],
    *,
    without: Iterable[str] = (),
) -> str | None:
    """The submit call the expert's rules reach from these outputs, or None.

    Given commands (strings, (role, command) pairs or ReplayCommands), they are
    first replayed on a fresh twin of `task_id` and `seed`; given Outputs, those
    are read as they are. None when the evidence holds no surface scan.
    """
    items = list(outputs_or_commands)
    if items and all(isinstance(i, Output) for i in items):
        outputs = [i for i in items if isinstance(i, Output)]
    else:
        outputs = outputs_of(task_id, seed, [i for i in items if not isinstance(i, Output)])
    return read_task(task_id, outputs, without=without).submission
