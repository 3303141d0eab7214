"""`kubectl describe` for Nodes, Namespaces, PersistentVolumes, claims and StorageClasses."""

from __future__ import annotations

from datetime import datetime

from aoi.twin.cluster.leases import node_lease
from aoi.twin.cluster.store import Store
from aoi.twin.surface.kubectl.describe.pods import host_path_source
from aoi.twin.surface.kubectl.describe.writer import (
    Obj,
    Writer,
    annotations_multiline,
    events_for,
    events_section,
    identity,
    labels_multiline,
    meta,
    printable,
)
from aoi.twin.surface.kubectl.quantity import Quantity, quantity
from aoi.twin.surface.kubectl.values import (
    access_modes,
    format_labels,
    node_roles,
    pv_class,
    rfc1123z,
    since,
)


def describe_node(node: Obj, store: Store, now: datetime) -> str:
    m, spec, status = meta(node), node.get("spec") or {}, node.get("status") or {}
    w = Writer()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(m.get('creationTimestamp'))}\n")
    taints = sorted(
        spec.get("taints") or [], key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}"
    )
    w.write(0, "Taints:\t")
    if not taints:
        w.line("<none>")
    for i, taint in enumerate(taints):
        if i:
            w.write(0, "\t")
        value = f"={taint['value']}" if taint.get("value") else ""
        w.write(0, f"{taint.get('key', '')}{value}:{taint.get('effect', '')}\n")
    w.write(0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
    # Every kubelet holds a Lease in kube-node-lease (derived from the node's heartbeat).
    lease = node_lease(node, now)
    w.write(0, "Lease:\n")
    w.write(1, f"HolderIdentity:\t{lease['spec']['holderIdentity']}\n")
    w.write(1, "AcquireTime:\t<unset>\n")
    w.write(1, f"RenewTime:\t{rfc1123z(lease['spec']['renewTime'])}\n")
    if status.get("conditions"):
        w.write(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        )
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in status["conditions"]:
            w.write(
                1,
                f"{c.get('type', '')} \t{c.get('status', '')} \t"
                f"{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t"
                f"{c.get('message', '')}\n",
            )
    w.write(0, "Addresses:\n")
    for address in status.get("addresses") or []:
        w.write(1, f"{address.get('type', '')}:\t{address.get('address', '')}\n")
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        resources = status.get(key) or {}
        if resources:
            w.write(0, f"{title}:\n")
            for name in sorted(resources):
                w.write(0, f"  {name}:\t{quantity(resources[name])}\n")
    info = status.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for title, key in (
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ):
        w.write(0, f"  {title}:\t{info.get(key, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    pods = [
        p
        for p in store.list("Pod")
        if (p.get("spec") or {}).get("nodeName") == m.get("name")
        and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
    ]
    _node_resources(w, node, pods, now)
    name = str(m.get("name", ""))
    # Controllers record node events with the node's uid, the kubelet with its name.
    events_section(w, events_for(store, node, extra_uids=(name,)), now)
    return w.text()


def _pod_requests_limits(pod: Obj) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
    """resourcehelper.PodRequestsAndLimits: containers summed, init containers as a floor."""
    spec = pod.get("spec") or {}
    totals: tuple[dict[str, Quantity], dict[str, Quantity]] = ({}, {})
    for container in spec.get("containers") or []:
        for table, key in zip(totals, ("requests", "limits"), strict=True):
            for name, value in ((container.get("resources") or {}).get(key) or {}).items():
                q = Quantity.parse(value)
                table[name] = table[name] + q if name in table else q
    for container in spec.get("initContainers") or []:
        for table, key in zip(totals, ("requests", "limits"), strict=True):
            for name, value in ((container.get("resources") or {}).get(key) or {}).items():
                q = Quantity.parse(value)
                if name not in table or q.value > table[name].value:
                    table[name] = q
    for table in totals:
        for name, value in (spec.get("overhead") or {}).items():
            if name in table:
                table[name] = table[name] + Quantity.parse(value)
    return totals


def _percent(part: Quantity, whole: Quantity, *, milli: bool) -> int:
    total = whole.milli() if milli else whole.whole()
    if total == 0:
        return 0
    return int((part.milli() if milli else part.whole()) / total * 100)


def _node_resources(w: Writer, node: Obj, pods: list[Obj], now: datetime) -> None:
    status = node.get("status") or {}
    allocatable = status.get("allocatable") or status.get("capacity") or {}
    cpu, memory = Quantity.parse(allocatable.get("cpu")), Quantity.parse(allocatable.get("memory"))
    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    )
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    reqs: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    zero = Quantity()
    for pod in pods:
        req, lim = _pod_requests_limits(pod)
        cells = []
        for table, name, is_cpu in (
            (req, "cpu", True),
            (lim, "cpu", True),
            (req, "memory", False),
            (lim, "memory", False),
        ):
            q = table.get(name, zero)
            whole = cpu if is_cpu else memory
            cells.append(f"{q} ({_percent(q, whole, milli=is_cpu)}%)")
        pm = meta(pod)
        w.write(
            1,
            f"{pm.get('namespace', '')}\t{pm.get('name', '')}\t\t{cells[0]}\t{cells[1]}\t"
            f"{cells[2]}\t{cells[3]}\t{since(pm.get('creationTimestamp'), now)}\n",
        )
        for total, table in ((reqs, req), (limits, lim)):
            for name, q in table.items():
                total[name] = total[name] + q if name in total else q
    w.write(
        0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
    )
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    for name in ("cpu", "memory", "ephemeral-storage"):
        whole = Quantity.parse(allocatable.get(name))
        r, lim_q = reqs.get(name, zero), limits.get(name, zero)
        is_cpu = name == "cpu"
        w.write(
            1,
            f"{name}\t{r} ({_percent(r, whole, milli=is_cpu)}%)\t"
            f"{lim_q} ({_percent(lim_q, whole, milli=is_cpu)}%)\n",
        )
    standard = {"cpu", "memory", "ephemeral-storage", "pods"}
    for name in sorted(n for n in allocatable if n.startswith("hugepages-")):
        whole = Quantity.parse(allocatable[name])
        r, lim_q = reqs.get(name, zero), limits.get(name, zero)
        w.write(
            1,
            f"{name}\t{r} ({_percent(r, whole, milli=False)}%)\t"
            f"{lim_q} ({_percent(lim_q, whole, milli=False)}%)\n",
        )
    for name in sorted(
        n for n in allocatable if n not in standard and not n.startswith("hugepages-")
    ):
        w.write(1, f"{name}\t{reqs.get(name, zero)}\t{limits.get(name, zero)}\n")


