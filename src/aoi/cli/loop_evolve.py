"""`aoi loop evolve`, `aoi loop guidance list|show` and `aoi export evolver-pairs`.

The Evolver turns a run's failed attempts (repair) or successes (augmentation
onto other targets) into plans, G candidates each, every candidate scored by
executing it on a fresh twin; the best goes to the guidance library, a JSON-lines
file (default: guidance.jsonl beside the default store; --library to choose).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from aoi.cli.common import StoreOption, at_least, fail, open_store, shown, store_url
from aoi.trajectories import Trajectory, UnknownRunError

LibraryOption = Annotated[
    Path | None,
    typer.Option(
        "--library", help="The guidance library (JSON lines) [default: beside the store]."
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

guidance_app = typer.Typer(help="The guidance library: plans the Evolver kept, per task.")


def _library(path: Path | None) -> Any:
    from aoi.loop.guidance import GuidanceLibrary

    return GuidanceLibrary(path)


def _run_trajectories(store: str | None, run_id: str) -> list[Trajectory]:
    url = store_url(store)
    opened = open_store(url)
    try:
        opened.get_run(run_id)
    except UnknownRunError:
        fail(f"no run {run_id!r} in the store {shown(url)}; list runs with 'aoi runs list'")
    found = opened.query(run_id=run_id)
    opened.close()
    return found


def evolve(
    run_id: Annotated[str, typer.Argument(help="The run whose attempts to evolve.")],
    model: Annotated[str | None, typer.Option("--model", help="Evolver model name.")] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint of --model.")
    ] = None,
    model_spec: Annotated[
        str | None,
        typer.Option(
            "--model-spec", help="A model spec instead (openai:M@U, local:DIR, replay:FILE)."
        ),
    ] = None,
    teacher: Annotated[
        bool,
        typer.Option("--teacher", help="No model: the expert's purified solve (labelled teacher)."),
    ] = False,
    candidates: Annotated[
        int, typer.Option("--candidates", "-g", help="Candidates per seed (G).")
    ] = 4,
    mode: Annotated[
        str,
        typer.Option(
            "--mode", help="repair (failed attempts) or augmentation (successes -> other targets)."
        ),
    ] = "repair",
    targets: Annotated[
        int, typer.Option("--targets", help="Augmentation: other targets per success.")
    ] = 1,
    temperature: Annotated[
        float, typer.Option("--temperature", help="Sampling temperature.")
    ] = 0.9,
    library: LibraryOption = None,
    store: StoreOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Evolve a run's attempts into plans, score each candidate by execution, keep the best."""
    at_least("--candidates", candidates, 1)
    at_least("--targets", targets, 1)
    if mode not in ("repair", "augmentation"):
        fail(f"unknown --mode {mode!r}; choose repair or augmentation")
    chosen = [teacher, bool(model or base_url), bool(model_spec)]
    if sum(chosen) != 1:
        fail("choose one Evolver: --teacher, --model NAME --base-url URL, or --model-spec SPEC")
    if (model or base_url) and not (model and base_url):
        fail("--model and --base-url go together (an OpenAI-compatible endpoint)")
    from aoi.llm import LLMError, make_model
    from aoi.loop.evolve.candidates import evolve as run_evolve
    from aoi.loop.evolve.candidates import other_targets
    from aoi.loop.evolve.teacher import TeacherError

    chat = None
    name = "teacher"
    if not teacher:
        spec = model_spec or f"openai:{model}@{base_url}"
        name = model or spec
        try:
            chat = make_model(spec)
        except ValueError as exc:
            fail(str(exc))
    lib = _library(library)
    trajectories = _run_trajectories(store, run_id)
    seeds = [t for t in trajectories if t.outcome is not None]
    seeds = [t for t in seeds if (not t.success) == (mode == "repair")]
    rows: list[dict[str, Any]] = []
    for trajectory in seeds:
        aims = (
            [trajectory.task_id] if mode == "repair" else other_targets(trajectory.task_id, targets)
        )
        for aim in aims:
            row: dict[str, Any] = {
                "source_task": trajectory.task_id,
                "attempt": trajectory.attempt_index,
                "task_id": aim,
                "author": "teacher" if teacher else f"model:{name}",
            }
            try:
                evolution = run_evolve(
                    trajectory,
                    model=chat,
                    model_name=name,
                    candidates=candidates,
                    mode="repair" if mode == "repair" else "augmentation",
                    target_task=aim,
                    temperature=temperature,
                )
            except (TeacherError, LLMError) as exc:
                rows.append({**row, "error": str(exc)})
                continue
            entry = evolution.entry()
            if entry is not None:
                lib.add(entry)
            best = evolution.best
            rows.append(
                {
                    **row,
                    "candidates": len(evolution.candidates),
                    "verified": sum(1 for c in evolution.candidates if c.verified),
                    "best_reward": best.reward.total if best else 0.0,
                    "scores": dict(best.reward.scores) if best else {},
                    "entry": entry.id if entry else None,
                    "seconds": round(evolution.seconds, 3),
                }
            )
    if as_json:
        typer.echo(
            json.dumps({"run_id": run_id, "library": str(lib.path), "plans": rows}, indent=2)
        )
        return
    table = Table(title=f"Evolver on run {run_id} ({mode}, {len(seeds)} seeds) -> {lib.path}")
    for column in ("seed task", "#", "plan for", "author", "cands", "verified", "reward", "entry"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["source_task"],
            str(row["attempt"]),
            row["task_id"],
            row["author"],
            str(row.get("candidates", 0)),
            str(row.get("verified", 0)),
            f"{row['best_reward']:.2f}" if "best_reward" in row else "-",
            row.get("entry") or f"[red]{row.get('error', 'no plan')[:60]}",
        )
    Console().print(table)


