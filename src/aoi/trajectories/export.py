"""Trajectories out of the store: JSON lines, Parquet, and a `datasets.Dataset`.

JSON lines hold one whole Trajectory per line (`read_jsonl` reads them back).
Parquet and Dataset tables hold one row per trajectory: its scalar fields as
columns, a few figures (`success`, `n_steps`, `tokens_in`, `tokens_out`), and
`outcome` and `steps` as JSON text, because Observer decisions have no fixed
schema that Arrow could type. `export_steps_parquet` writes one row per step
instead, for analyses of single steps. Parquet and Dataset need the `data`
extra (pyarrow, datasets).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, cast

from aoi.errors import AOIError
from aoi.trajectories.models import Step, Trajectory

if TYPE_CHECKING:
    import datasets
    import pyarrow as pa


class MissingExtraError(AOIError, ImportError):
    """An optional package this export needs is not installed."""

    def __init__(self, package: str, what: str) -> None:
        super().__init__(f"{what} needs {package}; install it with: pip install 'aoi[data]'")


def _open(path: Path, mode: Literal["r", "w"]) -> IO[str]:
    if path.suffix == ".gz":
        return cast(IO[str], gzip.open(path, mode + "t", encoding="utf-8"))
    return path.open(mode, encoding="utf-8")


def export_jsonl(trajectories: Iterable[Trajectory], path: str | Path) -> int:
    """Write one trajectory per line (gzip when the name ends in .gz); returns the count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with _open(path, "w") as out:
        for trajectory in trajectories:
            out.write(trajectory.model_dump_json())
            out.write("\n")
            count += 1
    return count


def iter_jsonl(path: str | Path) -> Iterator[Trajectory]:
    """Trajectories from a JSON-lines file, one at a time; blank lines are skipped."""
    with _open(Path(path), "r") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield Trajectory.model_validate_json(line)
            except ValueError as err:
                raise ValueError(f"{path}:{number}: not a trajectory: {err}") from err


def read_jsonl(path: str | Path) -> list[Trajectory]:
    """All trajectories of a JSON-lines file written by export_jsonl."""
    return list(iter_jsonl(path))


def _pyarrow(what: str) -> Any:
    try:
        import pyarrow
    except ImportError as err:
        raise MissingExtraError("pyarrow", what) from err
    return pyarrow


def _parquet(what: str) -> Any:
    _pyarrow(what)
    import pyarrow.parquet

    return pyarrow.parquet


def trajectory_schema() -> pa.Schema:
    """The Arrow schema of the one-row-per-trajectory table."""
    pa = _pyarrow("trajectory_schema")
    ts = pa.timestamp("us", tz="UTC")
    return pa.schema(
        [
            ("run_id", pa.string()),
            ("attempt_id", pa.string()),
            ("task_id", pa.string()),
            ("attempt_index", pa.int64()),
            ("task_type", pa.string()),
            ("fault", pa.string()),
            ("app", pa.string()),
            ("seed", pa.int64()),
            ("agent", pa.string()),
            ("model", pa.string()),
            ("guidance", pa.string()),
            ("status", pa.string()),
            ("error", pa.string()),
            ("started_at", ts),
            ("finished_at", ts),
            ("success", pa.bool_()),
            ("n_steps", pa.int64()),
            ("tokens_in", pa.int64()),
            ("tokens_out", pa.int64()),
            ("outcome", pa.string()),
            ("steps", pa.string()),
        ]
    )


def step_schema() -> pa.Schema:
    """The Arrow schema of the one-row-per-step table."""
    pa = _pyarrow("step_schema")
    return pa.schema(
        [
            ("run_id", pa.string()),
            ("attempt_id", pa.string()),
            ("task_id", pa.string()),
            ("attempt_index", pa.int64()),
            ("index", pa.int64()),
            ("iteration", pa.int64()),
            ("phase", pa.string()),
            ("agent", pa.string()),
            ("decision", pa.string()),
            ("commands", pa.string()),
            ("api_call", pa.string()),
            ("observation", pa.string()),
            ("tokens_in", pa.int64()),
            ("tokens_out", pa.int64()),
            ("seconds", pa.float64()),
            ("error", pa.string()),
            ("started_at", pa.timestamp("us", tz="UTC")),
        ]
    )


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def trajectory_row(trajectory: Trajectory) -> dict[str, Any]:
    """The trajectory as one flat row of the trajectory table."""
    tokens_in, tokens_out = trajectory.tokens
    data = trajectory.model_dump(mode="json", exclude={"steps", "outcome"})
    data.update(
        started_at=trajectory.started_at,
        finished_at=trajectory.finished_at,
        success=trajectory.success,
        n_steps=len(trajectory.steps),
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        outcome=_dumps(trajectory.outcome),
        steps=_dumps([s.model_dump(mode="json") for s in trajectory.steps]),
    )
    return data


def step_rows(trajectory: Trajectory) -> list[dict[str, Any]]:
    """The trajectory's steps as flat rows of the step table."""
    rows = []
    for step in trajectory.steps:
        data = step.model_dump(mode="json", exclude={"decision", "commands", "started_at"})
        data.update(
            run_id=trajectory.run_id,
            attempt_id=trajectory.attempt_id,
            task_id=trajectory.task_id,
            attempt_index=trajectory.attempt_index,
            decision=_dumps(step.decision),
            commands=_dumps([c.model_dump(mode="json") for c in step.commands]),
            started_at=step.started_at,
        )
        rows.append(data)
    return rows


def to_arrow(trajectories: Iterable[Trajectory]) -> pa.Table:
    """The trajectory table (one row per trajectory) as a pyarrow Table."""
    pa = _pyarrow("to_arrow")
    return pa.Table.from_pylist([trajectory_row(t) for t in trajectories], trajectory_schema())


def export_parquet(trajectories: Iterable[Trajectory], path: str | Path) -> int:
    """Write the trajectory table (one row per trajectory) as Parquet; returns the count."""
    pq = _parquet("export_parquet")
    table = to_arrow(trajectories)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return int(table.num_rows)


def export_steps_parquet(trajectories: Iterable[Trajectory], path: str | Path) -> int:
    """Write the step table (one row per step, keyed by attempt_id and index); returns the count."""
    pq = _parquet("export_steps_parquet")
    pa = _pyarrow("export_steps_parquet")
    rows = [row for t in trajectories for row in step_rows(t)]
    table = pa.Table.from_pylist(rows, step_schema())
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return int(table.num_rows)


def read_parquet(path: str | Path) -> list[Trajectory]:
    """Trajectories from a Parquet file written by export_parquet."""
    pq = _parquet("read_parquet")
    return [_from_row(row) for row in pq.read_table(path).to_pylist()]


def _from_row(row: dict[str, Any]) -> Trajectory:
    fields = {k: v for k, v in row.items() if k in Trajectory.model_fields}
    fields["outcome"] = None if row["outcome"] is None else json.loads(row["outcome"])
    fields["steps"] = [Step.model_validate(s) for s in json.loads(row["steps"] or "[]")]
    return Trajectory.model_validate(fields)


def to_dataset(trajectories: Iterable[Trajectory]) -> datasets.Dataset:
    """The trajectory table as a Hugging Face `datasets.Dataset` (the `data` extra)."""
    try:
        import datasets
    except ImportError as err:
        raise MissingExtraError("datasets", "to_dataset") from err
    return datasets.Dataset(to_arrow(trajectories))
