"""`aoi tasks`: the AIOpsLab task catalog and its parametric extension."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from aoi.catalog import (
    SPLITS,
    UnknownSplitError,
    UnknownTaskError,
    get_task,
    list_parametric,
    list_tasks,
    render_problem,
)

app = typer.Typer(
    help="List and show the benchmark tasks (the 86 AIOpsLab tasks and parametric ones).",
    no_args_is_help=True,
)


def unknown_task(exc: UnknownTaskError) -> typer.Exit:
    """One clear line naming close matches, exit 2."""
    hint = "" if exc.matches else "; run 'aoi tasks list' to see the ids"
    typer.echo(f"error: {exc}{hint}", err=True)
    return typer.Exit(2)


@app.command("list")
def list_(
    split: Annotated[
        str, typer.Option("--split", help=f"One of: {', '.join(SPLITS)}, or 'parametric'.")
    ] = "all",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (id, type, app, fault per task).")
    ] = False,
) -> None:
    """List tasks of a split."""
    try:
        tasks = list_parametric() if split == "parametric" else list_tasks(split)
    except UnknownSplitError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        rows = [
            {"id": t.id, "type": t.type.value, "app": t.app.value, "fault": t.fault} for t in tasks
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    lines: list[tuple[str, ...]] = [("ID", "TYPE", "APP", "FAULT")]
    lines += [(t.id, t.type.value, t.app.value, t.fault) for t in tasks]
    widths = [max(len(r[i]) for r in lines) for i in range(4)]
    for row in lines:
        typer.echo("   ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    typer.echo(f"({len(tasks)} tasks in split {split})", err=True)


@app.command("show")
def show(
    task_id: Annotated[
        str, typer.Argument(help="A task id, e.g. revoke_auth_mongodb-localization-1.")
    ],
) -> None:
    """Show what an agent is told for a task (never its answer)."""
    try:
        task = get_task(task_id)
    except UnknownTaskError as exc:
        raise unknown_task(exc) from None
    typer.echo(
        f"id:        {task.id}\ntype:      {task.type.value}\napp:       {task.app.value}\nnamespace: {task.namespace}\nfault:     {task.fault}\n"
    )
    typer.echo(render_problem(task).text())
