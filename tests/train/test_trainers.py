"""Each trainer on the tiny model: a few steps, a checkpoint, resumption, a model the runtime drives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aoi.cli import app
from aoi.llm import Message
from aoi.llm.local import LocalTransformers
from aoi.train.config import ObserverGRPOConfig, SFTTrainConfig, load_config
from aoi.train.observer import train_observer
from aoi.train.sft import train_sft
from aoi.train.training import METRICS, PLOT, read_metrics

from .helpers import drive

SMALL_LORA = {"r": 8, "alpha": 16}


def logits(model_dir: Path):
    import torch

    model = LocalTransformers(model_dir)
    ids = model.tokenizer("kubectl get pods", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        return model.model(ids).logits


@pytest.mark.slow
def test_sft_writes_a_checkpoint_resumes_and_the_adapter_loads(tiny_model, short_rows, tmp_path):
    out = tmp_path / "sft"
    config = load_config(
        SFTTrainConfig,
        model=str(tiny_model),
        output_dir=str(out),
        max_steps=2,
        batch_size=1,
        learning_rate=1e-2,
        save_steps=2,
        progress_bar=False,
        gradient_checkpointing=False,
        lora=SMALL_LORA,
    )
    final = train_sft(config, short_rows[:2])
    assert (out / "checkpoint-2").is_dir() and (final / "adapter_config.json").is_file()
    rows = read_metrics(out / METRICS)
    assert any("loss" in r for r in rows) and (out / PLOT).is_file()
    # the adapter changed the model, and the adapter and the merged model agree
    import torch

    base, adapted, merged = logits(tiny_model), logits(final), logits(out / "merged")
    assert not torch.allclose(base, adapted)
    assert torch.allclose(adapted, merged, atol=1e-4)
    # resumption goes on from checkpoint-2 to step 3
    config.max_steps, config.resume, config.save_steps = 3, True, 1
    train_sft(config, short_rows[:2])
    assert (out / "checkpoint-3").is_dir()
    steps = [r["step"] for r in read_metrics(out / METRICS) if "loss" in r]
    assert steps == [1, 2, 3]
    # the LoRA adapter itself (final/, no merged weights) is what `aoi run --model` is given
    record, outcome = drive(final)
    assert record.steps and record.ended_by != "error" and outcome is not None
    result = CliRunner().invoke(
        app,
        [
            "run",
            "k8s_target_port-misconfig-detection-1",
            "--agent",
            "aoi",
            "--model",
            str(final),
            "--max-iterations",
            "1",
            "--json",
        ],
    )
    shown = json.loads(result.output)
    assert shown["agent"] == f"aoi:{final}" and shown["ended_by"] != "error"


@pytest.mark.slow
def test_observer_grpo_logs_every_dimension_and_the_runtime_drives_the_result(
    tiny_model, short_rows, tmp_path
):
    out = tmp_path / "grpo"
    config = load_config(
        ObserverGRPOConfig,
        model=str(tiny_model),
        output_dir=str(out),
        max_steps=2,
        batch_size=2,
        group_size=2,
        max_completion_length=8,
        save_steps=2,
        progress_bar=False,
        gradient_checkpointing=False,
        lora=SMALL_LORA,
    )
    final = train_observer(config, short_rows[:1])
    assert (out / "checkpoint-2").is_dir()
    logged = [r for r in read_metrics(out / METRICS) if "reward" in r]
    assert len(logged) == 2
    assert {"kl", "completions/mean_length", "rewards/observer_reward/mean"} <= set(logged[0])
    # a random model writes no decision: the paper's fixed reward for unparseable output
    assert logged[0]["rewards/observer_reward/mean"] == pytest.approx(0.09)
    saved = json.loads((out / "train_config.json").read_text())
    assert saved["group_size"] == 2 and saved["lora"]["r"] == 8
    model = LocalTransformers(final, max_new_tokens=4)
    assert model.complete([Message.user("hi")])[0].usage.completion_tokens >= 1
    record, _ = drive(out / "merged")
    assert record.steps and record.ended_by != "error"
    # GRPO resumes too: from checkpoint-2 on to step 3
    config.max_steps, config.resume, config.save_steps = 3, True, 1
    train_observer(config, short_rows[:1])
    assert (out / "checkpoint-3").is_dir()
    assert [r["step"] for r in read_metrics(out / METRICS) if "reward" in r] == [1, 2, 3]


def test_the_defaults_are_the_papers_and_yaml_overrides_them(tmp_path):
    config = ObserverGRPOConfig()
    assert (config.lora.r, config.lora.alpha, config.lora.dropout) == (64, 128, 0.05)
    assert set(config.lora.target_modules) >= {"q_proj", "v_proj", "gate_proj", "down_proj"}
    assert (config.learning_rate, config.group_size, config.batch_size, config.epochs) == (
        1e-5,
        4,
        16,
        3.0,
    )
    file = tmp_path / "c.yaml"
    file.write_text("learning_rate: 2.0e-5\nlora:\n  r: 16\n")
    loaded = load_config(ObserverGRPOConfig, file, group_size=8)
    assert (loaded.learning_rate, loaded.lora.r, loaded.lora.alpha, loaded.group_size) == (
        2e-5,
        16,
        128,
        8,
    )
    from aoi.train.config import ConfigError

    file.write_text("learning_rat: 1\n")
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(ObserverGRPOConfig, file)


@pytest.mark.slow
def test_online_grpo_runs_whole_twin_episodes_as_rollouts(tiny_model, tmp_path):
    from aoi.train.config import OnlineGRPOConfig
    from aoi.train.online import train_online

    out = tmp_path / "online"
    config = load_config(
        OnlineGRPOConfig,
        model=str(tiny_model),
        output_dir=str(out),
        max_steps=1,
        batch_size=2,
        group_size=2,
        max_completion_length=6,
        max_iterations=2,
        save_steps=1,
        progress_bar=False,
        gradient_checkpointing=False,
        lora=SMALL_LORA,
    )
    final = train_online(config, ["k8s_target_port-misconfig-detection-1"], [0])
    (logged,) = [r for r in read_metrics(out / METRICS) if "reward" in r]
    assert {"rewards/task_score/mean", "rewards/step_shaping/mean", "kl"} <= set(logged)
    assert logged["rewards/step_shaping/mean"] == pytest.approx(0.09)  # no decision yet
    assert (out / "checkpoint-1").is_dir() and (final / "adapter_config.json").is_file()
    record, _ = drive(out / "merged")
    assert record.steps and record.ended_by != "error"


def test_a_rollout_returns_one_turn_per_episode_with_its_own_prompt(tiny_model):
    """The turn handed to TRL is a real Observer call: its prompt tokens are what the model saw."""
    from transformers import AutoModelForCausalLM

    from aoi.train.config import OnlineGRPOConfig
    from aoi.train.online import EpisodeRollout, episode_prompt
    from aoi.train.training import tokenizer_for

    config = OnlineGRPOConfig(model=str(tiny_model), max_iterations=2, max_completion_length=5)
    tokenizer = tokenizer_for(config)

    class Trainer:  # what the rollout reads of GRPOTrainer
        use_vllm = False
        model = AutoModelForCausalLM.from_pretrained(tiny_model)

        class accelerator:
            @staticmethod
            def unwrap_model(m):
                return m

    rollout = EpisodeRollout(config, tokenizer)
    prompts = [episode_prompt("k8s_target_port-misconfig-detection-1", 0)] * 2
    out = rollout(prompts, Trainer())
    assert len(out["prompt_ids"]) == len(out["completion_ids"]) == 2
    text = tokenizer.decode(out["prompt_ids"][0])
    assert text.startswith("<|im_start|>user\nYou are the Observer of AOI")
    assert len(out["logprobs"][0]) == len(out["completion_ids"][0])
    assert all(lp <= 0 for lp in out["logprobs"][0])
    assert rollout.stats.episodes == 2 and out["episode_score"] == [0.0, 0.0]
    with pytest.raises(ValueError, match="not an episode prompt"):
        rollout([[{"role": "user", "content": "hello"}]], Trainer())


@pytest.mark.slow
def test_evolver_grpo_trains_logs_each_dimension_and_its_checkpoint_loads(
    tiny_model, tmp_path, monkeypatch
):
    """The trainer's plumbing with a stand-in for aoi.loop's execution check (test_evolver.py runs
    the real one once aoi.loop.rewards exists)."""
    from types import SimpleNamespace

    from aoi.train.config import EvolverGRPOConfig
    from aoi.train.evolver import evolver_rows, train_evolver
    from aoi.train.rewards import evolver

    def stand_in(text, *, task_id, seed, seed_commands, strict):
        scores = {"format": 1.0 if "{" in text else 0.0, "diversity": 0.5}
        return SimpleNamespace(
            total=0.1 * scores["format"] + 0.2 * scores["diversity"], scores=scores
        )

    monkeypatch.setattr(evolver, "_loop_reward", lambda: stand_in)
    rows = evolver_rows(
        [{"prompt": "Repair this plan.", "task_id": "scale_pod_zero_social_net-mitigation-1"}]
    )
    out = tmp_path / "evolver"
    config = load_config(
        EvolverGRPOConfig,
        model=str(tiny_model),
        output_dir=str(out),
        max_steps=1,
        batch_size=2,
        group_size=2,
        max_completion_length=8,
        save_steps=1,
        progress_bar=False,
        gradient_checkpointing=False,
        lora=SMALL_LORA,
    )
    final = train_evolver(config, rows)
    (logged,) = [r for r in read_metrics(out / METRICS) if "reward" in r]
    assert logged["rewards/evolver_diversity/mean"] == pytest.approx(0.5)
    assert {"rewards/evolver_effectiveness/mean", "kl"} <= set(logged)
    assert (out / "checkpoint-1").is_dir() and (final / "adapter_config.json").is_file()
    record, _ = drive(final)
    assert record.steps and record.ended_by != "error"
