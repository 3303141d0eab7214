"""`kubectl get` tables, `-o name` and the "No resources found" line, as kubectl v1.32 prints them.

Rows follow the server-side printers of k8s.io/kubernetes (pkg/printers/internalversion), and
columns are laid out by `tabwriter` with kubectl's settings; cells are written by the helpers
in `values` and `quantity`, which `describe` shares.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aoi.twin.cluster.clock import human_duration
from aoi.twin.surface.kubectl.quantity import quantity
from aoi.twin.surface.kubectl.tabwriter import tabwrite
from aoi.twin.surface.kubectl.values import (
    access_modes,
    format_labels,
    node_roles,
    parse_time,
    pv_class,
    selector_string,
    since,
)

Obj = dict[str, Any]

# --- rows -----------------------------------------------------------------------------------

Row = list[str]


def _meta(obj: Obj) -> Obj:
    return obj.get("metadata") or {}


def _age(obj: Obj, now: datetime) -> str:
    return since(_meta(obj).get("creationTimestamp"), now)


def _containers(spec: Obj) -> tuple[str, str]:
    containers = spec.get("containers") or []
    return ",".join(c.get("name", "") for c in containers), ",".join(
        c.get("image", "") for c in containers
    )


def _template_cells(obj: Obj, *, selector: bool = True) -> Row:
    names, images = _containers(obj.get("spec", {}).get("template", {}).get("spec") or {})
    cells = [names, images]
    if selector:
        cells.append(selector_string(obj.get("spec", {}).get("selector")))
    return cells


def _condition_true(conditions: list[Obj] | None, kind: str) -> bool:
    return any(c.get("type") == kind and c.get("status") == "True" for c in conditions or [])


def pod_status(pod: Obj) -> tuple[str, int, int, int, str]:
    """printPod: STATUS, ready and total containers, restarts and the last restart's time."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    conditions = status.get("conditions") or []
    for cond in conditions:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    init_specs = [c.get("name") for c in spec.get("initContainers") or []]
    sidecars = {
        c.get("name")
        for c in spec.get("initContainers") or []
        if c.get("restartPolicy") == "Always"
    }
    total = len(spec.get("containers") or []) + len(sidecars)
    ready = restarts = sidecar_restarts = 0
    last_restart = sidecar_last_restart = ""

    initializing = False
    for i, cs in enumerate(status.get("initContainerStatuses") or []):
        restarts += int(cs.get("restartCount", 0))
        finished = _finished(cs)
        last_restart = _later(last_restart, finished)
        if cs.get("name") in sidecars:
            sidecar_restarts += int(cs.get("restartCount", 0))
            sidecar_last_restart = _later(sidecar_last_restart, finished)
        state = cs.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated is not None and terminated.get("exitCode", 0) == 0:
            continue
        if cs.get("name") in sidecars and cs.get("started"):
            ready += 1 if cs.get("ready") else 0
            continue
        if terminated is not None:
            if terminated.get("reason"):
                reason = "Init:" + terminated["reason"]
            elif terminated.get("signal"):
                reason = f"Init:Signal:{terminated['signal']}"
            else:
                reason = f"Init:ExitCode:{terminated.get('exitCode', 0)}"
        elif (
            waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing"
        ):
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(init_specs)}"
        initializing = True
        break

    if not initializing or _condition_true(conditions, "Initialized"):
        restarts, last_restart = sidecar_restarts, sidecar_last_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += int(cs.get("restartCount", 0))
            last_restart = _later(last_restart, _finished(cs))
            state = cs.get("state") or {}
            waiting, terminated = state.get("waiting"), state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None and terminated.get("reason"):
                reason = terminated["reason"]
            elif terminated is not None:
                if terminated.get("signal"):
                    reason = f"Signal:{terminated['signal']}"
                else:
                    reason = f"ExitCode:{terminated.get('exitCode', 0)}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(conditions, "Ready") else "NotReady"

    deleting = _meta(pod).get("deletionTimestamp") is not None
    if deleting and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif deleting and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"
    return reason, ready, total, restarts, last_restart


