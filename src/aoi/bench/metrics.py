"""Benchmark figures: best@k, avg@k and their gap, overall, per task type and per fault.

- best@k: the share of tasks solved in at least one of their k attempts;
- avg@k: the mean, over tasks, of the share of their attempts that succeeded;
- gap: best@k - avg@k, the paper's measure of run-to-run variance.
Secondary figures: time to submit, steps and tokens (medians and means over attempts).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AttemptResult:
    """One finished attempt, as metrics need it."""

    task_id: str
    attempt: int
    success: bool
    task_type: str
    fault: str
    steps: int = 0
    tokens: int = 0
    seconds: float = 0.0
    seconds_to_submit: float | None = None
    error: str | None = None
    #: the label of the guidance the attempt was given (author, entry, same-task / other-target)
    guidance: str | None = None


@dataclass
class Figures:
    tasks: int
    attempts: int
    k: int
    best_at_k: float
    avg_at_k: float
    gap: float
    by_type: dict[str, dict[str, float]] = field(default_factory=dict)
    by_fault: dict[str, dict[str, float]] = field(default_factory=dict)
    secondary: dict[str, float | None] = field(default_factory=dict)
    per_task: dict[str, dict[str, Any]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tasks": self.tasks,
            "attempts": self.attempts,
            "k": self.k,
            "best_at_k": self.best_at_k,
            "avg_at_k": self.avg_at_k,
            "gap": self.gap,
            "by_type": self.by_type,
            "by_fault": self.by_fault,
            "secondary": self.secondary,
            "per_task": self.per_task,
        }


def _rates(results: list[AttemptResult]) -> tuple[int, float, float]:
    """(tasks, best@k, avg@k) over the attempts given, grouped by task."""
    by_task: dict[str, list[bool]] = defaultdict(list)
    for r in results:
        by_task[r.task_id].append(r.success)
    if not by_task:
        return 0, 0.0, 0.0
    best = sum(1 for runs in by_task.values() if any(runs)) / len(by_task)
    avg = sum(sum(runs) / len(runs) for runs in by_task.values()) / len(by_task)
    return len(by_task), round(best * 100, 2), round(avg * 100, 2)


def _group(results: list[AttemptResult], key: str) -> dict[str, dict[str, float]]:
    groups: dict[str, list[AttemptResult]] = defaultdict(list)
    for r in results:
        groups[getattr(r, key)].append(r)
    out = {}
    for name in sorted(groups):
        tasks, best, avg = _rates(groups[name])
        out[name] = {
            "tasks": tasks,
            "best_at_k": best,
            "avg_at_k": avg,
            "gap": round(best - avg, 2),
        }
    return out


def _median(values: Iterable[float | None]) -> float | None:
    data = [v for v in values if v is not None]
    return round(statistics.median(data), 4) if data else None


def compute(results: list[AttemptResult]) -> Figures:
    """All figures from finished attempts (several per task for k > 1)."""
    tasks, best, avg = _rates(results)
    per_task_runs: dict[str, list[AttemptResult]] = defaultdict(list)
    for r in results:
        per_task_runs[r.task_id].append(r)
    k = max((len(v) for v in per_task_runs.values()), default=0)
    per_task = {
        task: {
            "type": runs[0].task_type,
            "fault": runs[0].fault,
            "attempts": len(runs),
            "successes": sum(r.success for r in runs),
            "solved": any(r.success for r in runs),
        }
        for task, runs in sorted(per_task_runs.items())
    }
    secondary = {
        "median_steps": _median(r.steps for r in results),
        "mean_steps": round(statistics.fmean([r.steps for r in results]), 3) if results else None,
        "median_tokens": _median(r.tokens for r in results),
        "median_seconds": _median(r.seconds for r in results),
        "median_seconds_to_submit": _median(r.seconds_to_submit for r in results),
        "errors": float(sum(1 for r in results if r.error)),
    }
    return Figures(
        tasks=tasks,
        attempts=len(results),
        k=k,
        best_at_k=best,
        avg_at_k=avg,
        gap=round(best - avg, 2),
        by_type=_group(results, "task_type"),
        by_fault=_group(results, "fault"),
        secondary=secondary,
        per_task=per_task,
    )
