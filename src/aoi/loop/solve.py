"""Solve a task with the rule-based expert on a fresh twin, as a Trajectory (no store needed).

The loop's source of successes without a model: the Purifier's tests, the
teacher Evolver and the benchmarks all start from here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from aoi.agents.run import AgentSpec, TaskRun, run_task
from aoi.trajectories import Step, Trajectory

_STEP_FIELDS = frozenset(Step.model_fields)


def to_trajectory(run: TaskRun, *, run_id: str = "local") -> Trajectory:
    """The Trajectory a bench attempt would store for this TaskRun."""
    steps = [
        Step.model_validate({k: v for k, v in step.items() if k in _STEP_FIELDS})
        for step in run.record.steps
    ]
    outcome: dict[str, Any] = run.outcome.model_dump(mode="json")
    outcome["ended_by"] = run.record.ended_by
    error = run.record.error
    if error:
        outcome["success"] = False
    return Trajectory(
        run_id=run_id,
        attempt_id=uuid.uuid4().hex,
        task_id=run.task,
        seed=run.seed,
        agent=run.agent,
        steps=steps,
        outcome=outcome,
        status="failed" if error else "finished",
        error=error,
    )


def expert_trajectory(task_id: str, seed: int = 0, *, without: Iterable[str] = ()) -> Trajectory:
    """The expert's (optionally ablated) attempt at a task on a fresh twin."""
    spec = AgentSpec(name="expert", without=tuple(without))
    return to_trajectory(run_task(task_id, agent=spec, seed=seed))
