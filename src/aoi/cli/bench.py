"""`aoi bench`: the benchmark, the project's main job."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from aoi.agents import AGENTS, AgentConfigError, AgentSpec
from aoi.bench import (
    BenchConfig,
    BenchInterrupted,
    BenchResult,
    TaskSelectionError,
    run_bench,
    select_tasks,
)
from aoi.bench.metrics import AttemptResult
from aoi.cli.common import (
    FAILED,
    INTERRUPTED,
    LLMRetriesOption,
    LLMTimeoutOption,
    StoreOption,
    at_least,
    fail,
    open_store,
    shown,
    store_url,
    writable_file,
    writable_folder,
)
from aoi.cli.loop_options import (
    CandidatesOption,
    EvolveOption,
    EvolverOption,
    GuidanceFromOption,
    GuidanceOption,
    WithoutOption,
    ablation,
    guidance_source,
)
from aoi.trajectories import StoreError, TrajectoryStore, UnknownRunError

DEFAULTS: dict[str, Any] = {
    "agent": "expert",
    "tasks": "all",
    "attempts": 1,
    "seed": 0,
    "max_iterations": 15,
    "llm_timeout": 60.0,
    "llm_retries": 2,
}


def bench(
    agent: Annotated[
        str | None,
        typer.Option("--agent", help=f"Which agent: {' or '.join(AGENTS)} [default: expert]."),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Model name (for --agent aoi).")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint (for --agent aoi).")
    ] = None,
    tasks: Annotated[
        str | None,
        typer.Option(
            "--tasks",
            help="all, a split (observer-test, detection, ...), a glob, or ID,ID,... [default: all]",
        ),
    ] = None,
    attempts: Annotated[
        int | None,
        typer.Option(
            "--attempts", "-k", help="Attempts per task (k of best@k / avg@k) [default: 1]."
        ),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Parallel workers.")] = 1,
    backend: Annotated[
        str, typer.Option("--backend", help="local (process pool) or ray.")
    ] = "local",
    resume: Annotated[
        str | None,
        typer.Option("--resume", help="Finish an interrupted run by its id (see 'aoi runs list')."),
    ] = None,
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Write the figures and per-task details as JSON here."),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report", help="Write report.md, report.html and PNG plots into this folder."
        ),
    ] = None,
    store: StoreOption = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", help="Seed of attempt 0; attempt i uses seed + i [default: 0]."),
    ] = None,
    max_iterations: Annotated[
        int | None,
        typer.Option("--max-iterations", help="Iteration cap of the loop [default: 15]."),
    ] = None,
    llm_timeout: LLMTimeoutOption = None,
    llm_retries: LLMRetriesOption = None,
    without: WithoutOption = None,
    guidance: GuidanceOption = None,
    guidance_from: GuidanceFromOption = None,
    evolve: EvolveOption = False,
    evolver: EvolverOption = None,
    candidates: CandidatesOption = None,
) -> None:
    """Run the agent on tasks x attempts and report best@k, avg@k and their gap.

    With --guidance LIB each task is given the library's guidance; --evolve
    closes the loop between attempts (the Evolver turns a failed attempt into
    guidance for the next). Reports say which guidance each attempt was given,
    and whether it came from the same task (leakage) or another target.

    Exit status: 0 when every attempt ran, 1 when any attempt ended on an error
    (the summary says which), 2 on bad input, 130 when interrupted (the resume
    command is printed).
    """
    console = Console(stderr=True, highlight=False)
    given = {
        "agent": agent,
        "model": model,
        "base_url": base_url,
        "tasks": tasks,
        "attempts": attempts,
        "seed": seed,
        "max_iterations": max_iterations,
        "llm_timeout": llm_timeout,
        "llm_retries": llm_retries,
        "without": without,
    }
    at_least("--attempts", attempts, 1)
    at_least("--workers", workers, 1)
    at_least("--max-iterations", max_iterations, 1)
    at_least("--llm-timeout", llm_timeout, 0, strict=True)
    at_least("--llm-retries", llm_retries, 0)
    at_least("--candidates", candidates, 1)
    source = guidance_source(guidance_from)
    if guidance is not None and not guidance.is_file() and not evolve:
        fail(f"--guidance {guidance}: no such library (make one with 'aoi loop evolve')")
    if agent is not None and agent not in AGENTS:
        fail(f"unknown agent {agent!r}; choose one of: {', '.join(AGENTS)}")
    if backend not in ("local", "ray"):
        fail(f"unknown backend {backend!r}; choose local or ray")
    if backend == "ray" and importlib.util.find_spec("ray") is None:
        fail("--backend ray needs Ray: pip install 'aoi[ray]' (or use --backend local)")
    writable_file("--json", json_path)
    writable_folder("--report", report)
    url = store_url(store)
    opened = open_store(url)
    if resume:
        config = _resumed_config(opened, resume, given, url)
    else:
        config = _new_config(given, url)
    config.workers, config.backend = workers, backend
    if not resume:
        config.guidance = str(guidance) if guidance is not None else None
        config.guidance_from = source
        config.evolve = evolve
        config.evolver = evolver or "teacher"
        config.candidates = candidates or 4
    opened.close()
    result = _run(console, config, resume)
    print_figures(result)
    _print_guidance(console, result)
    errors = _print_errors(console, result)
    _write_outputs(console, result, json_path, report)
    if errors:
        raise typer.Exit(FAILED)


def _new_config(given: dict[str, Any], url: str) -> BenchConfig:
    values = {k: DEFAULTS[k] if v is None and k in DEFAULTS else v for k, v in given.items()}
    local = bool(values["model"]) and Path(values["model"]).is_dir()
    if values["agent"] == "aoi" and not (values["model"] and (values["base_url"] or local)):
        fail(
            "--agent aoi needs --model NAME and --base-url URL (an OpenAI-compatible endpoint),"
            " or --model DIR (a local model directory)"
        )
    try:
        selected = select_tasks(values["tasks"])
    except TaskSelectionError as exc:
        fail(str(exc))
    spec = AgentSpec(
        name=values["agent"],
        model=values["model"],
        base_url=values["base_url"],
        llm_timeout=float(values["llm_timeout"]),
        llm_retries=int(values["llm_retries"]),
        without=ablation(values["without"], values["agent"]),
    )
    return BenchConfig(
        tasks=selected,
        attempts=values["attempts"],
        agent=spec,
        seed=values["seed"],
        store_url=url,
        max_iterations=values["max_iterations"],
    )


def _resumed_config(
    store: TrajectoryStore, run_id: str, given: dict[str, Any], url: str
) -> BenchConfig:
    """The stored run's own options; any option given that differs is refused in one line."""
    try:
        run = store.get_run(run_id)
    except UnknownRunError:
        fail(f"no run {run_id!r} in the store {shown(url)}; list runs with 'aoi runs list'")
    stored = run.config
    agent = stored.get("agent", {})
    have = {
        "agent": agent.get("name"),
        "model": agent.get("model"),
        "base_url": agent.get("base_url"),
        "tasks": stored.get("tasks"),
        "attempts": stored.get("attempts"),
        "seed": stored.get("seed"),
        "max_iterations": stored.get("max_iterations"),
        "llm_timeout": agent.get("llm_timeout", DEFAULTS["llm_timeout"]),
        "llm_retries": agent.get("llm_retries", DEFAULTS["llm_retries"]),
        "without": ",".join(agent.get("without") or ()) or None,
    }
    for name, value in given.items():
        if value is None:
            continue
        if name == "tasks":
            try:
                value = select_tasks(value)
            except TaskSelectionError as exc:
                fail(str(exc))
        if name == "base_url" and "****" in str(have["base_url"]):
            continue  # its password was not stored: the one given now is used
        if value != have[name]:
            option = "--" + name.replace("_", "-")
            was = have[name]
            if name == "tasks":
                was = f"{len(was or [])} tasks"
                value = f"{len(value)} tasks"
            fail(
                f"--resume {run_id} continues the run with its own options; {option} "
                f"{value} differs from the run's ({was}); drop {option} or start a new run"
            )
    if "****" in str(agent.get("base_url")) and not given["base_url"]:
        fail(
            f"run {run_id} used a base URL with a password, which is not stored; "
            "pass --base-url again to resume it"
        )
    if run.status == "finished":
        typer.echo(f"run {run_id} already finished; showing its figures", err=True)
    return BenchConfig(tasks=[], store_url=url, agent=AgentSpec(base_url=given["base_url"]))


