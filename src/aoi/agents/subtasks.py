"""The subtask queue: planned at the start, as long as the iteration cap, ending in Submit."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from aoi.agents.schema import NextAgent, PlannedSubtask


@dataclass(slots=True)
class Subtask:
    agent: NextAgent
    goal: str
    done: bool = False


@dataclass
class SubtaskQueue:
    items: list[Subtask] = field(default_factory=list)
    cursor: int = 0

    def copy(self) -> SubtaskQueue:
        return copy.deepcopy(self)

    @classmethod
    def default(cls, iterations: int, mitigation: bool) -> SubtaskQueue:
        """About half probing, then executor steps for mitigation, then Submit."""
        body = max(1, iterations - 1)
        probes = max(1, body // 2) if mitigation else body
        items = [
            Subtask(NextAgent.PROBE, _PROBE_GOALS[min(i, len(_PROBE_GOALS) - 1)])
            for i in range(probes)
        ]
        if mitigation:
            fixes = body - probes
            for i in range(fixes):
                goal = (
                    "apply the fix for the root cause"
                    if i % 2 == 0
                    else "verify the fix took effect"
                )
                agent = NextAgent.EXECUTOR if i % 2 == 0 else NextAgent.PROBE
                items.append(Subtask(agent, goal))
        items.append(Subtask(NextAgent.SUBMIT, "submit the answer"))
        return cls(items=items)

    @classmethod
    def from_plan(
        cls, plan: list[PlannedSubtask], iterations: int, mitigation: bool
    ) -> SubtaskQueue:
        """A model's plan, repaired: capped to the iteration count, ending in Submit,
        with Executor steps for mitigation. An unusable plan gives the default queue."""
        items = [Subtask(p.agent, p.goal) for p in plan if p.agent is not NextAgent.SUBMIT]
        if not items or (mitigation and not any(i.agent is NextAgent.EXECUTOR for i in items)):
            return cls.default(iterations, mitigation)
        items = items[: max(1, iterations - 1)]
        items.append(Subtask(NextAgent.SUBMIT, "submit the answer"))
        return cls(items=items)

    def current(self) -> Subtask | None:
        return self.items[self.cursor] if self.cursor < len(self.items) else None

    def advance(self) -> None:
        if self.cursor < len(self.items):
            self.items[self.cursor].done = True
            self.cursor += 1

    def at_submit(self) -> bool:
        current = self.current()
        return current is None or current.agent is NextAgent.SUBMIT

    def replace_remaining(self, plan: list[PlannedSubtask]) -> None:
        """Edit the queue in the middle iterations: the future changes, the past stays."""
        keep = self.items[: self.cursor]
        new = [Subtask(p.agent, p.goal) for p in plan if p.agent is not NextAgent.SUBMIT]
        budget = max(0, len(self.items) - 1 - len(keep))
        self.items = [*keep, *new[:budget], Subtask(NextAgent.SUBMIT, "submit the answer")]

    def render(self) -> str:
        lines = []
        for index, item in enumerate(self.items):
            mark = "x" if item.done else (">" if index == self.cursor else " ")
            lines.append(f"[{mark}] {index + 1}. {item.agent.value}: {item.goal}")
        return "\n".join(lines)


_PROBE_GOALS = [
    "surface scan: pods, events, services and deployments of the namespace",
    "look closer at the unhealthy or suspicious components",
    "read the logs of failing pods and of their callers",
    "check configuration: service ports, images, commands, selectors, volumes",
    "check dependencies: databases, users and roles, endpoints",
    "check telemetry: traces and metrics for latency and errors",
    "confirm the root cause against its symptoms",
]
