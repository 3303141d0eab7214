"""`aoi runs`, Ctrl-C and resume from the command line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from aoi.bench import BenchConfig, run_bench, select_tasks
from aoi.cli import app
from aoi.trajectories import TrajectoryStore, read_jsonl

runner = CliRunner()
SMALL = "noop_detection_hotel_reservation-1,k8s_target_port-misconfig-detection-1"


def _bench(store: str, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["bench", "--tasks", SMALL, "--store", store, *extra])
    return result.exit_code, result.output


def test_run_id_at_start_then_list_show_export(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/r.db"
    code, output = _bench(store, "--attempts", "2")
    assert code == 0, output
    run_id = TrajectoryStore(store).runs()[0].run_id
    assert output.index(f"run {run_id}: 4 attempts") < output.index("best@2")

    listed = runner.invoke(app, ["runs", "list", "--store", store, "--json"])
    rows = json.loads(listed.stdout)
    assert [r["run_id"] for r in rows] == [run_id]
    assert rows[0]["attempts_done"] == rows[0]["attempts_planned"] == 4
    assert rows[0]["status"] == "finished"

    shown = runner.invoke(app, ["runs", "show", run_id, "--store", store])
    assert shown.exit_code == 0 and "4 of 4 done" in shown.output and "best@2" in shown.output

    out = tmp_path / "t.jsonl"
    exported = runner.invoke(
        app, ["runs", "export", run_id, "--format", "jsonl", "-o", str(out), "--store", store]
    )
    assert exported.exit_code == 0, exported.output
    trajectories = read_jsonl(out)
    assert len(trajectories) == 4 and all(t.steps for t in trajectories)
    report = runner.invoke(
        app,
        [
            "runs",
            "export",
            run_id,
            "--format",
            "report",
            "-o",
            str(tmp_path / "rep"),
            "--store",
            store,
        ],
    )
    assert report.exit_code == 0 and (tmp_path / "rep" / "report.md").exists()

    missing = runner.invoke(app, ["runs", "show", "nope", "--store", store])
    assert missing.exit_code == 2 and "aoi runs list" in missing.output


def test_resume_refuses_conflicting_options_in_one_line(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/r.db"
    assert _bench(store)[0] == 0
    run_id = TrajectoryStore(store).runs()[0].run_id
    for option in (["--tasks", "all"], ["--attempts", "3"], ["--agent", "aoi"], ["--seed", "4"]):
        result = runner.invoke(app, ["bench", "--resume", run_id, "--store", store, *option])
        assert result.exit_code == 2, option
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and option[0] in lines[0] and "differs" in lines[0]
    same = runner.invoke(app, ["bench", "--resume", run_id, "--store", store, "--tasks", SMALL])
    assert same.exit_code == 0, same.output


def test_sigint_stops_the_pool_and_resume_gives_the_same_figures(tmp_path: Path) -> None:
    db = tmp_path / "int.db"
    url = f"sqlite:///{db}"
    tasks = "detection"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aoi.cli",
            "bench",
            "--tasks",
            tasks,
            "--workers",
            "2",
            "--store",
            url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,
    )
    store = TrajectoryStore(url)
    deadline = time.time() + 120
    run_id = None
    while time.time() < deadline and proc.poll() is None:
        runs = store.runs() if db.exists() else []
        if runs:
            run_id = runs[0].run_id
            if len(store.finished_attempts(run_id)) >= 4:
                break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    _, err = proc.communicate(timeout=60)
    assert run_id is not None
    assert proc.returncode == 130, err
    assert f"resume with: aoi bench --resume {run_id} --store {url}" in err
    assert store.get_run(run_id).status == "killed"
    partial = len(store.finished_attempts(run_id))
    assert 4 <= partial < 32, "the run should have been stopped mid-way"
    time.sleep(0.5)
    assert len(store.finished_attempts(run_id)) == partial, "the workers must have stopped"
    solved_before = sum(1 for r in store.query_outcomes(run_id=run_id) if r.success)

    seen: list[tuple[int, int, int]] = []
    resumed = run_bench(
        BenchConfig(tasks=[], store_url=url),
        resume=run_id,
        on_start=lambda _run, total, done, solved: seen.append((total, done, solved)),
    )
    fresh = run_bench(
        BenchConfig(tasks=select_tasks(tasks), store_url=f"sqlite:///{tmp_path}/fresh.db")
    )
    assert resumed.figures.per_task == fresh.figures.per_task
    assert resumed.figures.best_at_k == fresh.figures.best_at_k
    total, done, solved = seen[0]
    assert (total, done) == (32, partial)
    assert solved == solved_before  # the progress starts from what the store holds
    rows = store.query_outcomes(run_id=run_id)
    assert len(rows) == 32 and store.get_run(run_id).status == "finished"
