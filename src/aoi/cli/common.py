"""What every `aoi` command shares: one-line errors, output paths checked up front, the store."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from aoi.trajectories import StoreError, TrajectoryStore
from aoi.trajectories.store import STORE_ENV, default_store_url, describe_url

BAD_INPUT = 2
FAILED = 1
INTERRUPTED = 130

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help=f"Trajectory store URL (sqlite:///PATH or postgresql+psycopg://...); default "
        f"${STORE_ENV}, else a per-user data folder.",
        show_default=False,
    ),
]
LLMTimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--llm-timeout",
        help="Seconds to wait for one model answer; a hung endpoint fails after this, once "
        "[default: 60].",
        show_default=False,
    ),
]
LLMRetriesOption = Annotated[
    int | None,
    typer.Option(
        "--llm-retries",
        help="Retries of a refused connection or an HTTP 5xx/429 (never of a time-out) "
        "[default: 2].",
        show_default=False,
    ),
]


def fail(message: str, code: int = BAD_INPUT) -> NoReturn:
    """Print `error: message` on one line to stderr and exit with `code`."""
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(code)


def at_least(name: str, value: float | None, low: float, *, strict: bool = False) -> None:
    """Refuse a number option below its bound, in one line."""
    if value is None:
        return
    if value < low or (strict and value == low):
        fail(f"{name} must be {'more than' if strict else 'at least'} {low:g}, not {value:g}")


def store_url(given: str | None) -> str:
    return given or default_store_url()


def open_store(url: str) -> TrajectoryStore:
    """The store, or one line saying why it cannot be opened (exit 2)."""
    try:
        return TrajectoryStore(url)
    except StoreError as exc:
        fail(str(exc))


def shown(url: str) -> str:
    return describe_url(url)


def writable_file(option: str, path: Path | None) -> None:
    """Refuse, before any work, an output file that could not be written."""
    if path is None:
        return
    if path.is_dir():
        fail(f"{option} {path} is a folder; give a file name, e.g. {path / 'bench.json'}")
    _writable_folder(option, path.parent, path)


def writable_folder(option: str, path: Path | None) -> None:
    """Refuse, before any work, an output folder that could not be written."""
    if path is None:
        return
    if path.exists() and not path.is_dir():
        fail(f"{option} {path} is a file; give a folder for the report")
    _writable_folder(option, path, path)


def _writable_folder(option: str, folder: Path, target: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"{option} {target}: cannot create {folder}: {exc.strerror or exc}")
    if not os.access(folder, os.W_OK | os.X_OK):
        fail(f"{option} {target}: the folder {folder} is not writable")
