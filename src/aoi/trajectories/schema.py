"""The store's tables (SQLAlchemy Core) and how an engine is made for a database URL.

Four tables: `runs` (one per benchmark run), `attempts` (one per task x attempt,
unique on (run_id, task_id, attempt_index)), `steps` (one per step, unique on
(attempt_id, index), the step itself as JSON, without its model calls) and
`calls` (one per model call, keyed by attempt, step index and order in the step,
with its role as a column so that one role's calls are read without the rest).
`schema_version` holds the version; `migrate` brings an older database up to it. JSON columns use SQLAlchemy's
portable JSON type, so the same schema works on SQLite and PostgreSQL.

SQLite is switched to WAL mode once, before any connection of the pool uses the
file (the mode is stored in the file); every connection has a busy timeout, and
every write transaction starts with BEGIN IMMEDIATE: several processes can then
create and write one file together, each waiting its turn instead of failing
with "database is locked".
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.pool import StaticPool

#: Execution option that marks a connection whose transaction will write.
WRITE_OPTION = "aoi_write"

metadata = MetaData()

runs = Table(
    "runs",
    metadata,
    Column("run_id", String(64), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("config", JSON(none_as_null=True)),
    Column("status", String(16), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
)

attempts = Table(
    "attempts",
    metadata,
    Column("attempt_id", String(64), primary_key=True),
    Column("run_id", String(64), ForeignKey("runs.run_id"), nullable=False),
    Column("task_id", String(255), nullable=False),
    Column("attempt_index", Integer, nullable=False),
    Column("seed", BigInteger),
    Column("agent", String(64), nullable=False),
    Column("model", String(255)),
    Column("guidance", Text),
    Column("status", String(16), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("outcome", JSON(none_as_null=True)),
    Column("success", Boolean),
    Column("task_type", String(32)),
    Column("fault", String(128)),
    Column("app", String(64)),
    Column("error", Text),
    # added in schema 2: totals over the attempt's steps, and the attempt's run config
    Column("tokens_in", BigInteger),
    Column("tokens_out", BigInteger),
    Column("config", JSON(none_as_null=True)),
    UniqueConstraint("run_id", "task_id", "attempt_index", name="uq_attempts_run_task_index"),
    Index("ix_attempts_task_id", "task_id"),
    Index("ix_attempts_agent_model", "agent", "model"),
)

steps = Table(
    "steps",
    metadata,
    Column(
        "attempt_id",
        String(64),
        ForeignKey("attempts.attempt_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("index", Integer, nullable=False),
    Column("payload", JSON, nullable=False),
    PrimaryKeyConstraint("attempt_id", "index", name="pk_steps"),
)


calls = Table(
    "calls",
    metadata,
    Column(
        "attempt_id",
        String(64),
        ForeignKey("attempts.attempt_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("step_index", Integer, nullable=False),
    Column("call_index", Integer, nullable=False),
    Column("role", String(32), nullable=False),
    Column("payload", JSON, nullable=False),
    PrimaryKeyConstraint("attempt_id", "step_index", "call_index", name="pk_calls"),
    Index("ix_calls_role", "role"),
)

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
)

#: The schema this code writes. 1: runs, attempts, steps. 2: calls; attempts gain
#: tokens_in, tokens_out and config.
SCHEMA_VERSION = 2

# Columns added after schema 1, by table: what `migrate` adds to an older database.
_ADDED_COLUMNS = {"attempts": ("tokens_in", "tokens_out", "config")}


def migrate(conn: Connection) -> int:
    """Create what is missing and add the columns later versions added; returns the version.

    Tables are created with `create_all`; columns added since schema 1 are added
    with ALTER TABLE (nullable, so old rows keep their values). Idempotent.
    """
    from sqlalchemy import inspect, select
    from sqlalchemy.schema import CreateColumn

    metadata.create_all(conn, checkfirst=True)
    inspector = inspect(conn)
    for table_name, names in _ADDED_COLUMNS.items():
        present = {c["name"] for c in inspector.get_columns(table_name)}
        table = metadata.tables[table_name]
        for name in names:
            if name not in present:
                ddl = CreateColumn(table.c[name]).compile(dialect=conn.dialect)
                conn.exec_driver_sql(f"ALTER TABLE {table_name} ADD COLUMN {ddl}")
    found = conn.execute(select(schema_version.c.version)).scalars().all()
    if not found:
        conn.execute(schema_version.insert().values(version=SCHEMA_VERSION))
    elif max(found) < SCHEMA_VERSION:
        conn.execute(schema_version.delete())
        conn.execute(schema_version.insert().values(version=SCHEMA_VERSION))
    return SCHEMA_VERSION


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _sqlite_in_memory(url: URL) -> bool:
    database = url.database or ""
    return database in ("", ":memory:") or "mode=memory" in str(url.query.get("mode", ""))


def make_engine(url: str | URL, *, busy_timeout: float = 30.0) -> Engine:
    """An engine for `url`; SQLite files get WAL, a busy timeout and foreign keys.

    The parent folder of a SQLite file is created. An in-memory SQLite URL
    (`sqlite://`) shares one connection, so the store is usable within one process.
    """
    parsed = make_url(url)
    if not is_sqlite(parsed):
        return create_engine(parsed, pool_pre_ping=True)

    kwargs: dict[str, Any] = {"connect_args": {"timeout": busy_timeout, "check_same_thread": False}}
    memory = _sqlite_in_memory(parsed)
    if memory:
        kwargs["poolclass"] = StaticPool
    else:
        path = Path(parsed.database or "").expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        use_wal(path, busy_timeout)
    engine = create_engine(parsed, **kwargs)
    timeout_ms = int(busy_timeout * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy, not the sqlite3 module, decides where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
            if not memory:
                # WAL was set by use_wal(); in WAL mode NORMAL survives a killed
                # process, only power loss can undo the last commits.
                cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A deferred transaction that reads and then writes can fail at once with
        # SQLITE_BUSY (no wait): writers take the lock up front instead.
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def use_wal(path: Path, busy_timeout: float) -> None:
    """Create the SQLite file if missing and put it in WAL mode, waiting out other processes.

    Switching the journal mode needs a moment alone with the file; two processes
    creating one new store at once can each see the other's lock. SQLite's busy
    handler does not always cover this switch, so it is retried here until
    `busy_timeout`. Raises sqlite3.Error when the file cannot be opened at all.
    """
    deadline = time.monotonic() + busy_timeout
    conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    try:
        while True:
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
                if mode and str(mode[0]).lower() == "wal":
                    return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
            if time.monotonic() > deadline:
                raise sqlite3.OperationalError(
                    f"database is locked: could not switch {path} to WAL within {busy_timeout:g} s"
                )
            time.sleep(0.02)
    finally:
        conn.close()
