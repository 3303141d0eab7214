"""Diagnosis rules: one small, named rule per fault family, in the k8sgpt analyzer style.

A rule reads the notes and, when its pattern is there, returns a `Finding`: the
root-cause component(s), the fault's place in AIOpsLab's taxonomy, how sure it is
and why. Rules never see the task; they see only what commands printed.
Confidence drives the flow: at `DECISIVE` or above the expert stops looking,
below `DETECT` a finding is not enough to call the system faulty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from aoi.agents.expert.notes import Notes
from aoi.errors import UnknownNameError

DECISIVE = 85
DETECT = 60

# Components that are plumbing, not the application's own services.
INFRA = (
    "jaeger",
    "consul",
    "prometheus",
    "grafana",
    "opensearch",
    "otel-collector",
    "flagd",
    "flagd-ui",
    "jaeger-out",
)
DATABASE_MARKS = ("mongodb", "mongo", "memcached", "redis", "valkey", "mysql", "postgres")


def is_infra(name: str) -> bool:
    return name in INFRA or name.startswith(("jaeger", "prometheus", "otel-"))


def is_database(name: str) -> bool:
    return any(mark in name for mark in DATABASE_MARKS)


@dataclass
class Finding:
    """A diagnosed fault: where it is, what class it is, and the evidence."""

    rule: str
    services: list[str]
    system_level: str
    fault_type: str
    confidence: int
    summary: str
    evidence: list[str] = field(default_factory=list)
    symptoms: list[str] = field(default_factory=list)
    detail: dict[str, str] = field(default_factory=dict)


Rule = Callable[[Notes], list[Finding]]
RULES: dict[str, Rule] = {}
#: Rule families (the module a rule lives in: workloads, network, mongo, storage, flags)
#: and the rules each holds, in registration order.
FAMILIES: dict[str, list[str]] = {}


class UnknownRuleError(UnknownNameError, ValueError):
    """A rule or family name that the expert does not have."""


def rule(name: str) -> Callable[[Rule], Rule]:
    """Register a rule under a name; registration order breaks confidence ties."""

    def register(fn: Rule) -> Rule:
        RULES[name] = fn
        FAMILIES.setdefault(fn.__module__.rsplit(".", 1)[-1], []).append(name)
        return fn

    return register


def resolve_without(names: Iterable[str]) -> frozenset[str]:
    """The rule names that `names` (rule names or family names) disable.

    Raises UnknownRuleError naming the families and rules there are.
    """
    out: set[str] = set()
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        if name in FAMILIES:
            out.update(FAMILIES[name])
        elif name in RULES:
            out.add(name)
        else:
            raise UnknownRuleError(
                f"the expert has no rule or rule family {name!r}; families: "
                f"{', '.join(FAMILIES)}; rules: {', '.join(RULES)}"
            )
    return frozenset(out)


def diagnose(notes: Notes, without: frozenset[str] = frozenset()) -> list[Finding]:
    """Every finding of every rule not in `without`, the most certain first."""
    findings: list[Finding] = []
    order = {name: i for i, name in enumerate(RULES)}
    for name, fn in RULES.items():
        if name not in without:
            findings.extend(fn(notes))
    return sorted(findings, key=lambda f: (-f.confidence, order.get(f.rule, 99)))


# register the rules (order matters for ties: specific causes before generic symptoms)
from aoi.agents.expert.rules import flags, mongo, network, storage, workloads  # noqa: E402

__all__ = [
    "DECISIVE",
    "DETECT",
    "FAMILIES",
    "RULES",
    "Finding",
    "UnknownRuleError",
    "diagnose",
    "flags",
    "is_database",
    "is_infra",
    "mongo",
    "network",
    "resolve_without",
    "rule",
    "storage",
    "workloads",
]
