"""`kubectl get` tables, `-o name` and the "No resources found" line, as kubectl v1.32 prints them.

Rows follow the server-side printers of k8s.io/kubernetes (pkg/printers/internalversion), and
columns are laid out by a port of Go's text/tabwriter with kubectl's settings (cells padded to
the widest cell plus 3, at least 6 wide; the last column is never padded). `describe` reuses
the tabwriter, the timestamp and the quantity helpers defined here.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from aoi.twin.cluster.clock import human_duration

Obj = dict[str, Any]

# --- layout ---------------------------------------------------------------------------------


def tabwrite(text: str, *, minwidth: int, padding: int) -> str:
    """Go's text/tabwriter (padchar ' ', no flags) applied to tab-separated text.

    Consecutive lines that have a cell in the same column form a block whose cells are padded
    to the block's widest cell plus `padding` (at least `minwidth`); the last cell of a line is
    not part of any column.
    """
    lines = [line.split("\t") for line in text.split("\n")]
    out: list[str] = []
    _format(lines, [], 0, len(lines), out, minwidth, padding)
    return "".join(out)


def _format(
    lines: list[list[str]],
    widths: list[int],
    line0: int,
    line1: int,
    out: list[str],
    minwidth: int,
    padding: int,
) -> None:
    column = len(widths)
    this = line0
    while this < line1:
        if column >= len(lines[this]) - 1:
            this += 1
            continue
        _write_lines(lines, widths, line0, this, out)
        line0 = this
        width = minwidth
        while this < line1 and column < len(lines[this]) - 1:
            width = max(width, len(lines[this][column]) + padding)
            this += 1
        widths.append(width)
        _format(lines, widths, line0, this, out, minwidth, padding)
        widths.pop()
        line0 = this
    _write_lines(lines, widths, line0, line1, out)


def _write_lines(
    lines: list[list[str]], widths: list[int], line0: int, line1: int, out: list[str]
) -> None:
    for i in range(line0, line1):
        for j, cell in enumerate(lines[i]):
            out.append(cell)
            if j < len(widths):
                out.append(" " * (widths[j] - len(cell)))
        if i + 1 < len(lines):
            out.append("\n")


# --- values ---------------------------------------------------------------------------------

_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def parse_time(text: Any) -> datetime | None:
    """An RFC 3339 timestamp (with or without fractions); None for missing or malformed."""
    if not isinstance(text, str):
        return None
    return _parse_time(text)


@functools.lru_cache(maxsize=4096)
def _parse_time(text: str) -> datetime | None:
    # Tables parse the same few timestamps over and over: cache them.
    match = _TIME.match(text)
    if match is None:
        return None
    base, fraction, zone = match.groups()
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    offset = "+00:00" if zone == "Z" else zone
    return datetime.fromisoformat(base + offset).replace(microsecond=micro)


def since(text: Any, now: datetime) -> str:
    """kubectl's translateTimestampSince: the age of a timestamp, `<unknown>` when unset."""
    moment = parse_time(text)
    if moment is None:
        return "<unknown>"
    return human_duration(now - moment)


def rfc1123z(text: Any) -> str:
    """Go's time.RFC1123Z (`Thu, 26 Nov 2026 09:00:00 +0000`); Go's zero time when unset."""
    moment = parse_time(text) or datetime(1, 1, 1, tzinfo=UTC)
    return moment.strftime("%a, %d %b %Y %H:%M:%S %z")


def format_labels(labels: Mapping[str, str] | None) -> str:
    """labels.FormatLabels: `a=b,c=d` sorted by key, `<none>` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{key}={labels[key]}" for key in sorted(labels))


def selector_string(selector: Mapping[str, Any] | None) -> str:
    """metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key; "" when empty."""
    if not selector:
        return ""
    parts: list[tuple[str, str]] = [
        (key, f"{key}={value}") for key, value in (selector.get("matchLabels") or {}).items()
    ]
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], sorted(expr.get("values") or [])
        text = {
            "In": f"{key} in ({','.join(values)})",
            "NotIn": f"{key} notin ({','.join(values)})",
            "Exists": key,
            "DoesNotExist": f"!{key}",
        }.get(op, key)
        parts.append((key, text))
    return ",".join(text for _key, text in sorted(parts, key=lambda p: p[0]))


def format_selector(selector: Mapping[str, Any] | None) -> str:
    """metav1.FormatLabelSelector: as selector_string, `<none>` when empty."""
    return selector_string(selector) or "<none>"


def node_roles(node: Obj) -> list[str]:
    """findNodeRoles: `node-role.kubernetes.io/X` labels and the `kubernetes.io/role` value."""
    roles: set[str] = set()
    for key, value in (node["metadata"].get("labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/"):
            role = key.removeprefix("node-role.kubernetes.io/")
            if role:
                roles.add(role)
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return sorted(roles)


_ACCESS_MODES = (
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
)


def access_modes(modes: Iterable[str] | None) -> str:
    """GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order, whatever the object's order."""
    have = set(modes or ())
    return ",".join(short for mode, short in _ACCESS_MODES if mode in have)


