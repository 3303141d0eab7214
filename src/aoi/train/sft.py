"""`aoi train sft`: a warm start on the reference decisions of successful runs (TRL's SFTTrainer)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aoi.train.config import SFTTrainConfig
from aoi.train.training import (
    METRICS,
    check_model_dir,
    common_args,
    metrics_callback,
    peft_config,
    tokenizer_for,
    train_and_save,
)


def train_sft(config: SFTTrainConfig, rows: Sequence[dict[str, Any]]) -> Path:
    """Fine-tune on prompt -> reference decision pairs (loss on the completion only)."""
    check_model_dir(config.model)
    config.model = str(Path(config.model).resolve())
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    dataset = Dataset.from_list(
        [{"prompt": r["prompt"], "completion": r["completion"]} for r in rows]
    )
    tokenizer = tokenizer_for(config)
    tokenizer.padding_side = "right"
    trainer = SFTTrainer(
        model=config.model,
        args=SFTConfig(**common_args(config), max_length=config.max_length),
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=peft_config(config),
        callbacks=[metrics_callback(Path(config.output_dir) / METRICS)],
    )
    return train_and_save(trainer, config, tokenizer)
