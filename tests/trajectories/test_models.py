"""The Trajectory and Step models, and arbitrary text through the store and JSON lines."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aoi.trajectories import CommandRecord, Step, Trajectory, TrajectoryStore, export_jsonl
from aoi.trajectories.export import read_jsonl
from trajectories.workload import TASKS, make_step


@pytest.mark.parametrize(
    ("given_verdict", "stored"),
    [("read", "READ"), ("WRITE", "WRITE"), ("forbidden", "FORBIDDEN"), (None, "none")],
)
def test_verdicts_accept_the_gates_spelling(given_verdict: str | None, stored: str) -> None:
    record = CommandRecord(command="kubectl get pods", verdict=given_verdict)  # type: ignore[arg-type]
    assert record.verdict == stored


def test_unknown_verdict_is_refused() -> None:
    with pytest.raises(ValueError, match="verdict"):
        CommandRecord(command="rm -rf /", verdict="maybe")


def test_gate_verdict_kinds_are_accepted() -> None:
    class VerdictKind(StrEnum):  # the gate's spelling, without importing the gate
        READ = "read"

    assert CommandRecord(command="kubectl get pods", verdict=VerdictKind.READ).verdict == "READ"


def test_trajectory_figures() -> None:
    trajectory = Trajectory(
        run_id="r",
        attempt_id="a",
        task_id=TASKS[0],
        agent="aoi",
        steps=[make_step(0, "observer"), make_step(1)],
    )
    assert trajectory.success is None
    assert trajectory.tokens == (900 + 401, 120 + 60)
    assert [c.command for c in trajectory.commands()] == ["kubectl get pods -n test-social-network"]


def test_nul_and_unicode_output_survive_the_store(store: TrajectoryStore) -> None:
    raw = "line\x00with NUL\n日本語 ✓ \U0001f525\r\n\t"
    run = store.create_run()
    attempt = store.start_attempt(run, TASKS[0], agent="aoi")
    store.append_step(
        attempt,
        Step(index=0, agent="probe", commands=[CommandRecord(command="x", output_raw=raw)]),
    )
    assert store.load(attempt).steps[0].commands[0].output_raw == raw


text_st = st.text(st.characters(codec="utf-8"), max_size=200)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    raw=text_st,
    compressed=st.none() | text_st,
    decision=st.none()
    | st.dictionaries(st.text(max_size=10), st.integers() | text_st | st.booleans(), max_size=4),
    exit_code=st.none() | st.integers(-(2**31), 2**31 - 1),
)
def test_any_step_round_trips(
    tmp_path: Path, raw: str, compressed: str | None, decision: dict | None, exit_code: int | None
) -> None:
    step = Step(
        index=0,
        agent="executor",
        decision=decision,
        commands=[
            CommandRecord(
                command="kubectl rollout restart deployment/user-service",
                role="executor",
                verdict="write",
                exit_code=exit_code,
                output_raw=raw,
                output_compressed=compressed,
            )
        ],
    )
    with TrajectoryStore("sqlite://") as store:
        run = store.create_run()
        attempt = store.start_attempt(run, TASKS[2], agent="aoi")
        store.append_step(attempt, step)
        loaded = store.load(attempt)
    assert loaded.steps == [step]
    path = tmp_path / "one.jsonl"
    export_jsonl([loaded], path)
    assert read_jsonl(path) == [loaded]
