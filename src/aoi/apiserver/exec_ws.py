"""`pods/NAME/exec` over the WebSocket protocol kubectl 1.30+ speaks (v5/v4.channel.k8s.io).

Frames are binary, the first byte names the stream (1 stdout, 2 stderr, 3 the final
Status). A request the server refuses is denied before the upgrade with its Status, so
kubectl falls back to SPDY as it does against a real server; that POST gets the same Status
(`exec_refusal`), which kubectl prints as its "unable to upgrade connection" error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from starlette.responses import Response
from starlette.websockets import WebSocket

from aoi.apiserver.errors import ApiError, bad_request, not_found
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.container_exec import exec_in_container

if TYPE_CHECKING:
    from aoi.apiserver.app import TwinAPI
    from aoi.twin.core import Twin

PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io")
STDOUT, STDERR, ERROR = 1, 2, 3


def exec_target(
    twin: Twin, namespace: str, name: str, container: str | None, command: list[str]
) -> tuple[Obj, str]:
    """The pod and container an exec runs in, or the server's refusal."""
    pod = twin.store.get("Pod", namespace, name)
    if pod is None:
        raise not_found("pods", name)
    containers = [c["name"] for c in pod["spec"]["containers"]]
    if container is None:
        if len(containers) != 1:
            raise bad_request(
                f"a container name must be specified for pod {name}, choose one of: "
                f"[{' '.join(containers)}]"
            )
        container = containers[0]
    if container not in containers:
        raise bad_request(f"container {container} is not valid for pod {name}")
    if not command:
        raise bad_request("you must specify at least one command for the container")
    rt = twin.controller.runtimes.get(pod["metadata"]["uid"], {}).get(container)
    if rt is None or rt.state != "running":
        raise bad_request(f'container not found ("{container}")')
    return pod, container


def _status(exit_code: int, command: list[str]) -> dict[str, Any]:
    if exit_code == 0:
        return {"metadata": {}, "status": "Success"}
    return {
        "metadata": {},
        "status": "Failure",
        "message": (
            f"command terminated with non-zero exit code: error executing command "
            f"[{' '.join(command)}], exit code {exit_code}"
        ),
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(exit_code)}]},
    }


async def exec_endpoint(api: TwinAPI, websocket: WebSocket) -> None:
    params = websocket.query_params
    namespace = websocket.path_params["namespace"]
    name = websocket.path_params["name"]
    command = params.getlist("command")
    try:
        pod, container = exec_target(api.twin, namespace, name, params.get("container"), command)
    except ApiError as exc:
        await websocket.send_denial_response(
            Response(orjson.dumps(exc.status()), exc.code, media_type="application/json")
        )
        return
    offered = [p.strip() for p in websocket.headers.get("sec-websocket-protocol", "").split(",")]
    chosen = next((p for p in PROTOCOLS if p in offered), None)
    if chosen is None:
        await websocket.send_denial_response(
            Response(
                orjson.dumps(bad_request("no supported WebSocket subprotocol").status()),
                400,
                media_type="application/json",
            )
        )
        return
    await websocket.accept(subprotocol=chosen)
    result = exec_in_container(api.twin, pod, container, command)
    if result.stdout and params.get("stdout", "true") in ("true", "1"):
        await websocket.send_bytes(bytes([STDOUT]) + result.stdout.encode())
    if result.stderr and params.get("stderr", "true") in ("true", "1"):
        await websocket.send_bytes(bytes([STDERR]) + result.stderr.encode())
    await websocket.send_bytes(bytes([ERROR]) + orjson.dumps(_status(result.exit_code, command)))
    await websocket.close()
