"""`aoi bench`: the benchmark, the project's main job."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from aoi.agents import AGENTS, AgentConfigError, AgentSpec
from aoi.agents.expert.rules import UnknownRuleError, resolve_without
from aoi.bench import DEFAULT_STORE, BenchConfig, TaskSelectionError, run_bench, select_tasks
from aoi.bench.metrics import AttemptResult


def bench(
    agent: Annotated[
        str, typer.Option("--agent", help=f"Which agent: {' or '.join(AGENTS)}.")
    ] = "expert",
    model: Annotated[
        str | None, typer.Option("--model", help="Model name (for --agent aoi).")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint (for --agent aoi).")
    ] = None,
    tasks: Annotated[
        str,
        typer.Option(
            "--tasks", help="all, a split (observer-test, detection, ...), a glob, or ID,ID,..."
        ),
    ] = "all",
    attempts: Annotated[
        int,
        typer.Option("--attempts", "-k", min=1, help="Attempts per task (k of best@k / avg@k)."),
    ] = 1,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Parallel workers.")] = 1,
    backend: Annotated[
        str, typer.Option("--backend", help="local (process pool) or ray.")
    ] = "local",
    resume: Annotated[
        str | None, typer.Option("--resume", help="Finish an interrupted run by its id.")
    ] = None,
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Write the figures and per-task details as JSON here."),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Write report.md and PNG plots into this folder."),
    ] = None,
    store: Annotated[
        str,
        typer.Option(
            "--store", help="Trajectory store URL (sqlite:///... or postgresql+psycopg://...)."
        ),
    ] = DEFAULT_STORE,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of attempt 0; attempt i uses seed + i.")
    ] = 0,
    max_iterations: Annotated[
        int, typer.Option("--max-iterations", help="Iteration cap of the loop.")
    ] = 15,
    without: Annotated[
        str,
        typer.Option(
            "--without",
            help="Expert ablation: rule families or rules to disable, e.g. mongo,flags.",
        ),
    ] = "",
) -> None:
    """Run the agent on tasks x attempts and report best@k, avg@k and their gap."""
    console = Console(stderr=True)
    if agent not in AGENTS:
        typer.echo(f"error: unknown agent {agent!r}; choose one of: {', '.join(AGENTS)}", err=True)
        raise typer.Exit(2)
    if backend not in ("local", "ray"):
        typer.echo(f"error: unknown backend {backend!r}; choose local or ray", err=True)
        raise typer.Exit(2)
    ablated = tuple(w.strip() for w in without.split(",") if w.strip())
    if ablated and agent != "expert":
        typer.echo(
            "error: --without ablates the expert's rules; use it with --agent expert", err=True
        )
        raise typer.Exit(2)
    try:
        resolve_without(ablated)
    except UnknownRuleError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    spec = AgentSpec(name=agent, model=model, base_url=base_url, without=ablated)
    if agent == "aoi" and not (model and base_url):
        typer.echo(
            "error: --agent aoi needs --model NAME and --base-url URL (an OpenAI-compatible endpoint)",
            err=True,
        )
        raise typer.Exit(2)
    try:
        selected = select_tasks(tasks) if not resume else []
    except TaskSelectionError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if store.startswith("sqlite:///"):
        Path(store.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    config = BenchConfig(
        tasks=selected,
        attempts=attempts,
        workers=workers,
        backend=backend,
        agent=spec,
        seed=seed,
        store_url=store,
        max_iterations=max_iterations,
    )
    wins = 0
    with Progress(
        TextColumn("[bold]bench"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        handle = bar.add_task("bench", total=max(1, len(selected) * attempts), status="")

        def progress(result: AttemptResult, done: int, total: int) -> None:
            nonlocal wins
            wins += result.success
            bar.update(
                handle, completed=done, total=total, status=f"[green]{wins} solved[/] of {done}"
            )

        try:
            result = run_bench(config, resume=resume, progress=progress)
        except AgentConfigError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except LookupError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
    fig = result.figures
    table = Table(
        title=f"run {result.run_id}: {fig.tasks} tasks x {fig.k} attempts, {result.wall_seconds:.2f} s"
    )
    for column in ("", "tasks", f"best@{fig.k}", f"avg@{fig.k}", "gap"):
        table.add_column(column, justify="right" if column else "left")
    for name, row in fig.by_type.items():
        table.add_row(
            name,
            f"{row['tasks']:.0f}",
            f"{row['best_at_k']:.1f} %",
            f"{row['avg_at_k']:.1f} %",
            f"{row['gap']:.1f}",
        )
    table.add_row(
        "[bold]all",
        f"{fig.tasks}",
        f"[bold]{fig.best_at_k:.1f} %",
        f"[bold]{fig.avg_at_k:.1f} %",
        f"{fig.gap:.1f}",
    )
    Console().print(table)
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result.as_json(), indent=2) + "\n")
    if report is not None:
        from aoi.bench.report import write_report

        for path in write_report(result, report):
            console.print(f"wrote {path}")
