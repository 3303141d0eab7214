"""The small pieces every built object shares: metadata, helm and kubectl bookkeeping, allocations.

Cluster IPs and node ports are allocated from the store as the API server
allocates them (the next free address in the service range, a free port in
30000-32767); the root CA is the kind cluster's, fixed.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from aoi.twin.apps.spec import (
    HelmRelease,
)
from aoi.twin.cluster.store import Obj, Store

KUBE_ROOT_CA_DESCRIPTION = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
    "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
    "guaranteed across distributions of Kubernetes clusters."
)


def object_meta(
    name: str,
    namespace: str | None,
    labels: dict[str, str],
    annotations: dict[str, str] | None = None,
) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if annotations:
        meta["annotations"] = dict(annotations)
    if labels:
        meta["labels"] = dict(labels)
    meta["name"] = name
    if namespace is not None:
        meta["namespace"] = namespace
    return meta


def add_helm_meta(obj: Obj, helm: HelmRelease | None, namespace: str) -> None:
    """What helm stamps on every object it creates, so it can adopt them on upgrade."""
    if helm is None:
        return
    meta = obj["metadata"]
    meta.setdefault("labels", {})["app.kubernetes.io/managed-by"] = "Helm"
    annotations = meta.setdefault("annotations", {})
    annotations["meta.helm.sh/release-name"] = helm.release
    annotations["meta.helm.sh/release-namespace"] = namespace


def set_last_applied(obj: Obj, manifest: Obj) -> None:
    """kubectl apply's record of the manifest it sent (sorted keys, compact, trailing newline)."""
    text = json.dumps(manifest, sort_keys=True, separators=(",", ":")) + "\n"
    obj["metadata"].setdefault("annotations", {})[
        "kubectl.kubernetes.io/last-applied-configuration"
    ] = text


def allocate_cluster_ip(store: Store) -> str:
    used = {s["spec"].get("clusterIP") for s in store.list("Service")}
    # The allocator prefers the upper band of 10.96.0.0/16; the first 256 are for static IPs.
    while True:
        offset = store.rng.randrange(256, 65535)
        ip = f"10.96.{offset >> 8}.{offset & 0xFF}"
        if ip not in used:
            return ip


def allocate_node_port(store: Store) -> int:
    used = {p.get("nodePort") for s in store.list("Service") for p in s["spec"].get("ports", [])}
    while True:
        port = store.rng.randrange(30000, 32768)
        if port not in used:
            return port


def clone(value: Any) -> Any:
    """A deep copy of plain JSON data (several times faster than copy.deepcopy)."""
    return json.loads(json.dumps(value))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def root_ca() -> str:
    """A stable stand-in for the cluster CA certificate (same bytes in every namespace and run)."""
    der = bytes.fromhex("308202")
    counter = 0
    while len(der) < 1000:
        der += hashlib.sha256(f"kind-root-ca:{counter}".encode()).digest()
        counter += 1
    body = base64.b64encode(der[:1000]).decode("ascii")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"
