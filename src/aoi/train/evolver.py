"""`aoi train evolver`: trajectory-level GRPO of the Evolver, rewarded by execution on the twin.

Rows are Evolver pairs (aoi.loop's `aoi export evolver-pairs`): a rendered repair or
augmentation prompt, the task and seed whose twin the plan runs on, and the seed's
commands (for diversity). TRL's GRPOTrainer samples G plans per prompt; each is
scored by aoi.loop's six-dimension reward, every dimension logged as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aoi.train.config import EvolverGRPOConfig
from aoi.train.rewards.evolver import DIMENSIONS, EvolverReward
from aoi.train.training import (
    METRICS,
    check_model_dir,
    grpo_args,
    metrics_callback,
    peft_config,
    tokenizer_for,
    train_and_save,
)

REQUIRED = ("prompt", "task_id")


def evolver_rows(pairs: Any) -> list[dict[str, Any]]:
    """Evolver pairs (a `datasets.Dataset`, rows, or a Parquet file / dataset folder) as GRPO rows."""
    if isinstance(pairs, str | Path):
        pairs = _read(Path(pairs))
    rows = [dict(r) for r in pairs]
    for row in rows:
        missing = [k for k in REQUIRED if k not in row]
        if missing:
            raise ValueError(f"an Evolver pair lacks {', '.join(missing)}")
        if isinstance(row["prompt"], str):
            row["prompt"] = [{"role": "user", "content": row["prompt"]}]
        row.setdefault("seed", 0)
        row.setdefault("seed_commands", [])
    return rows


def _read(path: Path) -> Any:
    import datasets

    if path.is_dir():
        parquet = path / "evolver_pairs.parquet"
        if parquet.is_file():
            return datasets.Dataset.from_parquet(str(parquet))
        return datasets.load_from_disk(str(path))
    if path.suffix == ".parquet":
        return datasets.Dataset.from_parquet(str(path))
    if path.suffix in (".jsonl", ".json"):
        return datasets.Dataset.from_json(str(path))
    raise ValueError(f"{path}: expected a Parquet file, a JSON-lines file or a dataset folder")


def train_evolver(config: EvolverGRPOConfig, rows: Sequence[dict[str, Any]]) -> Path:
    """GRPO on Evolver pairs with the execution-checked reward."""
    check_model_dir(config.model)
    config.model = str(Path(config.model).resolve())
    from datasets import Dataset
    from trl import GRPOTrainer

    reward = EvolverReward()
    funcs: list[Any] = [reward]
    weights = [1.0]
    if config.log_dimensions:
        funcs += [reward.dimension(d) for d in DIMENSIONS]
        weights += [0.0] * len(DIMENSIONS)
    keep = [{k: v for k, v in r.items() if k != "reference"} for r in rows]
    tokenizer = tokenizer_for(config)
    trainer = GRPOTrainer(
        model=config.model,
        reward_funcs=funcs,
        args=grpo_args(config, weights),
        train_dataset=Dataset.from_list(keep),
        processing_class=tokenizer,
        peft_config=peft_config(config),
        callbacks=[metrics_callback(Path(config.output_dir) / METRICS)],
    )
    return train_and_save(trainer, config, tokenizer)
