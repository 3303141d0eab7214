"""The store opens concurrently on a new file, and every way it cannot open is one clear line."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path
from typing import Any

import pytest

from aoi.bench import BenchConfig, run_bench
from aoi.trajectories import StoreError, TrajectoryStore
from aoi.trajectories.store import STORE_ENV, default_store_url

TASK = "noop_detection_hotel_reservation-1"


def _bench(url: str, barrier: Any, answers: Any) -> None:
    try:
        barrier.wait(30)
        result = run_bench(BenchConfig(tasks=[TASK], store_url=url))
        answers.put(("ok", result.figures.attempts))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which asserts
        answers.put(("error", f"{type(exc).__name__}: {exc}"))


@pytest.mark.skipif(sys.platform != "linux", reason="forks the test process")
def test_two_benches_on_a_new_sqlite_file_ten_times(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    for trial in range(10):
        url = f"sqlite:///{tmp_path}/t{trial}/new/runs.db"
        barrier, answers = ctx.Barrier(2), ctx.Queue()
        procs = [ctx.Process(target=_bench, args=(url, barrier, answers)) for _ in range(2)]
        for proc in procs:
            proc.start()
        got = [answers.get(timeout=120) for _ in procs]
        for proc in procs:
            proc.join(30)
        assert got == [("ok", 1), ("ok", 1)], f"trial {trial}: {got}"
        store = TrajectoryStore(url)
        assert len(store.runs()) == 2 and store.journal_mode() == "wal"
        store.close()


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("foo://x", "unknown database scheme 'foo'"),
        ("not a url", "is not a database URL"),
        ("mysql://u@h/db", "needs the Python driver"),
    ],
)
def test_bad_urls_are_one_line(url: str, words: str) -> None:
    with pytest.raises(StoreError) as err:
        TrajectoryStore(url)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_a_folder_as_sqlite_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not a folder") as err:
        TrajectoryStore(f"sqlite:///{tmp_path}")
    assert "\n" not in str(err.value)


def test_postgres_without_psycopg_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(StoreError, match=r"aoi\[postgres\]") as err:
        TrajectoryStore("postgresql+psycopg://u@127.0.0.1:1/db")
    assert "\n" not in str(err.value)


def test_postgres_without_a_server_is_one_line() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match="cannot reach the database") as err:
        TrajectoryStore("postgresql+psycopg://u:pw@127.0.0.1:1/db?connect_timeout=2")
    assert "\n" not in str(err.value) and "pw" not in str(err.value)


def test_default_store_is_per_user_and_aoi_store_overrides(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(STORE_ENV, raising=False)
    default = default_store_url()
    assert (
        default.startswith("sqlite:///") and Path(default.removeprefix("sqlite:///")).is_absolute()
    )
    monkeypatch.setenv(STORE_ENV, f"sqlite:///{tmp_path}/mine.db")
    assert default_store_url() == f"sqlite:///{tmp_path}/mine.db"
    assert BenchConfig(tasks=[]).store_url == f"sqlite:///{tmp_path}/mine.db"
