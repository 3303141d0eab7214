"""Several writer processes, and writers killed with SIGKILL, then resumed."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from aoi.trajectories import TrajectoryStore
from trajectories.workload import TASKS, hang_mid_attempt, run_attempt, worker

N_STEPS = 6
SPAWN = multiprocessing.get_context("spawn")


def _work(attempts: int) -> list[tuple[str, int]]:
    return [(task, index) for index in range(attempts) for task in TASKS]


def _figures(store: TrajectoryStore, run_id: str) -> dict[tuple[str, int], bool | None]:
    return {(r.task_id, r.attempt_index): r.success for r in store.query_outcomes(run_id=run_id)}


def _assert_consistent(store: TrajectoryStore, run_id: str) -> None:
    """Finished attempts hold all their steps; at most one attempt is left running."""
    rows = store.query_outcomes(run_id=run_id)
    assert len({(r.task_id, r.attempt_index) for r in rows}) == len(rows)
    running = [r for r in rows if r.status == "running"]
    assert len(running) <= 1
    for row in rows:
        if row.status == "finished":
            assert store.count_steps(row.attempt_id) == N_STEPS
            assert row.outcome is not None


def _integrity(url: str) -> str:
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _resume(store: TrajectoryStore, run_id: str, work: list[tuple[str, int]]) -> None:
    done = store.finished_attempts(run_id)
    for task_id, index in work:
        if (task_id, index) not in done:
            run_attempt(store, run_id, task_id, index, N_STEPS)


def test_two_processes_write_one_store_at_once(store_url: str) -> None:
    with TrajectoryStore(store_url) as store:
        run = store.create_run({"workers": 2})
    work = _work(attempts=4)
    halves = [work[0::2], work[1::2]]
    start = SPAWN.Event()
    procs = [
        SPAWN.Process(target=worker, args=(store_url, run, half, N_STEPS, start)) for half in halves
    ]
    for proc in procs:
        proc.start()
    start.set()
    for proc in procs:
        proc.join(60)
    assert [proc.exitcode for proc in procs] == [0, 0]

    with TrajectoryStore(store_url) as store:
        assert store.finished_attempts(run) == set(work)
        assert len(store.query_outcomes(run_id=run)) == len(work)
        assert store.count_steps() == len(work) * N_STEPS
        assert all(len(t.steps) == N_STEPS for t in store.query(run_id=run))


def test_writer_killed_mid_attempt_leaves_a_resumable_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/aoi.db"
    work = _work(attempts=1)
    with TrajectoryStore(url) as store:
        run = store.create_run()
        clean = store.create_run()
        _resume(store, clean, work)
    ready = SPAWN.Event()
    proc = SPAWN.Process(target=hang_mid_attempt, args=(url, run, work, N_STEPS, ready))
    proc.start()
    assert ready.wait(60), "the writer never reached the middle of its last attempt"
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    assert proc.exitcode == -signal.SIGKILL

    assert _integrity(url) == "ok"
    with TrajectoryStore(url) as store:
        assert store.finished_attempts(run) == set(work[:-1])
        [running] = store.query(run_id=run, status="running")
        assert (running.task_id, running.attempt_index) == work[-1]
        assert len(running.steps) == N_STEPS // 2  # every committed step survived
        _assert_consistent(store, run)

        _resume(store, run, work)
        assert store.finished_attempts(run) == set(work)
        assert len(store.query_outcomes(run_id=run)) == len(work)
        assert store.count_steps() == 2 * len(work) * N_STEPS
        assert _figures(store, run) == _figures(store, clean)


@pytest.mark.parametrize("delay", [0.0, 0.003, 0.011])
def test_writer_killed_at_any_moment_loses_at_most_one_step(tmp_path: Path, delay: float) -> None:
    url = f"sqlite:///{tmp_path}/aoi.db"
    work = _work(attempts=15)
    with TrajectoryStore(url) as store:
        run = store.create_run()
    proc = SPAWN.Process(target=worker, args=(url, run, work, N_STEPS))
    proc.start()
    with TrajectoryStore(url) as store:
        deadline = time.monotonic() + 60
        while store.count_steps() < 3 * N_STEPS and time.monotonic() < deadline:
            time.sleep(0.005)
    time.sleep(delay)
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)

    assert _integrity(url) == "ok"
    with TrajectoryStore(url) as store:
        _assert_consistent(store, run)
        assert 3 <= len(store.finished_attempts(run)) < len(work)
        _resume(store, run, work)
        assert store.finished_attempts(run) == set(work)
        assert len(store.query_outcomes(run_id=run)) == len(work)
        assert store.count_steps() == len(work) * N_STEPS


def test_store_inherited_by_a_forked_child_reconnects(tmp_path: Path) -> None:
    with TrajectoryStore(f"sqlite:///{tmp_path}/aoi.db") as store:
        run = store.create_run()
        store.runs()  # leaves a pooled connection for the child to inherit
        fork = multiprocessing.get_context("fork")
        proc = fork.Process(target=run_attempt, args=(store, run, TASKS[0], 0, N_STEPS))
        proc.start()
        proc.join(30)
        assert proc.exitcode == 0
        assert store.finished_attempts(run) == {(TASKS[0], 0)}
        assert store.count_steps() == N_STEPS
