"""TrajectoryStore: runs, attempts and steps in SQLite (default) or PostgreSQL.

Every write is its own short transaction and commits before the call returns:
a worker killed with SIGKILL loses at most the step it was writing. An attempt
is unique per (run_id, task_id, attempt_index); starting it again while it is
still `running` (its worker died) wipes its steps and reuses its id, and
starting it once it is finished raises, so a resumed run never holds duplicates.

Use one store per process; a store handed to a forked child reconnects there.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, and_, delete, func, insert, select, update
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError

from aoi.catalog import UnknownTaskError, get_task
from aoi.trajectories.errors import (
    AttemptFinishedError,
    StoreError,
    UnknownAttemptError,
    UnknownRunError,
)
from aoi.trajectories.models import (
    TERMINAL_STATUSES,
    ModelCall,
    Status,
    Step,
    Trajectory,
    as_utc,
    utcnow,
)
from aoi.trajectories.records import (
    OutcomeRow,
    RunRecord,
    outcome_from_row,
    run_from_row,
    trajectory_from_row,
)
from aoi.trajectories.schema import (
    WRITE_OPTION,
    attempts,
    calls,
    is_sqlite,
    make_engine,
    migrate,
    runs,
    steps,
)

STORE_ENV = "AOI_STORE"


def _user_store() -> str:
    from platformdirs import user_data_path

    return f"sqlite:///{user_data_path('aoi', appauthor=False) / 'aoi.db'}"


#: The store when neither --store nor AOI_STORE names one: a per-user data folder.
DEFAULT_URL = _user_store()


def default_store_url() -> str:
    """`AOI_STORE` when set, else the per-user store (e.g. ~/.local/share/aoi/aoi.db)."""
    return os.environ.get(STORE_ENV, "").strip() or DEFAULT_URL


def describe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return repr(url)


_CHUNK = 500  # ids per IN (...) clause, well under SQLite's bound-parameter limit


def _outcome_dict(outcome: Mapping[str, Any] | BaseModel | None) -> dict[str, Any] | None:
    if outcome is None:
        return None
    if isinstance(outcome, BaseModel):
        return outcome.model_dump(mode="json")
    return dict(outcome)


def _catalog_facts(task_id: str) -> dict[str, str | None]:
    try:
        task = get_task(task_id)
    except UnknownTaskError:
        return {"task_type": None, "fault": None, "app": None}
    return {"task_type": str(task.type), "fault": task.fault, "app": str(task.app)}


def _check_status(status: str) -> None:
    if status not in TERMINAL_STATUSES and status != "running":
        raise ValueError(f"status must be running, finished, failed or killed, not {status!r}")


class TrajectoryStore:
    """Runs, attempts and their steps in one database, given by a SQLAlchemy URL.

    `url` defaults to `default_store_url()` (AOI_STORE, else a per-user data
    folder); `postgresql+psycopg://user@host/db` needs the `postgres` extra.
    Tables are created when missing. `busy_timeout` is how long a SQLite writer
    waits for another process's lock before giving up. Every failure to open or
    use the database is a StoreError whose message is one line saying what to do.
    """

    def __init__(self, url: str | None = None, *, busy_timeout: float = 30.0) -> None:
        url = url or default_store_url()
        self.url = url
        self._busy_timeout = busy_timeout
        self._engine = _open_engine(url, busy_timeout)
        self._pid = os.getpid()
        try:
            self._create_tables()
        except StoreError:
            self._engine.dispose()
            raise

    # -- lifecycle -----------------------------------------------------------

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> TrajectoryStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"TrajectoryStore({describe_url(self.url)!r})"

    def _create_tables(self) -> None:
        try:
            with self._write() as conn:
                migrate(conn)
        except IntegrityError:
            # Another process created the tables between our check and our CREATE
            # (PostgreSQL; SQLite serialises this behind BEGIN IMMEDIATE).
            with self._write() as conn:
                migrate(conn)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        self._check_fork()
        try:
            with self._engine.connect() as conn:
                conn.execution_options(**{WRITE_OPTION: True})
                with conn.begin():
                    yield conn
        except OperationalError as exc:
            raise _operational(self.url, exc) from None

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        self._check_fork()
        try:
            with self._engine.connect() as conn, conn.begin():
                yield conn
        except OperationalError as exc:
            raise _operational(self.url, exc) from None

    def transaction(self, *, write: bool = False) -> AbstractContextManager[Connection]:
        """One transaction on this store's database, for tables other packages keep beside
        the trajectories (aoi.loop's judgements and purified paths). Errors are StoreErrors."""
        return self._write() if write else self._read()

    def _check_fork(self) -> None:
        # Connections inherited across fork() must not be used by the child.
        if os.getpid() != self._pid:
            self._engine.dispose(close=False)
            self._pid = os.getpid()

    def journal_mode(self) -> str | None:
        """SQLite's journal mode ("wal" for a file store); None on other databases."""
        if not is_sqlite(self._engine.url):
            return None
        with self._read() as conn:
            return str(conn.exec_driver_sql("PRAGMA journal_mode").scalar_one())

    # -- runs ----------------------------------------------------------------

    def create_run(
        self, config: Mapping[str, Any] | None = None, *, run_id: str | None = None
    ) -> str:
        """Record a new run with its configuration (JSON-able) and return its id."""
        run_id = run_id or uuid.uuid4().hex[:12]
        with self._write() as conn:
            conn.execute(
                insert(runs).values(
                    run_id=run_id, created_at=utcnow(), config=dict(config or {}), status="running"
                )
            )
        return run_id

    def get_run(self, run_id: str) -> RunRecord:
        """The run with this id; raises UnknownRunError."""
        with self._read() as conn:
            row = conn.execute(select(runs).where(runs.c.run_id == run_id)).one_or_none()
        if row is None:
            raise UnknownRunError(run_id)
        return run_from_row(row)

    def runs(self, limit: int | None = None) -> list[RunRecord]:
        """Runs, newest first."""
        stmt = select(runs).order_by(runs.c.created_at.desc(), runs.c.run_id).limit(limit)
        with self._read() as conn:
            return [run_from_row(row) for row in conn.execute(stmt)]

    def finish_run(self, run_id: str, status: Status = "finished") -> None:
        """Mark a run finished (or failed, killed); raises UnknownRunError."""
        _check_status(status)
        with self._write() as conn:
            result = conn.execute(
                update(runs)
                .where(runs.c.run_id == run_id)
                .values(status=status, finished_at=utcnow() if status != "running" else None)
            )
        if result.rowcount == 0:
            raise UnknownRunError(run_id)

    # -- attempts ------------------------------------------------------------

    def start_attempt(
        self,
        run_id: str,
        task_id: str,
        attempt_index: int = 0,
        *,
        agent: str,
        seed: int | None = None,
        model: str | None = None,
        guidance: str | None = None,
        task_type: str | None = None,
        fault: str | None = None,
        app: str | None = None,
        started_at: datetime | None = None,
        attempt_id: str | None = None,
    ) -> str:
        """Record that an attempt starts and return its attempt_id.

        task_type, fault and app default to the catalog's values for known task
        ids. If (run_id, task_id, attempt_index) is still `running` (its worker
        died), its steps are deleted and its id is reused; if it already
        finished, AttemptFinishedError is raised. Raises UnknownRunError.
        """
        facts = _catalog_facts(task_id)
        values: dict[str, Any] = {
            "seed": seed,
            "agent": agent,
            "model": model,
            "guidance": guidance,
            "status": "running",
            "started_at": as_utc(started_at or utcnow()),
            "finished_at": None,
            "outcome": None,
            "success": None,
            "task_type": task_type if task_type is not None else facts["task_type"],
            "fault": fault if fault is not None else facts["fault"],
            "app": app if app is not None else facts["app"],
            "error": None,
        }
        for _ in range(2):  # a second try only after losing an insert race (PostgreSQL)
            try:
                with self._write() as conn:
                    return self._start(conn, run_id, task_id, attempt_index, attempt_id, values)
            except IntegrityError:
                continue
        raise StoreError(
            f"could not start attempt {attempt_index} of {task_id!r} in run {run_id!r}"
        )

    def _start(
        self,
        conn: Connection,
        run_id: str,
        task_id: str,
        attempt_index: int,
        attempt_id: str | None,
        values: dict[str, Any],
    ) -> str:
        if conn.execute(select(runs.c.run_id).where(runs.c.run_id == run_id)).first() is None:
            raise UnknownRunError(run_id)
        key = and_(
            attempts.c.run_id == run_id,
            attempts.c.task_id == task_id,
            attempts.c.attempt_index == attempt_index,
        )
        existing = conn.execute(select(attempts.c.attempt_id, attempts.c.status).where(key)).first()
        if existing is None:
            new_id = attempt_id or uuid.uuid4().hex
            conn.execute(
                insert(attempts).values(
                    attempt_id=new_id,
                    run_id=run_id,
                    task_id=task_id,
                    attempt_index=attempt_index,
                    **values,
                )
            )
            return new_id
        if existing.status in TERMINAL_STATUSES:
            raise AttemptFinishedError(run_id, task_id, attempt_index, existing.attempt_id)
        conn.execute(delete(calls).where(calls.c.attempt_id == existing.attempt_id))
        conn.execute(delete(steps).where(steps.c.attempt_id == existing.attempt_id))
        conn.execute(update(attempts).where(key).values(**values))
        return str(existing.attempt_id)

    def append_step(self, attempt_id: str, step: Step) -> None:
        """Commit one step of a running attempt; the same index again replaces it.

        Raises UnknownAttemptError.
        """
        payload = step.model_dump(mode="json", exclude={"calls"})
        with self._write() as conn:
            if conn.execute(_attempt_exists(attempt_id)).first() is None:
                raise UnknownAttemptError(attempt_id)
            conn.execute(
                delete(steps).where(steps.c.attempt_id == attempt_id, steps.c.index == step.index)
            )
            conn.execute(
                delete(calls).where(
                    calls.c.attempt_id == attempt_id, calls.c.step_index == step.index
                )
            )
            conn.execute(
                insert(steps).values(attempt_id=attempt_id, index=step.index, payload=payload)
            )
            if step.calls:
                conn.execute(
                    insert(calls),
                    [
                        {
                            "attempt_id": attempt_id,
                            "step_index": step.index,
                            "call_index": i,
                            "role": call.role,
                            "payload": call.model_dump(mode="json"),
                        }
                        for i, call in enumerate(step.calls)
                    ],
                )

    def finish_attempt(
        self,
        attempt_id: str,
        outcome: Mapping[str, Any] | BaseModel | None,
        *,
        status: Status = "finished",
        error: str | None = None,
        finished_at: datetime | None = None,
    ) -> None:
        """Record how an attempt ended; calling it again overwrites, never adds rows.

        `outcome` is a mapping or a pydantic model (the environment's Outcome);
        its `success` fills the attempt's success column. Raises UnknownAttemptError.
        """
        _check_status(status)
        data = _outcome_dict(outcome)
        success = None if data is None or "success" not in data else bool(data["success"])
        with self._write() as conn:
            # the attempt's tokens are its steps' (each the sum over its model calls)
            tokens = conn.execute(
                select(steps.c.payload).where(steps.c.attempt_id == attempt_id)
            ).scalars()
            totals = [0, 0]
            for payload in tokens:
                totals[0] += int(payload.get("tokens_in", 0) or 0)
                totals[1] += int(payload.get("tokens_out", 0) or 0)
            result = conn.execute(
                update(attempts)
                .where(attempts.c.attempt_id == attempt_id)
                .values(
                    status=status,
                    outcome=data,
                    success=success,
                    error=error,
                    finished_at=as_utc(finished_at or utcnow()),
                    tokens_in=totals[0],
                    tokens_out=totals[1],
                )
            )
        if result.rowcount == 0:
            raise UnknownAttemptError(attempt_id)

    def finished_attempts(self, run_id: str) -> set[tuple[str, int]]:
        """(task_id, attempt_index) of the run's attempts that ended (not `running`).

        A resume skips these and runs the rest; an attempt left `running` by a
        killed worker is not among them.
        """
        stmt = select(attempts.c.task_id, attempts.c.attempt_index).where(
            attempts.c.run_id == run_id, attempts.c.status.in_(sorted(TERMINAL_STATUSES))
        )
        with self._read() as conn:
            return {(row.task_id, row.attempt_index) for row in conn.execute(stmt)}

    def save(self, trajectory: Trajectory) -> str:
        """Write a whole trajectory (e.g. one read from JSON lines); returns its attempt_id.

        The run is created when missing (with an empty config).
        """
        with self._write() as conn:
            found = conn.execute(select(runs.c.run_id).where(runs.c.run_id == trajectory.run_id))
            if found.first() is None:
                conn.execute(
                    insert(runs).values(
                        run_id=trajectory.run_id,
                        created_at=trajectory.started_at,
                        config={},
                        status="finished",
                    )
                )
        attempt_id = self.start_attempt(
            trajectory.run_id,
            trajectory.task_id,
            trajectory.attempt_index,
            agent=trajectory.agent,
            seed=trajectory.seed,
            model=trajectory.model,
            guidance=trajectory.guidance,
            task_type=trajectory.task_type,
            fault=trajectory.fault,
            app=trajectory.app,
            started_at=trajectory.started_at,
            attempt_id=trajectory.attempt_id,
        )
        for step in trajectory.steps:
            self.append_step(attempt_id, step)
        if trajectory.status != "running":
            self.finish_attempt(
                attempt_id,
                trajectory.outcome,
                status=trajectory.status,
                error=trajectory.error,
                finished_at=trajectory.finished_at,
            )
        return attempt_id

    # -- reading -------------------------------------------------------------

    def load(self, attempt_id: str) -> Trajectory:
        """The attempt with all its steps; raises UnknownAttemptError."""
        with self._read() as conn:
            row = conn.execute(select(attempts).where(attempts.c.attempt_id == attempt_id)).first()
            if row is None:
                raise UnknownAttemptError(attempt_id)
            found = _steps_of(conn, [attempt_id])
        return trajectory_from_row(row, found.get(attempt_id, []))

    def query(
        self,
        task: str | None = None,
        agent: str | None = None,
        model: str | None = None,
        success: bool | None = None,
        run_id: str | None = None,
        task_type: str | None = None,
        limit: int | None = None,
        *,
        status: str | None = None,
    ) -> list[Trajectory]:
        """Trajectories matching every filter given, oldest first, with their steps."""
        stmt = _filtered(task, agent, model, success, run_id, task_type, status, limit)
        with self._read() as conn:
            rows = conn.execute(stmt).all()
            found = _steps_of(conn, [row.attempt_id for row in rows])
        return [trajectory_from_row(row, found.get(row.attempt_id, [])) for row in rows]

    def query_outcomes(
        self,
        task: str | None = None,
        agent: str | None = None,
        model: str | None = None,
        success: bool | None = None,
        run_id: str | None = None,
        task_type: str | None = None,
        limit: int | None = None,
        *,
        status: str | None = None,
    ) -> list[OutcomeRow]:
        """Like query() but without steps: one cheap row per attempt, for metrics."""
        stmt = _filtered(task, agent, model, success, run_id, task_type, status, limit)
        with self._read() as conn:
            return [outcome_from_row(row) for row in conn.execute(stmt)]

    def calls(
        self, attempt_id: str | None = None, *, role: str | None = None, run_id: str | None = None
    ) -> list[ModelCall]:
        """Stored model calls, in order (of one attempt, one role, one run, as given)."""
        stmt = select(calls.c.payload)
        if attempt_id is not None:
            stmt = stmt.where(calls.c.attempt_id == attempt_id)
        if role is not None:
            stmt = stmt.where(calls.c.role == role)
        if run_id is not None:
            stmt = stmt.join(attempts, attempts.c.attempt_id == calls.c.attempt_id).where(
                attempts.c.run_id == run_id
            )
        stmt = stmt.order_by(calls.c.attempt_id, calls.c.step_index, calls.c.call_index)
        with self._read() as conn:
            return [ModelCall.model_validate(p) for p in conn.execute(stmt).scalars()]

    def tokens(
        self, *, run_id: str | None = None, attempt_id: str | None = None
    ) -> tuple[int, int]:
        """Tokens in and out of finished attempts (of one run or attempt): the steps' sums."""
        stmt = select(
            func.coalesce(func.sum(attempts.c.tokens_in), 0),
            func.coalesce(func.sum(attempts.c.tokens_out), 0),
        )
        if run_id is not None:
            stmt = stmt.where(attempts.c.run_id == run_id)
        if attempt_id is not None:
            stmt = stmt.where(attempts.c.attempt_id == attempt_id)
        with self._read() as conn:
            row = conn.execute(stmt).one()
        return int(row[0]), int(row[1])

    def count_steps(self, attempt_id: str | None = None) -> int:
        """Stored steps of one attempt, or of the whole store."""
        stmt = select(func.count()).select_from(steps)
        if attempt_id is not None:
            stmt = stmt.where(steps.c.attempt_id == attempt_id)
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())


