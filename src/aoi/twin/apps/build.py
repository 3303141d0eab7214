"""Turn the cluster and application specs into Kubernetes objects in the store.

Objects come out as the API server returns them after admission and defaulting
(`kubectl get -o json`): defaults filled, helm and kubectl bookkeeping present,
cluster IPs allocated. Workload status is left empty; ReplicaSets, Pods,
Endpoints and Events are the controller's to derive.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

from aoi.twin.apps.helmrecord import helm_release_secret
from aoi.twin.apps.objects import (
    KUBE_ROOT_CA_DESCRIPTION,
    add_helm_meta,
    allocate_cluster_ip,
    allocate_node_port,
    b64,
    clone,
    object_meta,
    root_ca,
    set_last_applied,
)
from aoi.twin.apps.podtemplate import default_pod_spec, pod_template
from aoi.twin.apps.spec import (
    App,
    Cluster,
    Component,
    ConfigMapSpec,
    HelmRelease,
    InfraNamespace,
    NodeSpec,
    ServiceDef,
)
from aoi.twin.cluster.clock import parse_rfc3339
from aoi.twin.cluster.store import Obj, Store

# --- public API ------------------------------------------------------------------------


def build_cluster(store: Store, cluster: Cluster, *, created: str) -> None:
    """Nodes, platform namespaces and what runs in them, the default StorageClass and API Service."""
    for ns in cluster.namespaces:
        _namespace(store, ns.name, created, ns.labels)
    for node in cluster.nodes:
        store.add(_node(store, node, created), created=created)
    store.add(_storage_class(), created=created)
    _api_service(store, cluster, created)
    for ns in cluster.namespaces:
        _infra_namespace(store, cluster, ns, created)


def build_app(store: Store, app: App, *, created: str) -> None:
    """The application's namespace, configuration, storage, Services and workloads (no Pods)."""
    ns = app.namespace
    _namespace(store, ns, created, {})
    helm = app.helm if app.deploy == "helm" else None
    kubectl = app.deploy == "kubectl"
    for cm in app.configmaps:
        store.add(_configmap(cm, ns, helm), created=created)
    for secret in app.secrets:
        data = {k: b64(v.encode()) for k, v in secret.string_data.items()}
        obj: Obj = {"kind": "Secret", "metadata": object_meta(secret.name, ns, secret.labels)}
        obj["data"], obj["type"] = data, secret.type
        store.add(obj, created=created)
    if helm is not None:
        store.add(helm_release_secret(helm, ns, created), created=created)
    for vol in app.volumes:
        _bind_volume(store, app, vol.name, created, applied=kubectl)
    _components(store, ns, app.components, helm, created, applied=kubectl)


# --- cluster-level objects ------------------------------------------------------------------


def _namespace(store: Store, name: str, created: str, labels: dict[str, str]) -> None:
    if store.get("Namespace", None, name) is not None:
        return
    meta = object_meta(name, None, {"kubernetes.io/metadata.name": name, **labels})
    obj: Obj = {"kind": "Namespace", "metadata": meta}
    obj["spec"] = {"finalizers": ["kubernetes"]}
    obj["status"] = {"phase": "Active"}
    store.add(obj, created=created)
    ca: Obj = {
        "kind": "ConfigMap",
        "metadata": object_meta(
            "kube-root-ca.crt", name, {}, {"kubernetes.io/description": KUBE_ROOT_CA_DESCRIPTION}
        ),
        "data": {"ca.crt": root_ca()},
    }
    store.add(ca, created=created)
    _service_account(store, "default", name, created)


def _service_account(
    store: Store, name: str, namespace: str, created: str, helm: HelmRelease | None = None
) -> None:
    if store.get("ServiceAccount", namespace, name) is None:
        obj: Obj = {"kind": "ServiceAccount", "metadata": object_meta(name, namespace, {})}
        add_helm_meta(obj, helm, namespace)
        store.add(obj, created=created)


