"""EndpointSlices (discovery.k8s.io/v1), derived from the Endpoints when read, never stored.

The twin's controller writes Endpoints; a real cluster's EndpointSlice controller
writes the same addresses again as slices, and kubectl 1.32's `describe service`
reads the slices. Deriving them keeps one source of truth: one slice per Endpoints
subset, its endpoints ready or not as the subset lists them, named
`<service>-<5 characters>` (the API server's own `kubernetes` slice keeps its name).
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from aoi.twin.cluster.store import Obj, Store

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"
_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def _suffix(namespace: str, name: str, index: int) -> str:
    digest = int.from_bytes(hashlib.blake2b(f"{namespace}/{name}/{index}".encode()).digest()[:8])
    out = []
    for _ in range(5):
        digest, rem = divmod(digest, len(_ALPHABET))
        out.append(_ALPHABET[rem])
    return "".join(out)


def _endpoint(address: dict[str, Any], ready: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "addresses": [address.get("ip", "")],
        "conditions": {"ready": ready, "serving": ready, "terminating": False},
    }
    if address.get("nodeName"):
        out["nodeName"] = address["nodeName"]
    if address.get("targetRef"):
        out["targetRef"] = dict(address["targetRef"])
    return out


def slices_of(endpoints: Obj, service: Obj | None) -> list[Obj]:
    """The EndpointSlices that mirror one Endpoints object (one per subset; one empty if none)."""
    meta = endpoints["metadata"]
    ns, name = meta["namespace"], meta["name"]
    own = name == "kubernetes" and ns == "default"
    subsets = endpoints.get("subsets") or [{}]
    labels = {
        **(service or endpoints)["metadata"].get("labels", {}),
        MANAGED_BY_LABEL: "endpointslice-controller.k8s.io",
        SERVICE_NAME_LABEL: name,
    }
    labels.pop("endpointslice.kubernetes.io/skip-mirror", None)
    out = []
    for index, subset in enumerate(subsets):
        slice_name = name if own and index == 0 else f"{name}-{_suffix(ns, name, index)}"
        slice_meta: dict[str, Any] = {
            "name": slice_name,
            "namespace": ns,
            "labels": labels,
            "uid": str(uuid.uuid5(uuid.NAMESPACE_OID, f"endpointslice/{ns}/{slice_name}")),
            "resourceVersion": str(meta.get("resourceVersion", "1")),
            "creationTimestamp": meta.get("creationTimestamp"),
        }
        if not own:
            slice_meta["generateName"] = f"{name}-"
        if service is not None:
            slice_meta["ownerReferences"] = [
                {
                    "apiVersion": "v1",
                    "kind": "Service",
                    "name": name,
                    "uid": service["metadata"].get("uid", ""),
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ]
        endpoints_list = [_endpoint(a, True) for a in subset.get("addresses") or []]
        endpoints_list += [_endpoint(a, False) for a in subset.get("notReadyAddresses") or []]
        # a slice port always has a name ("" when the service's port has none): kubectl reads it
        ports = [
            {"name": p.get("name", ""), "port": p.get("port"), "protocol": p.get("protocol", "TCP")}
            for p in subset.get("ports") or []
        ]
        out.append(
            {
                "apiVersion": "discovery.k8s.io/v1",
                "kind": "EndpointSlice",
                "metadata": slice_meta,
                "addressType": "IPv4",
                "endpoints": endpoints_list or None,
                "ports": ports or None,
            }
        )
    return out


def endpoint_slices(store: Store, namespace: str | None, service: str | None = None) -> list[Obj]:
    """The slices in `namespace` (None: all), of one service if named, sorted by name."""
    found: list[Obj] = []
    for ep in store.list("Endpoints", namespace):
        meta = ep["metadata"]
        if service is not None and meta["name"] != service:
            continue
        found.extend(slices_of(ep, store.get("Service", meta["namespace"], meta["name"])))
    found.sort(key=lambda s: (s["metadata"]["namespace"], s["metadata"]["name"]))
    return found


def format_for_port(slices: list[Obj], port_name: str | None) -> str:
    """kubectl describe service's Endpoints line for one port (None: every port).

    As kubectl 1.32 writes it: ready endpoints only, `ip:port` per matching slice
    port, at most three shown and `+ N more...` for the rest, `<none>` without slices.
    """
    if not slices:
        return "<none>"
    shown: list[str] = []
    truncated = False
    count = 0

    def add(target: str, ready: bool) -> None:
        nonlocal truncated, count
        # kubectl notes the list is full before it skips an endpoint that is not ready
        if len(shown) == 3:
            truncated = True
        if not ready:
            return
        if not truncated:
            shown.append(target)
        count += 1

    for item in slices:
        endpoints = item.get("endpoints") or []
        ports = item.get("ports") or []
        if not ports:
            for e in endpoints:
                add(e["addresses"][0], _ready(e))
            continue
        for port in ports:
            if port_name is not None and port.get("name", "") != port_name:
                continue
            for e in endpoints:
                ip = e["addresses"][0]
                host = f"[{ip}]" if ":" in ip else ip
                add(f"{host}:{port.get('port')}", _ready(e))
    text = ",".join(shown)
    return f"{text} + {count - 3} more..." if truncated else text


def _ready(endpoint: Obj) -> bool:
    ready = (endpoint.get("conditions") or {}).get("ready")
    return ready is None or bool(ready)
