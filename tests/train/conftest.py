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