def _finished(container_status: Obj) -> str:
    last = (container_status.get("lastState") or {}).get("terminated") or {}
    return str(last.get("finishedAt") or "")


def _later(a: str, b: str) -> str:
    ta, tb = parse_time(a), parse_time(b)
    if tb is None:
        return a
    return b if ta is None or tb > ta else a


def _pod(pod: Obj, now: datetime, wide: bool) -> Row:
    reason, ready, total, restarts, last = pod_status(pod)
    restart_cell = str(restarts)
    if restarts and parse_time(last) is not None:
        restart_cell = f"{restarts} ({since(last, now)} ago)"
    cells = [_meta(pod)["name"], f"{ready}/{total}", reason, restart_cell, _age(pod, now)]
    if wide:
        spec, status = pod.get("spec") or {}, pod.get("status") or {}
        ips = status.get("podIPs") or []
        gates = spec.get("readinessGates") or []
        gate_cell = "<none>"
        if gates:
            conds = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
            true = sum(1 for g in gates if conds.get(g.get("conditionType")) == "True")
            gate_cell = f"{true}/{len(gates)}"
        cells += [
            (ips[0].get("ip") if ips else "") or "<none>",
            spec.get("nodeName") or "<none>",
            status.get("nominatedNodeName") or "<none>",
            gate_cell,
        ]
    return cells


def _deployment(obj: Obj, now: datetime, wide: bool) -> Row:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    cells = [
        _meta(obj)["name"],
        f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
        str(status.get("updatedReplicas", 0)),
        str(status.get("availableReplicas", 0)),
        _age(obj, now),
    ]
    return cells + (_template_cells(obj) if wide else [])


def _replicaset(obj: Obj, now: datetime, wide: bool) -> Row:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    cells = [
        _meta(obj)["name"],
        str(spec.get("replicas", 0)),
        str(status.get("replicas", 0)),
        str(status.get("readyReplicas", 0)),
        _age(obj, now),
    ]
    return cells + (_template_cells(obj) if wide else [])


def _statefulset(obj: Obj, now: datetime, wide: bool) -> Row:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    cells = [
        _meta(obj)["name"],
        f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
        _age(obj, now),
    ]
    return cells + (_template_cells(obj, selector=False) if wide else [])


def _daemonset(obj: Obj, now: datetime, wide: bool) -> Row:
    status = obj.get("status") or {}
    node_selector = obj.get("spec", {}).get("template", {}).get("spec", {}).get("nodeSelector")
    cells = [
        _meta(obj)["name"],
        str(status.get("desiredNumberScheduled", 0)),
        str(status.get("currentNumberScheduled", 0)),
        str(status.get("numberReady", 0)),
        str(status.get("updatedNumberScheduled", 0)),
        str(status.get("numberAvailable", 0)),
        format_labels(node_selector),
        _age(obj, now),
    ]
    return cells + (_template_cells(obj) if wide else [])


def _job(obj: Obj, now: datetime, wide: bool) -> Row:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    conditions = status.get("conditions")
    if _condition_true(conditions, "Complete"):
        state = "Complete"
    elif _condition_true(conditions, "Failed"):
        state = "Failed"
    elif _meta(obj).get("deletionTimestamp") is not None:
        state = "Terminating"
    elif _condition_true(conditions, "Suspended"):
        state = "Suspended"
    elif _condition_true(conditions, "FailureTarget"):
        state = "FailureTarget"
    elif _condition_true(conditions, "SuccessCriteriaMet"):
        state = "SuccessCriteriaMet"
    else:
        state = "Running"
    succeeded = status.get("succeeded", 0)
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    elif (spec.get("parallelism") or 0) > 1:
        completions = f"{succeeded}/1 of {spec['parallelism']}"
    else:
        completions = f"{succeeded}/1"
    start, end = parse_time(status.get("startTime")), parse_time(status.get("completionTime"))
    duration = ""
    if start is not None:
        duration = human_duration((end or now) - start)
    cells = [_meta(obj)["name"], state, completions, duration, _age(obj, now)]
    return cells + (_template_cells(obj) if wide else [])


