"""`kubectl describe pod` and the pod-template sections that workloads share."""

from __future__ import annotations

import math
from datetime import datetime

from aoi.twin.cluster.store import Store
from aoi.twin.surface.kubectl.describe.writer import (
    Obj,
    Writer,
    annotations_multiline,
    controlled_by,
    events_for,
    events_section,
    go_bool,
    labels_multiline,
    meta,
    printable,
    tolerations_multiline,
)
from aoi.twin.surface.kubectl.quantity import Quantity, quantity
from aoi.twin.surface.kubectl.values import format_selector, rfc1123z, since


def describe_pod(pod: Obj, store: Store, now: datetime) -> str:
    m, spec, status = meta(pod), pod.get("spec") or {}, pod.get("status") or {}
    w = Writer()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Namespace:\t{m.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("nodeName"):
        w.write(0, f"Node:\t{spec['nodeName']}/{status.get('hostIP', '')}\n")
    else:
        w.write(0, "Node:\t<none>\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    if m.get("deletionTimestamp") and status.get("phase") not in ("Failed", "Succeeded"):
        w.write(0, f"Status:\tTerminating (lasts {since(m['deletionTimestamp'], now)})\n")
        w.write(0, f"Termination Grace Period:\t{m.get('deletionGracePeriodSeconds', 30)}s\n")
    else:
        w.write(0, f"Status:\t{status.get('phase', '')}\n")
    if status.get("reason"):
        w.write(0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w.write(0, f"Message:\t{status['message']}\n")
    seccomp = (spec.get("securityContext") or {}).get("seccompProfile")
    if seccomp:
        w.write(0, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
        if seccomp.get("type") == "Localhost":
            w.write(0, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")
    w.write(0, f"IP:\t{status.get('podIP', '')}\n")
    ips = status.get("podIPs") or []
    if ips:
        w.write(0, "IPs:\n")
        for ip in ips:
            w.write(1, f"IP:\t{ip.get('ip', '')}\n")
    else:
        w.write(0, "IPs:\t<none>\n")
    if owner := controlled_by(pod):
        w.write(0, f"Controlled By:\t{owner}\n")
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("initContainers"):
        containers_section(
            w, "Init Containers", spec["initContainers"], status.get("initContainerStatuses"), pod
        )
    containers_section(
        w, "Containers", spec.get("containers"), status.get("containerStatuses"), pod
    )
    if spec.get("readinessGates"):
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        conditions = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
        for gate in spec["readinessGates"]:
            kind = gate.get("conditionType", "")
            w.write(1, f"{kind} \t{conditions.get(kind, '<none>')} \n")
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for cond in status["conditions"]:
            w.write(1, f"{cond.get('type', '')} \t{cond.get('status', '')} \n")
    volumes_section(w, spec.get("volumes"))
    w.write(0, f"QoS Class:\t{status.get('qosClass') or qos_class(pod)}\n")
    labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    tolerations_multiline(w, "Tolerations", spec.get("tolerations"))
    spread_section(w, spec.get("topologySpreadConstraints"))
    events_section(w, events_for(store, pod, match_kind=False), now)
    return w.text()


def pod_template_section(w: Writer, template: Obj | None) -> None:
    """DescribePodTemplate, as Deployment, ReplicaSet, StatefulSet, DaemonSet and Job print it."""
    w.write(0, "Pod Template:\n")
    if template is None:
        w.write(1, "<unset>")
        return
    tmeta, spec = template.get("metadata") or {}, template.get("spec") or {}
    labels_multiline(w, "  Labels", tmeta.get("labels"))
    if tmeta.get("annotations"):
        annotations_multiline(w, "  Annotations", tmeta["annotations"])
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        containers_section(w, "Init Containers", spec["initContainers"], None, None, space="  ")
    containers_section(w, "Containers", spec.get("containers"), None, None, space="  ")
    volumes_section(w, spec.get("volumes"), space="  ")
    spread_section(w, spec.get("topologySpreadConstraints"), space="  ")
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    tolerations_multiline(w, "  Tolerations", spec.get("tolerations"))


def containers_section(
    w: Writer,
    label: str,
    containers: list[Obj] | None,
    statuses: list[Obj] | None,
    pod: Obj | None,
    *,
    space: str = "",
) -> None:
    """describeContainers: one block per container, with its status when the pod has one."""
    by_name = {s.get("name"): s for s in statuses or []}
    w.write(0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    for container in containers or []:
        status = by_name.get(container.get("name"))
        w.write(1, f"{' ' if space else ''}{container.get('name', '')}:\n")
        if status is not None:
            w.write(2, f"Container ID:\t{status.get('containerID', '')}\n")
        w.write(2, f"Image:\t{container.get('image', '')}\n")
        if status is not None:
            w.write(2, f"Image ID:\t{status.get('imageID', '')}\n")
        ports = container.get("ports") or []
        port_text = ", ".join(
            f"{p.get('containerPort', 0)}/{p.get('protocol', 'TCP')}" for p in ports
        )
        host_text = ", ".join(f"{p.get('hostPort', 0)}/{p.get('protocol', 'TCP')}" for p in ports)
        if "," in port_text:
            w.write(2, f"Ports:\t{port_text}\n")
        else:
            w.write(2, f"Port:\t{port_text or '<none>'}\n")
        if "," in host_text:
            w.write(2, f"Host Ports:\t{host_text}\n")
        else:
            w.write(2, f"Host Port:\t{host_text or '<none>'}\n")
        seccomp = (container.get("securityContext") or {}).get("seccompProfile")
        if seccomp:
            w.write(2, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
        for title, key in (("Command", "command"), ("Args", "args")):
            if container.get(key):
                w.write(2, f"{title}:\n")
                for item in container[key]:
                    for part in str(item).split("\n"):
                        w.write(3, f"{part}\n")
        if status is not None:
            _state(w, "State", status.get("state") or {})
            if ((status.get("lastState") or {}).get("terminated")) is not None:
                _state(w, "Last State", status["lastState"])
            w.write(2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{status.get('restartCount', 0)}\n")
        _resources(w, container.get("resources") or {})
        for title, key in (
            ("Liveness", "livenessProbe"),
            ("Readiness", "readinessProbe"),
            ("Startup", "startupProbe"),
        ):
            if container.get(key):
                w.write(2, f"{title}:\t{_probe(container[key])}\n")
        if container.get("envFrom"):
            w.write(2, "Environment Variables from:\n")
            for source in container["envFrom"]:
                ref = source.get("configMapRef") or source.get("secretRef") or {}
                kind = "ConfigMap" if source.get("configMapRef") else "Secret"
                optional = go_bool(ref.get("optional"))
                if source.get("prefix"):
                    kind += f" with prefix '{source['prefix']}'"
                w.write(3, f"{ref.get('name', '')}\t{kind}\tOptional: {optional}\n")
        _env(w, container, pod)
        _mounts(w, container.get("volumeMounts"))


def _state(w: Writer, title: str, state: Obj) -> None:
    if state.get("running") is not None:
        w.write(2, f"{title}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w.write(2, f"{title}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.write(3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        term = state["terminated"]
        w.write(2, f"{title}:\tTerminated\n")
        if term.get("reason"):
            w.write(3, f"Reason:\t{term['reason']}\n")
        if term.get("message"):
            w.write(3, f"Message:\t{term['message']}\n")
        w.write(3, f"Exit Code:\t{term.get('exitCode', 0)}\n")
        if term.get("signal"):
            w.write(3, f"Signal:\t{term['signal']}\n")
        w.write(3, f"Started:\t{rfc1123z(term.get('startedAt'))}\n")
        w.write(3, f"Finished:\t{rfc1123z(term.get('finishedAt'))}\n")
    else:
        w.write(2, f"{title}:\tWaiting\n")


def _resources(w: Writer, resources: Obj) -> None:
    for title, key in (("Limits", "limits"), ("Requests", "requests")):
        values = resources.get(key) or {}
        if values:
            w.write(2, f"{title}:\n")
        for name in sorted(values):
            w.write(3, f"{name}:\t{quantity(values[name])}\n")


def _probe(probe: Obj) -> str:
    attrs = (
        f"delay={probe.get('initialDelaySeconds', 0)}s timeout={probe.get('timeoutSeconds', 1)}s "
        f"period={probe.get('periodSeconds', 10)}s #success={probe.get('successThreshold', 1)} "
        f"#failure={probe.get('failureThreshold', 3)}"
    )
    if probe.get("exec") is not None:
        return f"exec {printable(probe['exec'].get('command') or [])} {attrs}"
    if probe.get("httpGet") is not None:
        get = probe["httpGet"]
        scheme = str(get.get("scheme", "HTTP")).lower()
        host, port = get.get("host", ""), str(get.get("port", ""))
        hostport = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        path = get.get("path", "")
        if path and not path.startswith("/"):
            path = "/" + path
        return f"http-get {scheme}://{hostport if port else host}{path} {attrs}"
    if probe.get("tcpSocket") is not None:
        sock = probe["tcpSocket"]
        return f"tcp-socket {sock.get('host', '')}:{sock.get('port', '')} {attrs}"
    if probe.get("grpc") is not None:
        grpc = probe["grpc"]
        return f"grpc <pod>:{grpc.get('port', 0)} {grpc.get('service', '')} {attrs}"
    return f"unknown {attrs}"


def _env(w: Writer, container: Obj, pod: Obj | None) -> None:
    env = container.get("env") or []
    w.write(2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
    for var in env:
        name, source = var.get("name", ""), var.get("valueFrom")
        if source is None:
            for i, part in enumerate(str(var.get("value", "")).split("\n")):
                w.write(3, f"{name}:\t{part}\n" if i == 0 else f"\t{part}\n")
        elif source.get("fieldRef") is not None:
            ref = source["fieldRef"]
            value = _field_value(pod, ref.get("fieldPath", "")) if pod else ""
            w.write(
                3, f"{name}:\t{value} ({ref.get('apiVersion', 'v1')}:{ref.get('fieldPath', '')})\n"
            )
        elif source.get("resourceFieldRef") is not None:
            ref = source["resourceFieldRef"]
            resource = ref.get("resource", "")
            value = _resource_value(container, ref)
            if value == "0" and resource in ("limits.cpu", "limits.memory"):
                value = "node allocatable"
            w.write(3, f"{name}:\t{value} ({resource})\n")
        elif source.get("secretKeyRef") is not None:
            ref = source["secretKeyRef"]
            w.write(
                3,
                f"{name}:\t<set to the key '{ref.get('key', '')}' in secret '{ref.get('name', '')}'>"
                f"\tOptional: {go_bool(ref.get('optional'))}\n",
            )
        elif source.get("configMapKeyRef") is not None:
            ref = source["configMapKeyRef"]
            w.write(
                3,
                f"{name}:\t<set to the key '{ref.get('key', '')}' of config map "
                f"'{ref.get('name', '')}'>\tOptional: {go_bool(ref.get('optional'))}\n",
            )


def _field_value(pod: Obj, path: str) -> str:
    """The value kubectl describe shows for a fieldRef env var, computed client-side.

    kubectl first converts the path as a Pod field selector (which knows no label or
    annotation subscripts and no metadata.uid), then reads it with its own fieldpath
    helper (which knows only metadata): so only the pod's name and namespace show,
    every other path an empty value, as on a real cluster.
    """
    m = meta(pod)
    return str(
        {"metadata.name": m.get("name"), "metadata.namespace": m.get("namespace")}.get(path) or ""
    )


def _resource_value(container: Obj, ref: Obj) -> str:
    kind, _, name = str(ref.get("resource", "")).partition(".")
    amount = Quantity.parse(((container.get("resources") or {}).get(kind) or {}).get(name))
    divisor = Quantity.parse(ref.get("divisor") or "1")
    if divisor.value == 0:
        return ""
    if name == "cpu":
        return str(math.ceil(amount.milli() / divisor.milli()))
    return str(math.ceil(amount.whole() / divisor.whole()))


def _mounts(w: Writer, mounts: list[Obj] | None) -> None:
    w.write(2, f"Mounts:{'' if mounts else chr(9) + '<none>'}\n")
    for mount in sorted(mounts or [], key=lambda v: v.get("mountPath", "")):
        flags = ["ro" if mount.get("readOnly") else "rw"]
        if mount.get("subPath"):
            flags.append(f'path="{mount["subPath"]}"')
        w.write(
            3, f"{mount.get('mountPath', '')} from {mount.get('name', '')} ({','.join(flags)})\n"
        )


def volumes_section(w: Writer, volumes: list[Obj] | None, *, space: str = "") -> None:
    """describeVolumes for the volume sources the twin's applications use."""
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    for volume in volumes:
        w.write(1, f"{' ' if space else ''}{volume.get('name', '')}:\n")
        _volume_source(w, volume)


def _volume_source(w: Writer, volume: Obj) -> None:
    if (src := volume.get("hostPath")) is not None:
        host_path_source(w, src)
    elif (src := volume.get("emptyDir")) is not None:
        limit = src.get("sizeLimit")
        size = quantity(limit) if limit and Quantity.parse(limit).value > 0 else "<unset>"
        w.write(
            2,
            "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
            f"    Medium:\t{src.get('medium', '')}\n    SizeLimit:\t{size}\n",
        )
    elif (src := volume.get("secret")) is not None:
        w.write(
            2,
            "Type:\tSecret (a volume populated by a Secret)\n"
            f"    SecretName:\t{src.get('secretName', '')}\n"
            f"    Optional:\t{go_bool(src.get('optional'))}\n",
        )
    elif (src := volume.get("configMap")) is not None:
        w.write(
            2,
            "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
            f"    Name:\t{src.get('name', '')}\n    Optional:\t{go_bool(src.get('optional'))}\n",
        )
    elif (src := volume.get("persistentVolumeClaim")) is not None:
        w.write(
            2,
            "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same "
            f"namespace)\n    ClaimName:\t{src.get('claimName', '')}\n"
            f"    ReadOnly:\t{go_bool(src.get('readOnly'))}\n",
        )
    elif (src := volume.get("projected")) is not None:
        _projected(w, src)
    elif (src := volume.get("downwardAPI")) is not None:
        w.write(
            2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n"
        )
        for item in src.get("items") or []:
            if item.get("fieldRef"):
                w.write(3, f"{item['fieldRef'].get('fieldPath', '')} -> {item.get('path', '')}\n")
            if item.get("resourceFieldRef"):
                w.write(
                    3, f"{item['resourceFieldRef'].get('resource', '')} -> {item.get('path', '')}\n"
                )
    else:
        w.write(1, "<unknown>\n")


def host_path_source(w: Writer, src: Obj) -> None:
    # The type is a pointer in Go: unset prints <none>, an empty string prints nothing.
    kind = "<none>" if src.get("type") is None else src["type"]
    w.write(
        2,
        "Type:\tHostPath (bare host directory volume)\n"
        f"    Path:\t{src.get('path', '')}\n    HostPathType:\t{kind}\n",
    )


def _projected(w: Writer, src: Obj) -> None:
    # kubectl 1.32 prints the optional flags as Go pointers: <nil> when unset.
    w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
    for source in src.get("sources") or []:
        if (secret := source.get("secret")) is not None:
            w.write(
                2,
                f"SecretName:\t{secret.get('name', '')}\n"
                f"    SecretOptionalName:\t{printable(secret.get('optional'))}\n",
            )
        elif source.get("downwardAPI") is not None:
            w.write(2, "DownwardAPI:\ttrue\n")
        elif (cm := source.get("configMap")) is not None:
            w.write(
                2,
                f"ConfigMapName:\t{cm.get('name', '')}\n"
                f"    ConfigMapOptional:\t{printable(cm.get('optional'))}\n",
            )
        elif (token := source.get("serviceAccountToken")) is not None:
            w.write(2, f"TokenExpirationSeconds:\t{token.get('expirationSeconds', 3600)}\n")


def spread_section(w: Writer, constraints: list[Obj] | None, *, space: str = "") -> None:
    if not constraints:
        return
    w.write(0, f"{space}Topology Spread Constraints:\t")
    for i, tsc in enumerate(sorted(constraints, key=lambda c: c.get("topologyKey", ""))):
        if i:
            w.write(0, space)
            w.write(0, "\t")
        text = f"{tsc.get('topologyKey', '')}:{tsc.get('whenUnsatisfiable', '')}"
        text += f" when max skew {tsc.get('maxSkew', 0)} is exceeded"
        if tsc.get("labelSelector") is not None:
            text += f" for selector {format_selector(tsc['labelSelector'])}"
        w.write(0, text + "\n")


def qos_class(pod: Obj) -> str:
    """ComputePodQOS: Guaranteed, Burstable or BestEffort from cpu and memory requests/limits."""
    spec = pod.get("spec") or {}
    requests: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    guaranteed = True
    for container in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
        resources = container.get("resources") or {}
        for name, value in (resources.get("requests") or {}).items():
            q = Quantity.parse(value)
            if name in ("cpu", "memory") and q.value > 0:
                requests[name] = requests[name] + q if name in requests else q
        found = set()
        for name, value in (resources.get("limits") or {}).items():
            q = Quantity.parse(value)
            if name in ("cpu", "memory") and q.value > 0:
                found.add(name)
                limits[name] = limits[name] + q if name in limits else q
        if found != {"cpu", "memory"}:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed:
        for name, q in requests.items():
            if name not in limits or limits[name].value != q.value:
                guaranteed = False
    return "Guaranteed" if guaranteed and len(requests) == len(limits) else "Burstable"
