"""The Evolver reward through TRL's signature, and `aoi train evolver` on the tiny model."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("aoi.loop.rewards")

from aoi.loop.evolve.teacher import teacher_plan
from aoi.train.rewards.evolver import EvolverReward

TASK = "scale_pod_zero_social_net-mitigation-1"


@pytest.fixture(scope="module")
def plan_text() -> str:
    return teacher_plan(TASK, 0).model_dump_json()


def columns(n: int, seed_commands: list[str] | None = None) -> dict:
    return {"task_id": [TASK] * n, "seed": [0] * n, "seed_commands": [seed_commands or []] * n}


def test_a_verified_plan_beats_garbage_and_a_copy_of_the_seed_is_penalised(plan_text) -> None:
    reward = EvolverReward()
    good, garbage = reward(["p", "p"], [plan_text, "no plan here"], **columns(2))
    assert good > 0.6 and garbage == 0.0
    commands = [c["command"] for c in json.loads(plan_text)["commands"]]
    (copied,) = reward(
        ["p"], [[{"role": "assistant", "content": plan_text}]], **columns(1, commands)
    )
    assert copied < good
    effectiveness = reward.dimension("effectiveness")(["p"], [plan_text], **columns(1))
    assert effectiveness == [1.0]  # the plan repairs the twin when executed


@pytest.mark.slow
def test_evolver_grpo_runs_on_the_tiny_model(tiny_model, tmp_path) -> None:
    from aoi.train.config import EvolverGRPOConfig, load_config
    from aoi.train.evolver import evolver_rows, train_evolver
    from aoi.train.training import METRICS, read_metrics

    rows = evolver_rows(
        [{"prompt": "Repair this plan.", "task_id": TASK, "seed": 0, "seed_commands": []}]
    )
    config = load_config(
        EvolverGRPOConfig,
        model=str(tiny_model),
        output_dir=str(tmp_path / "evolver"),
        max_steps=1,
        batch_size=2,
        group_size=2,
        max_completion_length=8,
        progress_bar=False,
        gradient_checkpointing=False,
        lora={"r": 8, "alpha": 16},
    )
    final = train_evolver(config, rows)
    (logged,) = [r for r in read_metrics(tmp_path / "evolver" / METRICS) if "reward" in r]
    assert "rewards/evolver_effectiveness/mean" in logged
    assert (final / "adapter_config.json").is_file()
