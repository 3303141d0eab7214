"""The `aoi` command: one entry point, a sub-command per concept."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

try:  # typer >= 0.22 carries its own copy of click
    from typer import _click as click
except ImportError:  # pragma: no cover - older typer on real click
    import click  # type: ignore[no-redef]

from aoi.cli import gate, live, loop, loop_evolve, runs, tasks, train, twin
from aoi.cli.bench import bench
from aoi.cli.run import run
from aoi.cli.serve import serve


class OneLineErrors(TyperGroup):
    """Usage errors (a bad option value, a missing argument) as one line, exit 2."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        call = {
            "args": args,
            "prog_name": prog_name,
            "complete_var": complete_var,
            "windows_expand_args": windows_expand_args,
            **extra,
        }
        if not standalone_mode:
            return super().main(standalone_mode=False, **call)
        try:
            code = super().main(standalone_mode=False, **call)
        except click.exceptions.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except typer.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            ctx = getattr(exc, "ctx", None)
            where = ctx.command_path if ctx is not None else "aoi"
            message = " ".join(exc.format_message().split())
            typer.echo(f"error: {message} (see '{where} --help')", err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("aborted", err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)


def _version() -> str:
    try:
        return version("aoi")
    except PackageNotFoundError:  # run from a source tree without installing
        return "0+unknown"


app = typer.Typer(
    name="aoi",
    cls=OneLineErrors,
    help=(
        "AOI: language-model agents that diagnose and repair Kubernetes faults, "
        "with an embedded cluster twin of the AIOpsLab applications."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"aoi {_version()}")
        raise typer.Exit(0)


@app.callback()
def _root(
    _version_flag: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """AOI: language-model agents that diagnose and repair Kubernetes faults."""


app.command("bench")(bench)
app.command("run")(run)
app.command("diagnose")(live.diagnose)
twin.app.command("serve")(serve)
app.add_typer(twin.app, name="twin")
app.add_typer(tasks.app, name="tasks")
app.add_typer(gate.app, name="gate")
app.add_typer(runs.app, name="runs")
app.add_typer(live.app, name="live")
app.add_typer(train.app, name="train")
loop_evolve.loop_app.command("judge")(loop.judge)
loop_evolve.loop_app.command("purify")(loop.purify)
loop_evolve.export_app.command("observer-steps")(loop.observer_steps)
app.add_typer(loop_evolve.loop_app, name="loop")
app.add_typer(loop_evolve.export_app, name="export")


def main() -> None:
    """Console entry point."""
    app()
