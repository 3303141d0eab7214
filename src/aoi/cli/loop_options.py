"""Options the closed loop adds to `aoi bench`: expert ablations and guidance."""

from __future__ import annotations

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