def _lb_ingress(svc: Obj, wide: bool) -> str:
    ingress = (svc.get("status") or {}).get("loadBalancer", {}).get("ingress") or []
    text = ",".join(i.get("ip") or i.get("hostname") or "" for i in ingress if i)
    if not wide and len(text) > 16:
        return text[:13] + "..."
    return text


def _external_ip(svc: Obj, wide: bool) -> str:
    spec = svc.get("spec") or {}
    kind = spec.get("type", "ClusterIP")
    external = spec.get("externalIPs") or []
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) or "<none>"
    if kind == "LoadBalancer":
        lb = _lb_ingress(svc, wide)
        if external:
            return ",".join([*(lb.split(",") if lb else []), *external])
        return lb or "<pending>"
    if kind == "ExternalName":
        return str(spec.get("externalName", ""))
    return "<unknown>"


def service_ports(ports: list[Obj] | None) -> str:
    """makePortString: `80/TCP`, `80:32000/TCP` with a node port, comma-joined."""
    pieces = []
    for port in ports or []:
        protocol = port.get("protocol", "TCP")
        if port.get("nodePort"):
            pieces.append(f"{port['port']}:{port['nodePort']}/{protocol}")
        else:
            pieces.append(f"{port['port']}/{protocol}")
    return ",".join(pieces)


def _service(svc: Obj, now: datetime, wide: bool) -> Row:
    spec = svc.get("spec") or {}
    cluster_ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    cells = [
        _meta(svc)["name"],
        spec.get("type", "ClusterIP"),
        cluster_ips[0] if cluster_ips else "<none>",
        _external_ip(svc, wide),
        service_ports(spec.get("ports")) or "<none>",
        _age(svc, now),
    ]
    return cells + ([format_labels(spec.get("selector"))] if wide else [])


def format_endpoints(ep: Obj) -> str:
    """formatEndpoints: up to three ready `ip:port`, then ` + N more...`; `<none>` without subsets."""
    subsets = ep.get("subsets") or []
    if not subsets:
        return "<none>"
    shown: list[str] = []
    count = 0
    for subset in subsets:
        addresses = [a.get("ip", "") for a in subset.get("addresses") or []]
        ports = subset.get("ports") or []
        targets = [(ip, None) for ip in addresses] if not ports else []
        for port in ports:
            targets.extend((ip, port.get("port")) for ip in addresses)
        for ip, port in targets:
            count += 1
            if len(shown) < 3:
                shown.append(ip if port is None else _host_port(ip, port))
    text = ",".join(shown)
    return f"{text} + {count - 3} more..." if count > 3 else text


def _host_port(ip: str, port: Any) -> str:
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def _endpoints(ep: Obj, now: datetime, wide: bool) -> Row:
    return [_meta(ep)["name"], format_endpoints(ep), _age(ep, now)]


def _configmap(cm: Obj, now: datetime, wide: bool) -> Row:
    count = len(cm.get("data") or {}) + len(cm.get("binaryData") or {})
    return [_meta(cm)["name"], str(count), _age(cm, now)]


def _secret(secret: Obj, now: datetime, wide: bool) -> Row:
    return [
        _meta(secret)["name"],
        secret.get("type", "Opaque"),
        str(len(secret.get("data") or {})),
        _age(secret, now),
    ]


def _serviceaccount(sa: Obj, now: datetime, wide: bool) -> Row:
    return [_meta(sa)["name"], str(len(sa.get("secrets") or [])), _age(sa, now)]


def _namespace(ns: Obj, now: datetime, wide: bool) -> Row:
    return [_meta(ns)["name"], (ns.get("status") or {}).get("phase", ""), _age(ns, now)]