def describe_namespace(ns: Obj, store: Store, now: datetime) -> str:
    m, status = meta(ns), ns.get("status") or {}
    w = Writer()
    identity(w, m, namespaced=False)
    w.write(0, f"Status:\t{status.get('phase', '')}\n")
    if status.get("conditions"):
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t------------------\t------\t-------\n")
        for c in status["conditions"]:
            w.write(
                1,
                f"{c.get('type', '')}\t{c.get('status', '')}\t{rfc1123z(c.get('lastTransitionTime'))}"
                f"\t{c.get('reason', '')}\t{c.get('message', '')}\n",
            )
    # The twin holds no ResourceQuota or LimitRange objects, so both lists are empty.
    w.write(0, "\n")
    w.write(0, "No resource quota.\n")
    w.write(0, "\n")
    w.write(0, "No LimitRange resource.\n")
    return w.text()


def describe_persistentvolume(pv: Obj, store: Store, now: datetime) -> str:
    m, spec, status = meta(pv), pv.get("spec") or {}, pv.get("status") or {}
    w = Writer()
    identity(w, m, namespaced=False)
    w.write(0, f"Finalizers:\t[{' '.join(m.get('finalizers') or [])}]\n")
    w.write(0, f"StorageClass:\t{pv_class(pv)}\n")
    if m.get("deletionTimestamp"):
        w.write(0, f"Status:\tTerminating (lasts {since(m['deletionTimestamp'], now)})\n")
    else:
        w.write(0, f"Status:\t{status.get('phase', '')}\n")
    claim = spec.get("claimRef")
    w.write(
        0,
        f"Claim:\t{claim.get('namespace', '')}/{claim.get('name', '')}\n"
        if claim
        else "Claim:\t\n",
    )
    w.write(0, f"Reclaim Policy:\t{spec.get('persistentVolumeReclaimPolicy', '')}\n")
    w.write(0, f"Access Modes:\t{access_modes(spec.get('accessModes'))}\n")
    if spec.get("volumeMode"):
        w.write(0, f"VolumeMode:\t{spec['volumeMode']}\n")
    w.write(0, f"Capacity:\t{quantity((spec.get('capacity') or {}).get('storage'))}\n")
    w.write(0, "Node Affinity:\t")
    required = (spec.get("nodeAffinity") or {}).get("required")
    if not required:
        w.write(0, "<none>\n")
    else:
        w.line("")
        w.write(1, "Required Terms:\t")
        terms = required.get("nodeSelectorTerms") or []
        if not terms:
            w.write(0, "<none>\n")
        for i, term in enumerate(terms):
            if i:
                w.write(0, "\n")
            w.write(0, "\n")
            w.write(2, "Term " + str(i) + ":\t")
            exprs = [
                f"{e.get('key', '')} {e.get('operator', '')} [{' '.join(e.get('values') or [])}]"
                for e in term.get("matchExpressions") or []
            ]
            w.write(0, ", ".join(exprs) + "\n" if exprs else "<none>\n")
    w.write(0, f"Message:\t{status.get('message', '')}\n")
    w.write(0, "Source:\n")
    if (src := spec.get("hostPath")) is not None:
        host_path_source(w, src)
    elif (src := spec.get("local")) is not None:
        w.write(
            2,
            "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n"
            f"    Path:\t{src.get('path', '')}\n",
        )
    elif (src := spec.get("csi")) is not None:
        w.write(
            2,
            "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n"
            f"    Driver:\t{src.get('driver', '')}\n    FSType:\t{src.get('fsType', '')}\n"
            f"    VolumeHandle:\t{src.get('volumeHandle', '')}\n"
            f"    ReadOnly:\t{'true' if src.get('readOnly') else 'false'}\n"
            f"    VolumeAttributes:\t{_map_lines(src.get('volumeAttributes'))}",
        )
    events_section(w, events_for(store, pv), now)
    return w.text()


