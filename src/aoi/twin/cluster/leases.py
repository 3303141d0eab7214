"""The kubelets' Leases in `kube-node-lease`: derived from the nodes when read, never stored.

Every kubelet renews a Lease named after its node about every 10 s; a Ready node's
lease was renewed just now, a node that stopped reporting keeps the time of its
last heartbeat. Storing them would bump resource versions on every tick for
nothing an agent could see, so readers (describe node, `get leases`, the API
server) build them on demand from the Node with `node_lease`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from aoi.twin.cluster.clock import rfc3339
from aoi.twin.cluster.store import Obj, Store

LEASE_NAMESPACE = "kube-node-lease"
LEASE_DURATION_S = 40


def renew_time(node: Obj, now: datetime) -> str:
    """When the node's kubelet last renewed its lease, as a MicroTime (`...T09:00:00.000000Z`)."""
    conditions: list[dict[str, Any]] = node.get("status", {}).get("conditions") or []
    ready = next((c for c in conditions if c.get("type") == "Ready"), {})
    if ready.get("status") != "True" and ready.get("lastHeartbeatTime"):
        stamp = str(ready["lastHeartbeatTime"])
    else:
        stamp = rfc3339(now)
    return stamp.replace("Z", ".000000Z")


def node_lease(node: Obj, now: datetime) -> Obj:
    """The Lease the node's kubelet holds, as the API server returns it."""
    meta = node["metadata"]
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {
            "name": meta["name"],
            "namespace": LEASE_NAMESPACE,
            "uid": str(uuid.uuid5(uuid.NAMESPACE_OID, f"lease/{meta.get('uid', meta['name'])}")),
            "resourceVersion": str(meta.get("resourceVersion", "1")),
            "creationTimestamp": meta.get("creationTimestamp"),
            "ownerReferences": [
                {
                    "apiVersion": "v1",
                    "kind": "Node",
                    "name": meta["name"],
                    "uid": meta.get("uid", ""),
                }
            ],
        },
        "spec": {
            "holderIdentity": meta["name"],
            "leaseDurationSeconds": LEASE_DURATION_S,
            "renewTime": renew_time(node, now),
        },
    }


def node_leases(store: Store, namespace: str | None, now: datetime) -> list[Obj]:
    """The Leases in `namespace` (None: all namespaces), sorted by name as a list is."""
    if namespace not in (None, LEASE_NAMESPACE):
        return []
    return [node_lease(node, now) for node in store.list("Node")]
