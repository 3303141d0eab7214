"""`aoi twin`: run commands on the embedded cluster twin."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from aoi.shelltools import CommandResult
    from aoi.twin.core import Twin

from aoi.twin.apps import APP_KEYS, app_key

app = typer.Typer(
    help="Run kubectl and helm commands on the embedded cluster twin (no cluster needed).",
    no_args_is_help=True,
)

SeedOption = Annotated[
    int, typer.Option("--seed", help="Seed: the same seed gives the same cluster.")
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _build(app_name: str, seed: int) -> Twin:
    try:
        key = app_key(app_name)
    except ValueError:
        raise _fail(f"unknown app {app_name!r}; choose one of: {', '.join(APP_KEYS)}") from None
    from aoi.twin.core import Twin

    return Twin.fresh(key, seed=seed)


TaskOption = Annotated[
    str | None,
    typer.Option("--task", help="Run on the twin of this task, with its fault injected."),
]


def _twin_for(app_name: str | None, task_id: str | None, seed: int) -> Twin:
    if task_id is None:
        return _build(app_name or "hotel-reservation", seed)
    from aoi.catalog import UnknownTaskError, get_task
    from aoi.cli.tasks import unknown_task
    from aoi.envs.twin import TwinEnvironment

    try:
        get_task(task_id)
    except UnknownTaskError as exc:
        raise unknown_task(exc) from None
    env = TwinEnvironment(step_seconds=0)
    env.reset(task_id, seed)
    assert env.twin is not None
    return env.twin


@app.command("exec")
def exec_(
    command: Annotated[str, typer.Argument(help="The command line, e.g. 'kubectl get pods -A'.")],
    app_name: Annotated[
        str | None,
        typer.Option(
            "--app", help="Application: hotel-reservation, social-network or astronomy-shop."
        ),
    ] = None,
    task_id: TaskOption = None,
    seed: SeedOption = 0,
) -> None:
    """Run one command on a fresh twin (or a task's twin) and print exactly what it prints."""
    twin = _twin_for(app_name, task_id, seed)
    result = twin.run(command)
    _write(result, command)
    raise typer.Exit(result.exit_code)


def _write(result: CommandResult, command: str) -> None:
    """Print what the line printed; a killed line ends as AIOpsLab's wrapper reports the kill."""
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.timed_out:
        from aoi.agent_api import shell_timed_out

        sys.stderr.write(shell_timed_out(command) + "\n")


@app.command("shell")
def shell(
    app_name: Annotated[
        str | None,
        typer.Option(
            "--app", help="Application: hotel-reservation, social-network or astronomy-shop."
        ),
    ] = None,
    task_id: TaskOption = None,
    seed: SeedOption = 0,
) -> None:
    """An interactive prompt on one twin; the cluster keeps its state between commands."""
    twin = _twin_for(app_name, task_id, seed)
    try:
        import readline

        history = Path.home() / ".aoi_twin_history"
        if history.exists():
            readline.read_history_file(history)
    except (ImportError, OSError):
        readline = None  # type: ignore[assignment]
    namespace = next(iter(twin.apps))
    typer.echo(
        f"AOI cluster twin: {', '.join(a.name for a in twin.apps.values())} in namespace "
        f"{namespace} (seed {seed}). Type kubectl/helm commands; 'exit' leaves."
    )
    while True:
        try:
            line = input("twin$ ")
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            break
        if line.strip() in ("exit", "quit"):
            break
        if not line.strip():
            continue
        _write(twin.run(line), line)
        sys.stdout.flush()
    if readline is not None:
        with contextlib.suppress(OSError):
            readline.write_history_file(history)
