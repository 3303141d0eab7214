"""The AOI loop with the replay backend: each task type, malformed and hostile model answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aoi.agents import AgentRole, Memory, MemoryPermissionError, Runtime, RuntimeConfig
from aoi.agents.memory import RawRecord
from aoi.agents.observer import LLMObserver
from aoi.catalog import get_task
from aoi.envs.twin import TwinEnvironment
from aoi.llm import Replay, extract_json

SN = "test-social-network"
HR = "test-hotel-reservation"


def plan(*agents: str) -> dict[str, Any]:
    return {
        "match": "planning an investigation",
        "response": json.dumps(
            {"subtasks": [{"agent": a, "goal": f"step {i}"} for i, a in enumerate(agents)]}
        ),
    }


def observer(
    agent: str,
    *,
    call: str = "",
    commands: list[str] | None = None,
    executor: dict[str, Any] | None = None,
    repeat: bool = False,
) -> dict[str, Any]:
    decision = {
        "previous_summary": "looked around",
        "phase": "point_investigation" if agent != "submit" else "ready_to_submit",
        "root_cause_analysis": "hypothesis",
        "confidence": 60,
        "suggested_commands": commands or [],
        "next_action": {"agent": agent, "instruction": "do it", "executor_context": executor},
        "submission": {"ready": agent == "submit", "call": call, "justification": "evidence"},
    }
    return {
        "match": "You are the Observer of AOI, a team",
        "response": "```json\n" + json.dumps(decision) + "\n```",
        "repeat": repeat,
    }


def probe(command: str, status: str = "COMPLETE") -> dict[str, Any]:
    return {
        "match": "You are the Probe of AOI",
        "response": json.dumps(
            {"analysis": "ok", "command": command, "status": status, "reasoning": "r", "focus": "f"}
        ),
    }


def run(task_id: str, entries: list[dict[str, Any]], *, iterations: int = 15, seed: int = 1):
    model = Replay(entries)
    runtime = Runtime(
        LLMObserver(model, extract_json),
        probe_model=model,
        executor_model=model,
        compressor_model=model,
        parse=extract_json,
        config=RuntimeConfig(max_iterations=iterations),
    )
    env = TwinEnvironment(step_seconds=5)
    problem = env.reset(task_id, seed)
    task = get_task(task_id)
    record = runtime.run(env, problem, task_type=task.type.value, namespace=task.namespace)
    return record, env.evaluate(), env, model


def test_detection_probe_then_submit() -> None:
    record, outcome, _, _ = run(
        "k8s_target_port-misconfig-detection-1",
        [
            plan("probe", "submit"),
            observer("probe"),
            probe(f"kubectl get endpoints -n {SN}"),
            observer("submit", call='submit("Yes")'),
        ],
    )
    assert outcome.success and record.ended_by == "submit"
    assert record.steps[0]["agent"] == "probe"
    assert record.steps[0]["commands"][0]["verdict"] == "READ"
    assert ":9999" in record.steps[0]["observation"]  # the compressed context the Observer saw


def test_localization_and_analysis_submissions_parse() -> None:
    _, loc, _, _ = run(
        "revoke_auth_mongodb-localization-1",
        [
            plan("probe", "submit"),
            observer("probe"),
            probe(f"kubectl get pods -n {HR}"),
            observer("submit", call='submit(["mongodb-geo"])'),
        ],
    )
    assert loc.success
    _, ana, _, _ = run(
        "revoke_auth_mongodb-analysis-1",
        [
            plan("probe", "submit"),
            observer("probe"),
            probe(f"kubectl get pods -n {HR}"),
            observer(
                "submit",
                call='submit({"system_level": "Application", "fault_type": "Authentication Issue"})',
            ),
        ],
    )
    assert ana.success


def test_mitigation_through_the_executor() -> None:
    fix = f"kubectl scale deployment user-service --replicas=1 -n {SN}"
    record, outcome, _, _ = run(
        "scale_pod_zero_social_net-mitigation-1",
        [
            plan("probe", "executor", "submit"),
            observer("probe"),
            probe(f"kubectl get deploy user-service -n {SN}"),
            observer("executor", executor={"commands": [fix], "namespace": SN}),
            {
                "match": "You are the Executor of AOI",
                "response": json.dumps(
                    {
                        "analysis": "scale up",
                        "command": fix,
                        "verification": f"kubectl get deploy user-service -n {SN}",
                    }
                ),
            },
            observer("submit", call="submit()"),
        ],
    )
    executor_steps = [s for s in record.steps if s["agent"] == "executor"]
    assert executor_steps and executor_steps[0]["commands"][0]["verdict"] == "WRITE"
    assert executor_steps[0]["commands"][0]["allowed"]
    assert outcome.success, outcome.problems


def test_a_write_asked_of_the_probe_is_refused_and_changes_nothing() -> None:
    record, _, env, _ = run(
        "noop_detection_social_network-1",
        [
            plan("probe", "submit"),
            observer("probe"),
            probe(f"kubectl delete deployment user-service -n {SN}", status="CONTINUE"),
            probe(f"kubectl get deploy user-service -n {SN}"),
            observer("submit", call='submit("No")'),
        ],
    )
    first = record.steps[0]["commands"][0]
    assert first["verdict"] == "WRITE" and not first["allowed"] and first["exit_code"] == 3
    assert env.twin is not None and env.twin.store.get("Deployment", SN, "user-service") is not None


def test_garbage_json_is_a_failed_step_and_the_loop_goes_on() -> None:
    record, outcome, _, _ = run(
        "noop_detection_hotel_reservation-1",
        [
            plan("probe", "probe", "submit"),
            {
                "match": "You are the Observer of AOI, a team",
                "response": "I refuse to answer in JSON {{{",
            },
            probe(f"kubectl get pods -n {HR}"),
            observer("submit", call='submit("No")'),
        ],
    )
    assert "unusable decision" in (record.steps[0]["error"] or "")
    assert record.steps[0]["fallback_decision"]
    assert outcome.success


def endless(**config: Any) -> tuple[Any, Any]:
    model = Replay(
        [
            plan(*["probe"] * 10),
            observer("probe", commands=[], repeat=True),
            {**probe(f"kubectl get pods -n {HR}"), "repeat": True},
        ]
    )
    runtime = Runtime(
        LLMObserver(model, extract_json),
        probe_model=model,
        compressor_model=model,
        parse=extract_json,
        config=RuntimeConfig(max_iterations=4, **config),
    )
    env = TwinEnvironment(step_seconds=5)
    problem = env.reset("noop_detection_hotel_reservation-1", 1)
    record = runtime.run(env, problem, task_type="detection", namespace=HR)
    return record, env.evaluate()


def test_a_model_that_never_submits_ends_unsubmitted_at_the_cap() -> None:
    record, outcome = endless()
    assert len(record.steps) == 4
    assert not record.submitted and record.ended_by == "iteration cap without a submission"
    assert not outcome.submitted and not outcome.success
    # the last prompt told the Observer to submit
    last = record.steps[-1]["calls"][-1]["messages"][-1]["content"]
    assert "you MUST submit now" in last


def test_the_heuristic_answer_is_an_explicit_option_and_recorded() -> None:
    record, outcome = endless(heuristic_submit=True)
    assert record.submitted and record.ended_by.startswith("heuristic submit")
    assert record.steps[-1]["heuristic_submission"] is True
    assert outcome.submitted


def test_a_dead_endpoint_ends_the_run_with_a_clear_error() -> None:
    from aoi.llm import Backoff, OpenAICompatible

    model = OpenAICompatible(
        "http://127.0.0.1:9/v1", "m", max_retries=1, backoff=Backoff(initial=0.0), timeout=0.5
    )
    runtime = Runtime(
        LLMObserver(model, extract_json),
        probe_model=model,
        parse=extract_json,
        config=RuntimeConfig(max_iterations=3),
    )
    env = TwinEnvironment()
    problem = env.reset("noop_detection_hotel_reservation-1", 0)
    record = runtime.run(env, problem, task_type="detection", namespace=HR)
    assert record.ended_by == "error"
    assert record.error is not None and "EndpointUnavailable" in record.error
    assert not env.evaluate().success


def test_memory_permissions_are_enforced() -> None:
    memory = Memory()
    record = RawRecord(1, "probe", "kubectl get pods", "x", 0, "READ")
    memory.view(AgentRole.PROBE).write_raw(record)
    with pytest.raises(MemoryPermissionError):
        memory.view(AgentRole.OBSERVER).read_raw()
    with pytest.raises(MemoryPermissionError):
        memory.view(AgentRole.PROBE).read_raw()
    with pytest.raises(MemoryPermissionError):
        memory.view(AgentRole.EXECUTOR).read_compressed()
    with pytest.raises(MemoryPermissionError):
        memory.view(AgentRole.COMPRESSOR).subtasks()
    with pytest.raises(MemoryPermissionError):
        from aoi.agents.memory import CompressedContext

        memory.view(AgentRole.OBSERVER).write_compressed(CompressedContext(1, "x", 1))
    assert memory.view(AgentRole.COMPRESSOR).read_raw() == [record]
    readers_copy = memory.view(AgentRole.PROBE).subtasks()
    readers_copy.items.append(None)  # type: ignore[arg-type]
    assert memory.view(AgentRole.OBSERVER).subtasks().items == []


def test_credentials_on_command_lines_never_reach_the_record() -> None:
    grant = (
        f"kubectl exec deploy/mongodb-geo -n {HR} -- mongo admin -u root -p s3cret "
        "--authenticationDatabase admin --eval 'db.getUsers()'"
    )
    record, _, _, _ = run(
        "noop_detection_hotel_reservation-1",
        [
            plan("probe", "submit"),
            observer("probe", commands=[grant]),
            probe(grant),
            observer("submit", call='submit("No")'),
        ],
    )
    assert "s3cret" not in json.dumps(record.steps)


def test_the_observer_can_replan_the_rest_of_the_queue_in_the_middle() -> None:
    replan = observer("probe", commands=[])
    decision = json.loads(replan["response"].strip("`").removeprefix("json\n"))
    decision["subtasks"] = [
        {"agent": "probe", "goal": "read the geo logs"},
        {"agent": "probe", "goal": "check mongodb-geo users"},
    ]
    replan["response"] = json.dumps(decision)
    _, _, _, model = run(
        "noop_detection_hotel_reservation-1",
        [
            plan("probe", "probe", "probe", "probe", "submit"),
            observer("probe"),
            probe(f"kubectl get pods -n {HR}"),
            replan,
            probe(f"kubectl get svc -n {HR}"),
            {**observer("probe"), "repeat": True},
            {**probe(f"kubectl get deploy -n {HR}"), "repeat": True},
        ],
        iterations=6,
    )
    prompts = [
        r.messages[-1].content
        for r in model.requests
        if "You are the Observer of AOI, a team" in r.messages[-1].content
    ]
    assert any("check mongodb-geo users" in p for p in prompts[2:])
    assert not any("check mongodb-geo users" in p for p in prompts[:2])