def _run(console: Console, config: BenchConfig, resume: str | None) -> BenchResult:
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
        handle = bar.add_task("bench", total=1, status="")

        def started(run_id: str, total: int, done: int, solved: int) -> None:
            nonlocal wins
            wins = solved
            again = f", {done} already done" if resume else ""
            console.print(
                f"run {run_id}: {total} attempts{again}; store {shown(config.store_url)}",
                markup=False,
            )
            bar.update(
                handle,
                completed=done,
                total=max(1, total),
                status=f"[green]{wins} solved[/] of {done}",
            )

        def progress(result: AttemptResult, done: int, total: int) -> None:
            nonlocal wins
            wins += result.success
            failed = " [red](error)[/]" if result.error else ""
            bar.update(
                handle,
                completed=done,
                total=total,
                status=f"[green]{wins} solved[/] of {done}{failed}",
            )

        try:
            return run_bench(config, resume=resume, progress=progress, on_start=started)
        except BenchInterrupted as stop:
            bar.stop()
            command = f"aoi bench --resume {stop.run_id} --store {shown(stop.store_url)}"
            typer.echo(
                f"interrupted: run {stop.run_id} has {stop.done} of {stop.total} attempts done; "
                f"resume with: {command}",
                err=True,
            )
            raise typer.Exit(INTERRUPTED) from None
        except (AgentConfigError, StoreError, LookupError) as exc:
            fail(str(exc))


