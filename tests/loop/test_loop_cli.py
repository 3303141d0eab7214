"""aoi loop judge / purify and aoi export observer-steps on a stored expert run."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from aoi.cli import app
from aoi.loop.solve import expert_trajectory
from aoi.loop.store import LoopStore
from aoi.trajectories import TrajectoryStore


def test_judge_purify_and_export_write_what_they_print(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = TrajectoryStore(url)
    for task in (
        "k8s_target_port-misconfig-localization-1",
        "scale_pod_zero_social_net-mitigation-1",
    ):
        t = expert_trajectory(task)
        t.run_id = "r1"
        store.save(t)
    failed = expert_trajectory("k8s_target_port-misconfig-detection-1", without=["network"])
    failed.run_id = "r1"
    store.save(failed)
    runner = CliRunner()
    judged = runner.invoke(app, ["loop", "judge", "r1", "--store", url, "--json"])
    assert judged.exit_code == 0, judged.output
    verdicts = json.loads(judged.output)
    assert sorted(v["outcome"] for v in verdicts) == ["failure", "success", "success"]
    purified = runner.invoke(app, ["loop", "purify", "r1", "--store", url, "--json"])
    assert purified.exit_code == 0, purified.output
    rows = json.loads(purified.output)
    assert len(rows) == 2 and all(r["verified"] and r["after"] < r["before"] for r in rows)
    loop = LoopStore(TrajectoryStore(url))
    assert len(loop.judgements("r1")) == 3 and len(loop.purified("r1", verified=True)) == 2
    out = tmp_path / "obs"
    exported = runner.invoke(
        app, ["export", "observer-steps", "r1", "--store", url, "--out", str(out)]
    )
    assert exported.exit_code == 0, exported.output
    import pyarrow.parquet as pq

    table = pq.read_table(out / "observer_steps.parquet")
    assert {"prompt", "completion", "reference", "truth_targets", "is_submit"} <= set(
        table.column_names
    )
    assert table.num_rows > 0
    missing = runner.invoke(app, ["loop", "judge", "nope", "--store", url])
    assert missing.exit_code == 2
