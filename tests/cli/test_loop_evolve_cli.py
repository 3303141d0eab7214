"""`aoi loop evolve --teacher`, `aoi loop guidance list|show`, `aoi export evolver-pairs`, and
`aoi bench --evolve`, end to end through the CLI on the ablated expert."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from aoi.cli import app
from aoi.trajectories import TrajectoryStore

TASKS = "revoke_auth_mongodb-localization-1,revoke_auth_mongodb-mitigation-1"


def test_evolve_a_run_into_a_library_and_bench_with_it(tmp_path) -> None:
    runner = CliRunner()
    store = f"sqlite:///{tmp_path / 's.db'}"
    library = str(tmp_path / "g.jsonl")
    ran = runner.invoke(app, ["bench", "--tasks", TASKS, "--without", "mongo", "--store", store])
    assert ran.exit_code == 0, ran.output
    run_id = TrajectoryStore(store).runs()[0].run_id
    evolved = runner.invoke(
        app,
        ["loop", "evolve", run_id, "--teacher", "--library", library, "--store", store, "--json"],
    )
    assert evolved.exit_code == 0, evolved.output
    plans = json.loads(evolved.output)["plans"]
    assert len(plans) == 2 and all(p["author"] == "teacher" and p["verified"] == 1 for p in plans)
    listed = json.loads(
        runner.invoke(app, ["loop", "guidance", "list", "--library", library, "--json"]).output
    )
    assert {e["task_id"] for e in listed} == set(TASKS.split(","))
    shown = runner.invoke(
        app,
        ["loop", "guidance", "show", "revoke_auth_mongodb-localization-1", "--library", library],
    )
    assert (
        "same task (leakage" in shown.output and 'Submit: `submit(["mongodb-geo"])`' in shown.output
    )
    report = tmp_path / "r.json"
    guided = runner.invoke(
        app,
        [
            "bench",
            "--tasks",
            TASKS,
            "--without",
            "mongo",
            "--guidance",
            library,
            "--store",
            store,
            "--json",
            str(report),
        ],
    )
    assert guided.exit_code == 0, guided.output
    figures = json.loads(report.read_text())
    assert figures["best_at_k"] == 100.0 and figures["guidance"]["same_task_attempts"] == 2
    pairs = runner.invoke(
        app, ["export", "evolver-pairs", run_id, "--out", str(tmp_path / "p"), "--store", store]
    )
    assert pairs.exit_code == 0 and "2 repair" in pairs.output


def test_bad_options_are_one_line_errors(tmp_path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["bench", "--guidance", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2 and "no such library" in missing.output
    source = runner.invoke(app, ["bench", "--guidance-from", "anywhere"])
    assert source.exit_code == 2 and "other-targets" in source.output
    both = runner.invoke(
        app, ["loop", "evolve", "r", "--teacher", "--model", "m", "--base-url", "u"]
    )
    assert both.exit_code == 2 and "choose one Evolver" in both.output
