"""The three stores of the runtime and who may touch them, enforced in code.

| store      | Observer   | Probe | Executor | Compressor |
| ---------- | ---------- | ----- | -------- | ---------- |
| raw output | none       | write | write    | read       |
| subtasks   | read/write | read  | read     | none       |
| compressed | read       | none  | none     | write      |

Agents never hold the stores themselves: each gets a `MemoryView` bound to its role,
and every operation checks the matrix first. A forbidden access raises
`MemoryPermissionError`, whatever a model asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from aoi.agents.subtasks import SubtaskQueue
from aoi.errors import AOIError


class AgentRole(StrEnum):
    OBSERVER = "observer"
    PROBE = "probe"
    EXECUTOR = "executor"
    COMPRESSOR = "compressor"


class Store(StrEnum):
    RAW = "raw"
    SUBTASKS = "subtasks"
    COMPRESSED = "compressed"


PERMISSIONS: dict[Store, dict[AgentRole, str]] = {
    Store.RAW: {
        AgentRole.OBSERVER: "",
        AgentRole.PROBE: "w",
        AgentRole.EXECUTOR: "w",
        AgentRole.COMPRESSOR: "r",
    },
    Store.SUBTASKS: {
        AgentRole.OBSERVER: "rw",
        AgentRole.PROBE: "r",
        AgentRole.EXECUTOR: "r",
        AgentRole.COMPRESSOR: "",
    },
    Store.COMPRESSED: {
        AgentRole.OBSERVER: "r",
        AgentRole.PROBE: "",
        AgentRole.EXECUTOR: "",
        AgentRole.COMPRESSOR: "w",
    },
}


class MemoryPermissionError(AOIError, PermissionError):
    """An agent touched a store its role may not use."""


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One command and its full output, as the acting agent saw it (already redacted)."""

    iteration: int
    agent: str
    command: str
    output: str
    exit_code: int
    verdict: str


@dataclass(frozen=True, slots=True)
class CompressedContext:
    """What the Compressor made of one iteration: the Observer's short-term memory."""

    iteration: int
    text: str
    raw_chars: int


@dataclass
class Memory:
    """The stores of one run."""

    raw: list[RawRecord] = field(default_factory=list)
    subtasks: SubtaskQueue = field(default_factory=SubtaskQueue)
    compressed: list[CompressedContext] = field(default_factory=list)

    def view(self, role: AgentRole) -> MemoryView:
        return MemoryView(self, AgentRole(role))


class MemoryView:
    """A role's handle on the stores; every method checks the permission matrix."""

    __slots__ = ("_memory", "_role")

    def __init__(self, memory: Memory, role: AgentRole) -> None:
        self._memory = memory
        self._role = role

    @property
    def role(self) -> AgentRole:
        return self._role

    def _check(self, store: Store, mode: str) -> None:
        if mode not in PERMISSIONS[store][self._role]:
            verb = "read" if mode == "r" else "write"
            raise MemoryPermissionError(f"the {self._role} may not {verb} the {store} store")

    # raw output
    def write_raw(self, record: RawRecord) -> None:
        self._check(Store.RAW, "w")
        self._memory.raw.append(record)

    def read_raw(self, iteration: int | None = None) -> list[RawRecord]:
        self._check(Store.RAW, "r")
        raw = self._memory.raw
        return list(raw) if iteration is None else [r for r in raw if r.iteration == iteration]

    # subtasks
    def subtasks(self) -> SubtaskQueue:
        """The queue itself for writers; a copy for readers."""
        self._check(Store.SUBTASKS, "r")
        if "w" in PERMISSIONS[Store.SUBTASKS][self._role]:
            return self._memory.subtasks
        return self._memory.subtasks.copy()

    # compressed context
    def write_compressed(self, context: CompressedContext) -> None:
        self._check(Store.COMPRESSED, "w")
        self._memory.compressed.append(context)

    def read_compressed(self, iteration: int | None = None) -> list[CompressedContext]:
        self._check(Store.COMPRESSED, "r")
        items = self._memory.compressed
        return list(items) if iteration is None else [c for c in items if c.iteration == iteration]