def _node(store: Store, node: NodeSpec, created: str) -> Obj:
    conditions = [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ]
    spec: dict[str, Any] = {
        "podCIDR": node.pod_cidr,
        "podCIDRs": [node.pod_cidr],
        "providerID": f"kind://docker/kind/{node.name}",
    }
    if node.taints:
        spec["taints"] = [dict(t) for t in node.taints]
    status: dict[str, Any] = {
        "addresses": [
            {"address": node.internal_ip, "type": "InternalIP"},
            {"address": node.name, "type": "Hostname"},
        ],
        "allocatable": dict(node.allocatable),
        "capacity": dict(node.capacity),
        "conditions": [
            {
                "lastHeartbeatTime": created,
                "lastTransitionTime": created,
                "message": message,
                "reason": reason,
                "status": value,
                "type": kind,
            }
            for kind, value, reason, message in conditions
        ],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        "nodeInfo": {
            "architecture": node.architecture,
            "bootID": store.new_uid(),
            "containerRuntimeVersion": node.container_runtime,
            "kernelVersion": node.kernel_version,
            "kubeProxyVersion": "",
            "kubeletVersion": node.kubelet_version,
            "machineID": f"{store.rng.getrandbits(128):032x}",
            "operatingSystem": "linux",
            "osImage": node.os_image,
            "systemUUID": store.new_uid(),
        },
    }
    if node.images:
        status["images"] = [dict(i) for i in node.images]
    meta = object_meta(node.name, None, dict(node.labels), dict(node.annotations))
    return {"kind": "Node", "metadata": meta, "spec": spec, "status": status}


def _storage_class() -> Obj:
    meta = object_meta(
        "standard", None, {}, {"storageclass.kubernetes.io/is-default-class": "true"}
    )
    return {
        "kind": "StorageClass",
        "metadata": meta,
        "provisioner": "rancher.io/local-path",
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
    }


def _api_service(store: Store, cluster: Cluster, created: str) -> None:
    """`default/kubernetes`: the API server's Service and its hand-made Endpoints."""
    network = ipaddress.ip_network(cluster.service_cidr)
    control = next(n for n in cluster.nodes if n.role == "control-plane")
    ip = str(network.network_address + 1)
    port = {"name": "https", "port": 443, "protocol": "TCP", "targetPort": cluster.api_server_port}
    svc: Obj = {
        "kind": "Service",
        "metadata": object_meta(
            "kubernetes", "default", {"component": "apiserver", "provider": "kubernetes"}
        ),
        "spec": {
            "clusterIP": ip,
            "clusterIPs": [ip],
            "internalTrafficPolicy": "Cluster",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": [port],
            "sessionAffinity": "None",
            "type": "ClusterIP",
        },
        "status": {"loadBalancer": {}},
    }
    store.add(svc, created=created)
    endpoints: Obj = {
        "kind": "Endpoints",
        "metadata": object_meta(
            "kubernetes", "default", {"endpointslice.kubernetes.io/skip-mirror": "true"}
        ),
        "subsets": [
            {
                "addresses": [{"ip": control.internal_ip}],
                "ports": [{"name": "https", "port": cluster.api_server_port, "protocol": "TCP"}],
            }
        ],
    }
    store.add(endpoints, created=created)


def _infra_namespace(store: Store, cluster: Cluster, ns: InfraNamespace, created: str) -> None:
    for cm in ns.configmaps:
        store.add(_configmap(cm, ns.name, ns.helm), created=created)
    if ns.helm is not None:
        store.add(helm_release_secret(ns.helm, ns.name, created), created=created)
    workloads = [c for c in ns.components if c.workload != "StaticPod"]
    _components(store, ns.name, workloads, ns.helm, created, applied=False)


# --- application objects ---------------------------------------------------------------------


def _configmap(cm: ConfigMapSpec, namespace: str, helm: HelmRelease | None) -> Obj:
    obj: Obj = {
        "kind": "ConfigMap",
        "metadata": object_meta(cm.name, namespace, cm.labels, cm.annotations),
    }
    obj["data"] = dict(cm.data)
    add_helm_meta(obj, helm, namespace)
    return obj


