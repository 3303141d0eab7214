"""What a grammar learned about one command: its kind, why, and its parts."""

from __future__ import annotations

from dataclasses import dataclass, field

from aoi.gate.verdict import VerdictKind


@dataclass(slots=True)
class Facts:
    """The parts of a command the scope check and the allow-list look at.

    `resources` are canonical kinds (`service`, `deployment`, ...); `names` the
    objects named; `args` the remaining positionals (`key=value`, `c=image`);
    `flags` long flag names with every value. For `kubectl exec` the inner
    program and the write operations it performs are kept too.
    """

    tool: str
    verb: str
    resources: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    flags: dict[str, list[str]] = field(default_factory=dict)
    namespace: str | None = None
    all_namespaces: bool = False
    namespaced: bool = True
    program: str | None = None
    writes: frozenset[str] = frozenset()
    raw_path: str | None = None


@dataclass(slots=True)
class Outcome:
    """A grammar's answer: the kind, a reason a model can act on, and facts."""

    kind: VerdictKind
    reason: str
    facts: Facts | None = None


READ = VerdictKind.READ
WRITE = VerdictKind.WRITE
FORBIDDEN = VerdictKind.FORBIDDEN

_RANK = {READ: 0, WRITE: 1, FORBIDDEN: 2}


def worst(a: Outcome, b: Outcome) -> Outcome:
    """The more dangerous of two outcomes (READ < WRITE < FORBIDDEN)."""
    return b if _RANK[b.kind] > _RANK[a.kind] else a


def forbid(reason: str) -> Outcome:
    return Outcome(FORBIDDEN, reason)