def _map_lines(values: dict[str, str] | None) -> str:
    if not values:
        return "<none>\n"
    lines = []
    for i, key in enumerate(sorted(values)):
        prefix = "" if i == 0 else "                           "
        lines.append(f"{prefix}{key}={values[key]}\n")
    return "".join(lines)


def describe_persistentvolumeclaim(pvc: Obj, store: Store, now: datetime) -> str:
    m, spec, status = meta(pvc), pvc.get("spec") or {}, pvc.get("status") or {}
    w = Writer()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    w.write(0, f"StorageClass:\t{pv_class(pvc)}\n")
    if m.get("deletionTimestamp"):
        w.write(0, f"Status:\tTerminating (lasts {since(m['deletionTimestamp'], now)})\n")
    else:
        w.write(0, f"Status:\t{status.get('phase', '')}\n")
    w.write(0, f"Volume:\t{spec.get('volumeName', '')}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, f"Finalizers:\t[{' '.join(m.get('finalizers') or [])}]\n")
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = access_modes(status.get("accessModes"))
        capacity = quantity((status.get("capacity") or {}).get("storage"))
    w.write(0, f"Capacity:\t{capacity}\n")
    w.write(0, f"Access Modes:\t{modes}\n")
    if spec.get("volumeMode"):
        w.write(0, f"VolumeMode:\t{spec['volumeMode']}\n")
    users = sorted(
        meta(p)["name"]
        for p in store.list("Pod", m.get("namespace"))
        if any(
            (v.get("persistentVolumeClaim") or {}).get("claimName") == m.get("name")
            for v in (p.get("spec") or {}).get("volumes") or []
        )
    )
    w.write(0, "Used By:\t")
    if not users:
        w.line("<none>")
    for i, name in enumerate(users):
        if i:
            w.write(0, "\t")
        w.write(0, f"{name}\n")
    if status.get("conditions"):
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in status["conditions"]:
            w.write(
                1,
                f"{c.get('type', '')} \t{c.get('status', '')} \t{rfc1123z(c.get('lastProbeTime'))} \t"
                f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t"
                f"{c.get('message', '')}\n",
            )
    events_section(w, events_for(store, pvc), now)
    return w.text()


def describe_storageclass(sc: Obj, store: Store, now: datetime) -> str:
    m = meta(sc)
    annotations = m.get("annotations") or {}
    default = annotations.get(
        "storageclass.kubernetes.io/is-default-class",
        annotations.get("storageclass.beta.kubernetes.io/is-default-class"),
    )
    w = Writer()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"IsDefaultClass:\t{'Yes' if default == 'true' else 'No'}\n")
    w.write(0, f"Annotations:\t{format_labels(annotations)}\n")
    w.write(0, f"Provisioner:\t{sc.get('provisioner', '')}\n")
    w.write(0, f"Parameters:\t{format_labels(sc.get('parameters'))}\n")
    expansion = sc.get("allowVolumeExpansion")
    w.write(
        0,
        f"AllowVolumeExpansion:\t{'<unset>' if expansion is None else printable(expansion).capitalize()}\n",
    )
    options = sc.get("mountOptions") or []
    w.write(0, f"MountOptions:\t{'<none>' if not options else ''}\n")
    for option in options:
        w.write(1, f"{option}\n")
    if sc.get("reclaimPolicy"):
        w.write(0, f"ReclaimPolicy:\t{sc['reclaimPolicy']}\n")
    if sc.get("volumeBindingMode"):
        w.write(0, f"VolumeBindingMode:\t{sc['volumeBindingMode']}\n")
    events_section(w, events_for(store, sc), now)
    return w.text()
