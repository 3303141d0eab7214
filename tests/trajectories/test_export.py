"""Exports: JSON lines (core), Parquet and datasets (the `data` extra)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from aoi.trajectories import (
    MissingExtraError,
    Trajectory,
    TrajectoryStore,
    export_jsonl,
    export_parquet,
    export_steps_parquet,
    read_jsonl,
    read_parquet,
    to_dataset,
)
from trajectories.workload import TASKS, run_attempt


@pytest.fixture
def trajectories(tmp_path: Path) -> list[Trajectory]:
    with TrajectoryStore(f"sqlite:///{tmp_path}/aoi.db") as store:
        run = store.create_run()
        for n, task in enumerate(TASKS[:3]):
            run_attempt(store, run, task, 0, n + 1)
        running = store.start_attempt(run, TASKS[3], agent="aoi")  # no outcome, no steps
        assert running
        return store.query(run_id=run)


@pytest.mark.parametrize("name", ["runs.jsonl", "runs.jsonl.gz"])
def test_jsonl_round_trip(tmp_path: Path, trajectories: list[Trajectory], name: str) -> None:
    path = tmp_path / "out" / name
    assert export_jsonl(trajectories, path) == 4
    assert read_jsonl(path) == trajectories


def test_jsonl_names_the_bad_line(tmp_path: Path, trajectories: list[Trajectory]) -> None:
    path = tmp_path / "runs.jsonl"
    export_jsonl(trajectories[:1], path)
    path.write_text(path.read_text() + "\n{not json}\n")
    with pytest.raises(ValueError, match=r"runs.jsonl:3: not a trajectory"):
        read_jsonl(path)


def test_parquet_round_trip_one_row_per_trajectory(
    tmp_path: Path, trajectories: list[Trajectory]
) -> None:
    pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow not installed (aoi[data])")
    path = tmp_path / "runs.parquet"
    assert export_parquet(trajectories, path) == 4
    table = pq.read_table(path)
    assert table.column("n_steps").to_pylist() == [1, 2, 3, 0]
    assert table.column("success").to_pylist() == [True, False, True, None]
    assert table.column("fault").to_pylist()[0] == "revoke_auth_mongodb"
    assert json.loads(table.column("steps").to_pylist()[2])[0]["agent"] == "observer"
    assert read_parquet(path) == trajectories


def test_steps_parquet_one_row_per_step(tmp_path: Path, trajectories: list[Trajectory]) -> None:
    pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow not installed (aoi[data])")
    path = tmp_path / "steps.parquet"
    assert export_steps_parquet(trajectories, path) == 6
    rows = pq.read_table(path).to_pylist()
    assert [(r["task_id"], r["index"]) for r in rows[:3]] == [
        (TASKS[0], 0),
        (TASKS[1], 0),
        (TASKS[1], 1),
    ]
    assert json.loads(rows[0]["decision"])["next_action"] == "probe"
    assert json.loads(rows[2]["commands"])[0]["verdict"] == "READ"


def test_to_dataset(trajectories: list[Trajectory]) -> None:
    pytest.importorskip("datasets", reason="datasets not installed (aoi[data])")
    dataset = to_dataset(trajectories)
    assert len(dataset) == 4
    assert dataset[0]["task_id"] == TASKS[0]
    assert dataset.filter(lambda row: row["success"] is True)["task_id"] == [TASKS[0], TASKS[2]]
    assert len(json.loads(dataset[2]["steps"])) == 3


def test_missing_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, trajectories: list[Trajectory]
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'aoi\[data\]'"):
        export_parquet(trajectories, tmp_path / "x.parquet")
