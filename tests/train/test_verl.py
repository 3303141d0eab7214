"""The verl recipe: the same reward through verl's `compute_score`, the dataset layout, the configs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import aoi.train.verl_reward as verl_reward
from aoi.cli import app
from aoi.train.rewards import UNPARSEABLE, WEIGHTS, ObserverReward
from aoi.train.verl_reward import DROPPED, OBSERVER, compute_score, verl_rows

RECIPE = Path(verl_reward.__file__).parent / "recipes" / "verl"


def test_compute_score_is_the_observer_reward_on_verls_columns(short_rows) -> None:
    reward = ObserverReward()
    for source, verl in zip(short_rows, verl_rows(short_rows), strict=True):
        assert verl["data_source"] == OBSERVER and verl["prompt"] == source["prompt"]
        ground_truth, extra = verl["reward_model"]["ground_truth"], verl["extra_info"]
        perfect = compute_score(OBSERVER, source["reference"], ground_truth, extra)
        expected = reward.score_one(source["reference"], source)
        assert perfect["score"] == pytest.approx(expected.reward) and perfect["score"] > 0.95
        assert set(perfect) == {"score", *WEIGHTS}
        garbage = compute_score(OBSERVER, "no decision here", ground_truth, extra)
        assert garbage["score"] == UNPARSEABLE and garbage["format"] == DROPPED
    with pytest.raises(ValueError, match="unknown data_source"):
        compute_score("gsm8k", "42", "42")


def test_verl_data_writes_parquet_that_reads_back(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "train", "verl-data", "--out", str(tmp_path),
            "--teacher", "revoke_auth_mongodb-localization-1,k8s_target_port-misconfig-detection-1",
            "--test", "revoke_auth_mongodb-localization-1", "--limit", "3",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    from datasets import Dataset

    rows = Dataset.from_parquet(str(tmp_path / "train.parquet")).to_list()
    assert len(rows) == 3 and (tmp_path / "test.parquet").is_file()
    row = next(r for r in rows if r["extra_info"]["task_id"].startswith("revoke_auth"))
    assert row["agent_name"] == "aoi_observer"
    assert json.loads(row["extra_info"]["truth_targets"])[0] == "mongodb-geo"
    scored = compute_score(
        row["data_source"],
        row["reward_model"]["ground_truth"],
        row["reward_model"]["ground_truth"],
        row["extra_info"],
    )
    assert scored["score"] > 0.95


def test_the_agent_loop_config_and_launch_script_name_what_they_use() -> None:
    (loop,) = yaml.safe_load((RECIPE / "agent_loop.yaml").read_text())
    assert loop["name"] == verl_reward.AGENT_LOOP
    script = (RECIPE / "observer_grpo.sh").read_text()
    assert "reward.custom_reward_function.name=compute_score" in script
    assert "agent_loop.yaml" in script and "algorithm.adv_estimator=grpo" in script
    try:  # where verl is installed, the names resolve in its own code
        from verl.utils.import_utils import load_extern_object
    except ImportError:
        pytest.skip("verl is not installed (its import needs tensordict, ray, hydra)")
    assert load_extern_object(verl_reward.__file__, "compute_score")
    module, _, name = loop["_target_"].rpartition(".")
    assert hasattr(__import__(module, fromlist=[name]), name)