def _node(node: Obj, now: datetime, wide: bool) -> Row:
    status = node.get("status") or {}
    states = [
        "Ready" if c.get("status") == "True" else "NotReady"
        for c in status.get("conditions") or []
        if c.get("type") == "Ready"
    ][:1] or ["Unknown"]
    if (node.get("spec") or {}).get("unschedulable"):
        states.append("SchedulingDisabled")
    info = status.get("nodeInfo") or {}
    cells = [
        _meta(node)["name"],
        ",".join(states),
        ",".join(node_roles(node)) or "<none>",
        _age(node, now),
        info.get("kubeletVersion", ""),
    ]
    if wide:
        addresses = status.get("addresses") or []

        def address(kind: str) -> str:
            return next((a["address"] for a in addresses if a.get("type") == kind), "<none>")

        cells += [
            address("InternalIP"),
            address("ExternalIP"),
            info.get("osImage") or "<unknown>",
            info.get("kernelVersion") or "<unknown>",
            info.get("containerRuntimeVersion") or "<unknown>",
        ]
    return cells


def _pv(pv: Obj, now: datetime, wide: bool) -> Row:
    spec, status = pv.get("spec") or {}, pv.get("status") or {}
    claim = spec.get("claimRef")
    phase = status.get("phase", "")
    if _meta(pv).get("deletionTimestamp") is not None:
        phase = "Terminating"
    cells = [
        _meta(pv)["name"],
        quantity((spec.get("capacity") or {}).get("storage")),
        access_modes(spec.get("accessModes")),
        spec.get("persistentVolumeReclaimPolicy", ""),
        phase,
        f"{claim.get('namespace', '')}/{claim.get('name', '')}" if claim else "",
        pv_class(pv),
        spec.get("volumeAttributesClassName") or "<unset>",
        status.get("reason", ""),
        _age(pv, now),
    ]
    return cells + ([spec.get("volumeMode") or "<unset>"] if wide else [])


def _pvc(pvc: Obj, now: datetime, wide: bool) -> Row:
    spec, status = pvc.get("spec") or {}, pvc.get("status") or {}
    phase = status.get("phase", "")
    if _meta(pvc).get("deletionTimestamp") is not None:
        phase = "Terminating"
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = access_modes(status.get("accessModes"))
        capacity = quantity((status.get("capacity") or {}).get("storage"))
    cells = [
        _meta(pvc)["name"],
        phase,
        spec.get("volumeName", ""),
        capacity,
        modes,
        pv_class(pvc),
        spec.get("volumeAttributesClassName") or "<unset>",
        _age(pvc, now),
    ]
    return cells + ([spec.get("volumeMode") or "<unset>"] if wide else [])


def _event(ev: Obj, now: datetime, wide: bool) -> Row:
    first = since(ev.get("firstTimestamp"), now)
    if parse_time(ev.get("firstTimestamp")) is None:
        first = since(ev.get("eventTime"), now)
    last = since(ev.get("lastTimestamp"), now)
    if parse_time(ev.get("lastTimestamp")) is None:
        last = first
    count = ev.get("count") or 0
    series = ev.get("series")
    if series:
        last = since(series.get("lastObservedTime"), now)
        count = series.get("count", 0)
    elif count == 0:
        count = 1
    involved = ev.get("involvedObject") or {}
    target = involved.get("kind", "").lower()
    if involved.get("name"):
        target = f"{target}/{involved['name']}"
    message = (ev.get("message") or "").strip()
    cells = [last, ev.get("type", ""), ev.get("reason", ""), target]
    if not wide:
        return [*cells, message]
    source = ev.get("source") or {}
    component = source.get("component") or ev.get("reportingComponent") or ""
    instance = source.get("host") or ev.get("reportingInstance") or ""
    return [
        *cells,
        involved.get("fieldPath", ""),
        f"{component}, {instance}" if instance else component,
        message,
        first,
        str(count),
        _meta(ev).get("name", ""),
    ]


