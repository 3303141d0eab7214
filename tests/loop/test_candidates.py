"""Evolver candidates from a ChatModel (a recorded one), scored by execution; the prompts as data."""

from __future__ import annotations

import json

import pytest

from aoi.llm import Replay
from aoi.loop.evolve.candidates import augment_prompt, evolve, other_targets, repair_prompt
from aoi.loop.evolve.pairs import evolver_pairs
from aoi.loop.evolve.teacher import teacher_plan
from aoi.loop.solve import expert_trajectory

TASK = "revoke_auth_mongodb-mitigation-1"


@pytest.fixture(scope="module")
def failed():
    trajectory = expert_trajectory(TASK, 0, without=("mongo",))
    assert not trajectory.success
    return trajectory


def test_the_repair_prompt_shows_the_failed_commands_and_asks_for_the_json(failed) -> None:
    prompt = repair_prompt(failed)
    assert "FAILED" in prompt and f'"task_id": "{TASK}"' in prompt
    assert all(c.command in prompt for c in failed.commands())
    assert "15 to 40 commands" in prompt and "mitigation task" in prompt


def test_the_best_of_g_candidates_is_the_one_that_repairs_the_twin(failed) -> None:
    good = teacher_plan(TASK, 0).model_dump_json()
    without_fix = json.loads(good)
    without_fix["commands"] = [c for c in without_fix["commands"] if c["phase"] != "resolution"]
    model = Replay(["no plan, sorry", json.dumps(without_fix), f"Here it is:\n{good}"])
    evolution = evolve(failed, model=model, model_name="recorded", candidates=3)
    assert [c.author for c in evolution.candidates] == ["model:recorded"] * 3
    best = evolution.best
    assert best is not None and best.verified and best.text.endswith(good)
    rewards = [c.reward.total for c in evolution.candidates]
    assert rewards == sorted(rewards, reverse=True) and rewards[-1] == 0.0
    entry = evolution.entry()
    assert entry is not None and entry.author == "model:recorded" and entry.mode == "repair"
    assert model.requests[0].n == 3 and "FAILED" in model.requests[0].messages[0].content


def test_augmentation_plans_for_another_target_of_the_same_fault() -> None:
    success = expert_trajectory("revoke_auth_mongodb-localization-1", 0)
    (target,) = other_targets(success.task_id, 1)
    assert target.startswith("revoke_auth_mongodb/") and target.endswith("/localization")
    prompt = augment_prompt(success, target)
    assert "SOLVED" in prompt and target.split("/")[1] in prompt
    evolution = evolve(success, mode="augmentation", target_task=target)  # the teacher
    assert evolution.best is not None and evolution.best.verified
    assert evolution.best.author == "teacher" and evolution.task_id == target


def test_pairs_carry_the_columns_the_trainer_reads(failed) -> None:
    success = expert_trajectory("revoke_auth_mongodb-localization-1", 0)
    rows = evolver_pairs([failed, success], targets=1)
    assert [r["mode"] for r in rows] == ["repair", "augmentation"]
    for row in rows:
        assert {"prompt", "task_id", "seed", "seed_commands"} <= set(row)
    assert rows[0]["task_id"] == TASK and rows[0]["seed_commands"]
