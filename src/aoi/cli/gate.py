"""`aoi gate`: check commands against the gate's policy without running them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from aoi.gate import REFUSED_EXIT, Policy, PolicyError, Role, Verdict, classify

app = typer.Typer(
    help="Check commands against the gate's policy (nothing is run).",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _group() -> None:
    """Check commands against the gate's policy (nothing is run)."""


def _line(command: str, verdict: Verdict, as_json: bool) -> str:
    if as_json:
        return json.dumps(
            {
                "command": command,
                "verdict": verdict.kind.value,
                "allowed": verdict.allowed,
                "reason": verdict.reason,
            },
            ensure_ascii=False,
        )
    state = "allowed" if verdict.allowed else "refused"
    return f"{verdict.kind.value.upper()} {state}: {verdict.reason}"


@app.command()
def check(
    command: Annotated[
        str, typer.Argument(help="The command, quoted; '-' reads one per line from stdin.")
    ],
    role: Annotated[Role, typer.Option("--role", help="Who would run it: probe or executor.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per command.")
    ] = False,
    policy_file: Annotated[
        Path | None,
        typer.Option("--policy", help="A user policy file (YAML) to add to the defaults."),
    ] = None,
    namespace: Annotated[
        list[str] | None,
        typer.Option("--namespace", "-n", help="Confine the run to this namespace (repeatable)."),
    ] = None,
) -> None:
    """Print the verdict and reason; exit 0 when allowed, 3 when refused.

    With '-' every line of stdin is one command; the exit status is 3 when any
    was refused.
    """
    try:
        policy = Policy.load(policy_file, namespaces=namespace or None)
    except PolicyError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from None
    if command == "-":
        refused = False
        for raw in sys.stdin:
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            verdict = classify(line, role, policy)
            refused = refused or not verdict.allowed
            typer.echo(_line(line, verdict, as_json))
        raise typer.Exit(REFUSED_EXIT if refused else 0)
    verdict = classify(command, role, policy)
    typer.echo(_line(command, verdict, as_json))
    raise typer.Exit(0 if verdict.allowed else REFUSED_EXIT)
