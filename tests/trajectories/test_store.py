"""The store on its own: round trips, resume rules, idempotence, queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aoi.trajectories import (
    AttemptFinishedError,
    Step,
    Trajectory,
    TrajectoryStore,
    UnknownAttemptError,
    UnknownRunError,
)
from trajectories.workload import TASKS, make_step, outcome_for, run_attempt, steps_for


def test_round_trip_keeps_every_field(store: TrajectoryStore) -> None:
    run = store.create_run({"agent": "aoi", "attempts": 3, "tasks": ["a", "b"]})
    attempt = store.start_attempt(
        run, TASKS[0], 2, agent="aoi", seed=7, model="qwen3-14b", guidance="check mongodb-rate"
    )
    written = steps_for(TASKS[0], 2, 5)
    for step in written:
        store.append_step(attempt, step)
    store.finish_attempt(attempt, outcome_for(TASKS[0], 2))

    loaded = store.load(attempt)
    assert loaded.steps == written
    assert loaded.steps[0].decision is not None
    assert loaded.steps[0].decision["context"]["targets"] == ["user-service"]
    assert loaded.steps[1].commands[0].verdict == "READ"
    assert loaded.steps[1].commands[0].output_compressed.endswith("✗")  # type: ignore[union-attr]
    assert (loaded.run_id, loaded.task_id, loaded.attempt_index) == (run, TASKS[0], 2)
    assert (loaded.seed, loaded.agent, loaded.model) == (7, "aoi", "qwen3-14b")
    assert loaded.guidance == "check mongodb-rate"
    assert loaded.outcome == outcome_for(TASKS[0], 2)
    assert loaded.status == "finished"
    assert loaded.success is True
    assert loaded.finished_at is not None and loaded.finished_at >= loaded.started_at
    assert loaded.started_at.tzinfo is not None


def test_catalog_fills_type_fault_and_app(store: TrajectoryStore) -> None:
    run = store.create_run()
    known = store.load(store.start_attempt(run, "revoke_auth_mongodb-localization-2", agent="x"))
    assert (known.task_type, known.fault, known.app) == (
        "localization",
        "revoke_auth_mongodb",
        "HotelReservation",
    )
    custom = store.load(store.start_attempt(run, "my-own-task", agent="x", fault="f"))
    assert (custom.task_type, custom.fault, custom.app) == (None, "f", None)


def test_run_records(store: TrajectoryStore) -> None:
    run = store.create_run({"workers": 2}, run_id="nightly-1")
    assert run == "nightly-1"
    record = store.get_run(run)
    assert record.config == {"workers": 2}
    assert record.status == "running"
    store.finish_run(run)
    assert store.get_run(run).status == "finished"
    assert [r.run_id for r in store.runs()] == ["nightly-1"]
    with pytest.raises(UnknownRunError, match="no run 'nope'"):
        store.get_run("nope")


def test_unknown_ids_raise_clear_errors(store: TrajectoryStore) -> None:
    with pytest.raises(UnknownRunError):
        store.start_attempt("missing-run", TASKS[0], agent="x")
    with pytest.raises(UnknownAttemptError, match="start_attempt"):
        store.append_step("missing", make_step(0))
    with pytest.raises(UnknownAttemptError):
        store.finish_attempt("missing", {"success": True})
    with pytest.raises(UnknownAttemptError):
        store.load("missing")


def test_finish_twice_keeps_one_row(store: TrajectoryStore) -> None:
    run = store.create_run()
    attempt = run_attempt(store, run, TASKS[1], 0, 3)
    store.finish_attempt(attempt, outcome_for(TASKS[1], 0))
    store.finish_attempt(attempt, outcome_for(TASKS[1], 0))
    rows = store.query_outcomes(run_id=run)
    assert len(rows) == 1
    assert store.count_steps(attempt) == 3
    assert store.finished_attempts(run) == {(TASKS[1], 0)}


def test_same_step_index_replaces(store: TrajectoryStore) -> None:
    run = store.create_run()
    attempt = store.start_attempt(run, TASKS[0], agent="x")
    store.append_step(attempt, make_step(0))
    store.append_step(attempt, make_step(0, "observer"))
    assert [s.agent for s in store.load(attempt).steps] == ["observer"]


def test_restarting_a_running_attempt_reuses_it_and_drops_its_steps(
    store: TrajectoryStore,
) -> None:
    run = store.create_run()
    first = store.start_attempt(run, TASKS[0], 1, agent="x", seed=1)
    store.append_step(first, make_step(0))
    store.append_step(first, make_step(1))
    again = store.start_attempt(run, TASKS[0], 1, agent="x", seed=1)
    assert again == first
    assert store.load(again).steps == []
    assert len(store.query_outcomes(run_id=run)) == 1
    store.finish_attempt(again, {"success": False})
    with pytest.raises(AttemptFinishedError, match="finished_attempts"):
        store.start_attempt(run, TASKS[0], 1, agent="x", seed=1)


def test_finished_attempts_lists_terminal_ones_only(store: TrajectoryStore) -> None:
    run = store.create_run()
    other = store.create_run()
    run_attempt(store, run, TASKS[0], 0, 1)
    failed = store.start_attempt(run, TASKS[0], 1, agent="x")
    store.finish_attempt(failed, None, status="failed", error="RuntimeError: model timed out")
    store.start_attempt(run, TASKS[1], 0, agent="x")  # still running
    run_attempt(store, other, TASKS[2], 0, 1)
    assert store.finished_attempts(run) == {(TASKS[0], 0), (TASKS[0], 1)}
    loaded = store.load(failed)
    assert (loaded.status, loaded.error, loaded.outcome, loaded.success) == (
        "failed",
        "RuntimeError: model timed out",
        None,
        None,
    )
    with pytest.raises(ValueError, match="status must be"):
        store.finish_attempt(failed, None, status="done")  # type: ignore[arg-type]


def test_queries_filter_and_keep_order(store: TrajectoryStore) -> None:
    run_a = store.create_run()
    run_b = store.create_run()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n, task in enumerate(TASKS[:4]):
        for model, run in (("small", run_a), ("large", run_b)):
            attempt = store.start_attempt(
                run,
                task,
                0,
                agent="aoi" if n % 2 else "expert",
                model=model,
                started_at=start + timedelta(minutes=n),
            )
            store.append_step(attempt, make_step(0))
            store.finish_attempt(attempt, {"success": n < 2})

    assert len(store.query()) == 8
    assert [t.task_id for t in store.query(run_id=run_a)] == list(TASKS[:4])
    assert {t.model for t in store.query(model="large")} == {"large"}
    assert {t.task_id for t in store.query(success=True)} == set(TASKS[:2])
    assert len(store.query(success=False, agent="aoi")) == 2
    assert [t.task_id for t in store.query(task=TASKS[3])] == [TASKS[3]] * 2
    assert {t.task_type for t in store.query(task_type="mitigation")} == {"mitigation"}
    assert len(store.query(limit=3)) == 3
    assert all(len(t.steps) == 1 for t in store.query())
    assert store.query(status="running") == []

    rows = store.query_outcomes(run_id=run_b, success=True)
    assert [(r.task_id, r.model, r.success) for r in rows] == [
        (TASKS[0], "large", True),
        (TASKS[1], "large", True),
    ]
    assert rows[0].fault == "revoke_auth_mongodb"


def test_save_writes_a_whole_trajectory(store: TrajectoryStore) -> None:
    trajectory = Trajectory(
        run_id="imported",
        attempt_id="a1",
        task_id=TASKS[4],
        agent="expert",
        steps=[make_step(0), make_step(1, "executor")],
        outcome={"success": True},
        status="finished",
    )
    assert store.save(trajectory) == "a1"
    loaded = store.load("a1")
    assert loaded.model_dump(exclude={"finished_at", "task_type", "fault", "app"}) == (
        trajectory.model_dump(exclude={"finished_at", "task_type", "fault", "app"})
    )
    assert store.get_run("imported").status == "finished"


def test_step_rejects_unknown_agent() -> None:
    with pytest.raises(ValueError, match="agent"):
        Step(index=0, agent="planner")  # type: ignore[arg-type]


def test_sqlite_file_store_is_in_wal_mode(tmp_path: object) -> None:
    with TrajectoryStore(f"sqlite:///{tmp_path}/nested/dir/aoi.db") as store:
        assert store.journal_mode() == "wal"
        store.create_run()
    with TrajectoryStore(f"sqlite:///{tmp_path}/nested/dir/aoi.db") as reopened:
        assert reopened.journal_mode() == "wal"
        assert len(reopened.runs()) == 1


def test_in_memory_store_works_within_one_process() -> None:
    with TrajectoryStore("sqlite://") as store:
        run = store.create_run()
        attempt = run_attempt(store, run, TASKS[0], 0, 2)
        assert len(store.load(attempt).steps) == 2
        assert store.journal_mode() == "memory"


def test_package_example_runs() -> None:
    import doctest

    import aoi.trajectories

    assert doctest.testmod(aoi.trajectories).failed == 0
