"""A tiny model built once per test session (nothing is downloaded)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("trl")
pytest.importorskip("peft")


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from aoi.train.factory import init_model

    return init_model(tmp_path_factory.mktemp("tiny"), "tiny", corpus_every=9)


@pytest.fixture(scope="session")
def short_rows() -> list[dict]:
    """Observer samples of a teacher run, the shortest prompts first (CPU steps stay short)."""
    from aoi.train.data.observer import step_rows
    from aoi.train.data.sources import teacher_trajectories

    (found,) = teacher_trajectories(["k8s_target_port-misconfig-detection-1"])
    rows = step_rows(found)
    return sorted(rows, key=lambda r: len(r["prompt"][0]["content"]))
