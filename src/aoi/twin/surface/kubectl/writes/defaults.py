"""The API server's defaulting and allocation for objects users write (create, apply, patch).

Defaults are filled the way the real defaulting functions fill them, so that an applied
manifest that equals the live object leaves the pod template (and its hash) unchanged.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from aoi.twin.apps.objects import (
    KUBE_ROOT_CA_DESCRIPTION,
    allocate_cluster_ip,
    allocate_node_port,
    root_ca,
)
from aoi.twin.apps.podtemplate import default_pod_spec
from aoi.twin.cluster.scheduling import api_access_volume, qos_class
from aoi.twin.cluster.store import Obj

if TYPE_CHECKING:
    from aoi.twin.world import World

DEFAULT_STORAGE_CLASS = "standard"


def apply_defaults(twin: World, obj: Obj, *, creating: bool) -> Obj:
    """Fill what the API server fills for `obj` (in place); returns it."""
    kind = obj["kind"]
    spec = obj.get("spec")
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job") and isinstance(
        spec, dict
    ):
        _workload(obj, spec, creating=creating)
    elif kind == "Pod" and isinstance(spec, dict):
        default_pod_spec(spec)
        if creating:
            _pod(obj, spec)
    elif kind == "Service" and isinstance(spec, dict):
        _service(twin, obj, spec)
    elif kind == "Namespace":
        name = obj["metadata"]["name"]
        obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = name
        obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
        obj["status"] = obj.get("status") or {"phase": "Active"}
    elif kind == "PersistentVolume" and isinstance(spec, dict):
        spec.setdefault("persistentVolumeReclaimPolicy", "Retain")
        spec.setdefault("volumeMode", "Filesystem")
        if "hostPath" in spec:
            spec["hostPath"].setdefault("type", "")
        if creating:
            obj["metadata"].setdefault("finalizers", ["kubernetes.io/pv-protection"])
            obj["status"] = {"phase": "Pending" if spec.get("claimRef") else "Available"}
    elif kind == "PersistentVolumeClaim" and isinstance(spec, dict):
        spec.setdefault("volumeMode", "Filesystem")
        if creating:
            if "storageClassName" not in spec:
                # the DefaultStorageClass admission plugin
                spec["storageClassName"] = DEFAULT_STORAGE_CLASS
            obj["metadata"].setdefault("finalizers", ["kubernetes.io/pvc-protection"])
            obj["status"] = {"phase": "Pending"}
    elif kind == "Secret":
        _secret(obj)
    return obj


def _workload(obj: Obj, spec: dict[str, Any], *, creating: bool) -> None:
    kind = obj["kind"]
    template = spec.get("template")
    if isinstance(template, dict) and isinstance(template.get("spec"), dict):
        default_pod_spec(template["spec"])
        if kind == "Job":
            template["spec"].setdefault("restartPolicy", "Never")
    if kind in ("Deployment", "ReplicaSet", "StatefulSet"):
        spec.setdefault("replicas", 1)
    if kind == "Deployment":
        spec.setdefault("progressDeadlineSeconds", 600)
        spec.setdefault("revisionHistoryLimit", 10)
        strategy = spec.setdefault("strategy", {})
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            rolling = strategy.setdefault("rollingUpdate", {})
            rolling.setdefault("maxSurge", "25%")
            rolling.setdefault("maxUnavailable", "25%")
        if creating:
            obj.setdefault("status", {})
    elif kind == "StatefulSet":
        spec.setdefault(
            "persistentVolumeClaimRetentionPolicy",
            {"whenDeleted": "Retain", "whenScaled": "Retain"},
        )
        spec.setdefault("podManagementPolicy", "OrderedReady")
        spec.setdefault("revisionHistoryLimit", 10)
        strategy = spec.setdefault("updateStrategy", {})
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            strategy.setdefault("rollingUpdate", {}).setdefault("partition", 0)
    elif kind == "DaemonSet":
        spec.setdefault("revisionHistoryLimit", 10)
        strategy = spec.setdefault("updateStrategy", {})
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            rolling = strategy.setdefault("rollingUpdate", {})
            rolling.setdefault("maxSurge", 0)
            rolling.setdefault("maxUnavailable", 1)
    elif kind == "Job":
        for key, value in (
            ("backoffLimit", 6),
            ("completionMode", "NonIndexed"),
            ("completions", 1),
            ("manualSelector", False),
            ("parallelism", 1),
            ("podReplacementPolicy", "TerminatingOrFailed"),
            ("suspend", False),
        ):
            spec.setdefault(key, value)
    ordered = {k: spec[k] for k in sorted(spec)}
    spec.clear()
    spec.update(ordered)


def _pod(obj: Obj, spec: dict[str, Any]) -> None:
    """What admission adds to a pod created directly (the controller adds it to the ones it makes)."""
    spec.setdefault("serviceAccountName", "default")
    spec["serviceAccount"] = spec["serviceAccountName"]
    spec.setdefault("enableServiceLinks", True)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    spec.setdefault("priority", 0)
    tolerations = spec.setdefault("tolerations", [])
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        if not any(t.get("key") == key for t in tolerations):
            tolerations.append(
                {"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
            )
    token = f"kube-api-access-{obj['metadata']['name'][-5:]}"
    spec.setdefault("volumes", []).append(api_access_volume(token))
    for container in spec.get("containers", []):
        container.setdefault("volumeMounts", []).append(
            {
                "name": token,
                "readOnly": True,
                "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
            }
        )
    obj["status"] = {"phase": "Pending", "qosClass": qos_class(spec)}


def _service(twin: World, obj: Obj, spec: dict[str, Any]) -> None:
    kind = spec.setdefault("type", "ClusterIP")
    if kind != "ExternalName":
        if not spec.get("clusterIP"):
            ip = allocate_cluster_ip(twin.store)
            spec["clusterIP"] = ip
            spec["clusterIPs"] = [ip]
        spec.setdefault("clusterIPs", [spec["clusterIP"]])
        spec.setdefault("internalTrafficPolicy", "Cluster")
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
    if kind in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    for port in spec.get("ports", []) or []:
        if not isinstance(port, dict):
            continue
        port.setdefault("protocol", "TCP")
        if "port" in port and port.get("targetPort") in (None, 0):
            port["targetPort"] = port["port"]
        if kind in ("NodePort", "LoadBalancer") and not port.get("nodePort"):
            port["nodePort"] = allocate_node_port(twin.store)
        if kind == "ClusterIP":
            port.pop("nodePort", None)
    spec.setdefault("sessionAffinity", "None")
    ordered = {k: spec[k] for k in sorted(spec)}
    spec.clear()
    spec.update(ordered)
    obj.setdefault("status", {"loadBalancer": {}})


def _secret(obj: Obj) -> None:
    obj.setdefault("type", "Opaque")
    string_data = obj.pop("stringData", None)
    if isinstance(string_data, dict):
        data = obj.setdefault("data", {})
        for key, value in string_data.items():
            data[key] = base64.b64encode(str(value).encode()).decode("ascii")


def namespace_companions(twin: World, namespace: str, created: str) -> None:
    """What the namespace controllers add to a new namespace: the root CA and the default account."""
    store = twin.store
    if store.get("ConfigMap", namespace, "kube-root-ca.crt") is None:
        store.add(
            {
                "kind": "ConfigMap",
                "metadata": {
                    "annotations": {"kubernetes.io/description": KUBE_ROOT_CA_DESCRIPTION},
                    "name": "kube-root-ca.crt",
                    "namespace": namespace,
                },
                "data": {"ca.crt": root_ca()},
            },
            created=created,
        )
    if store.get("ServiceAccount", namespace, "default") is None:
        store.add(
            {"kind": "ServiceAccount", "metadata": {"name": "default", "namespace": namespace}},
            created=created,
        )
