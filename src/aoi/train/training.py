"""What every trainer shares: LoRA, the tokenizer, TRL arguments, metrics, checkpoints, the final model."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from aoi.errors import AOIError
from aoi.train.config import GRPOTrainConfig, TrainConfig, as_dict

METRICS = "metrics.jsonl"
PLOT = "metrics.png"
FINAL = "final"
MERGED = "merged"


class TrainError(AOIError, RuntimeError):
    """A training run that cannot start: what to fix is in the message."""


def check_model_dir(path: str) -> None:
    if not path:
        raise TrainError(
            "no base model: pass --model DIR (e.g. one made by `aoi train init-model`)"
        )
    if not (Path(path) / "config.json").is_file():
        raise TrainError(
            f"{path} is not a model directory (no config.json); build one with "
            "`aoi train init-model DIR` or point --model at a local checkpoint"
        )


def peft_config(config: TrainConfig) -> Any:
    """PEFT's LoraConfig for the config, or None for full fine-tuning."""
    if not config.lora.enabled:
        return None
    from peft import LoraConfig

    return LoraConfig(
        task_type="CAUSAL_LM",
        r=config.lora.r,
        lora_alpha=config.lora.alpha,
        lora_dropout=config.lora.dropout,
        target_modules=list(config.lora.target_modules),
    )


def tokenizer_for(config: TrainConfig) -> Any:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(config.model, local_files_only=True)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "left"
    return tokenizer


def common_args(config: TrainConfig) -> dict[str, Any]:
    """The transformers TrainingArguments every trainer passes to TRL."""
    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    return {
        "output_dir": config.output_dir,
        "learning_rate": config.learning_rate,
        "num_train_epochs": config.epochs,
        "per_device_train_batch_size": config.batch_size,
        "gradient_accumulation_steps": config.gradient_accumulation_steps,
        "max_steps": config.max_steps,
        "seed": config.seed,
        "save_strategy": "steps",
        "save_steps": config.save_steps,
        "save_total_limit": config.save_total_limit,
        "logging_steps": config.logging_steps,
        "bf16": config.bf16,
        "disable_tqdm": not config.progress_bar,
        "gradient_checkpointing": config.gradient_checkpointing,
        "report_to": [],
        "use_cpu": not _cuda(),
    }


def grpo_args(config: GRPOTrainConfig, reward_weights: list[float]) -> Any:
    from trl import GRPOConfig

    extra: dict[str, Any] = {}
    if config.use_vllm:
        extra = {"use_vllm": True, "vllm_mode": config.vllm_mode}
    return GRPOConfig(
        **common_args(config),
        num_generations=config.group_size,
        beta=config.beta,
        temperature=config.temperature,
        max_completion_length=config.max_completion_length,
        loss_type=config.loss_type,
        reward_weights=reward_weights,
        **extra,
    )


def _cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def metrics_callback(path: Path) -> Any:
    """A TrainerCallback writing every log (reward per dimension, KL, length, loss) as a JSON line."""
    from transformers import TrainerCallback

    class MetricsLog(TrainerCallback):
        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kw: Any) -> None:
            if not logs or not state.is_world_process_zero:
                return
            row = {"step": state.global_step, "epoch": state.epoch}
            for key, value in logs.items():
                if isinstance(value, int | float) and not (
                    isinstance(value, float) and math.isnan(value)
                ):
                    row[key] = value
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(row) + "\n")

    return MetricsLog()


def read_metrics(path: str | Path) -> list[dict[str, Any]]:
    file = Path(path)
    if not file.is_file():
        return []
    return [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line]


def plot_metrics(metrics: str | Path, out: str | Path) -> Path | None:
    """Plot rewards (each dimension), KL, completion length and loss against the step."""
    rows = read_metrics(metrics)
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        ("reward", [k for k in rows[-1] if k == "reward" or k.startswith("rewards/")]),
        ("KL", ["kl"]),
        ("completion length", ["completions/mean_length"]),
        ("loss", ["loss"]),
    ]
    panels = [(title, keys) for title, keys in panels if any(k in r for r in rows for k in keys)]
    if not panels:
        return None
    fig, axes = plt.subplots(len(panels), 1, figsize=(7, 2.6 * len(panels)), squeeze=False)
    for ax, (title, keys) in zip(axes[:, 0], panels, strict=True):
        for key in keys:
            points = [(r["step"], r[key]) for r in rows if key in r]
            if points:
                xs, ys = zip(*points, strict=True)
                ax.plot(xs, ys, label=key.removeprefix("rewards/").removesuffix("/mean"))
        ax.set_title(title)
        ax.set_xlabel("step")
        if len(keys) > 1:
            ax.legend(fontsize=7)
    fig.tight_layout()
    path = Path(out)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def last_checkpoint(config: TrainConfig) -> str | None:
    """The newest checkpoint to resume from when `resume` is set (None to start afresh)."""
    if not config.resume:
        return None
    from transformers.trainer_utils import get_last_checkpoint

    out = Path(config.output_dir)
    return get_last_checkpoint(str(out)) if out.is_dir() else None


def train_and_save(trainer: Any, config: TrainConfig, tokenizer: Any) -> Path:
    """Train (resuming if asked), then write the final model, the merged model, the plot."""
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "train_config.json").write_text(json.dumps(as_dict(config), indent=2), encoding="utf-8")
    trainer.train(resume_from_checkpoint=last_checkpoint(config))
    final = out / FINAL
    trainer.save_model(str(final))
    tokenizer.save_pretrained(str(final))
    model = trainer.model
    if config.lora.enabled and config.merge_lora and hasattr(model, "merge_and_unload"):
        import copy

        merged = copy.deepcopy(model).merge_and_unload()
        merged.save_pretrained(str(out / MERGED))
        tokenizer.save_pretrained(str(out / MERGED))
    plot_metrics(out / METRICS, out / PLOT)
    return final
