"""`aoi train ...`: a tiny model to start from, SFT warm start, GRPO for the Observer and the Evolver."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Train the Observer and the Evolver with TRL (needs the 'train' extra).",
    no_args_is_help=True,
)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@app.command("init-model")
def init_model(
    directory: Annotated[Path, typer.Argument(help="Where to write the model and its tokenizer.")],
    size: Annotated[str, typer.Option("--size", help="tiny or small.")] = "tiny",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random initialisation.")] = 0,
) -> None:
    """Build a small Qwen-architecture model and a BPE tokenizer locally (nothing is downloaded)."""
    from aoi.train.factory import SIZES

    if size not in SIZES:
        raise _fail(f"unknown size {size!r}; choose one of: {', '.join(SIZES)}")
    if directory.exists() and not directory.is_dir():
        raise _fail(f"{directory} exists and is not a directory")
    try:
        from aoi.train.factory import init_model as build
    except ImportError as exc:
        raise _fail(f"{exc}; install the 'train' extra: pip install 'aoi[train]'") from None
    path = build(directory, size, seed=seed)
    typer.echo(
        f"wrote a {size} model to {path}; run it with: aoi run TASK --agent aoi --model {path}"
    )
