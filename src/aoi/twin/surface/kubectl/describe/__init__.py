"""`kubectl describe` output for the kinds the twin holds, laid out as kubectl v1.32 lays it out.

Each describer reads only the object and the store (owned ReplicaSets and pods, matching
events), and takes `now` from the simulated clock for every age it prints.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aoi.twin.cluster.store import Store
from aoi.twin.surface.kubectl.describe.cluster import (
    describe_namespace,
    describe_node,
    describe_persistentvolume,
    describe_persistentvolumeclaim,
    describe_storageclass,
)
from aoi.twin.surface.kubectl.describe.network import (
    describe_configmap,
    describe_endpoints,
    describe_endpointslice,
    describe_generic,
    describe_secret,
    describe_service,
    describe_serviceaccount,
)
from aoi.twin.surface.kubectl.describe.pods import describe_pod
from aoi.twin.surface.kubectl.describe.workloads import (
    describe_daemonset,
    describe_deployment,
    describe_job,
    describe_replicaset,
    describe_statefulset,
)
from aoi.twin.surface.kubectl.describe.writer import Obj

__all__ = ["DESCRIBERS", "describe"]

DESCRIBERS: dict[str, Callable[[Obj, Store, datetime], str]] = {
    "Pod": describe_pod,
    "Deployment": describe_deployment,
    "ReplicaSet": describe_replicaset,
    "StatefulSet": describe_statefulset,
    "DaemonSet": describe_daemonset,
    "Job": describe_job,
    "Service": describe_service,
    "Endpoints": describe_endpoints,
    "EndpointSlice": describe_endpointslice,
    "Node": describe_node,
    "Namespace": describe_namespace,
    "ConfigMap": describe_configmap,
    "Secret": describe_secret,
    "ServiceAccount": describe_serviceaccount,
    "PersistentVolume": describe_persistentvolume,
    "PersistentVolumeClaim": describe_persistentvolumeclaim,
    "StorageClass": describe_storageclass,
}


def describe(obj: Obj, *, store: Store, now: datetime) -> str:
    """`kubectl describe` of one object, with its trailing newline.

    Several objects (`kubectl describe pods`) are separated by two blank lines, as kubectl
    writes "\\n\\n" before every description but the first. Kinds without a describer of their own (Event) get the generic one.
    """
    return DESCRIBERS.get(str(obj.get("kind", "")), describe_generic)(obj, store, now)
