"""Turn the cluster and application specs into Kubernetes objects in the store.

Objects come out as the API server returns them after admission and defaulting
(`kubectl get -o json`): defaults filled, helm and kubectl bookkeeping present,
cluster IPs allocated. Workload status is left empty; ReplicaSets, Pods,
Endpoints and Events are the controller's to derive.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import ipaddress
import json
from datetime import timedelta
from typing import Any

from aoi.twin.apps.spec import (
    App,
    Cluster,
    Component,
    ConfigMapSpec,
    ContainerSpec,
    EnvVar,
    HelmRelease,
    InfraNamespace,
    Mount,
    NodeSpec,
    ServiceDef,
)
from aoi.twin.cluster.clock import parse_rfc3339
from aoi.twin.cluster.store import Obj, Store

KUBE_ROOT_CA_DESCRIPTION = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
    "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
    "guaranteed across distributions of Kubernetes clusters."
)
HELM_RELEASE_TYPE = "helm.sh/release.v1"


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
        data = {k: _b64(v.encode()) for k, v in secret.string_data.items()}
        obj: Obj = {"kind": "Secret", "metadata": _meta(secret.name, ns, secret.labels)}
        obj["data"], obj["type"] = data, secret.type
        store.add(obj, created=created)
    if helm is not None:
        store.add(helm_release_secret(helm, ns, created), created=created)
    for vol in app.volumes:
        _bind_volume(store, app, vol.name, created, applied=kubectl)
    _components(store, ns, app.components, helm, created, applied=kubectl)


# --- helm bookkeeping ---------------------------------------------------------------------


def helm_release_payload(release: HelmRelease, namespace: str, created: str) -> dict[str, Any]:
    """The release record helm stores (what `helm get values`, `history` and `status` read)."""
    moment = parse_rfc3339(created).strftime("%Y-%m-%dT%H:%M:%S.000000000Z")
    return {
        "name": release.release,
        "info": {
            "first_deployed": moment,
            "last_deployed": moment,
            "deleted": "",
            "description": release.description,
            "status": release.status,
        },
        "chart": {
            "metadata": {
                "name": release.chart,
                "version": release.chart_version,
                "appVersion": release.app_version,
                "apiVersion": "v2",
                "type": "application",
            },
            "lock": None,
            "templates": [],
            "values": {},
            "schema": None,
            "files": [],
        },
        "config": release.values,
        "manifest": "",
        "version": release.revision,
        "namespace": namespace,
    }


def helm_release_secret(release: HelmRelease, namespace: str, created: str) -> Obj:
    """`sh.helm.release.v1.<release>.v<N>`: helm's storage driver record, encoded as helm encodes it."""
    payload = helm_release_payload(release, namespace, created)
    raw = json.dumps(payload, separators=(",", ":")).encode()
    packed = base64.b64encode(gzip.compress(raw, mtime=0))
    modified = int(parse_rfc3339(created).timestamp())
    labels = {
        "modifiedAt": str(modified),
        "name": release.release,
        "owner": "helm",
        "status": release.status,
        "version": str(release.revision),
    }
    name = f"sh.helm.release.v1.{release.release}.v{release.revision}"
    return {
        "kind": "Secret",
        "metadata": _meta(name, namespace, labels),
        "data": {"release": _b64(packed)},
        "type": HELM_RELEASE_TYPE,
    }


def decode_helm_release(secret: Obj) -> dict[str, Any]:
    """The release record inside a helm release Secret."""
    packed = base64.b64decode(secret["data"]["release"])
    data: dict[str, Any] = json.loads(gzip.decompress(base64.b64decode(packed)))
    return data


# --- cluster-level objects ------------------------------------------------------------------


