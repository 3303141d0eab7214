"""The same rewards for verl: its `compute_score` signature over aoi.train's reward functions.

verl's reward managers call `compute_score(data_source, solution_str, ground_truth,
extra_info)` once per response. Point `reward.custom_reward_function.path` at this
file (`name: compute_score`) and each row's `data_source` picks the reward:

- `aoi/observer`: the Observer step reward (`ObserverReward`, the paper's weights);
  `ground_truth` is the reference decision (JSON), `extra_info` the row's other
  reward columns (step, n_steps, task_id, task_type, namespace, reference_call,
  truth_targets, is_submit) as `verl_rows` writes them;
- `aoi/evolver`: the Evolver's execution-checked reward (aoi.loop); `extra_info`
  holds task_id, seed and seed_commands.

The result is verl's dict form: `score` and one entry per dimension (0..1, and
-1 where the dimension is dropped at that step, since verl needs every key on
every row). Nothing here imports verl: the file is plain Python on aoi.train.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

from aoi.train.rewards import WEIGHTS, ObserverReward

OBSERVER = "aoi/observer"
EVOLVER = "aoi/evolver"
#: verl's default agent loop; recipes/verl/agent_loop.yaml registers it as `aoi_observer` too
AGENT_LOOP = "aoi_observer"
DROPPED = -1.0
_OBSERVER_COLUMNS = (
    "step",
    "n_steps",
    "task_id",
    "task_type",
    "namespace",
    "reference_call",
    "truth_targets",
    "is_submit",
)


@cache
def _observer() -> ObserverReward:
    return ObserverReward()


def compute_score(
    data_source: str,
    solution_str: str,
    ground_truth: Any,
    extra_info: dict[str, Any] | None = None,
    **_: Any,
) -> dict[str, float]:
    """One response's reward in verl's form: {"score": R, "<dimension>": value, ...}."""
    info = dict(extra_info or {})
    if data_source == OBSERVER:
        row = {**info, "reference": ground_truth}
        if isinstance(row.get("truth_targets"), str):
            row["truth_targets"] = json.loads(row["truth_targets"])
        scored = _observer().score_one(solution_str, row)
        out = {"score": float(scored.reward)}
        for name in WEIGHTS:
            value = scored.dimensions.get(name)
            out[name] = DROPPED if value is None else value / 10
        return out
    if data_source == EVOLVER:
        from aoi.train.rewards.evolver import DIMENSIONS, _loop_reward

        breakdown = _loop_reward()(
            solution_str,
            task_id=str(info["task_id"]),
            seed=int(info.get("seed") or 0),
            seed_commands=list(info.get("seed_commands") or []),
            strict=False,
        )
        return {"score": float(breakdown.total)} | {
            d: float(breakdown.scores.get(d, 0.0)) for d in DIMENSIONS
        }
    raise ValueError(f"unknown data_source {data_source!r}; expected {OBSERVER} or {EVOLVER}")


def verl_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Observer step samples (aoi.train.data.observer) in verl's RL dataset layout."""
    out = []
    for row in rows:
        out.append(
            {
                "data_source": OBSERVER,
                "prompt": row["prompt"],
                "ability": "aiops",
                "agent_name": AGENT_LOOP,
                "reward_model": {"style": "rule", "ground_truth": row["reference"]},
                # one JSON-able mapping with a fixed set of keys (Parquet needs one schema)
                "extra_info": {k: row[k] for k in _OBSERVER_COLUMNS}
                | {"truth_targets": json.dumps(list(row["truth_targets"]))},
            }
        )
    return out
