"""`aoi twin serve`: the twin behind a Kubernetes API endpoint on loopback, with a kubeconfig."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from aoi.cli.twin import SeedOption, TaskOption, _fail, _twin_for

DEFAULT_KUBECONFIG = "aoi-twin.kubeconfig"


def _kubeconfig_path(template: str, port: int, index: int, count: int) -> Path:
    if "{port}" in template:
        return Path(template.replace("{port}", str(port))).expanduser()
    path = Path(template).expanduser()
    if count == 1:
        return path
    return path.with_name(f"{path.stem}-{index}{path.suffix}")


def serve(
    app_name: Annotated[
        str | None,
        typer.Option(
            "--app", help="Application: hotel-reservation, social-network or astronomy-shop."
        ),
    ] = None,
    task_id: TaskOption = None,
    seed: SeedOption = 0,
    ports: Annotated[
        list[int] | None,
        typer.Option(
            "--port",
            help="Loopback port to serve on (0: any free one). Repeat to serve one twin per port.",
        ),
    ] = None,
    kubeconfig: Annotated[
        str,
        typer.Option(
            "--kubeconfig",
            help="Where to write the kubeconfig (context kind-kind). With several ports, "
            "'{port}' in the path names each file; otherwise -1, -2... are appended.",
        ),
    ] = DEFAULT_KUBECONFIG,
    context: Annotated[
        str, typer.Option("--context", help="Name of the kubeconfig's context.")
    ] = "kind-kind",
    clock: Annotated[
        str,
        typer.Option(
            "--clock",
            help="How simulated time passes: 'command' (a few seconds per kubectl call, as "
            "in 'aoi twin exec'), 'wall' (with the wall clock, times --speed) or 'still'.",
        ),
    ] = "command",
    speed: Annotated[
        float, typer.Option("--speed", help="Simulated seconds per wall second (--clock wall).")
    ] = 1.0,
) -> None:
    """Serve the twin as a Kubernetes API on 127.0.0.1 so real kubectl and clients can use it."""
    if app_name is not None and task_id is not None:
        raise _fail("give --app or --task, not both")
    try:
        import uvicorn  # noqa: F401
    except ImportError:
        raise _fail("serving needs the 'serve' extra: pip install 'aoi[serve]'") from None
    from aoi.apiserver.app import CLOCKS
    from aoi.apiserver.serve import prepare, serve_all, write_kubeconfig

    if clock not in CLOCKS:
        raise _fail(f"--clock must be one of {', '.join(CLOCKS)}, not {clock!r}")
    if speed <= 0:
        raise _fail("--speed must be positive")
    wanted = ports or [0]
    if any(p < 0 or p > 65535 for p in wanted):
        raise _fail("--port must be between 0 and 65535")
    served = []
    for index, port in enumerate(wanted, start=1):
        twin = _twin_for(app_name, task_id, seed)
        try:
            item = prepare(twin, port, clock=clock, speed=speed)
        except OSError as exc:
            raise _fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
        path = _kubeconfig_path(kubeconfig, item.port, index, len(wanted))
        write_kubeconfig(path, item.port, context=context)
        what = task_id or app_name or "hotel-reservation"
        typer.echo(f"serving {what} (seed {seed}) at {item.url}; kubeconfig {path}")
        served.append(item)
    if len(served) == 1:
        path = _kubeconfig_path(kubeconfig, served[0].port, 1, 1)
        typer.echo(f"try: kubectl --kubeconfig {path} get pods -A   (Ctrl-C stops)")
    try:
        asyncio.run(serve_all(served))
    except KeyboardInterrupt:
        pass
    finally:
        for item in served:
            item.sock.close()
