"""The loop's tables, beside the trajectories in the same database.

`judgements`: one row per (attempt, judge); judging again replaces the row.
`purified`: one row per source attempt (the purified path, its oracle, whether
it was verified, the reduction in commands and tokens); purifying again
replaces it. Both hold the whole model as JSON plus the columns one filters on.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    delete,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

from aoi.loop.judge import Judgement
from aoi.loop.purify import Purified
from aoi.trajectories import TrajectoryStore
from aoi.trajectories.models import utcnow

metadata = MetaData()

judgements = Table(
    "judgements",
    metadata,
    Column("attempt_id", String(64), nullable=False),
    Column("judge", String(128), nullable=False),
    Column("run_id", String(64), nullable=False, index=True),
    Column("task_id", String(255), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("patterns", String(16), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("attempt_id", "judge", name="pk_judgements"),
)

purified = Table(
    "purified",
    metadata,
    Column("source_attempt_id", String(64), primary_key=True),
    Column("run_id", String(64), nullable=False, index=True),
    Column("task_id", String(255), nullable=False),
    Column("oracle", String(16), nullable=False),
    Column("verified", Boolean, nullable=False),
    Column("before", Integer, nullable=False),
    Column("after", Integer, nullable=False),
    Column("tokens_before", Integer, nullable=False),
    Column("tokens_after", Integer, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


class LoopStore:
    """Judgements and purified paths in a TrajectoryStore's database."""

    def __init__(self, store: TrajectoryStore) -> None:
        self.store = store
        try:
            with store.transaction(write=True) as conn:
                metadata.create_all(conn, checkfirst=True)
        except IntegrityError:  # another process created them first (PostgreSQL)
            with store.transaction(write=True) as conn:
                metadata.create_all(conn, checkfirst=True)

    def save_judgement(self, judgement: Judgement) -> None:
        """Store a judgement; the same attempt and judge again replaces it."""
        with self.store.transaction(write=True) as conn:
            conn.execute(
                delete(judgements).where(
                    judgements.c.attempt_id == judgement.attempt_id,
                    judgements.c.judge == judgement.judge,
                )
            )
            conn.execute(
                insert(judgements).values(
                    attempt_id=judgement.attempt_id,
                    judge=judgement.judge,
                    run_id=judgement.run_id,
                    task_id=judgement.task_id,
                    outcome=judgement.outcome,
                    patterns="".join(judgement.codes),
                    payload=judgement.model_dump(mode="json"),
                    created_at=utcnow(),
                )
            )

    def judgements(self, run_id: str | None = None, *, judge: str | None = None) -> list[Judgement]:
        stmt = select(judgements.c.payload).order_by(judgements.c.task_id, judgements.c.attempt_id)
        if run_id is not None:
            stmt = stmt.where(judgements.c.run_id == run_id)
        if judge is not None:
            stmt = stmt.where(judgements.c.judge == judge)
        with self.store.transaction() as conn:
            return [Judgement.model_validate(row.payload) for row in conn.execute(stmt)]

    def save_purified(self, result: Purified) -> None:
        """Store a purified path; purifying the same source again replaces it."""
        with self.store.transaction(write=True) as conn:
            conn.execute(
                delete(purified).where(purified.c.source_attempt_id == result.source_attempt_id)
            )
            conn.execute(
                insert(purified).values(
                    source_attempt_id=result.source_attempt_id,
                    run_id=result.run_id,
                    task_id=result.task_id,
                    oracle=result.oracle,
                    verified=result.verified,
                    before=result.before,
                    after=result.after,
                    tokens_before=result.tokens_before,
                    tokens_after=result.tokens_after,
                    payload=result.model_dump(mode="json"),
                    created_at=utcnow(),
                )
            )

    def purified(
        self, run_id: str | None = None, *, verified: bool | None = None
    ) -> list[Purified]:
        stmt = select(purified.c.payload).order_by(purified.c.task_id)
        if run_id is not None:
            stmt = stmt.where(purified.c.run_id == run_id)
        if verified is not None:
            stmt = stmt.where(purified.c.verified == verified)
        with self.store.transaction() as conn:
            return [Purified.model_validate(row.payload) for row in conn.execute(stmt)]

    def purified_of(self, source_attempt_id: str) -> Purified | None:
        stmt = select(purified.c.payload).where(purified.c.source_attempt_id == source_attempt_id)
        with self.store.transaction() as conn:
            row = conn.execute(stmt).first()
        return None if row is None else Purified.model_validate(row.payload)
