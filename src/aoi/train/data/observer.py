"""Observer step samples: one row per (successful trajectory, step), as the paper trains.

Each row holds the prompt the runtime sent at that step (rebuilt by
`aoi.train.data.prompts`), the reference decision the successful run made there
(as JSON, and as an assistant message for SFT), and every column the Observer
reward reads. Task types are balanced by oversampling.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from aoi.agents.schema import NextAgent
from aoi.catalog import get_task
from aoi.train.data.prompts import DEFAULT_MAX_ITERATIONS, DEFAULT_SUMMARIES, rebuild_prompts
from aoi.trajectories import Step, Trajectory

COLUMNS = (
    "prompt",
    "completion",
    "step",
    "n_steps",
    "max_iterations",
    "task_id",
    "task_type",
    "fault",
    "namespace",
    "reference",
    "reference_agent",
    "reference_call",
    "truth_targets",
    "is_submit",
)


def step_rows(
    trajectory: Trajectory,
    *,
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
    summaries: int = DEFAULT_SUMMARIES,
    steps: Sequence[Step] | None = None,
) -> list[dict[str, Any]]:
    """The samples of one trajectory (or of a purified path of it), one per decided step."""
    task = get_task(trajectory.task_id)
    prompts = rebuild_prompts(
        trajectory, max_iterations=max_iterations, summaries=summaries, steps=steps
    )
    truth = [*task.truth.localization, *task.truth.aliases]
    rows = []
    for item in prompts:
        if item.decision is None:
            continue  # a failed step teaches nothing about what to decide
        decision = item.decision
        agent = str((decision.get("next_action") or {}).get("agent") or "probe")
        submit = agent == NextAgent.SUBMIT.value or bool(item.step.api_call) or item.must_submit
        call = str((decision.get("submission") or {}).get("call") or item.step.api_call or "")
        text = json.dumps(decision, ensure_ascii=False)
        rows.append(
            {
                "prompt": [{"role": "user", "content": item.prompt}],
                "completion": [{"role": "assistant", "content": text}],
                "step": item.iteration,
                "n_steps": len(prompts),
                "max_iterations": max_iterations,
                "task_id": task.id,
                "task_type": task.type.value,
                "fault": task.fault,
                "namespace": task.namespace,
                "reference": text,
                "reference_agent": "submit" if submit else agent,
                "reference_call": call if submit else "",
                "truth_targets": truth,
                "is_submit": submit,
            }
        )
    return rows


def balance(
    rows: Sequence[dict[str, Any]], key: str = "task_type", *, seed: int = 0
) -> list[dict[str, Any]]:
    """Oversample every group of `key` up to the largest group's size (the paper's balancing)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[str(row[key])].append(row)
    if not groups:
        return []
    rng = random.Random(seed)
    largest = max(len(g) for g in groups.values())
    out: list[dict[str, Any]] = []
    for name in sorted(groups):
        group = groups[name]
        out.extend(group)
        out.extend(rng.choice(group) for _ in range(largest - len(group)))
    rng.shuffle(out)
    return out


def observer_rows(
    trajectories: Iterable[Trajectory],
    *,
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
    summaries: int = DEFAULT_SUMMARIES,
    balanced: bool = True,
    seed: int = 0,
    successful_only: bool = True,
) -> list[dict[str, Any]]:
    """Samples of many trajectories (successful ones only, by default), balanced by task type."""
    rows: list[dict[str, Any]] = []
    for trajectory in trajectories:
        if successful_only and not trajectory.success:
            continue
        rows.extend(step_rows(trajectory, max_iterations=max_iterations, summaries=summaries))
    return balance(rows, seed=seed) if balanced else rows


def to_dataset(rows: Sequence[dict[str, Any]]) -> Any:
    """A `datasets.Dataset` of rows (the `train` extra)."""
    from datasets import Dataset

    return Dataset.from_list(list(rows))
