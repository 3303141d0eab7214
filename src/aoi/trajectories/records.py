"""Rows of the store read back as models: runs, outcome rows and whole trajectories."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy.engine import Row

from aoi.trajectories.models import Step, Trajectory, as_utc


class RunRecord(BaseModel):
    """One row of `runs`."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    created_at: datetime
    config: dict[str, Any]
    status: str
    finished_at: datetime | None = None


class OutcomeRow(BaseModel):
    """One attempt without its steps: what metrics and reports need."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    attempt_id: str
    task_id: str
    attempt_index: int
    task_type: str | None
    fault: str | None
    app: str | None
    seed: int | None
    agent: str
    model: str | None
    guidance: str | None
    status: str
    success: bool | None
    outcome: dict[str, Any] | None
    error: str | None
    started_at: datetime
    finished_at: datetime | None


def run_from_row(row: Row[Any]) -> RunRecord:
    return RunRecord(
        run_id=row.run_id,
        created_at=as_utc(row.created_at),
        config=row.config or {},
        status=row.status,
        finished_at=None if row.finished_at is None else as_utc(row.finished_at),
    )


def outcome_from_row(row: Row[Any]) -> OutcomeRow:
    return OutcomeRow(
        run_id=row.run_id,
        attempt_id=row.attempt_id,
        task_id=row.task_id,
        attempt_index=row.attempt_index,
        task_type=row.task_type,
        fault=row.fault,
        app=row.app,
        seed=row.seed,
        agent=row.agent,
        model=row.model,
        guidance=row.guidance,
        status=row.status,
        success=row.success,
        outcome=row.outcome,
        error=row.error,
        started_at=as_utc(row.started_at),
        finished_at=None if row.finished_at is None else as_utc(row.finished_at),
    )


def trajectory_from_row(row: Row[Any], found: list[Step]) -> Trajectory:
    return Trajectory(
        run_id=row.run_id,
        attempt_id=row.attempt_id,
        task_id=row.task_id,
        attempt_index=row.attempt_index,
        task_type=row.task_type,
        fault=row.fault,
        app=row.app,
        seed=row.seed,
        agent=row.agent,
        model=row.model,
        guidance=row.guidance,
        started_at=row.started_at,
        finished_at=row.finished_at,
        steps=found,
        outcome=row.outcome,
        status=row.status,
        error=row.error,
    )
