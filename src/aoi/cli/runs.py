"""`aoi runs`: the benchmark runs in the store, listed, shown and exported."""

from __future__ import annotations

import json
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from aoi.bench.runner import result_from_store
from aoi.cli.common import FAILED, StoreOption, fail, open_store, shown, store_url
from aoi.trajectories import MissingExtraError, TrajectoryStore, UnknownRunError

app = typer.Typer(
    help="List, show and export the benchmark runs in the trajectory store.",
    no_args_is_help=True,
    add_completion=False,
)

RunArg = Annotated[str, typer.Argument(help="A run id (see 'aoi runs list').")]


class Format(StrEnum):
    JSONL = "jsonl"
    PARQUET = "parquet"
    DATASET = "dataset"
    REPORT = "report"


def _summary(store: TrajectoryStore, run_id: str) -> dict[str, Any]:
    run = store.get_run(run_id)
    rows = store.query_outcomes(run_id=run_id)
    config = run.config
    planned = len(config.get("tasks") or []) * int(config.get("attempts") or 1)
    statuses = Counter(r.status for r in rows)
    agent = config.get("agent") or {}
    name = agent.get("name") or "?"
    return {
        "run_id": run.run_id,
        "created_at": run.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        "finished_at": run.finished_at.isoformat(timespec="seconds") if run.finished_at else None,
        "status": run.status,
        "agent": name if name == "expert" else f"{name}:{agent.get('model') or ''}",
        "attempts_planned": planned or len(rows),
        "attempts_done": statuses["finished"] + statuses["failed"] + statuses["killed"],
        "attempts_failed": statuses["failed"],
        "attempts_unfinished": max(0, (planned or len(rows)) - sum(statuses.values()))
        + statuses["running"],
        "solved": sum(1 for r in rows if r.success),
    }


@app.callback()
def _group() -> None:
    """List, show and export the benchmark runs in the trajectory store."""


@app.command("list")
def list_(
    store: StoreOption = None,
    limit: Annotated[int, typer.Option("--limit", help="Newest runs to list.")] = 20,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON, one object per run.")
    ] = False,
) -> None:
    """The newest runs: id, when, status, agent, attempts done and solved."""
    url = store_url(store)
    opened = open_store(url)
    rows = [_summary(opened, run.run_id) for run in opened.runs(limit=max(1, limit))]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo(f"no runs in the store {shown(url)}; start one with 'aoi bench'", err=True)
        return
    table = Table(title=f"runs in {shown(url)}", title_justify="left")
    for column in ("RUN", "CREATED", "STATUS", "AGENT", "DONE", "SOLVED", "ERRORS"):
        table.add_column(
            column, justify="right" if column in ("DONE", "SOLVED", "ERRORS") else "left"
        )
    for row in rows:
        table.add_row(
            row["run_id"],
            row["created_at"],
            row["status"],
            row["agent"],
            f"{row['attempts_done']}/{row['attempts_planned']}",
            str(row["solved"]),
            str(row["attempts_failed"]),
        )
    Console(highlight=False).print(table)


@app.command("show")
def show(run_id: RunArg, store: StoreOption = None) -> None:
    """One run: its options, its figures from the store, its errors and how to resume it."""
    from aoi.cli.bench import error_kinds, print_figures

    url = store_url(store)
    opened = open_store(url)
    try:
        summary = _summary(opened, run_id)
    except UnknownRunError:
        fail(f"no run {run_id!r} in the store {shown(url)}; list runs with 'aoi runs list'")
    result = result_from_store(opened, run_id)
    config = opened.get_run(run_id).config
    console = Console(highlight=False)
    console.print(
        f"run {run_id} ({summary['status']}), created {summary['created_at']}, agent "
        f"{summary['agent']}, {len(config.get('tasks') or [])} tasks x {config.get('attempts')} "
        f"attempts, seed {config.get('seed')}, max {config.get('max_iterations')} iterations",
        markup=False,
    )
    console.print(
        f"attempts: {summary['attempts_done']} of {summary['attempts_planned']} done, "
        f"{summary['solved']} solved, {summary['attempts_failed']} ended on an error",
        markup=False,
    )
    if result.results:
        print_figures(result)
    for kind, (count, message) in error_kinds(result.results).items():
        console.print(
            f"  {count} x {kind}, first: {' '.join(message.split())[:300]}",
            markup=False,
            soft_wrap=True,
        )
    if summary["attempts_unfinished"]:
        console.print(
            f"{summary['attempts_unfinished']} attempts unfinished; resume with: "
            f"aoi bench --resume {run_id} --store {shown(url)}",
            markup=False,
        )


@app.command("export")
def export(
    run_id: RunArg,
    fmt: Annotated[
        Format, typer.Option("--format", help="jsonl, parquet, dataset (a folder) or report.")
    ] = Format.JSONL,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Where to write (default: RUN_ID.jsonl, ... here)."),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Write a run's trajectories (every step, every command) or its report."""
    url = store_url(store)
    opened = open_store(url)
    try:
        opened.get_run(run_id)
    except UnknownRunError:
        fail(f"no run {run_id!r} in the store {shown(url)}; list runs with 'aoi runs list'")
    default = {
        Format.JSONL: f"{run_id}.jsonl",
        Format.PARQUET: f"{run_id}.parquet",
        Format.DATASET: f"{run_id}-dataset",
        Format.REPORT: f"{run_id}-report",
    }
    target = out or Path(default[fmt])
    try:
        written = _export(opened, run_id, fmt, target)
    except MissingExtraError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"could not write {exc.filename or target}: {exc.strerror or exc}", FAILED)
    typer.echo(written)


def _export(store: TrajectoryStore, run_id: str, fmt: Format, target: Path) -> str:
    from aoi.trajectories import export_jsonl, export_parquet, to_dataset

    if fmt is Format.REPORT:
        from aoi.bench.report import write_report

        paths = write_report(result_from_store(store, run_id), target)
        return "\n".join(f"wrote {p}" for p in paths)
    trajectories = store.query(run_id=run_id)
    if fmt is Format.JSONL:
        return f"wrote {export_jsonl(trajectories, target)} trajectories to {target}"
    if fmt is Format.PARQUET:
        return f"wrote {export_parquet(trajectories, target)} trajectories to {target}"
    if target.exists() and not target.is_dir():
        fail(f"--out {target} is a file; a dataset is saved as a folder")
    dataset = to_dataset(trajectories)
    from datasets.utils.logging import disable_progress_bar

    disable_progress_bar()
    dataset.save_to_disk(str(target))
    return f"wrote {dataset.num_rows} trajectories to {target} (datasets.load_from_disk)"
