"""`aoi train observer`: step-level GRPO of the Observer, offline, as the paper trains it.

Each sample is one step of a successful trajectory with the prompt the runtime
sent there; TRL's GRPOTrainer samples G decisions per prompt and the Observer
reward (aoi.train.rewards) scores each against the reference step. Each reward
dimension is logged too (weight 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aoi.train.config import ObserverGRPOConfig
from aoi.train.rewards import WEIGHTS, ObserverReward
from aoi.train.training import (
    METRICS,
    check_model_dir,
    grpo_args,
    metrics_callback,
    peft_config,
    tokenizer_for,
    train_and_save,
)


def reward_functions(reward: ObserverReward, log_dimensions: bool) -> tuple[list[Any], list[float]]:
    """The reward and, with weight 0, one function per dimension so that TRL logs each."""
    funcs: list[Any] = [reward]
    weights = [1.0]
    if log_dimensions:
        funcs += [reward.dimension(name) for name in WEIGHTS]
        weights += [0.0] * len(WEIGHTS)
    return funcs, weights


def train_observer(
    config: ObserverGRPOConfig, rows: Sequence[dict[str, Any]], *, judge: Any = None
) -> Path:
    """GRPO on Observer step samples (rows of aoi.train.data.observer)."""
    check_model_dir(config.model)
    config.model = str(Path(config.model).resolve())
    from datasets import Dataset
    from trl import GRPOTrainer

    dataset = Dataset.from_list([{k: v for k, v in r.items() if k != "completion"} for r in rows])
    funcs, weights = reward_functions(ObserverReward(judge), config.log_dimensions)
    tokenizer = tokenizer_for(config)
    trainer = GRPOTrainer(
        model=config.model,
        reward_funcs=funcs,
        args=grpo_args(config, weights),
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=peft_config(config),
        callbacks=[metrics_callback(Path(config.output_dir) / METRICS)],
    )
    return train_and_save(trainer, config, tokenizer)