def pv_class(pv: Obj) -> str:
    annotations = pv["metadata"].get("annotations") or {}
    beta = annotations.get("volume.beta.kubernetes.io/storage-class")
    if beta is not None:
        return str(beta)
    return str(pv.get("spec", {}).get("storageClassName") or "")


# --- quantities (apimachinery resource.Quantity) ---------------------------------------------

_QTY = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?([a-zA-Z]*|[eE][+-]?\d+)$")
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_SUFFIX = {exp: suffix for suffix, exp in _DECIMAL.items()}
_BINARY_SUFFIX = {bits: suffix for suffix, bits in _BINARY.items()}


class Quantity:
    """A parsed quantity: an exact value and the format its String() keeps."""

    __slots__ = ("format", "value")

    def __init__(self, value: Fraction = Fraction(0), fmt: str = "DecimalSI") -> None:
        self.value = value
        self.format = fmt

    @classmethod
    def parse(cls, text: Any) -> Quantity:
        """Parse `100m`, `128Mi`, `1e3`, `2`; anything unparsable counts as zero."""
        if isinstance(text, int | float):
            text = str(text)
        match = _QTY.match(str(text or "").strip())
        if match is None or not (match.group(2) or match.group(3)):
            return cls()
        sign, whole, frac, suffix = match.groups()
        value = Fraction(int((whole or "0") + (frac or "")), 10 ** len(frac or ""))
        if suffix in _BINARY:
            value, fmt = value * 2 ** _BINARY[suffix], "BinarySI"
        elif suffix in _DECIMAL:
            value, fmt = value * Fraction(10) ** _DECIMAL[suffix], "DecimalSI"
        elif suffix[:1] in "eE" and suffix:
            value, fmt = value * Fraction(10) ** int(suffix[1:]), "DecimalExponent"
        else:
            return cls()
        # Quantities keep nano precision, rounding away from zero.
        value = Fraction(math.ceil(value * 10**9), 10**9)
        return cls(-value if sign == "-" else value, fmt)

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(self.value + other.value, self.format)

    def milli(self) -> int:
        return math.ceil(self.value * 1000)

    def whole(self) -> int:
        return math.ceil(self.value)

    def __str__(self) -> str:
        if self.value == 0:
            return "0"
        fmt = self.format
        if fmt == "BinarySI" and (-1024 < self.value < 1024 or self.value.denominator != 1):
            fmt = "DecimalSI"
        if fmt == "BinarySI":
            amount, bits = int(self.value), 0
            while amount % 1024 == 0 and bits < 60:
                amount //= 1024
                bits += 10
            return f"{amount}{_BINARY_SUFFIX.get(bits, '')}"
        # Integer mantissa and a power-of-ten exponent, made a multiple of 3.
        scaled = self.value * 10**9
        amount, exponent = int(scaled), -9
        while amount != 0 and amount % 10 == 0:
            amount //= 10
            exponent += 1
        shift = exponent % 3
        amount, exponent = amount * 10**shift, exponent - shift
        if fmt == "DecimalExponent":
            return f"{amount}e{exponent}" if exponent else str(amount)
        return f"{amount}{_DECIMAL_SUFFIX.get(exponent, f'e{exponent}')}"


def quantity(text: Any) -> str:
    """The canonical form kubectl prints for a quantity string (`2048Mi` -> `2Gi`)."""
    if text is None or text == "":
        return "0"
    return str(Quantity.parse(text))


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