def _bind_volume(store: Store, app: App, pv_name: str, created: str, *, applied: bool) -> None:
    vol = next(v for v in app.volumes if v.name == pv_name)
    ns = app.namespace
    claim_manifest: Obj = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": vol.claim, "namespace": ns},
        "spec": {
            "accessModes": list(vol.access_modes),
            "resources": {"requests": {"storage": vol.capacity}},
            "storageClassName": vol.storage_class,
        },
    }
    claim = clone(claim_manifest)
    claim["metadata"]["annotations"] = {
        "pv.kubernetes.io/bind-completed": "yes",
        "pv.kubernetes.io/bound-by-controller": "yes",
    }
    claim["metadata"]["finalizers"] = ["kubernetes.io/pvc-protection"]
    claim["spec"]["volumeMode"] = "Filesystem"
    claim["spec"]["volumeName"] = vol.name
    claim["status"] = {
        "accessModes": list(vol.access_modes),
        "capacity": {"storage": vol.capacity},
        "phase": "Bound",
    }
    if applied:
        set_last_applied(claim, claim_manifest)
    store.add(claim, created=created)

    host_path: dict[str, str] = {"path": vol.host_path}
    host_path["type"] = vol.host_path_type or ""
    pv_manifest: Obj = {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": vol.name},
        "spec": {
            "accessModes": list(vol.access_modes),
            "capacity": {"storage": vol.capacity},
            "hostPath": {
                "path": vol.host_path,
                **({"type": vol.host_path_type} if vol.host_path_type else {}),
            },
            "persistentVolumeReclaimPolicy": vol.reclaim_policy,
            "storageClassName": vol.storage_class,
            "volumeMode": "Filesystem",
        },
    }
    pv = clone(pv_manifest)
    pv["metadata"]["annotations"] = {"pv.kubernetes.io/bound-by-controller": "yes"}
    pv["metadata"]["finalizers"] = ["kubernetes.io/pv-protection"]
    pv["spec"]["hostPath"] = host_path
    pv["spec"]["claimRef"] = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "name": vol.claim,
        "namespace": ns,
        "resourceVersion": claim["metadata"]["resourceVersion"],
        "uid": claim["metadata"]["uid"],
    }
    if vol.node_affinity_host:
        pv["spec"]["nodeAffinity"] = {
            "required": {
                "nodeSelectorTerms": [
                    {
                        "matchExpressions": [
                            {
                                "key": "kubernetes.io/hostname",
                                "operator": "In",
                                "values": [vol.node_affinity_host],
                            }
                        ]
                    }
                ]
            }
        }
    pv["status"] = {"lastPhaseTransitionTime": created, "phase": "Bound"}
    if applied:
        set_last_applied(pv, pv_manifest)
    store.add(pv, created=created)


def _components(
    store: Store,
    namespace: str,
    components: list[Component],
    helm: HelmRelease | None,
    created: str,
    *,
    applied: bool,
) -> None:
    for comp in components:
        if comp.service_account:
            _service_account(store, comp.service_account, namespace, created, helm)
    for comp in components:
        for svc in comp.services():
            store.add(_service(store, comp, svc, namespace, helm, applied), created=created)
    for comp in components:
        store.add(_workload(store, comp, namespace, helm, created, applied), created=created)


def _service(
    store: Store,
    comp: Component,
    svc: ServiceDef,
    namespace: str,
    helm: HelmRelease | None,
    applied: bool,
) -> Obj:
    name = svc.name or comp.name
    labels = dict(comp.labels) if svc.labels is None else dict(svc.labels)
    selector = dict(comp.selector) if svc.selector is None else dict(svc.selector)
    ports: list[dict[str, Any]] = []
    for port in svc.ports:
        entry: dict[str, Any] = {}
        if port.name is not None:
            entry["name"] = port.name
        entry["port"] = port.port
        if port.protocol != "TCP":
            entry["protocol"] = port.protocol
        if port.target_port is not None:
            entry["targetPort"] = port.target_port
        if port.node_port is not None:
            entry["nodePort"] = port.node_port
        ports.append(entry)
    spec: dict[str, Any] = {}
    if svc.type != "ClusterIP":
        spec["type"] = svc.type
    spec["ports"] = ports
    spec["selector"] = selector
    manifest: Obj = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"labels": labels, "name": name, "namespace": namespace},
        "spec": spec,
    }
    if svc.annotations:
        manifest["metadata"]["annotations"] = dict(svc.annotations)
    if comp.annotations and applied:
        manifest["metadata"]["annotations"] = {**comp.annotations, **svc.annotations}

    obj = clone(manifest)
    ip = svc.cluster_ip or allocate_cluster_ip(store)
    full = obj["spec"]
    full["clusterIP"] = ip
    full["clusterIPs"] = [ip]
    if svc.type == "NodePort":
        full["externalTrafficPolicy"] = "Cluster"
    full["internalTrafficPolicy"] = "Cluster"
    full["ipFamilies"] = ["IPv4"]
    full["ipFamilyPolicy"] = "SingleStack"
    for entry in full["ports"]:
        entry.setdefault("protocol", "TCP")
        entry.setdefault("targetPort", entry["port"])
        if svc.type == "NodePort":
            entry.setdefault("nodePort", allocate_node_port(store))
    full["sessionAffinity"] = "None"
    full["type"] = svc.type
    obj["spec"] = {k: full[k] for k in sorted(full)}
    obj["status"] = {"loadBalancer": {}}
    if applied:
        set_last_applied(obj, manifest)
    add_helm_meta(obj, helm, namespace)
    return obj


