"""One config dataclass per trainer, with the paper's defaults, and YAML files to override them.

The paper trains Qwen3-14B with LoRA (rank 64, alpha 128, dropout 0.05 on all
attention and MLP projections), learning rate 1e-5, group size G = 4, batch 16
and 3 epochs. The KL coefficient is not stated (the authors' code leaves the
trainer's default); we use 0.04, DeepSeekMath's GRPO value, so that the KL to the
starting model is bounded and logged; `beta: 0` drops the reference model.

A YAML file holds any subset of a config's fields (the LoRA settings under
`lora:`); unknown keys are an error that names them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from aoi.errors import ConfigError as AOIConfigError

#: every attention and MLP projection of a Qwen / Llama block
PROJECTIONS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


class ConfigError(AOIConfigError):
    """A config file or override that does not fit the trainer's config."""


@dataclass
class LoraSettings:
    """LoRA on all attention and MLP projections (the paper's setting); `enabled: false` trains all weights."""

    enabled: bool = True
    r: int = 64
    alpha: int = 128
    dropout: float = 0.05
    target_modules: list[str] = field(default_factory=lambda: list(PROJECTIONS))


@dataclass
class TrainConfig:
    """What every trainer shares."""

    model: str = ""
    output_dir: str = "runs/train"
    learning_rate: float = 1e-5
    epochs: float = 3.0
    batch_size: int = 16
    gradient_accumulation_steps: int = 1
    max_steps: int = -1
    seed: int = 0
    lora: LoraSettings = field(default_factory=LoraSettings)
    save_steps: int = 50
    save_total_limit: int = 3
    logging_steps: int = 1
    resume: bool = False
    bf16: bool = False
    progress_bar: bool = True
    # trades compute for memory on big models; off is faster for small ones
    gradient_checkpointing: bool = True
    # write output_dir/merged, a full model with the adapter folded in (for vLLM and plain loading)
    merge_lora: bool = True


@dataclass
class SFTTrainConfig(TrainConfig):
    """Warm start: supervised fine-tuning on the reference decisions of successful runs."""

    learning_rate: float = 1e-5
    max_length: int = 8192


@dataclass
class GRPOTrainConfig(TrainConfig):
    """GRPO as the paper runs it: G = 4 completions per prompt, batch 16 completions."""

    group_size: int = 4
    beta: float = 0.04
    temperature: float = 0.7
    max_completion_length: int = 1024
    loss_type: str = "grpo"
    use_vllm: bool = False
    vllm_mode: str = "colocate"
    # also log each reward dimension (weight 0: it does not change the reward)
    log_dimensions: bool = True


@dataclass
class ObserverGRPOConfig(GRPOTrainConfig):
    """Step-level GRPO of the Observer on samples of successful trajectories (offline)."""


@dataclass
class EvolverGRPOConfig(GRPOTrainConfig):
    """Trajectory-level GRPO of the Evolver: plans rewarded by execution on the twin."""

    max_completion_length: int = 2048


@dataclass
class OnlineGRPOConfig(GRPOTrainConfig):
    """Multi-turn GRPO: whole episodes on the twin with the model as the Observer.

    The reward is the task's score plus `shaping` times the step reward of the
    trained turn; `max_iterations` caps each episode."""

    max_iterations: int = 8
    shaping: float = 0.2
    max_completion_length: int = 512


C = TypeVar("C", bound=TrainConfig)


def _apply(config: Any, values: dict[str, Any], where: str) -> None:
    known = {f.name: f for f in dataclasses.fields(config)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(known)}"
        )
    for name, value in values.items():
        current = getattr(config, name)
        if dataclasses.is_dataclass(current) and not isinstance(current, type):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: {name} must be a mapping")
            _apply(current, value, f"{where}.{name}")
        else:
            setattr(config, name, value)


def load_config(cls: type[C], path: str | Path | None = None, **overrides: Any) -> C:
    """A `cls` with its defaults, then the YAML file's values, then `overrides` (None ones skipped)."""
    config = cls()
    if path is not None:
        file = Path(path)
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read {file}: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"{file}: expected a mapping of config keys")
        _apply(config, data, str(file))
    _apply(config, {k: v for k, v in overrides.items() if v is not None}, "options")
    return config


def as_dict(config: TrainConfig) -> dict[str, Any]:
    """The config as plain data (for the run's record and YAML)."""
    return dataclasses.asdict(config)
