"""Where training trajectories come from: a store run, or the rule-based expert as a teacher."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aoi.catalog import get_task
from aoi.trajectories import Step, Trajectory, TrajectoryStore

_STEP_FIELDS = frozenset(Step.model_fields)


@dataclass(frozen=True)
class RunSettings:
    """The runtime settings a prompt rebuild needs (they are the run's, not the trainer's)."""

    max_iterations: int = 15
    summaries: int = 10


def from_store(store_url: str, run_id: str, *, success: bool | None = True) -> list[Trajectory]:
    """A stored run's finished trajectories (only the successful ones by default)."""
    store = TrajectoryStore(store_url)
    try:
        return store.query(run_id=run_id, success=success, status="finished")
    finally:
        store.close()


def run_settings(store_url: str, run_id: str) -> RunSettings:
    """The iteration cap (and summary limit) a stored run was made with."""
    store = TrajectoryStore(store_url)
    try:
        config: dict[str, Any] = store.get_run(run_id).config or {}
    finally:
        store.close()
    runtime = config.get("runtime") or {}
    return RunSettings(
        int(config.get("max_iterations") or runtime.get("max_iterations") or 15),
        int(config.get("summaries") or runtime.get("summaries") or 10),
    )


def teacher_trajectories(
    task_ids: Iterable[str], seeds: Iterable[int] = (0,), *, max_iterations: int = 15
) -> list[Trajectory]:
    """Runs of the rule-based expert on the twin, as trajectories (labelled agent 'expert').

    A model-free teacher: the expert's decisions are the reference a model learns from,
    an upper bound rather than a claim about models."""
    from aoi.agents import AgentSpec, RuntimeConfig, run_task

    out = []
    for task_id in task_ids:
        task = get_task(task_id)
        for seed in seeds:
            result = run_task(
                task_id,
                agent=AgentSpec("expert"),
                seed=seed,
                config=RuntimeConfig(max_iterations=max_iterations),
            )
            outcome = result.outcome.model_dump(mode="json")
            outcome["ended_by"] = result.record.ended_by
            out.append(
                Trajectory(
                    run_id="teacher",
                    attempt_id=f"teacher-{task_id}-{seed}",
                    task_id=task_id,
                    task_type=task.type.value,
                    fault=task.fault,
                    app=task.app.value,
                    seed=seed,
                    agent="expert",
                    steps=[
                        Step.model_validate({k: v for k, v in s.items() if k in _STEP_FIELDS})
                        for s in result.record.steps
                    ],
                    outcome=outcome,
                    status="finished",
                )
            )
    return out


def teacher_task_ids(spec: str) -> list[str]:
    """A split's task ids, or comma-separated task ids (an unknown name is an unknown split)."""
    from aoi.catalog import UnknownTaskError
    from aoi.train.data.splits import SPLITS, split_task_ids

    if spec in SPLITS:
        return split_task_ids(spec)
    ids = [t.strip() for t in spec.split(",") if t.strip()]
    try:
        return [get_task(t).id for t in ids]
    except UnknownTaskError:
        if "," in spec:
            raise
        return split_task_ids(spec)  # raises UnknownTrainSplitError, naming the splits


def observer_trajectories(
    *,
    store_url: str | None = None,
    run_id: str | None = None,
    teacher_split: str | None = None,
    seeds: int = 1,
    max_iterations: int = 15,
) -> tuple[list[Trajectory], RunSettings]:
    """Successful trajectories from a stored run, or from the expert teacher on a split."""
    if run_id:
        if not store_url:
            raise ValueError("a stored run needs the store's URL")
        return from_store(store_url, run_id), run_settings(store_url, run_id)
    if teacher_split:
        ids = teacher_task_ids(teacher_split)
        found = teacher_trajectories(ids, range(seeds), max_iterations=max_iterations)
        return [t for t in found if t.success], RunSettings(max_iterations)
    raise ValueError("no training data: give a stored run (--run RUN_ID) or --teacher SPLIT")
