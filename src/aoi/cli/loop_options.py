"""Options the closed loop adds to `aoi bench`: expert ablations and guidance."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aoi.agents.expert.rules import UnknownRuleError, resolve_without
from aoi.cli.common import fail

WithoutOption = Annotated[
    str | None,
    typer.Option(
        "--without",
        help="Expert ablation: rule families or rules to disable, e.g. mongo,flags "
        "(families: workloads, network, mongo, storage, flags).",
    ),
]


def ablation(value: str | None, agent: str) -> tuple[str, ...]:
    """The rule names of --without, checked; one clear line when a name is unknown."""
    names = tuple(w.strip() for w in (value or "").split(",") if w.strip())
    if names and agent != "expert":
        fail("--without ablates the expert's rules; use it with --agent expert")
    try:
        resolve_without(names)
    except UnknownRuleError as exc:
        fail(str(exc))
    return names


GuidanceOption = Annotated[
    Path | None,
    typer.Option(
        "--guidance",
        help="A guidance library (JSON lines, see 'aoi loop guidance list'): each task is given "
        "its best entry; with --evolve, evolved plans are added to it.",
    ),
]
GuidanceFromOption = Annotated[
    str | None,
    typer.Option(
        "--guidance-from",
        help="Which entries a task may use: any, same-task (leakage, marked) or other-targets "
        "(the same fault on another service: held-out) [default: any].",
    ),
]
EvolveOption = Annotated[
    bool,
    typer.Option(
        "--evolve",
        help="Close the loop between attempts: attempt k fails -> the Evolver -> attempt k+1 "
        "is given its plan as guidance (use with --attempts 2 or more).",
    ),
]
EvolverOption = Annotated[
    str | None,
    typer.Option(
        "--evolver",
        help="Who evolves with --evolve: teacher (the model-free expert solve, labelled so) or a "
        "model spec such as openai:NAME@URL [default: teacher].",
    ),
]
CandidatesOption = Annotated[
    int | None,
    typer.Option("--candidates", help="Evolver candidates per failure (a model) [default: 4]."),
]


def guidance_source(value: str | None) -> str:
    """--guidance-from, checked."""
    from aoi.loop.guidance import SOURCES

    source = value or "any"
    if source not in SOURCES:
        fail(f"unknown --guidance-from {source!r}; choose one of: {', '.join(SOURCES)}")
    return source
