"""metrics.k8s.io/v1beta1: PodMetrics and NodeMetrics from the twin's usage model (`kubectl top`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aoi.apiserver.errors import not_found
from aoi.twin.cluster.clock import rfc3339
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.resources import ResourceInfo
from aoi.twin.surface.kubectl.selectors import label_matcher
from aoi.twin.surface.kubectl.top import container_usage, node_usage

if TYPE_CHECKING:
    from aoi.twin.core import Twin

WINDOW = "15s"


def _cpu(cores: float) -> str:
    return f"{round(cores * 1e9)}n"


def _memory(value: float) -> str:
    return f"{round(value / 1024)}Ki"


def pod_metrics(twin: Twin, pod: Obj) -> dict[str, Any] | None:
    containers = []
    for c in pod["spec"]["containers"]:
        use = container_usage(twin, pod, c["name"])
        if use is not None:
            containers.append(
                {"name": c["name"], "usage": {"cpu": _cpu(use[0]), "memory": _memory(use[1])}}
            )
    if not containers:
        return None
    meta = pod["metadata"]
    return {
        "kind": "PodMetrics",
        "apiVersion": "metrics.k8s.io/v1beta1",
        "metadata": {
            "name": meta["name"],
            "namespace": meta["namespace"],
            "creationTimestamp": rfc3339(twin.clock.now()),
            "labels": meta.get("labels", {}),
        },
        "timestamp": rfc3339(twin.clock.now()),
        "window": WINDOW,
        "containers": containers,
    }


def node_metrics(twin: Twin, node: Obj) -> dict[str, Any]:
    cpu, memory = node_usage(twin, node)
    meta = node["metadata"]
    return {
        "kind": "NodeMetrics",
        "apiVersion": "metrics.k8s.io/v1beta1",
        "metadata": {
            "name": meta["name"],
            "creationTimestamp": rfc3339(twin.clock.now()),
            "labels": meta.get("labels", {}),
        },
        "timestamp": rfc3339(twin.clock.now()),
        "window": "20.05s",
        "usage": {"cpu": _cpu(cpu), "memory": _memory(memory)},
    }


def metrics(
    twin: Twin, info: ResourceInfo, namespace: str | None, name: str | None, selector: str | None
) -> dict[str, Any]:
    """A PodMetrics/NodeMetrics object or list, as metrics-server answers."""
    matches = label_matcher(selector)
    if info.kind == "NodeMetrics":
        if name is not None:
            node = twin.store.get("Node", None, name)
            if node is None:
                raise not_found("nodes", name, "metrics.k8s.io")
            return node_metrics(twin, node)
        items = [node_metrics(twin, n) for n in twin.store.list("Node") if matches(n)]
        return _list("NodeMetricsList", items)
    if name is not None:
        pod = twin.store.get("Pod", namespace, name)
        found = pod_metrics(twin, pod) if pod is not None else None
        if found is None:
            raise not_found("pods", name, "metrics.k8s.io")
        return found
    pods = [p for p in twin.store.list("Pod", namespace) if matches(p)]
    pod_items = [m for m in (pod_metrics(twin, p) for p in pods) if m is not None]
    return _list("PodMetricsList", pod_items)


def _list(kind: str, items: list[Any]) -> dict[str, Any]:
    return {"kind": kind, "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": items}
