"""The benchmark runner: task selection, parallel and sequential agreement, SIGKILL + resume, Ray."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aoi.bench import BenchConfig, TaskSelectionError, run_bench, select_tasks
from aoi.cli import app
from aoi.trajectories import TrajectoryStore

SMALL = "noop_detection_hotel_reservation-1,k8s_target_port-misconfig-detection-1,revoke_auth_mongodb-localization-1"


def test_task_selection() -> None:
    assert len(select_tasks("all")) == 86
    assert len(select_tasks("mitigation")) == 13
    assert select_tasks("container_kill-*") == [
        "container_kill-detection",
        "container_kill-localization",
    ]
    assert select_tasks(SMALL) == SMALL.split(",")
    assert select_tasks("k8s_target_port-misconfig/compose-post-service/localization")
    with pytest.raises(TaskSelectionError, match="did you mean"):
        select_tasks("noop_detection_hotel_reservation-2")
    with pytest.raises(TaskSelectionError):
        select_tasks("nothing-matches-*")


def test_one_and_two_workers_agree(tmp_path: Path) -> None:
    tasks = select_tasks(SMALL)
    one = run_bench(
        BenchConfig(tasks=tasks, attempts=2, workers=1, store_url=f"sqlite:///{tmp_path}/a.db")
    )
    two = run_bench(
        BenchConfig(tasks=tasks, attempts=2, workers=2, store_url=f"sqlite:///{tmp_path}/b.db")
    )
    assert one.figures.as_dict() | {"secondary": None} == two.figures.as_dict() | {
        "secondary": None
    }
    assert one.figures.attempts == 6
    store = TrajectoryStore(f"sqlite:///{tmp_path}/a.db")
    rows = store.query_outcomes(run_id=one.run_id)
    assert len(rows) == 6 and all(r.status == "finished" for r in rows)
    trajectory = store.load(rows[0].attempt_id)
    assert trajectory.steps and trajectory.outcome is not None


def test_killed_run_resumes_to_the_same_figures_without_duplicates(tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    url = f"sqlite:///{db}"
    tasks = "detection"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aoi.cli",
            "bench",
            "--tasks",
            tasks,
            "--store",
            url,
            "--json",
            str(tmp_path / "x.json"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    store = TrajectoryStore(url)
    deadline = time.time() + 120
    run_id = None
    while time.time() < deadline:
        runs = store.runs() if db.exists() else []
        if runs:
            run_id = runs[0].run_id
            if len(store.finished_attempts(run_id)) >= 5:
                break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert run_id is not None
    partial = len(store.finished_attempts(run_id))
    assert 5 <= partial < 32, "the run should have been killed mid-way"
    resumed = run_bench(BenchConfig(tasks=[], store_url=url), resume=run_id)
    fresh = run_bench(
        BenchConfig(tasks=select_tasks(tasks), store_url=f"sqlite:///{tmp_path}/fresh.db")
    )
    assert resumed.figures.best_at_k == fresh.figures.best_at_k
    assert resumed.figures.per_task == fresh.figures.per_task
    rows = store.query_outcomes(run_id=run_id)
    assert len(rows) == 32
    assert len({(r.task_id, r.attempt_index) for r in rows}) == 32
    assert resumed.resumed == partial


def test_ray_backend_gives_the_same_figures(tmp_path: Path) -> None:
    pytest.importorskip("ray", reason="the Ray backend needs the 'ray' extra")
    tasks = select_tasks(SMALL)
    local = run_bench(
        BenchConfig(tasks=tasks, attempts=2, workers=2, store_url=f"sqlite:///{tmp_path}/l.db")
    )
    ray = run_bench(
        BenchConfig(
            tasks=tasks,
            attempts=2,
            workers=2,
            backend="ray",
            store_url=f"sqlite:///{tmp_path}/r.db",
        )
    )
    assert ray.figures.per_task == local.figures.per_task
    assert (ray.figures.best_at_k, ray.figures.avg_at_k) == (
        local.figures.best_at_k,
        local.figures.avg_at_k,
    )


def test_cli_writes_json_and_report(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(
        app,
        [
            "bench",
            "--tasks",
            SMALL,
            "--attempts",
            "2",
            "--store",
            f"sqlite:///{tmp_path}/c.db",
            "--json",
            str(out),
            "--report",
            str(tmp_path / "report"),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    for key in (
        "tasks",
        "attempts",
        "best_at_k",
        "avg_at_k",
        "by_type",
        "by_fault",
        "wall_seconds",
    ):
        assert key in data
    assert len(data["attempts"]) == 6 and len(data["tasks"]) == 3
    report = (tmp_path / "report" / "report.md").read_text()
    assert "best@2" in report and "66.3 %" in report


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    bad_task = runner.invoke(
        app, ["bench", "--tasks", "nope-1", "--store", f"sqlite:///{tmp_path}/d.db"]
    )
    assert bad_task.exit_code == 2 and "error:" in bad_task.output
    no_model = runner.invoke(
        app, ["bench", "--agent", "aoi", "--store", f"sqlite:///{tmp_path}/d.db"]
    )
    assert no_model.exit_code == 2 and "--model" in no_model.output
