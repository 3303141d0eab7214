"""A store written by schema 1 (no calls table, no attempt tokens) opens and gains them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from aoi.trajectories import Step, TrajectoryStore
from aoi.trajectories.schema import SCHEMA_VERSION

OLD = """
CREATE TABLE runs (run_id VARCHAR(64) PRIMARY KEY, created_at DATETIME NOT NULL, config JSON,
  status VARCHAR(16) NOT NULL, finished_at DATETIME);
CREATE TABLE attempts (attempt_id VARCHAR(64) PRIMARY KEY, run_id VARCHAR(64) NOT NULL,
  task_id VARCHAR(255) NOT NULL, attempt_index INTEGER NOT NULL, seed BIGINT, agent VARCHAR(64) NOT NULL,
  model VARCHAR(255), guidance TEXT, status VARCHAR(16) NOT NULL, started_at DATETIME NOT NULL,
  finished_at DATETIME, outcome JSON, success BOOLEAN, task_type VARCHAR(32), fault VARCHAR(128),
  app VARCHAR(64), error TEXT);
CREATE TABLE steps (attempt_id VARCHAR(64) NOT NULL, "index" INTEGER NOT NULL, payload JSON NOT NULL,
  PRIMARY KEY (attempt_id, "index"));
INSERT INTO runs VALUES ('r1', '2026-01-01 00:00:00', '{}', 'finished', NULL);
INSERT INTO attempts VALUES ('a1', 'r1', 'noop_detection_hotel_reservation-1', 0, 0, 'expert', NULL,
  NULL, 'finished', '2026-01-01 00:00:00', '2026-01-01 00:01:00', '{"success": true}', 1,
  'detection', 'noop', 'HotelReservation', NULL);
INSERT INTO steps VALUES ('a1', 0, '{"index": 0, "agent": "expert", "tokens_in": 5}');
"""


def test_an_old_store_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(OLD)
    conn.close()
    store = TrajectoryStore(f"sqlite:///{path}")
    old = store.load("a1")
    assert old.success and old.steps[0].tokens_in == 5 and old.steps[0].calls == []
    attempt = store.start_attempt("r1", "noop_detection_hotel_reservation-1", 1, agent="aoi")
    call = {"role": "observer", "usage": {"prompt_tokens": 7, "completion_tokens": 2}}
    store.append_step(
        attempt, Step(index=0, agent="observer", calls=[call], tokens_in=7, tokens_out=2)
    )
    store.finish_attempt(attempt, {"success": False})
    assert [c.role for c in store.calls(attempt)] == ["observer"]
    assert store.tokens(attempt_id=attempt) == (7, 2)
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    columns = {row[1] for row in conn.execute("PRAGMA table_info(attempts)")}
    assert {"tokens_in", "tokens_out", "config"} <= columns
    conn.close()
    TrajectoryStore(f"sqlite:///{path}").close()  # opening again changes nothing
