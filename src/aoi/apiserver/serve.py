"""Serving twins on loopback ports with uvicorn, and the kubeconfig that points at them."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from aoi.apiserver.app import TwinAPI

if TYPE_CHECKING:
    import uvicorn

    from aoi.twin.core import Twin

LOOPBACK = "127.0.0.1"
CONTEXT = "kind-kind"


def kubeconfig(port: int, *, context: str = CONTEXT, namespace: str | None = None) -> str:
    """A kubeconfig whose only context points at a served twin on loopback."""
    ctx: dict[str, str] = {"cluster": context, "user": context}
    if namespace:
        ctx["namespace"] = namespace
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": context, "cluster": {"server": f"http://{LOOPBACK}:{port}"}}],
        "contexts": [{"name": context, "context": ctx}],
        "current-context": context,
        "preferences": {},
        "users": [{"name": context, "user": {"token": "aoi-twin"}}],
    }
    return yaml.safe_dump(doc, sort_keys=False)


def write_kubeconfig(path: Path, port: int, *, context: str = CONTEXT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(kubeconfig(port, context=context), encoding="utf-8")
    return path


def bind(port: int = 0) -> socket.socket:
    """A listening loopback socket (port 0: any free port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: without it a reply written in two pieces waits for
    # the client's delayed ACK (tens of milliseconds) before its second piece goes out.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((LOOPBACK, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@dataclass
class Served:
    """One twin served on one port."""

    api: TwinAPI
    sock: socket.socket
    server: uvicorn.Server | None = None
    port: int = field(init=False)

    def __post_init__(self) -> None:
        self.port = int(self.sock.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"


def _server(api: TwinAPI) -> uvicorn.Server:
    import uvicorn

    config = uvicorn.Config(
        api,
        log_level="warning",
        access_log=False,
        lifespan="off",
        ws="websockets-sansio",
        timeout_graceful_shutdown=1,
    )
    return uvicorn.Server(config)


async def serve_all(served: list[Served]) -> None:
    """Serve every twin on its socket until cancelled or told to exit."""
    for item in served:
        item.server = _server(item.api)
    await asyncio.gather(*(s.server.serve(sockets=[s.sock]) for s in served if s.server))


def prepare(twin: Twin, port: int = 0, *, clock: str = "command", speed: float = 1.0) -> Served:
    """Bind a loopback port (0: any free one) for `twin`; serve it with `serve_all`."""
    sock = bind(port)
    api = TwinAPI(twin, clock=clock, speed=speed, address=f"{LOOPBACK}:{sock.getsockname()[1]}")
    return Served(api, sock)


@contextlib.contextmanager
def serving(
    twin: Twin,
    *,
    port: int = 0,
    clock: str = "command",
    speed: float = 1.0,
    timeout_s: float = 10.0,
) -> Iterator[Served]:
    """Serve `twin` on a background thread for the `with` block (tests, benchmarks)."""
    served = prepare(twin, port, clock=clock, speed=speed)
    served.server = _server(served.api)
    server = served.server
    thread = threading.Thread(
        target=lambda: asyncio.run(server.serve(sockets=[served.sock])),
        name=f"aoi-apiserver-{served.port}",
        daemon=True,
    )
    thread.start()
    try:
        _wait_started(server, thread, timeout_s)
        yield served
    finally:
        server.should_exit = True
        thread.join(timeout_s)
        served.sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread, timeout_s: float) -> None:
    import time

    deadline = time.monotonic() + timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.01)
