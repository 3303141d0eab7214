"""Faults: small named injectors, one per AIOpsLab fault family.

Each injector changes the twin the way AIOpsLab's injector changes a real cluster
(a Service patch, a Helm upgrade, a role revoked in mongo then the pod deleted,
a Chaos-Mesh experiment, a flagd flag), and nothing else: the symptoms follow
from the twin's behaviour, and the truth stays in the task.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aoi.catalog import Task
from aoi.errors import UnknownNameError

if TYPE_CHECKING:
    from aoi.twin.core import Twin

Injector = Callable[["Twin", str, str | None, dict[str, Any]], None]
INJECTORS: dict[str, Injector] = {}
# Seconds that pass between the injection and the agent's first look, as in AIOpsLab
# (fault injection sleeps, workload start, agent start-up).
SETTLE_SECONDS = 45.0


def injector(*families: str) -> Callable[[Injector], Injector]:
    """Register a function as the injector of one or more fault families."""

    def register(fn: Injector) -> Injector:
        for family in families:
            INJECTORS[family] = fn
        return fn

    return register


class UnknownFaultError(UnknownNameError):
    pass


def inject(twin: Twin, task: Task, *, settle: float = SETTLE_SECONDS) -> None:
    """Inject the task's fault into the twin, then let the cluster react."""
    fn = INJECTORS.get(task.fault)
    if fn is None:
        raise UnknownFaultError(f"no injector for fault family {task.fault!r}")
    fn(twin, task.namespace, task.target, dict(task.params))
    twin.changed()
    if settle:
        twin.tick(settle)


# register the injectors
from aoi.twin.faults import chaos, flags, k8s, mongo  # noqa: E402,F401

__all__ = ["INJECTORS", "SETTLE_SECONDS", "UnknownFaultError", "inject", "injector"]