def _storageclass(sc: Obj, now: datetime, wide: bool) -> Row:
    annotations = _meta(sc).get("annotations") or {}
    default = "true" in (
        annotations.get("storageclass.kubernetes.io/is-default-class"),
        annotations.get("storageclass.beta.kubernetes.io/is-default-class"),
    )
    name = _meta(sc)["name"] + (" (default)" if default else "")
    return [
        name,
        sc.get("provisioner", ""),
        sc.get("reclaimPolicy") or "Delete",
        sc.get("volumeBindingMode") or "Immediate",
        "true" if sc.get("allowVolumeExpansion") else "false",
        _age(sc, now),
    ]


def _some(items: list[str]) -> str:
    """kubectl's discovery printers: `<unset>` for none, the first three and `+ N more...`."""
    if not items:
        return "<unset>"
    text = ",".join(items[:3])
    return f"{text} + {len(items) - 3} more..." if len(items) > 3 else text


def _endpointslice(es: Obj, now: datetime, wide: bool) -> Row:
    ports = [
        str(p["port"]) if p.get("port") is not None else str(p.get("name") or "*")
        for p in es.get("ports") or []
    ]
    addresses = [a for e in es.get("endpoints") or [] for a in e.get("addresses") or []]
    return [
        _meta(es)["name"],
        str(es.get("addressType", "")),
        _some(ports),
        _some(addresses),
        _age(es, now),
    ]


def _lease(lease: Obj, now: datetime, wide: bool) -> Row:
    holder = (lease.get("spec") or {}).get("holderIdentity") or "<unknown>"
    return [_meta(lease)["name"], str(holder), _age(lease, now)]


def _chaos(obj: Obj, now: datetime, wide: bool) -> Row:
    spec = obj.get("spec", {})
    return [
        _meta(obj)["name"],
        str(spec.get("action", "")),
        str(spec.get("duration", "")),
        _age(obj, now),
    ]


_Printer = Callable[[Obj, datetime, bool], Row]

# kind -> (columns, wide-only columns, row function)
PRINTERS: dict[str, tuple[tuple[str, ...], tuple[str, ...], _Printer]] = {
    "Pod": (
        ("NAME", "READY", "STATUS", "RESTARTS", "AGE"),
        ("IP", "NODE", "NOMINATED NODE", "READINESS GATES"),
        _pod,
    ),
    "Deployment": (
        ("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"),
        ("CONTAINERS", "IMAGES", "SELECTOR"),
        _deployment,
    ),
    "ReplicaSet": (
        ("NAME", "DESIRED", "CURRENT", "READY", "AGE"),
        ("CONTAINERS", "IMAGES", "SELECTOR"),
        _replicaset,
    ),
    "StatefulSet": (("NAME", "READY", "AGE"), ("CONTAINERS", "IMAGES"), _statefulset),
    "DaemonSet": (
        ("NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"),
        ("CONTAINERS", "IMAGES", "SELECTOR"),
        _daemonset,
    ),
    "Job": (
        ("NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"),
        ("CONTAINERS", "IMAGES", "SELECTOR"),
        _job,
    ),
    "Service": (
        ("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"),
        ("SELECTOR",),
        _service,
    ),
    "Endpoints": (("NAME", "ENDPOINTS", "AGE"), (), _endpoints),
    "Lease": (("NAME", "HOLDER", "AGE"), (), _lease),
    "EndpointSlice": (("NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"), (), _endpointslice),
    "PodChaos": (("NAME", "ACTION", "DURATION", "AGE"), (), _chaos),
    "NetworkChaos": (("NAME", "ACTION", "DURATION", "AGE"), (), _chaos),
    "ConfigMap": (("NAME", "DATA", "AGE"), (), _configmap),
    "Secret": (("NAME", "TYPE", "DATA", "AGE"), (), _secret),
    "ServiceAccount": (("NAME", "SECRETS", "AGE"), (), _serviceaccount),
    "Namespace": (("NAME", "STATUS", "AGE"), (), _namespace),
    "Node": (
        ("NAME", "STATUS", "ROLES", "AGE", "VERSION"),
        ("INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"),
        _node,
    ),
    "PersistentVolume": (
        (
            "NAME",
            "CAPACITY",
            "ACCESS MODES",
            "RECLAIM POLICY",
            "STATUS",
            "CLAIM",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "REASON",
            "AGE",
        ),
        ("VOLUMEMODE",),
        _pv,
    ),
    "PersistentVolumeClaim": (
        (
            "NAME",
            "STATUS",
            "VOLUME",
            "CAPACITY",
            "ACCESS MODES",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "AGE",
        ),
        ("VOLUMEMODE",),
        _pvc,
    ),
    "Event": (
        ("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"),
        ("SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"),
        _event,
    ),
    "StorageClass": (
        (
            "NAME",
            "PROVISIONER",
            "RECLAIMPOLICY",
            "VOLUMEBINDINGMODE",
            "ALLOWVOLUMEEXPANSION",
            "AGE",
        ),
        (),
        _storageclass,
    ),
}


