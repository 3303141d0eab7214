"""Every model call is kept: a replay of the stored completions reproduces the run; tokens add up."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from aoi.agents import Runtime, RuntimeConfig
from aoi.agents.calls import replay_entries
from aoi.agents.observer import LLMObserver
from aoi.catalog import get_task
from aoi.envs.twin import TwinEnvironment
from aoi.llm import Replay, extract_json
from aoi.trajectories import Step, TrajectoryStore

HR = "test-hotel-reservation"
OBSERVER = "You are the Observer of AOI, a team"
PROBE = "You are the Probe of AOI"
COMMANDS = [f"kubectl get pods -n {HR}", f"kubectl get events -n {HR}", f"kubectl get svc -n {HR}"]


def random_entries(rng: random.Random, call: str) -> list[dict[str, Any]]:
    plan = {"subtasks": [{"agent": "probe", "goal": f"g{i}"} for i in range(rng.randint(1, 5))]}
    entries: list[dict[str, Any]] = [
        {"match": "planning an investigation", "response": json.dumps(plan)}
    ]
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.2:
            entries.append({"match": OBSERVER, "response": "not json at all"})
        else:
            body = {
                "previous_summary": "s",
                "phase": "point_investigation",
                "confidence": 30,
                "next_action": {"agent": "probe", "instruction": "look"},
            }
            entries.append({"match": OBSERVER, "response": json.dumps(body)})
        command = rng.choice(COMMANDS)
        reply = {"analysis": "a", "command": command, "status": "COMPLETE"}
        entries.append({"match": PROBE, "response": json.dumps(reply)})
    done = {
        "previous_summary": "s",
        "phase": "ready_to_submit",
        "confidence": 90,
        "next_action": {"agent": "submit"},
        "submission": {"ready": True, "call": call},
    }
    entries.append({"match": OBSERVER, "response": json.dumps(done), "repeat": True})
    return entries


def run(task_id: str, model: Any, iterations: int = 8) -> tuple[Any, Any]:
    runtime = Runtime(
        LLMObserver(model, extract_json),
        probe_model=model,
        executor_model=model,
        compressor_model=model,
        parse=extract_json,
        config=RuntimeConfig(max_iterations=iterations),
    )
    env = TwinEnvironment(step_seconds=5)
    problem = env.reset(task_id, 3)
    task = get_task(task_id)
    record = runtime.run(env, problem, task_type=task.type.value, namespace=task.namespace)
    return record, env.evaluate()


def comparable(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for step in steps:
        kept = {k: v for k, v in step.items() if k not in ("started_at", "seconds", "calls")}
        kept["calls"] = [{k: v for k, v in c.items() if k != "latency_s"} for c in step["calls"]]
        out.append(kept)
    return out


@pytest.mark.parametrize("seed", range(6))
def test_replaying_the_stored_calls_reproduces_the_run(seed: int) -> None:
    task_id = "revoke_auth_mongodb-localization-1"
    record, outcome = run(
        task_id, Replay(random_entries(random.Random(seed), 'submit(["mongodb-geo"])'))
    )
    store = TrajectoryStore("sqlite://")
    run_id = store.create_run({})
    attempt = store.start_attempt(run_id, task_id, agent="aoi")
    for step in record.steps:
        store.append_step(
            attempt, Step.model_validate({k: v for k, v in step.items() if k in Step.model_fields})
        )
    store.finish_attempt(attempt, outcome)
    stored = store.load(attempt)
    calls = [c.model_dump(mode="json") for c in stored.calls()]
    assert calls and calls[0]["role"] == "planner"
    again, outcome_again = run(task_id, Replay(replay_entries(calls)))
    assert comparable(again.steps) == comparable(record.steps)
    assert outcome_again.model_dump(exclude={"wall_seconds"}) == outcome.model_dump(
        exclude={"wall_seconds"}
    )
    # every role that ran is on record, with its messages, sampling and raw completions
    roles = {c.role for c in stored.calls()}
    assert {"planner", "observer", "probe"} <= roles
    first = stored.calls("observer")[0]
    assert first.messages[-1]["content"].startswith(OBSERVER)
    assert first.sampling["temperature"] == 0.7 and first.completions[0].text


@pytest.mark.parametrize("seed", range(8))
def test_tokens_agree_step_attempt_run(seed: int) -> None:
    rng = random.Random(100 + seed)
    store = TrajectoryStore("sqlite://")
    run_id = store.create_run({})
    total = [0, 0]
    for index, task_id in enumerate(
        ["noop_detection_hotel_reservation-1", "revoke_auth_mongodb-localization-1"]
    ):
        record, outcome = run(
            task_id, Replay(random_entries(rng, 'submit("No")')), rng.randint(2, 6)
        )
        attempt = store.start_attempt(run_id, task_id, index, agent="aoi")
        for step in record.steps:
            assert (step["tokens_in"], step["tokens_out"]) == (
                sum(c["usage"]["prompt_tokens"] for c in step["calls"]),
                sum(c["usage"]["completion_tokens"] for c in step["calls"]),
            )
            store.append_step(
                attempt,
                Step.model_validate({k: v for k, v in step.items() if k in Step.model_fields}),
            )
        store.finish_attempt(attempt, outcome)
        steps_sum = (
            sum(s["tokens_in"] for s in record.steps),
            sum(s["tokens_out"] for s in record.steps),
        )
        assert (
            steps_sum
            == (record.tokens_in, record.tokens_out)
            == (outcome.in_tokens, outcome.out_tokens)
        )
        assert store.tokens(attempt_id=attempt) == steps_sum == store.load(attempt).tokens
        assert steps_sum[0] > 0
        total[0] += steps_sum[0]
        total[1] += steps_sum[1]
    assert store.tokens(run_id=run_id) == tuple(total)


TYPES = {
    "detection": "k8s_target_port-misconfig-detection-1",
    "localization": "revoke_auth_mongodb-localization-1",
    "analysis": "revoke_auth_mongodb-analysis-1",
    "mitigation": "scale_pod_zero_social_net-mitigation-1",
}


@pytest.mark.parametrize("task_type", sorted(TYPES))
def test_a_model_that_never_submits_scores_zero(task_type: str) -> None:
    probing = {
        "previous_summary": "s",
        "phase": "surface_scan",
        "confidence": 10,
        "next_action": {"agent": "probe", "instruction": "look"},
    }
    model = Replay(
        [
            {"match": OBSERVER, "response": json.dumps(probing), "repeat": True},
            {
                "match": PROBE,
                "response": json.dumps({"command": "kubectl get pods -A", "status": "COMPLETE"}),
                "repeat": True,
            },
            {"response": "{}", "repeat": True},
        ]
    )
    record, outcome = run(TYPES[task_type], model, iterations=5)
    assert not record.submitted and not outcome.submitted
    assert outcome.success is False
