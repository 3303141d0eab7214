"""Observer step samples from teacher runs: what each step sees, balancing, splits."""

from __future__ import annotations

import json

import pytest

from aoi.catalog import get_task, list_tasks
from aoi.train.data.observer import balance, observer_rows, step_rows
from aoi.train.data.sources import teacher_trajectories
from aoi.train.data.splits import UnknownTrainSplitError, in_split, split_task_ids
from aoi.train.rewards import ObserverReward


@pytest.fixture(scope="module")
def trajectory():
    (found,) = teacher_trajectories(["revoke_auth_mongodb-localization-1"])
    assert found.success
    return found


def test_each_step_sees_what_the_paper_says(trajectory) -> None:
    rows = step_rows(trajectory)
    assert len(rows) >= 3
    prompts = [r["prompt"][0]["content"] for r in rows]
    assert "(this is the first iteration" in prompts[0]
    assert "(none yet)" in prompts[1]  # step 2: no summaries, but step 1's commands and results
    first_command = trajectory.steps[0].commands[0].command
    assert f"$ {first_command}" in prompts[1]
    # step 3 sees step 1's summary (written by step 2's decision)
    summary = trajectory.steps[1].decision["previous_summary"]
    assert f"- iteration 1: {summary}" in prompts[2]
    last = rows[-1]
    assert last["is_submit"] and last["reference_call"].startswith("submit(")
    assert json.loads(last["reference"]) == trajectory.steps[-1].decision
    assert last["truth_targets"][0] == "mongodb-geo"


def test_the_reference_scores_full_marks_against_itself(trajectory) -> None:
    rows = step_rows(trajectory)
    reward = ObserverReward()
    columns = {k: [r[k] for r in rows] for k in rows[0] if k not in ("prompt", "completion")}
    scores = reward([r["prompt"] for r in rows], [r["completion"] for r in rows], **columns)
    assert min(scores) > 0.95


def test_balancing_oversamples_every_task_type_to_the_largest() -> None:
    rows = [{"task_type": "detection", "i": i} for i in range(6)] + [
        {"task_type": "mitigation", "i": 0}
    ]
    out = balance(rows, seed=1)
    assert sorted(r["task_type"] for r in out).count("mitigation") == 6
    assert len(out) == 12


def test_only_successful_runs_become_samples() -> None:
    found = teacher_trajectories(["revoke_auth_mongodb-localization-1"])
    found[0].outcome = {**(found[0].outcome or {}), "success": False}
    assert observer_rows(found) == []


def test_splits_by_fault_type_and_by_target() -> None:
    train, test = set(split_task_ids("observer-train")), set(split_task_ids("observer-test"))
    assert train and test and not train & test
    assert {get_task(t).fault for t in train}.isdisjoint({get_task(t).fault for t in test})
    seen_targets = {t.target for t in list_tasks("all") if t.target}
    unseen = split_task_ids("unseen-target")
    assert unseen and all(get_task(t).target not in seen_targets for t in unseen)
    assert all(in_split(t, "unseen-target") for t in unseen[:5])
    assert not in_split(unseen[0], "seen-target")
    with pytest.raises(UnknownTrainSplitError, match="unknown split"):
        split_task_ids("everything")