def _namespace(store: Store, name: str, created: str, labels: dict[str, str]) -> None:
    if store.get("Namespace", None, name) is not None:
        return
    meta = _meta(name, None, {"kubernetes.io/metadata.name": name, **labels})
    obj: Obj = {"kind": "Namespace", "metadata": meta}
    obj["spec"] = {"finalizers": ["kubernetes"]}
    obj["status"] = {"phase": "Active"}
    store.add(obj, created=created)
    ca: Obj = {
        "kind": "ConfigMap",
        "metadata": _meta(
            "kube-root-ca.crt", name, {}, {"kubernetes.io/description": KUBE_ROOT_CA_DESCRIPTION}
        ),
        "data": {"ca.crt": _root_ca()},
    }
    store.add(ca, created=created)
    _service_account(store, "default", name, created)


def _service_account(
    store: Store, name: str, namespace: str, created: str, helm: HelmRelease | None = None
) -> None:
    if store.get("ServiceAccount", namespace, name) is None:
        obj: Obj = {"kind": "ServiceAccount", "metadata": _meta(name, namespace, {})}
        _helm_meta(obj, helm, namespace)
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
    meta = _meta(node.name, None, dict(node.labels), dict(node.annotations))
    return {"kind": "Node", "metadata": meta, "spec": spec, "status": status}


