"""The `aoi` command: one entry point, a sub-command per concept."""

from __future__ import annotations

import typer

from aoi.cli import gate, tasks, twin
from aoi.cli.bench import bench
from aoi.cli.run import run
from aoi.cli.serve import serve

app = typer.Typer(
    name="aoi",
    help=(
        "AOI: language-model agents that diagnose and repair Kubernetes faults, "
        "with an embedded cluster twin of the AIOpsLab applications."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("bench")(bench)
app.command("run")(run)
twin.app.command("serve")(serve)
app.add_typer(twin.app, name="twin")
app.add_typer(tasks.app, name="tasks")
app.add_typer(gate.app, name="gate")


def main() -> None:
    """Console entry point."""
    app()
