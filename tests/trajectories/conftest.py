"""Store fixtures: every store test runs on SQLite, and on PostgreSQL when one answers.

PostgreSQL: AOI_TEST_POSTGRES_URL, else postgresql+psycopg://postgres@localhost/postgres.
Tests run in a throw-away database created there (dropped afterwards); where the
role may not create databases, in the given database itself, tables dropped after
each test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from aoi.trajectories import TrajectoryStore
from aoi.trajectories.schema import metadata

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@localhost/postgres"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A reachable PostgreSQL URL with a fresh database, or the test is skipped."""
    pytest.importorskip("psycopg", reason="psycopg not installed (pip install 'aoi[postgres]')")
    url = make_url(os.environ.get("AOI_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    admin = create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as err:
        admin.dispose()
        reason = (str(err).strip().splitlines() or ["no answer"])[0]
        pytest.skip(f"no PostgreSQL server at {url.render_as_string()}: {reason}")
    name = f"aoi_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except SQLAlchemyError:
        admin.dispose()
        yield url.render_as_string(hide_password=False)
        return
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/runs/aoi.db"
        return
    url: str = request.getfixturevalue("postgres_url")
    yield url
    engine = create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def store(store_url: str) -> Iterator[TrajectoryStore]:
    with TrajectoryStore(store_url) as opened:
        yield opened
