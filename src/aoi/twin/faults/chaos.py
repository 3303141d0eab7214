"""Chaos-Mesh-like faults: container kill, pod failure, network loss and delay, with durations.

The experiments live on the twin's clock: a 200 s network loss ends 200 s after it
began, as on a real cluster, and the symptoms go with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aoi.twin.behaviour.network import PAUSE_IMAGES, Chaos
from aoi.twin.cluster.clock import rfc3339
from aoi.twin.faults import injector

if TYPE_CHECKING:
    from aoi.twin.core import Twin

PAUSE_IMAGE = "gcr.io/google-containers/pause:latest"
assert PAUSE_IMAGE.rsplit(":", 1)[0] in PAUSE_IMAGES


def _selector(twin: Twin, ns: str, target: str) -> dict[str, str]:
    app = twin.app_for(ns)
    return {(app.log_label if app else "app"): target}


def _experiment(twin: Twin, action: str, ns: str, target: str, params: dict[str, Any]) -> Chaos:
    chaos = Chaos(
        name=action,
        action=action,
        namespace=ns,
        selector=_selector(twin, ns, target),
        start=twin.clock.now(),
        duration_s=float(params.get("duration_s", 200)),
        params=params,
    )
    twin.chaos.append(chaos)
    twin.store.add(_resource(chaos, params), created=rfc3339(chaos.start))
    twin.schedule(
        chaos.start, chaos.duration_s, _finished, chaos.name, chaos.namespace, _KIND[action]
    )
    return chaos


_KIND = {
    "container-kill": "PodChaos",
    "pod-failure": "PodChaos",
    "network-loss": "NetworkChaos",
    "network-delay": "NetworkChaos",
}


def _resource(chaos: Chaos, params: dict[str, Any]) -> dict[str, Any]:
    """The Chaos Mesh object an SRE finds with `kubectl get podchaos,networkchaos -A`."""
    kind = _KIND[chaos.action]
    spec: dict[str, Any] = {
        "mode": "one",
        "duration": f"{int(chaos.duration_s)}s",
        "selector": {"namespaces": [chaos.namespace], "labelSelectors": dict(chaos.selector)},
    }
    if kind == "PodChaos":
        spec["action"] = chaos.action
        if chaos.action == "container-kill" and params.get("container"):
            spec["containerNames"] = [str(params["container"])]
    else:
        spec["action"] = chaos.action.removeprefix("network-")
        spec["direction"] = "to"
        if chaos.action == "network-loss":
            spec["loss"] = {"loss": str(int(float(params.get("loss", 99)))), "correlation": "100"}
        else:
            spec["delay"] = {
                "latency": f"{int(float(params.get('latency_ms', 10000)) / 1000)}s",
                "correlation": "100",
                "jitter": "0ms",
            }
    status = {
        "conditions": [
            {"type": "Selected", "status": "True"},
            {"type": "AllInjected", "status": "True"},
            {"type": "AllRecovered", "status": "False"},
            {"type": "Paused", "status": "False"},
        ],
        "experiment": {"desiredPhase": "Run"},
    }
    return {
        "apiVersion": "chaos-mesh.org/v1alpha1",
        "kind": kind,
        "metadata": {"name": chaos.name, "namespace": chaos.namespace},
        "spec": spec,
        "status": status,
    }


def _finished(twin: Twin, name: str, namespace: str, kind: str) -> None:
    obj = twin.store.get(kind, namespace, name)
    if obj is None:
        return
    for cond in obj["status"]["conditions"]:
        if cond["type"] == "AllRecovered":
            cond["status"] = "True"
    obj["status"]["experiment"]["desiredPhase"] = "Stop"
    twin.store.touch(obj)


@injector("container_kill")
def container_kill(twin: Twin, ns: str, target: str | None, params: dict[str, Any]) -> None:
    """Kill the service's container once; the kubelet restarts it."""
    assert target is not None
    _experiment(twin, "container-kill", ns, target, params)
    container = str(params.get("container", f"hotel-reserv-{target}")).replace("{target}", target)
    for pod in twin.store.list("Pod", ns, _selector(twin, ns, target)):
        rt = twin.controller.runtimes.get(pod["metadata"]["uid"], {}).get(container)
        if rt is not None:
            rt.kill(twin.clock.now(), exit_code=137, reason="Error")
    twin.controller.refresh(force=True)


@injector("pod_failure_hotel_res", "pod_kill_hotel_res")
def pod_failure(twin: Twin, ns: str, target: str | None, params: dict[str, Any]) -> None:
    """Chaos Mesh pod-failure: containers swapped for the pause image until the experiment ends."""
    assert target is not None
    chaos = _experiment(twin, "pod-failure", ns, target, params)
    for pod in twin.store.list("Pod", ns, _selector(twin, ns, target)):
        originals = {}
        annotations = pod["metadata"].setdefault("annotations", {})
        for index, container in enumerate(pod["spec"]["containers"]):
            originals[container["name"]] = container["image"]
            annotations[f"chaos-mesh.org/{chaos.name}-{index}"] = container["image"]
            container["image"] = PAUSE_IMAGE
            rt = twin.controller.runtimes.get(pod["metadata"]["uid"], {}).get(container["name"])
            if rt is not None:
                rt.kill(twin.clock.now(), exit_code=137, reason="Error")
        twin.store.touch(pod)
        twin.schedule(
            chaos.start, chaos.duration_s, _restore_images, pod["metadata"]["uid"], originals
        )
    twin.controller.refresh(force=True)


def _restore_images(twin: Twin, pod_uid: str, originals: dict[str, str]) -> None:
    pod = twin.pod_by_uid(pod_uid)
    if pod is None:
        return
    for container in pod["spec"]["containers"]:
        image = originals.get(container["name"])
        if image and container["image"] != image:
            container["image"] = image
            rt = twin.controller.runtimes.get(pod_uid, {}).get(container["name"])
            if rt is not None:
                rt.kill(twin.clock.now(), exit_code=137, reason="Error")
    annotations = pod["metadata"].get("annotations", {})
    for key in [k for k in annotations if k.startswith("chaos-mesh.org/")]:
        del annotations[key]
    twin.store.touch(pod)


@injector("network_loss_hotel_res")
def network_loss(twin: Twin, ns: str, target: str | None, params: dict[str, Any]) -> None:
    assert target is not None
    _experiment(
        twin, "network-loss", ns, target, {"loss": params.get("loss_percent", 99), **params}
    )


@injector("network_delay_hotel_res")
def network_delay(twin: Twin, ns: str, target: str | None, params: dict[str, Any]) -> None:
    assert target is not None
    _experiment(twin, "network-delay", ns, target, params)


@injector("noop")
def noop(twin: Twin, ns: str, target: str | None, params: dict[str, Any]) -> None:
    """Nothing is injected."""