def _headers(kind: str, wide: bool) -> list[str]:
    columns, wide_columns, _row = PRINTERS[kind]
    if kind == "Event" and wide:
        # The wide event table puts SUBOBJECT and SOURCE before MESSAGE.
        return [*columns[:4], *wide_columns]
    return [*columns, *(wide_columns if wide else ())]


_BREAK = re.compile(r"[\n\r\f]")


def _cell(value: str) -> str:
    # Table cells end at the first line break, which kubectl marks with "...".
    match = _BREAK.search(value)
    return value if match is None else value[: match.start()] + "..."


def print_table(
    kind: str,
    objs: list[Obj],
    *,
    now: datetime,
    wide: bool = False,
    show_labels: bool = False,
    all_namespaces: bool = False,
    no_headers: bool = False,
    label_columns: list[str] | None = None,
    with_kind: bool = False,
) -> str:
    """The `kubectl get` table of objects of one kind, with its trailing newline.

    `all_namespaces` adds NAMESPACE first, `label_columns` (-L) one column per label key,
    `show_labels` a LABELS column last; `with_kind` names rows `pod/x` as `get all` and
    `get pods,svc` do. An empty list prints nothing: see `empty_message`.
    """
    if not objs:
        return ""
    labels_wanted = label_columns or []
    headers = _headers(kind, wide)
    if all_namespaces:
        headers.insert(0, "NAMESPACE")
    headers += [key.rsplit("/", 1)[-1].upper() for key in labels_wanted]
    if show_labels:
        headers.append("LABELS")
    row_fn = PRINTERS[kind][2]
    lines = [] if no_headers else ["\t".join(headers)]
    for obj in objs:
        cells = [_cell(str(c)) for c in row_fn(obj, now, wide)]
        if with_kind:
            cells[0] = f"{resource_name(obj)}/{cells[0]}"
        if all_namespaces:
            cells.insert(0, _meta(obj).get("namespace", ""))
        labels = _meta(obj).get("labels") or {}
        cells += [labels.get(key, "") for key in labels_wanted]
        if show_labels:
            cells.append(format_labels(labels))
        lines.append("\t".join(cells))
    return tabwrite("\n".join(lines) + "\n", minwidth=6, padding=3)


def resource_name(obj: Obj) -> str:
    """`pod`, `deployment.apps`, `job.batch`: the type part of `-o name`."""
    group = str(obj.get("apiVersion", "")).rpartition("/")[0]
    kind = str(obj.get("kind", "")).lower()
    return f"{kind}.{group}" if group else kind


def print_names(objs: list[Obj]) -> str:
    """`-o name`: one `pod/name` line per object, with the trailing newline."""
    return "".join(f"{resource_name(o)}/{_meta(o)['name']}\n" for o in objs)


def empty_message(kind: str, namespace: str | None, all_namespaces: bool = False) -> str:
    """What kubectl writes to stderr when a get lists nothing (no trailing newline).

    Namespaced kinds name the namespace unless `-A`; cluster-scoped kinds pass namespace=None.
    """
    del kind
    if namespace and not all_namespaces:
        return f"No resources found in {namespace} namespace."
    return "No resources found"