def _storage_class() -> Obj:
    meta = _meta("standard", None, {}, {"storageclass.kubernetes.io/is-default-class": "true"})
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
        "metadata": _meta(
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
        "metadata": _meta(
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
        "metadata": _meta(cm.name, namespace, cm.labels, cm.annotations),
    }
    obj["data"] = dict(cm.data)
    _helm_meta(obj, helm, namespace)
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
    claim = _clone(claim_manifest)
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
        _last_applied(claim, claim_manifest)
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
    pv = _clone(pv_manifest)
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
        _last_applied(pv, pv_manifest)
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

    obj = _clone(manifest)
    ip = svc.cluster_ip or _allocate_cluster_ip(store)
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
            entry.setdefault("nodePort", _allocate_node_port(store))
    full["sessionAffinity"] = "None"
    full["type"] = svc.type
    obj["spec"] = {k: full[k] for k in sorted(full)}
    obj["status"] = {"loadBalancer": {}}
    if applied:
        _last_applied(obj, manifest)
    _helm_meta(obj, helm, namespace)
    return obj


def _workload(
    store: Store,
    comp: Component,
    namespace: str,
    helm: HelmRelease | None,
    created: str,
    applied: bool,
) -> Obj:
    template = _pod_template(comp)
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

    obj = _clone(manifest)
    _default_pod_spec(obj["spec"]["template"]["spec"])
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
        _last_applied(obj, manifest)
    _helm_meta(obj, helm, namespace)
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


# --- pod templates ---------------------------------------------------------------------------


def _pod_template(comp: Component) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if comp.pod_annotations:
        meta["annotations"] = dict(comp.pod_annotations)
    meta["labels"] = dict(comp.pod_labels)
    main = ContainerSpec(
        name=comp.container,
        image=comp.image,
        image_pull_policy=comp.image_pull_policy,
        command=comp.command,
        args=comp.args,
        env=comp.env,
        container_ports=comp.container_ports,
        resources=comp.resources,
        volume_mounts=comp.volume_mounts,
        security_context=comp.security_context,
    )
    containers = [main, *comp.sidecars]
    main_dict = _container(main)
    if comp.readiness_probe is not None:
        main_dict["readinessProbe"] = _clone(comp.readiness_probe)
    if comp.liveness_probe is not None:
        main_dict["livenessProbe"] = _clone(comp.liveness_probe)
    spec: dict[str, Any] = {"containers": [main_dict, *(_container(s) for s in comp.sidecars)]}
    if comp.init_containers:
        spec["initContainers"] = [_container(c) for c in comp.init_containers]
    if comp.dns_policy != "ClusterFirst":
        spec["dnsPolicy"] = comp.dns_policy
    if comp.hostname:
        spec["hostname"] = comp.hostname
    if comp.host_network:
        spec["hostNetwork"] = True
    if comp.node_selector:
        spec["nodeSelector"] = dict(comp.node_selector)
    if comp.priority_class:
        spec["priorityClassName"] = comp.priority_class
    if comp.restart_policy != "Always":
        spec["restartPolicy"] = comp.restart_policy
    if comp.service_account:
        spec["serviceAccountName"] = comp.service_account
    if comp.tolerations:
        spec["tolerations"] = [dict(t) for t in comp.tolerations]
    volumes = _volumes([m for c in [*containers, *comp.init_containers] for m in c.volume_mounts])
    if volumes:
        spec["volumes"] = volumes
    return {"metadata": meta, "spec": spec}


def _container(spec: ContainerSpec) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if spec.args:
        out["args"] = list(spec.args)
    if spec.command:
        out["command"] = list(spec.command)
    if spec.env:
        out["env"] = [_env(e) for e in spec.env]
    out["image"] = spec.image
    if spec.image_pull_policy:
        out["imagePullPolicy"] = spec.image_pull_policy
    out["name"] = spec.name
    if spec.container_ports:
        ports = []
        for p in spec.container_ports:
            entry: dict[str, Any] = {"containerPort": p.container_port}
            if p.name:
                entry["name"] = p.name
            if p.protocol != "TCP":
                entry["protocol"] = p.protocol
            ports.append(entry)
        out["ports"] = ports
    if spec.resources:
        out["resources"] = {k: dict(v) for k, v in spec.resources.items()}
    if spec.security_context is not None:
        out["securityContext"] = _clone(spec.security_context)
    if spec.volume_mounts:
        out["volumeMounts"] = [_mount(m) for m in spec.volume_mounts]
    return out


def _env(var: EnvVar) -> dict[str, Any]:
    if var.value_from_secret is not None:
        ref = {"key": var.value_from_secret.key, "name": var.value_from_secret.name}
        return {"name": var.name, "valueFrom": {"secretKeyRef": ref}}
    if var.value_from_configmap is not None:
        ref = {"key": var.value_from_configmap.key, "name": var.value_from_configmap.name}
        return {"name": var.name, "valueFrom": {"configMapKeyRef": ref}}
    if var.field_path is not None:
        return {"name": var.name, "valueFrom": {"fieldRef": {"fieldPath": var.field_path}}}
    return {"name": var.name, "value": var.value or ""}


def _mount(mount: Mount) -> dict[str, Any]:
    out: dict[str, Any] = {"mountPath": mount.mount_path, "name": mount.name}
    if mount.read_only:
        out["readOnly"] = True
    if mount.sub_path:
        out["subPath"] = mount.sub_path
    return out


def _volumes(mounts: list[Mount]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for m in mounts:
        if m.name in seen:
            continue
        if m.source == "pvc":
            seen[m.name] = {"name": m.name, "persistentVolumeClaim": {"claimName": m.ref or m.name}}
        elif m.source == "configMap":
            seen[m.name] = {"configMap": {"name": m.ref or m.name}, "name": m.name}
        elif m.source == "secret":
            seen[m.name] = {"name": m.name, "secret": {"secretName": m.ref or m.name}}
        elif m.source == "hostPath":
            host: dict[str, str] = {"path": m.ref or m.mount_path}
            if m.host_path_type:
                host["type"] = m.host_path_type
            seen[m.name] = {"hostPath": host, "name": m.name}
        else:
            seen[m.name] = {"emptyDir": {}, "name": m.name}
    return list(seen.values())


def _default_pod_spec(spec: dict[str, Any]) -> None:
    """The API server's defaults for a pod spec, filled in place."""
    for key in ("initContainers", "containers"):
        for container in spec.get(key, []):
            _default_container(container)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("securityContext", {})
    if "serviceAccountName" in spec:
        spec["serviceAccount"] = spec["serviceAccountName"]
    spec.setdefault("terminationGracePeriodSeconds", 30)
    for volume in spec.get("volumes", []):
        if "configMap" in volume:
            volume["configMap"].setdefault("defaultMode", 420)
        if "secret" in volume:
            volume["secret"].setdefault("defaultMode", 420)
        if "hostPath" in volume:
            volume["hostPath"].setdefault("type", "")
    ordered = {k: spec[k] for k in sorted(spec)}
    spec.clear()
    spec.update(ordered)


def _default_container(container: dict[str, Any]) -> None:
    if "imagePullPolicy" not in container:
        container["imagePullPolicy"] = _pull_policy(str(container.get("image", "")))
    container.setdefault("resources", {})
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    for port in container.get("ports", []):
        port.setdefault("protocol", "TCP")
    for var in container.get("env", []):
        field = var.get("valueFrom", {}).get("fieldRef")
        if field is not None:
            field.setdefault("apiVersion", "v1")
    for key in ("readinessProbe", "livenessProbe", "startupProbe"):
        probe = container.get(key)
        if probe is None:
            continue
        probe.setdefault("failureThreshold", 3)
        probe.setdefault("periodSeconds", 10)
        probe.setdefault("successThreshold", 1)
        probe.setdefault("timeoutSeconds", 1)
        if "httpGet" in probe:
            probe["httpGet"].setdefault("scheme", "HTTP")
    ordered = {k: container[k] for k in sorted(container)}
    container.clear()
    container.update(ordered)


def _pull_policy(image: str) -> str:
    """Kubernetes' default: Always for `:latest` or no tag, else IfNotPresent."""
    ref = image.split("@", 1)[0]
    if "@" in image:
        return "IfNotPresent"
    slash, colon = ref.rfind("/"), ref.rfind(":")
    tag = ref[colon + 1 :] if colon > slash else ""
    return "Always" if tag in ("", "latest") else "IfNotPresent"


# --- helpers -----------------------------------------------------------------------------------


def _meta(
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


def _helm_meta(obj: Obj, helm: HelmRelease | None, namespace: str) -> None:
    """What helm stamps on every object it creates, so it can adopt them on upgrade."""
    if helm is None:
        return
    meta = obj["metadata"]
    meta.setdefault("labels", {})["app.kubernetes.io/managed-by"] = "Helm"
    annotations = meta.setdefault("annotations", {})
    annotations["meta.helm.sh/release-name"] = helm.release
    annotations["meta.helm.sh/release-namespace"] = namespace


def _last_applied(obj: Obj, manifest: Obj) -> None:
    """kubectl apply's record of the manifest it sent (sorted keys, compact, trailing newline)."""
    text = json.dumps(manifest, sort_keys=True, separators=(",", ":")) + "\n"
    obj["metadata"].setdefault("annotations", {})[
        "kubectl.kubernetes.io/last-applied-configuration"
    ] = text


def _allocate_cluster_ip(store: Store) -> str:
    used = {s["spec"].get("clusterIP") for s in store.list("Service")}
    # The allocator prefers the upper band of 10.96.0.0/16; the first 256 are for static IPs.
    while True:
        offset = store.rng.randrange(256, 65535)
        ip = f"10.96.{offset >> 8}.{offset & 0xFF}"
        if ip not in used:
            return ip


def _allocate_node_port(store: Store) -> int:
    used = {p.get("nodePort") for s in store.list("Service") for p in s["spec"].get("ports", [])}
    while True:
        port = store.rng.randrange(30000, 32768)
        if port not in used:
            return port


def _clone(value: Any) -> Any:
    """A deep copy of plain JSON data (several times faster than copy.deepcopy)."""
    return json.loads(json.dumps(value))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _root_ca() -> str:
    """A stable stand-in for the cluster CA certificate (same bytes in every namespace and run)."""
    der = bytes.fromhex("308202")
    counter = 0
    while len(der) < 1000:
        der += hashlib.sha256(f"kind-root-ca:{counter}".encode()).digest()
        counter += 1
    body = base64.b64encode(der[:1000]).decode("ascii")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"
