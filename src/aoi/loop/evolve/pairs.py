"""Evolver pairs: the dataset `aoi train evolver` reads (`aoi.train.evolver.evolver_rows`).

One row per sample, with every column the reward needs: `prompt` (a rendered
repair or augmentation prompt), `task_id` and `seed` (the twin the plan is
executed on), `seed_commands` (what diversity compares against), and where the
row came from (`mode`, `source_task`, `source_run`, `source_attempt`).
Failed trajectories give repair rows; successes give augmentation rows onto
other targets of the same fault (the parametric catalog).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aoi.loop.evolve.candidates import augment_prompt, other_targets, repair_prompt, seed_commands
from aoi.trajectories import MissingExtraError, Trajectory

PARQUET = "evolver_pairs.parquet"
DATASET = "dataset"


def evolver_pairs(
    trajectories: Iterable[Trajectory],
    *,
    targets: int = 1,
    repair: bool = True,
    augment: bool = True,
) -> list[dict[str, Any]]:
    """Repair rows for failures, augmentation rows (up to `targets` per success) for successes."""
    rows: list[dict[str, Any]] = []
    for trajectory in trajectories:
        if trajectory.outcome is None:
            continue  # still running: not a seed yet
        base = {
            "seed": int(trajectory.seed or 0),
            "seed_commands": seed_commands(trajectory),
            "source_task": trajectory.task_id,
            "source_run": trajectory.run_id,
            "source_attempt": trajectory.attempt_id,
        }
        if not trajectory.success and repair:
            rows.append(
                {
                    "prompt": repair_prompt(trajectory),
                    "task_id": trajectory.task_id,
                    "mode": "repair",
                    **base,
                }
            )
        elif trajectory.success and augment:
            for target in other_targets(trajectory.task_id, targets):
                rows.append(
                    {
                        "prompt": augment_prompt(trajectory, target),
                        "task_id": target,
                        "mode": "augmentation",
                        **base,
                    }
                )
    return rows


def write_pairs(rows: list[dict[str, Any]], out: Path) -> list[Path]:
    """The rows as `out/evolver_pairs.parquet` and a `datasets` folder `out/dataset`."""
    try:
        import datasets
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingExtraError(
            exc.name or "pyarrow and datasets", "writing Evolver pairs"
        ) from None
    out.mkdir(parents=True, exist_ok=True)
    schema = pa.schema(
        [
            ("prompt", pa.string()),
            ("task_id", pa.string()),
            ("seed", pa.int64()),
            ("seed_commands", pa.list_(pa.string())),
            ("mode", pa.string()),
            ("source_task", pa.string()),
            ("source_run", pa.string()),
            ("source_attempt", pa.string()),
        ]
    )
    table = pa.Table.from_pylist(rows, schema=schema)
    parquet = out / PARQUET
    pq.write_table(table, parquet)
    folder = out / DATASET
    datasets.Dataset(table).save_to_disk(str(folder))
    return [parquet, folder]
