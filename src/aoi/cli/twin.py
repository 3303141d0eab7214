"""`aoi twin`: run commands on the embedded cluster twin."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from aoi.twin.apps import APP_KEYS, app_key

app = typer.Typer(
    help="Run kubectl and helm commands on the embedded cluster twin (no cluster needed).",
    no_args_is_help=True,
)

AppOption = Annotated[
    str,
    typer.Option(
        "--app",
        help="Application to run: hotel-reservation, social-network or astronomy-shop.",
    ),
]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed: the same seed gives the same cluster.")]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _build(app_name: str, seed: int):  # type: ignore[no-untyped-def]
    try:
        key = app_key(app_name)
    except ValueError:
        raise _fail(
            f"unknown app {app_name!r}; choose one of: {', '.join(APP_KEYS)}"
        ) from None
    from aoi.twin.core import Twin

    return Twin(key, seed=seed)


@app.command("exec")
def exec_(
    command: Annotated[str, typer.Argument(help="The command line, e.g. 'kubectl get pods -A'.")],
    app_name: AppOption = "hotel-reservation",
    seed: SeedOption = 0,
) -> None:
    """Run one command on a fresh twin and print exactly what it prints."""
    twin = _build(app_name, seed)
    result = twin.run(command)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    raise typer.Exit(result.exit_code)


@app.command("shell")
def shell(app_name: AppOption = "hotel-reservation", seed: SeedOption = 0) -> None:
    """An interactive prompt on one twin; the cluster keeps its state between commands."""
    twin = _build(app_name, seed)
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
        result = twin.run(line)
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        sys.stdout.flush()
    if readline is not None:
        try:
            readline.write_history_file(history)
        except OSError:
            pass