@guidance_app.command("list")
def guidance_list(
    task: Annotated[str | None, typer.Option("--task", help="Only entries for this task.")] = None,
    library: LibraryOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The library's entries: task, fault, app, service, author, mode, reward."""
    from aoi.loop.guidance import dump

    lib = _library(library)
    try:
        entries = lib.get(task) if task else lib.entries()
    except ValueError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(dump(entries))
        return
    table = Table(title=f"guidance library {lib.path}: {len(entries)} entries")
    for column in ("id", "task", "fault", "app", "service", "author", "mode", "reward", "source"):
        table.add_column(column)
    for e in entries:
        table.add_row(
            e.id,
            e.task_id,
            e.fault,
            e.app,
            e.service or "-",
            e.author,
            e.mode,
            f"{e.reward:.2f}",
            e.source_task,
        )
    Console().print(table)


@guidance_app.command("show")
def guidance_show(
    key: Annotated[str, typer.Argument(help="An entry id, or a task id (its best guidance).")],
    source: Annotated[
        str, typer.Option("--from", help="For a task id: any, same-task or other-targets.")
    ] = "any",
    library: LibraryOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The guidance text an Observer would be given (the rendered template)."""
    from aoi.catalog import UnknownTaskError
    from aoi.loop.guidance import SOURCES, Match, render_guidance

    if source not in SOURCES:
        fail(f"unknown --from {source!r}; choose one of: {', '.join(SOURCES)}")
    lib = _library(library)
    by_id = [e for e in lib.entries() if e.id == key]
    if by_id:
        entry = by_id[0]
        match = Match(entry, entry.task_id, "same-task")
    else:
        try:
            found = lib.lookup(key, source)
        except UnknownTaskError:
            fail(f"{key!r} is neither an entry id nor a task id; see 'aoi loop guidance list'")
        if found is None:
            fail(f"no guidance for {key} from {source} in {lib.path}")
        match = found
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "entry": match.entry.model_dump(mode="json"),
                    "leakage": match.leakage,
                    "text": render_guidance(match),
                },
                indent=2,
            )
        )
        return
    typer.echo(render_guidance(match))


def evolver_pairs(
    run_ids: Annotated[list[str], typer.Argument(help="Runs whose attempts become pairs.")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for evolver_pairs.parquet and dataset/.")
    ],
    targets: Annotated[
        int, typer.Option("--targets", help="Augmentation rows (other targets) per success.")
    ] = 1,
    repair: Annotated[
        bool, typer.Option("--repair/--no-repair", help="Rows from failures.")
    ] = True,
    augment: Annotated[
        bool, typer.Option("--augment/--no-augment", help="Rows from successes.")
    ] = True,
    store: StoreOption = None,
) -> None:
    """Evolver pairs for `aoi train evolver`: prompt, task_id, seed, seed_commands per row."""
    from aoi.loop.evolve.pairs import evolver_pairs as make_pairs
    from aoi.loop.evolve.pairs import write_pairs
    from aoi.trajectories import MissingExtraError

    at_least("--targets", targets, 0)
    trajectories = [t for run_id in run_ids for t in _run_trajectories(store, run_id)]
    rows = make_pairs(trajectories, targets=targets, repair=repair, augment=augment)
    try:
        written = write_pairs(rows, out)
    except MissingExtraError as exc:
        fail(str(exc))
    modes = {m: sum(1 for r in rows if r["mode"] == m) for m in ("repair", "augmentation")}
    typer.echo(
        f"{len(rows)} Evolver pairs ({modes['repair']} repair, {modes['augmentation']} augmentation) "
        f"from {len(trajectories)} attempts: " + ", ".join(str(p) for p in written)
    )


# The groups these commands join: `aoi loop` (shared with judge and purify) and `aoi export`.
loop_app = typer.Typer(help="The closed loop: judge, purify, evolve runs; the guidance library.")
loop_app.command("evolve")(evolve)
loop_app.add_typer(guidance_app, name="guidance")
export_app = typer.Typer(help="Datasets for training, built from the store.")
export_app.command("evolver-pairs")(evolver_pairs)