def print_figures(result: BenchResult) -> None:
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


def error_kinds(results: list[AttemptResult]) -> dict[str, tuple[int, str]]:
    """Errored attempts by kind (the error type): (count, the first message)."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for r in sorted(results, key=lambda r: (r.task_id, r.attempt)):
        if not r.error:
            continue
        kind, sep, _ = r.error.partition(": ")
        kind = kind if sep and kind.isidentifier() else "error"
        counts[kind] += 1
        first.setdefault(kind, f"{r.task_id} #{r.attempt}: {r.error}")
    return {kind: (n, first[kind]) for kind, n in counts.most_common()}


def _print_guidance(console: Console, result: BenchResult) -> None:
    """Which guidance the run used, and how much of it came from the same task (leakage)."""
    info = result.as_json()["guidance"]
    if not info["guided_attempts"] and not info["library"] and not info["evolve"]:
        return
    evolve = f", --evolve by {info['evolver']}" if info["evolve"] else ""
    console.print(
        f"guidance: {info['guided_attempts']} guided attempts ({info['guided_solved']} solved), "
        f"{info['same_task_attempts']} with same-task guidance (leakage); from "
        f"{info['from']}{evolve}; library {info['library'] or '(none)'}",
        markup=False,
    )


def _print_errors(console: Console, result: BenchResult) -> int:
    kinds = error_kinds(result.results)
    total = sum(n for n, _ in kinds.values())
    if not total:
        return 0
    console.print(
        f"[red]errors:[/] {total} of {len(result.results)} attempts ended on an error "
        "(counted as failures)"
    )
    for kind, (count, message) in kinds.items():
        line = " ".join(message.split())
        console.print(f"  {count} x {kind}, first: {line[:300]}", markup=False, soft_wrap=True)
    return total


def _write_outputs(
    console: Console, result: BenchResult, json_path: Path | None, report: Path | None
) -> None:
    try:
        if json_path is not None:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(json.dumps(result.as_json(), indent=2) + "\n")
            console.print(f"wrote {json_path}", markup=False)
        if report is not None:
            from aoi.bench.report import write_report

            for path in write_report(result, report):
                console.print(f"wrote {path}", markup=False)
    except OSError as exc:
        fail(
            f"could not write {exc.filename or 'an output'}: {exc.strerror or exc}; the run "
            f"is kept in the store: aoi runs export {result.run_id} --format report",
            FAILED,
        )