_URL_HELP = "use sqlite:///PATH/aoi.db or postgresql+psycopg://USER@HOST/DB"


def _open_engine(url: str, busy_timeout: float) -> Any:
    """make_engine, with every way a URL can be wrong turned into one StoreError line."""
    shown = describe_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"store URL {url!r} is not a database URL; {_URL_HELP}") from None
    try:
        return make_engine(parsed, busy_timeout=busy_timeout)
    except ArgumentError:  # NoSuchModuleError too: an unknown scheme
        raise StoreError(
            f"store URL {shown}: unknown database scheme {parsed.drivername!r}; {_URL_HELP}"
        ) from None
    except ImportError as exc:
        extra = (
            " (pip install 'aoi[postgres]')" if parsed.get_backend_name() == "postgresql" else ""
        )
        raise StoreError(
            f"store URL {shown} needs the Python driver {exc.name or parsed.drivername!r}, "
            f"which is not installed{extra}"
        ) from None
    except OSError as exc:  # the SQLite file's folder cannot be created
        raise StoreError(
            f"cannot create the folder of the store {shown}: {exc.strerror or exc}"
        ) from None
    except sqlite3.Error as exc:
        raise StoreError(
            f"cannot open the SQLite store {shown}: {exc} (is the path a writable file, "
            "not a folder?)"
        ) from None


