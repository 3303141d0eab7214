"""`aoi bench --agent aoi` against a fake OpenAI-compatible server: failures say so.

Each scenario asserts the figures, the statuses in the store and the exit code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.llm.server import Reply, chat, closed_port, serve
from typer.testing import CliRunner

from aoi.cli import app
from aoi.trajectories import TrajectoryStore

FAULT = "k8s_target_port-misconfig-detection-1"  # the truth is "Yes"
NOOP = "noop_detection_hotel_reservation-1"  # the truth is "No"
TASKS = f"{FAULT},{NOOP}"

SUBMIT_YES = {
    "previous_summary": "",
    "phase": "ready_to_submit",
    "confidence": 90,
    "next_action": {"agent": "submit", "instruction": "submit"},
    "submission": {"ready": True, "call": 'submit("Yes")'},
}
EXAMPLE = {"command": "kubectl get pods -n test-hotel-reservation", "status": "CONTINUE"}


def _prompt(body: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content", "")) for m in body.get("messages", []))


def agent(decision_text: str) -> Any:
    """A scripted agent: a plan, then the given Observer answer; plain text for the rest."""

    def respond(body: dict[str, Any]) -> Reply:
        prompt = _prompt(body)
        if "planning an investigation" in prompt:
            return chat(json.dumps({"subtasks": [{"agent": "submit", "goal": "submit"}]}))
        if "You are the Observer" in prompt:
            return chat(decision_text)
        return chat("ok")

    return respond


SCRIPTED = agent(json.dumps(SUBMIT_YES))


def bench(tmp_path: Path, url: str, *extra: str) -> tuple[int, str, dict[str, Any], list[Any]]:
    store = f"sqlite:///{tmp_path}/runs.db"
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(
        app,
        [
            "bench",
            "--agent",
            "aoi",
            "--model",
            "tiny",
            "--base-url",
            url,
            "--tasks",
            TASKS,
            "--store",
            store,
            "--json",
            str(out),
            "--max-iterations",
            "3",
            *extra,
        ],
    )
    data = json.loads(out.read_text()) if out.exists() else {}
    rows = TrajectoryStore(store).query_outcomes()
    return result.exit_code, result.output, data, rows


def test_a_scripted_agent_is_scored_and_exits_0(tmp_path: Path) -> None:
    with serve([], default=SCRIPTED) as (url, _):
        code, output, data, rows = bench(tmp_path, url)
    assert code == 0, output
    assert data["best_at_k"] == 50.0
    assert {r.task_id: r.success for r in rows} == {FAULT: True, NOOP: False}
    assert [r.status for r in rows] == ["finished", "finished"]
    assert data["secondary"]["errors"] == 0
    assert "errors:" not in output


def test_several_json_objects_pick_the_decision(tmp_path: Path) -> None:
    text = (
        f"For example a probe reply looks like {json.dumps(EXAMPLE)}.\n"
        f"My decision:\n```json\n{json.dumps(SUBMIT_YES)}\n```"
    )
    with serve([], default=agent(text)) as (url, _):
        code, output, data, rows = bench(tmp_path, url)
    assert code == 0, output
    assert data["best_at_k"] == 50.0
    assert {r.task_id: r.success for r in rows} == {FAULT: True, NOOP: False}


def test_objects_without_decision_keys_are_recorded_decision_errors(tmp_path: Path) -> None:
    text = f"{json.dumps(EXAMPLE)} and {json.dumps({'note': 'nothing'})}"
    with serve([], default=agent(text)) as (url, _):
        code, output, _data, rows = bench(tmp_path, url)
    store = TrajectoryStore(f"sqlite:///{tmp_path}/runs.db")
    for row in rows:
        steps = store.load(row.attempt_id).steps
        observer = [s for s in steps if s.iteration >= 1]
        assert observer and all(s.error and "Decision" in s.error for s in observer)
        assert all(s.decision is None for s in observer)
    assert code == 0, output  # a model's bad answers are measured, not an error of the run


def test_malformed_output_fails_the_steps_not_the_run(tmp_path: Path) -> None:
    with serve([], default=agent("I think the cluster is fine, no JSON from me.")) as (url, _):
        code, output, _data, rows = bench(tmp_path, url)
    store = TrajectoryStore(f"sqlite:///{tmp_path}/runs.db")
    assert code == 0, output
    assert [r.status for r in rows] == ["finished", "finished"]
    for row in rows:
        errors = [s.error for s in store.load(row.attempt_id).steps if s.iteration >= 1]
        assert errors and all(e and "unusable decision" in e for e in errors)


def test_one_500_is_retried_and_the_run_goes_on(tmp_path: Path) -> None:
    replies: list[Any] = [Reply(500, {"error": {"message": "warming up"}})]
    with serve(replies, default=SCRIPTED) as (url, script):
        code, output, data, rows = bench(tmp_path, url)
    assert code == 0, output
    assert data["best_at_k"] == 50.0
    assert [r.status for r in rows] == ["finished", "finished"]
    assert len(script.requests) >= 3


def _assert_errored(code: int, output: str, data: dict[str, Any], rows: list[Any]) -> None:
    assert code == 1, output
    assert [r.status for r in rows] == ["failed", "failed"]
    assert all(r.error and r.error.startswith("EndpointUnavailable") for r in rows)
    assert all(r.success is False for r in rows)
    assert data["best_at_k"] == 0.0
    assert data["secondary"]["errors"] == 2
    assert "errors: 2 of 2 attempts ended on an error" in output
    assert "2 x EndpointUnavailable, first:" in output


def test_always_500_fails_every_attempt_and_exits_1(tmp_path: Path) -> None:
    with serve([], default=Reply(500, {"error": {"message": "boom"}})) as (url, script):
        code, output, data, rows = bench(tmp_path, url, "--llm-retries", "1")
    _assert_errored(code, output, data, rows)
    assert len(script.requests) == 4  # the planner's request, tried twice, per attempt


def test_a_hung_endpoint_costs_one_time_out_per_attempt(tmp_path: Path) -> None:
    with serve([], default=Reply(hang=True)) as (url, script):
        code, output, data, rows = bench(tmp_path, url, "--llm-timeout", "0.3")
    _assert_errored(code, output, data, rows)
    assert "timed out after 0.3s" in (rows[0].error or "")
    assert len(script.requests) == 2


def test_a_dead_port_fails_every_attempt_and_exits_1(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    code, output, data, rows = bench(tmp_path, url, "--llm-retries", "0")
    _assert_errored(code, output, data, rows)


@pytest.mark.parametrize("as_json", [False, True])
def test_aoi_run_exits_1_on_an_endpoint_error(as_json: bool) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    args = ["run", FAULT, "--agent", "aoi", "--model", "m", "--base-url", url, "--llm-retries", "0"]
    result = CliRunner().invoke(app, args + (["--json"] if as_json else []))
    assert result.exit_code == 1
    assert "EndpointUnavailable" in result.output


def test_aoi_run_exits_1_on_a_failed_task() -> None:
    with serve([], default=SCRIPTED) as (url, _):
        solved = CliRunner().invoke(
            app, ["run", FAULT, "--agent", "aoi", "--model", "m", "--base-url", url]
        )
        failed = CliRunner().invoke(
            app, ["run", NOOP, "--agent", "aoi", "--model", "m", "--base-url", url]
        )
    assert solved.exit_code == 0, solved.output
    assert failed.exit_code == 1 and "FAILURE" in failed.output
