"""kubectl's verbs that hold a session open: port-forward, proxy, attach, edit, debug.

None of them ends by itself in AIOpsLab's non-interactive `sh -c`: port-forward
and proxy serve until killed, attach streams the container's output, edit
starts an editor (vi, EDITOR being unset) that waits for keys no one types, and
debug attaches to the container it starts. Each first checks what kubectl
checks (the object exists, the pod runs), prints what kubectl prints before it
blocks, and then waits out the line's time limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aoi.kube.flags import Parsed
from aoi.shelltools import CommandResult
from aoi.twin.cluster.store import Obj
from aoi.twin.surface import limit
from aoi.twin.surface.kubectl.common import (
    KubectlError,
    get_object,
    namespace_of,
    resolve_type,
    split_type_name,
)

if TYPE_CHECKING:
    from aoi.twin.world import World


def _pod(twin: World, ns: str, ref: str) -> Obj:
    from aoi.twin.surface.kubectl.reads import _pod_for

    return _pod_for(twin, ns, ref)


def port_forward(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    if len(parsed.args) < 2:
        raise KubectlError(
            "error: TYPE/NAME and list of ports are required for port-forward\n"
            "See 'kubectl port-forward -h' for help and examples"
        )
    ns = namespace_of(twin, parsed)
    ref = parsed.args[0]
    pod = _pod(twin, ns, ref)
    phase = pod.get("status", {}).get("phase", "Pending")
    if phase != "Running":
        raise KubectlError(
            f"error: unable to forward port because pod is not running. Current status={phase}"
        )
    service = None
    if "/" in ref and resolve_type(ref.split("/", 1)[0]).kind == "Service":
        service = twin.store.get("Service", ns, ref.split("/", 1)[1])
    addresses = parsed.get_list("address") or ["localhost"]
    lines: list[str] = []
    for spec in parsed.args[1:]:
        local, _, remote = spec.partition(":")
        remote = remote or local
        if service is not None:
            for port in service["spec"].get("ports", []):
                if str(port.get("port")) == remote or port.get("name") == remote:
                    remote = str(port.get("targetPort", port["port"]))
        local = local or "0"
        for address in addresses:
            hosts = ["127.0.0.1", "[::1]"] if address == "localhost" else [address]
            lines.extend(f"Forwarding from {h}:{local} -> {remote}\n" for h in hosts)
    limit.expire(twin, "".join(lines))


def proxy(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    port = parsed.get_int("port")
    address = parsed.get_str("address") or "127.0.0.1"
    limit.expire(twin, f"Starting to serve on {address}:{8001 if port is None else port}\n")


def attach(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    if not parsed.args:
        raise KubectlError(
            "error: expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw 0: []\n"
            "See 'kubectl attach -h' for help and examples"
        )
    pod = _pod(twin, namespace_of(twin, parsed), parsed.args[0])
    phase = pod.get("status", {}).get("phase", "Pending")
    if phase in ("Succeeded", "Failed"):
        raise KubectlError(
            f"error: cannot attach a container in a completed pod; current phase is {phase}"
        )
    prompt = ""
    if (parsed.get_bool("stdin") or parsed.get_bool("tty")) and not parsed.get_bool("quiet"):
        prompt = "If you don't see a command prompt, try pressing enter.\n"
    limit.expire(twin, prompt)


def edit(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    if not parsed.args and not parsed.get_list("filename"):
        raise KubectlError(
            "error: you must provide one or more resources by argument or filename.\n"
            "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
            "   '<resource> <name>'\n   '<resource>'"
        )
    ns = namespace_of(twin, parsed)
    for info, name in split_type_name(parsed.args):
        if name is not None:
            get_object(twin, info, ns, name)
    limit.expire(twin)


def debug(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    if not parsed.args:
        raise KubectlError(
            "error: NAME is required for debug\nSee 'kubectl debug -h' for help and examples"
        )
    ref = parsed.args[0]
    if ref.startswith(("node/", "nodes/")):
        get_object(twin, resolve_type("node"), "", ref.split("/", 1)[1])
    else:
        _pod(twin, namespace_of(twin, parsed), ref)
    if not parsed.get_str("image") and not parsed.get_str("copy-to"):
        raise KubectlError(
            "error: --image is required when not using --copy-to"
            if not ref.startswith("node")
            else "error: --image is required for node debugging"
        )
    limit.expire(twin)