def _operational(url: str, exc: OperationalError) -> StoreError:
    shown = describe_url(url)
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    if is_sqlite(make_url(url)):
        if "locked" in detail or "busy" in detail:
            return StoreError(
                f"the SQLite store {shown} stayed locked by another process past the busy "
                f"time-out: {detail}"
            )
        return StoreError(
            f"cannot use the SQLite store {shown}: {detail} (is the path a writable file, "
            "not a folder?)"
        )
    return StoreError(
        f"cannot reach the database {shown}: {detail} (is the server running and the URL right?)"
    )


def _attempt_exists(attempt_id: str) -> Select[tuple[str]]:
    return select(attempts.c.attempt_id).where(attempts.c.attempt_id == attempt_id)


def _filtered(
    task: str | None,
    agent: str | None,
    model: str | None,
    success: bool | None,
    run_id: str | None,
    task_type: str | None,
    status: str | None,
    limit: int | None,
) -> Select[Any]:
    stmt = select(attempts)
    for column, value in (
        (attempts.c.task_id, task),
        (attempts.c.agent, agent),
        (attempts.c.model, model),
        (attempts.c.success, success),
        (attempts.c.run_id, run_id),
        (attempts.c.task_type, task_type),
        (attempts.c.status, status),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    order = (attempts.c.started_at, attempts.c.task_id, attempts.c.attempt_index)
    return stmt.order_by(*order).limit(limit)


def _steps_of(conn: Connection, attempt_ids: Sequence[str]) -> dict[str, list[Step]]:
    found: dict[str, list[Step]] = {}
    for chunk in _chunks(attempt_ids, _CHUNK):
        stmt = (
            select(steps.c.attempt_id, steps.c.payload)
            .where(steps.c.attempt_id.in_(chunk))
            .order_by(steps.c.attempt_id, steps.c.index)
        )
        for row in conn.execute(stmt):
            found.setdefault(row.attempt_id, []).append(Step.model_validate(row.payload))
        made = (
            select(calls.c.attempt_id, calls.c.step_index, calls.c.payload)
            .where(calls.c.attempt_id.in_(chunk))
            .order_by(calls.c.attempt_id, calls.c.step_index, calls.c.call_index)
        )
        by_step: dict[tuple[str, int], list[ModelCall]] = {}
        for made_row in conn.execute(made):
            by_step.setdefault((made_row.attempt_id, made_row.step_index), []).append(
                ModelCall.model_validate(made_row.payload)
            )
        for attempt_id in chunk:
            for step in found.get(attempt_id, []):
                step.calls = by_step.get((attempt_id, step.index), [])
    return found


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
