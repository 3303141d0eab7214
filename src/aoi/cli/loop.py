"""`aoi loop judge`, `aoi loop purify` and `aoi export observer-steps`.

Judge and Purifier read a stored run, print a Rich table (or --json) and write
their results to the store beside the trajectories. The export writes one row
per Observer step of a run's successful attempts, with every column the
Observer reward reads, as Parquet and (with the `train` extra) a `datasets`
folder; the rows are built by aoi.train's builders, not rebuilt here.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from aoi.cli.common import FAILED, StoreOption, fail, open_store, shown, store_url
from aoi.trajectories import Trajectory, TrajectoryStore, UnknownRunError

RunArg = Annotated[str, typer.Argument(help="A run id (see 'aoi runs list').")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _trajectories(store: TrajectoryStore, url: str, run_id: str) -> list[Trajectory]:
    try:
        store.get_run(run_id)
    except UnknownRunError:
        fail(f"no run {run_id!r} in the store {shown(url)}; see 'aoi runs list'")
    return store.query(run_id=run_id)


def judge(
    run_id: RunArg,
    store: StoreOption = None,
    model: Annotated[
        str | None,
        typer.Option("--model", help="A second, LLM judge: a model spec for make_model."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Judge every attempt of a run: outcome, failure patterns A-F, five scores."""
    from aoi.loop.judge import judge as judge_one
    from aoi.loop.store import LoopStore

    url = store_url(store)
    opened = open_store(url)
    chat = None
    if model:
        from aoi.llm import make_model

        chat = make_model(model)
    loop = LoopStore(opened)
    verdicts = []
    for trajectory in _trajectories(opened, url, run_id):
        verdict = judge_one(trajectory, model=chat)
        loop.save_judgement(verdict)
        if verdict.second is not None:
            loop.save_judgement(verdict.second)
        verdicts.append(verdict)
    if as_json:
        typer.echo(json.dumps([v.model_dump(mode="json") for v in verdicts], indent=2))
        return
    table = Table(title=f"judgements of run {run_id}")
    for name in ("task", "outcome", "patterns", "diag", "res", "verif", "eff", "safe", "reason"):
        table.add_column(name)
    for v in verdicts:
        s = v.scores
        table.add_row(
            v.task_id,
            v.outcome,
            "".join(v.codes) or "-",
            *(
                str(s[d])
                for d in ("diagnosis", "resolution", "verification", "efficiency", "safety")
            ),
            v.reason[:80],
        )
    Console().print(table)
    agreeing = [v.agreement for v in verdicts if v.agreement]
    if agreeing:
        share = sum(1 for a in agreeing if a["outcome"]) / len(agreeing)
        typer.echo(f"LLM judge agrees on the outcome of {share:.0%} of {len(agreeing)} attempts")


def purify(
    run_id: RunArg,
    store: StoreOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Purify every successful attempt of a run into its shortest verified command path."""
    from aoi.loop.purify import NotPurifiableError
    from aoi.loop.purify import purify as purify_one
    from aoi.loop.store import LoopStore

    url = store_url(store)
    opened = open_store(url)
    loop = LoopStore(opened)
    results = []
    skipped: list[str] = []
    started = time.perf_counter()
    for trajectory in _trajectories(opened, url, run_id):
        if not trajectory.success:
            continue
        try:
            result = purify_one(trajectory)
        except NotPurifiableError as exc:
            skipped.append(f"{trajectory.task_id}: {exc}")
            continue
        loop.save_purified(result)
        results.append(result)
    seconds = time.perf_counter() - started
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in results], indent=2))
    else:
        table = Table(title=f"purified paths of run {run_id}")
        for name in ("task", "oracle", "verified", "commands", "tokens", "replays", "note"):
            table.add_column(name)
        for r in results:
            table.add_row(
                r.task_id,
                r.oracle + (" strict" if r.strict else ""),
                "yes" if r.verified else "NO",
                f"{r.before} -> {r.after}",
                f"{r.tokens_before} -> {r.tokens_after}",
                str(r.oracle_calls),
                r.reason[:60],
            )
        Console().print(table)
        if results:
            typer.echo(
                f"{sum(r.verified for r in results)}/{len(results)} verified; median commands "
                f"{statistics.median(r.before for r in results):g} -> "
                f"{statistics.median(r.after for r in results):g}; {len(results) / seconds:.2f} "
                "trajectories/s"
            )
    for line in skipped:
        typer.echo(f"skipped {line}", err=True)
    if any(not r.verified for r in results):
        raise typer.Exit(FAILED)


def observer_steps(
    run_id: RunArg,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the dataset into.")],
    store: StoreOption = None,
    balanced: Annotated[
        bool, typer.Option("--balanced/--no-balance", help="Oversample to balance task types.")
    ] = True,
) -> None:
    """One row per Observer step of a run's successful attempts: Parquet and a datasets folder."""
    from aoi.train.data.observer import observer_rows, to_dataset
    from aoi.train.data.sources import from_store, run_settings

    url = store_url(store)
    opened = open_store(url)
    try:
        opened.get_run(run_id)
    except UnknownRunError:
        fail(f"no run {run_id!r} in the store {shown(url)}; see 'aoi runs list'")
    settings = run_settings(url, run_id)
    rows = observer_rows(
        from_store(url, run_id),
        max_iterations=settings.max_iterations,
        summaries=settings.summaries,
        balanced=balanced,
    )
    if not rows:
        fail(f"run {run_id} has no successful attempt to take Observer steps from", FAILED)
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), out / "observer_steps.parquet")
    written = [str(out / "observer_steps.parquet")]
    try:
        to_dataset(rows).save_to_disk(str(out / "dataset"))
        written.append(str(out / "dataset"))
    except ImportError:
        typer.echo("datasets is not installed (pip install 'aoi[train]'): Parquet only", err=True)
    typer.echo(f"{len(rows)} Observer steps -> {', '.join(written)}")
