"""`aoi train ...` refuses bad input with one line and exit status 2."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from aoi.cli import app


def invoke(*args: str):
    return CliRunner().invoke(app, ["train", *args])


def test_no_data_no_model_and_bad_config_are_one_line_errors(tmp_path: Path) -> None:
    model = tmp_path / "m"
    model.mkdir()
    (model / "config.json").write_text("{}")
    result = invoke("sft", "--model", str(model), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "no training data" in result.output
    result = invoke("observer", "--model", str(model), "--teacher", "everything")
    assert result.exit_code == 2 and "unknown split 'everything'" in result.output
    bad = tmp_path / "c.yaml"
    bad.write_text("group_sise: 4\n")
    result = invoke("observer", "--config", str(bad), "--teacher", "observer-train")
    assert result.exit_code == 2 and "unknown key(s) group_sise" in result.output
    result = invoke("plot", str(tmp_path))
    assert result.exit_code == 2 and "no metrics" in result.output


def test_a_folder_without_a_model_is_refused_before_training(tmp_path: Path) -> None:
    result = invoke("sft", "--model", str(tmp_path), "--teacher", "observer-train")
    assert result.exit_code == 2
    assert "is not a model directory" in result.output and "init-model" in result.output