def _workload(
    store: Store,
    comp: Component,
    namespace: str,
    helm: HelmRelease | None,
    created: str,
    applied: bool,
) -> Obj:
    template = pod_template(comp)
    labels = dict(comp.labels or comp.pod_labels)
    meta: dict[str, Any] = {"labels": labels, "name": comp.name, "namespace": namespace}
    if comp.annotations:
        meta["annotations"] = dict(comp.annotations)
    spec: dict[str, Any] = {}
    kind = comp.workload
    if kind in ("Deployment", "StatefulSet"):
        spec["replicas"] = comp.replicas
    if kind != "Job":
        spec["selector"] = {"matchLabels": dict(comp.selector)}
    if kind == "StatefulSet":
        spec["serviceName"] = comp.service_name or comp.name
    if kind == "Deployment" and comp.strategy == "Recreate":
        spec["strategy"] = {"type": "Recreate"}
    if kind == "Job" and comp.backoff_limit is not None:
        spec["backoffLimit"] = comp.backoff_limit
    spec["template"] = template
    api = "batch/v1" if kind == "Job" else "apps/v1"
    manifest: Obj = {"apiVersion": api, "kind": kind, "metadata": meta, "spec": spec}

    obj = clone(manifest)
    default_pod_spec(obj["spec"]["template"]["spec"])
    annotations = obj["metadata"].setdefault("annotations", {})
    full = obj["spec"]
    if kind == "Deployment":
        annotations["deployment.kubernetes.io/revision"] = "1"
        full["progressDeadlineSeconds"] = 600
        full["revisionHistoryLimit"] = 10
        if comp.strategy == "RollingUpdate":
            full["strategy"] = {
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
                "type": "RollingUpdate",
            }
        obj["status"] = {}
    elif kind == "StatefulSet":
        full["persistentVolumeClaimRetentionPolicy"] = {
            "whenDeleted": "Retain",
            "whenScaled": "Retain",
        }
        full["podManagementPolicy"] = "OrderedReady"
        full["revisionHistoryLimit"] = 10
        full["updateStrategy"] = {"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"}
        obj["status"] = {"availableReplicas": 0, "replicas": 0}
    elif kind == "DaemonSet":
        annotations["deprecated.daemonset.template.generation"] = "1"
        full["revisionHistoryLimit"] = 10
        full["updateStrategy"] = {
            "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1},
            "type": "RollingUpdate",
        }
        obj["status"] = {
            "currentNumberScheduled": 0,
            "desiredNumberScheduled": 0,
            "numberMisscheduled": 0,
            "numberReady": 0,
        }
    elif kind == "Job":
        _complete_job(store, obj, comp, created)
    obj["spec"] = {k: full[k] for k in sorted(full)}
    if not annotations:
        del obj["metadata"]["annotations"]
    if applied:
        set_last_applied(obj, manifest)
    add_helm_meta(obj, helm, namespace)
    return obj


def _complete_job(store: Store, obj: Obj, comp: Component, created: str) -> None:
    """A Job that already ran to completion, as the load generator's job has."""
    uid = store.new_uid()
    obj["metadata"]["uid"] = uid
    spec = obj["spec"]
    spec.setdefault("backoffLimit", 6)
    spec["completionMode"] = "NonIndexed"
    spec["completions"] = 1
    spec["manualSelector"] = False
    spec["parallelism"] = 1
    spec["podReplacementPolicy"] = "TerminatedOrFailed"
    spec["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    spec["suspend"] = False
    spec["template"]["metadata"]["labels"] = {
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": comp.name,
        "controller-uid": uid,
        "job-name": comp.name,
        **spec["template"]["metadata"].get("labels", {}),
    }
    start = parse_rfc3339(created)
    done = (start + timedelta(seconds=14)).strftime("%Y-%m-%dT%H:%M:%SZ")
    condition = {"lastProbeTime": done, "lastTransitionTime": done, "status": "True"}
    obj["status"] = {
        "completionTime": done,
        "conditions": [
            {
                **condition,
                "message": "Reached expected number of succeeded pods",
                "reason": "CompletionsReached",
                "type": "SuccessCriteriaMet",
            },
            {
                **condition,
                "message": "Reached expected number of succeeded pods",
                "reason": "CompletionsReached",
                "type": "Complete",
            },
        ],
        "ready": 0,
        "startTime": created,
        "succeeded": 1,
        "terminating": 0,
        "uncountedTerminatedPods": {},
    }
