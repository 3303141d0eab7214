"""The Evolver's six-dimension reward on hand-made plans, validity and effectiveness by execution."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aoi.loop import rewards
from aoi.loop.evolve.schema import Plan, PlanPhase, read_plan
from aoi.loop.evolve.teacher import teacher_plan
from aoi.loop.rewards import COPY_LIMIT, WEIGHTS, diversity, evolver_reward

MITIGATION = "scale_pod_zero_social_net-mitigation-1"
LOCALIZATION = "revoke_auth_mongodb-localization-1"
NS = "test-social-network"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return teacher_plan(MITIGATION, 0)


def reward(plan: Plan | dict | str, seed_commands: list[str] | None = None, task: str = MITIGATION):
    text = (
        plan
        if isinstance(plan, str)
        else json.dumps(plan if isinstance(plan, dict) else plan.model_dump(mode="json"))
    )
    return evolver_reward(text, task_id=task, seed=0, seed_commands=seed_commands or [])


def without(plan: Plan, phase: PlanPhase) -> dict:
    data = plan.model_dump(mode="json")
    data["commands"] = [c for c in data["commands"] if c["phase"] != phase.value]
    return data


def test_the_teacher_plan_scores_full_marks_when_executed(plan) -> None:
    result = reward(plan)
    assert result.total == pytest.approx(1.0)
    assert set(result.scores) == set(WEIGHTS)


def test_a_copy_of_the_seed_gets_diversity_minus_one(plan) -> None:
    copied = reward(plan, seed_commands=plan.command_lines())
    assert copied.scores["diversity"] == -1.0
    assert copied.total == pytest.approx(1.0 - 2 * WEIGHTS["diversity"])
    half = plan.command_lines()[: len(plan.commands) // 2]
    assert 0.0 < reward(plan, seed_commands=half).scores["diversity"] < 1.0


def test_a_plan_without_resolution_loses_completeness_and_effectiveness(plan) -> None:
    result = reward(without(plan, PlanPhase.RESOLUTION))
    assert result.scores["completeness"] == 0.75
    assert result.scores["effectiveness"] == 0.0  # executed: the deployment stays at 0 replicas
    assert result.total < reward(plan).total


def test_a_plan_without_verification_loses_completeness(plan) -> None:
    assert reward(without(plan, PlanPhase.VERIFICATION)).scores["completeness"] == 0.75


def test_commands_the_gate_refuses_lose_validity(plan) -> None:
    data = plan.model_dump(mode="json")
    refused = [
        # a write in a read-only phase goes to the Probe, whose channel refuses writes
        {"phase": "discovery", "command": f"kubectl delete pod --all -n {NS}"},
        {
            "phase": "discovery",
            "command": f"kubectl scale deployment user-service --replicas=3 -n {NS}",
        },
        # a forbidden command, even for the Executor
        {"phase": "resolution", "command": f"kubectl delete namespace {NS}"},
    ]
    data["commands"] = refused[:2] + data["commands"]
    data["commands"].insert(-4, refused[2])
    result = reward(data)
    n = len(data["commands"])
    assert result.scores["validity"] == pytest.approx((n - 3) / n)
    assert result.scores["validity"] < reward(plan).scores["validity"]


def test_garbage_scores_zero_and_a_short_plan_breaks_the_format(plan) -> None:
    assert reward("I would restart everything").total == 0.0
    data = plan.model_dump(mode="json")
    data["commands"] = data["commands"][:3] + [
        c for c in data["commands"] if c["phase"] == "resolution"
    ]
    data["commands"] += [{"phase": "verification", "command": f"kubectl get pods -n {NS}"}]
    short = reward(data)
    assert short.scores["format"] == 0.5 and "commands" in short.reason
    assert short.scores["effectiveness"] == 1.0  # still executed, and it still repairs


def test_phases_out_of_order_break_the_format(plan) -> None:
    data = plan.model_dump(mode="json")
    data["commands"] = list(reversed(data["commands"]))
    draft, strict, why = read_plan(json.dumps(data))
    assert draft is not None and strict is None and "discovery" in why


def test_a_wrong_diagnosis_loses_correctness_and_effectiveness_stays_measured() -> None:
    good = teacher_plan(LOCALIZATION, 0)
    assert reward(good, task=LOCALIZATION).scores["correctness"] == 1.0
    wrong = good.model_dump(mode="json")
    wrong["submission"] = 'submit(["geo"])'  # the symptom, not the cause
    result = reward(wrong, task=LOCALIZATION)
    assert result.scores["correctness"] == 0.0
    assert (
        result.scores["effectiveness"] == 1.0
    )  # the reader still reaches the truth from its reads
    reads = good.model_dump(mode="json")
    reads["commands"] = [c for c in reads["commands"] if c["phase"] == "discovery"]
    assert reward(reads, task=LOCALIZATION).scores["effectiveness"] == 0.0


def test_an_execution_is_cached_per_completion(plan, monkeypatch) -> None:
    calls = []
    real = rewards.replay

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(rewards, "replay", counting)
    rewards.execute.cache_clear()
    rewards._reward.cache_clear()
    text = plan.model_dump_json()
    for seed_commands in ([], ["kubectl get pods"], []):
        evolver_reward(text, task_id=MITIGATION, seed=0, seed_commands=seed_commands)
    assert calls == [MITIGATION]


@given(
    st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f"]), min_size=1, max_size=20),
    st.lists(st.sampled_from(["a", "b", "c", "x"]), max_size=10),
)
def test_diversity_is_minus_one_exactly_past_the_copy_limit(commands, seed) -> None:
    copied = sum(1 for c in commands if c in set(seed)) / len(commands)
    value = diversity(commands, seed)
    if copied > COPY_LIMIT:
        assert value == -1.0
    else:
        assert value == pytest.approx(1.0 - copied) and 0.0 <= value <= 1.0
