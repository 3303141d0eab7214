"""Rebuilt Observer prompts are byte-identical to what the runtime sent, for an LLM run on replay."""

from __future__ import annotations

import json
from typing import Any

from aoi.agents import Runtime, RuntimeConfig
from aoi.agents.observer import LLMObserver
from aoi.agents.schema import PlannedSubtask
from aoi.agents.subtasks import SubtaskQueue
from aoi.catalog import get_task
from aoi.envs.twin import TwinEnvironment
from aoi.llm import Replay, extract_json
from aoi.train.data.prompts import rebuild_prompts
from aoi.trajectories import Step, Trajectory

HR = "test-hotel-reservation"
OBSERVER = "You are the Observer of AOI, a team"
PLAN = [("probe", "look around"), ("probe", "read logs"), ("probe", "check db"), ("probe", "x")]


def decision(agent: str, summary: str, commands: list[str], **extra: Any) -> dict[str, Any]:
    body = {
        "previous_summary": summary,
        "phase": "point_investigation",
        "root_cause_analysis": "hypothesis",
        "confidence": 40,
        "suggested_commands": commands,
        "next_action": {"agent": agent, "instruction": "go"},
        "submission": {
            "ready": agent == "submit",
            "call": extra.pop("call", ""),
            "justification": "",
        },
    }
    body.update(extra)
    return {"match": OBSERVER, "response": json.dumps(body)}


def probe(command: str) -> dict[str, Any]:
    reply = {"analysis": "a", "command": command, "status": "COMPLETE", "reasoning": "r"}
    return {"match": "You are the Probe of AOI", "response": json.dumps(reply)}


def test_rebuilt_prompts_equal_the_prompts_the_runtime_sent() -> None:
    task_id = "revoke_auth_mongodb-localization-1"
    entries = [
        {
            "match": "planning an investigation",
            "response": json.dumps({"subtasks": [{"agent": a, "goal": g} for a, g in PLAN]}),
        },
        decision("probe", "", [f"kubectl get pods -n {HR}"]),
        probe(f"kubectl get pods -n {HR}"),
        # an unusable answer: the step fails, no summary is kept, the loop goes on
        {"match": OBSERVER, "response": "I am not sure"},
        probe(f"kubectl get events -n {HR}"),
        # a re-plan in the middle of the run changes the queue the next prompt shows
        decision(
            "probe",
            "events show geo restarting",
            [f"kubectl logs deployment/geo -n {HR}"],
            subtasks=[
                {"agent": "probe", "goal": "read geo logs"},
                {"agent": "probe", "goal": "read mongodb-geo logs"},
            ],
        ),
        probe(f"kubectl logs deployment/geo -n {HR}"),
        decision(
            "probe", "geo cannot authenticate", [f"kubectl logs deployment/mongodb-geo -n {HR}"]
        ),
        probe(f"kubectl logs deployment/mongodb-geo -n {HR}"),
        decision("submit", "mongodb-geo revoked the user", [], call='submit(["mongodb-geo"])'),
    ]
    model = Replay(entries)
    config = RuntimeConfig(max_iterations=6, summaries=2)
    runtime = Runtime(
        LLMObserver(model, extract_json),
        probe_model=model,
        executor_model=model,
        compressor_model=model,
        parse=extract_json,
        config=config,
    )
    task = get_task(task_id)
    env = TwinEnvironment()
    record = runtime.run(
        env, env.reset(task_id, 3), task_type="localization", namespace=task.namespace
    )
    sent = [
        r.messages[-1].content
        for r in model.requests
        if r.messages[-1].content.startswith(OBSERVER)
    ]
    assert record.submitted and len(sent) == 5

    trajectory = Trajectory(
        run_id="r",
        attempt_id="a",
        task_id=task_id,
        task_type="localization",
        agent="aoi:replay",
        steps=[
            Step.model_validate({k: v for k, v in s.items() if k in Step.model_fields})
            for s in record.steps
        ],
    )
    plan = [PlannedSubtask(agent=a, goal=g) for a, g in PLAN]
    queue = SubtaskQueue.from_plan(plan, config.max_iterations, False)
    rebuilt = rebuild_prompts(trajectory, max_iterations=6, summaries=2, queue=queue)
    assert [p.prompt for p in rebuilt] == sent
    # what the paper's sample definition says each step sees
    assert "(this is the first iteration" in rebuilt[0].prompt
    assert "(none yet)" in rebuilt[1].prompt and f"$ kubectl get pods -n {HR}" in rebuilt[1].prompt
    assert "read mongodb-geo logs" in rebuilt[3].prompt
    assert "geo cannot authenticate" not in rebuilt[3].prompt  # summary of step n-1: not yet
    assert "iteration 2: events show geo restarting" in rebuilt[3].prompt
