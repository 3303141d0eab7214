"""Metrics and traces of the twin, in the shapes AIOpsLab exports them.

Metrics are cAdvisor `container_*` series sampled every 15 s, one CSV per
metric (`timestamp,cmdb_id,kpi_name,value`, cmdb_id `<node>.<pod>`). They follow
the request rate through each program, its flag effects, its crash loop (no
samples while the container waits in back-off, counters restarting from zero
with each run) and network chaos (dropped packets). Traces walk the call graph
from the frontend for each sampled request, with span durations and error flags
taken from the oracle's edges and health. Both are drawn from seeded generators:
the same twin at the same moment exports the same files.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from aoi.telemetry_schema import (
    CONTAINER_METRICS,
    METRIC_COLUMNS,
    NETWORK_METRICS,
    STEP_SECONDS,
    TRACE_COLUMNS,
    MetricRow,
    TraceRow,
    write_csv,
)
from aoi.twin.apps.spec import App, Component
from aoi.twin.behaviour.logstyles import Rand, stable_seed
from aoi.twin.behaviour.network import SOFT_PROTOCOLS, EdgeResult
from aoi.twin.cluster.store import Obj, match_labels

if TYPE_CHECKING:
    from aoi.twin.behaviour.view import WorldView

MAX_TRACES = 100
MIB = 1024 * 1024
TRACED = frozenset({"grpc", "thrift", "http", "mongodb", "memcached", "redis", "valkey", "kafka"})
# Jaeger service names that differ from the component's.
TRACER_NAMES = {"nginx-thrift": "nginx-web-server"}


@cache
def traffic_data() -> dict[str, Any]:
    """The traffic data file: load per app, operations, resource profiles."""
    text = resources.files("aoi.twin.behaviour").joinpath("data/logs_traffic.yaml").read_text()
    data: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return data


# --- request rates ------------------------------------------------------------------

_RATES: weakref.WeakKeyDictionary[WorldView, dict[str, dict[str, float]]] = (
    weakref.WeakKeyDictionary()
)


def request_rates(twin: WorldView, namespace: str) -> dict[str, float]:
    """Requests per second reaching each component of the app in `namespace`."""
    cached = _RATES.setdefault(twin, {})
    base = cached.get(namespace)
    if base is None:
        app = twin.app_for(namespace)
        base = _base_rates(app) if app is not None else {}
        cached[namespace] = base
    app = twin.app_for(namespace)
    if app is None:
        return base
    fe = app.components_by_service()[app.frontend].name
    boost = float(
        twin.effects.for_service(namespace, fe, twin.clock.now()).get("request_rate", 1.0)
    )
    return base if boost == 1.0 else {k: v * boost for k, v in base.items()}


def _base_rates(app: App) -> dict[str, float]:
    data = traffic_data()["apps"].get(app.key, {})
    by_service = app.components_by_service()
    frontend = by_service[app.frontend]
    rates: dict[str, float] = {c.name: 0.0 for c in app.components}
    rps = float(data.get("rps", 5.0))
    rates[frontend.name] = rps
    entries = data.get("entry", [])
    total = sum(float(e["weight"]) for e in entries) or 1.0
    order = _topological(app, frontend)
    for comp in order:
        if comp.name == frontend.name and entries:
            for e in entries:
                for svc in e["calls"]:
                    target = by_service.get(svc)
                    if target is not None:
                        rates[target.name] += rps * float(e["weight"]) / total
            continue
        for dep in _hard(comp):
            target = by_service.get(dep.service)
            if target is not None and target.name != comp.name:
                rates[target.name] += rates[comp.name]
    return rates


def _hard(comp: Component) -> list[Any]:
    return [d for d in comp.calls if d.protocol not in SOFT_PROTOCOLS]


def _topological(app: App, root: Component) -> list[Component]:
    """Components reachable from the root, callers before callees (back edges dropped)."""
    by_service = app.components_by_service()
    seen: set[str] = set()
    post: list[Component] = []

    def visit(comp: Component) -> None:
        seen.add(comp.name)
        for dep in _hard(comp):
            target = by_service.get(dep.service)
            if target is not None and target.name not in seen:
                visit(target)
        post.append(comp)

    visit(root)
    return post[::-1]


# --- metrics ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Profile:
    cpu: float
    cpu_per_request: float
    memory: float
    memory_per_rps: float
    threads: int
    bytes: float


def _profile(program: Component | None) -> _Profile:
    data = traffic_data()
    role = program.role if program is not None else "other"
    raw = dict(data["profiles"].get(role) or data["profiles"]["other"])
    if program is not None and program.language in data["languages"]:
        raw.update(data["languages"][program.language])
    return _Profile(
        float(raw["cpu"]),
        float(raw["cpu_per_request"]),
        float(raw["memory"]),
        float(raw["memory_per_rps"]),
        int(raw["threads"]),
        float(raw["bytes"]),
    )


def _cores(text: str | None) -> float:
    if not text:
        return 0.0
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


def _bytes(text: str | None) -> float:
    if not text:
        return 0.0
    units = {"Ki": 1024, "Mi": MIB, "Gi": 1024 * MIB, "K": 1000, "M": 1000**2, "G": 1000**3}
    for suffix, factor in units.items():
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text)


def _runs(rt: Any) -> list[tuple[float, float | None]]:
    """(start, end) of a container's runs, newest first; older crash-loop runs are extrapolated."""
    runs: list[tuple[float, float | None]] = []
    if rt.state == "running" and rt.started is not None:
        runs.append((rt.started.timestamp(), None))
    elif rt.current_exit is not None:
        runs.append((rt.current_exit.started.timestamp(), rt.current_exit.finished.timestamp()))
    if rt.last is not None and (not runs or rt.last.started.timestamp() < runs[0][0]):
        runs.append((rt.last.started.timestamp(), rt.last.finished.timestamp()))
    earlier = rt.restart_count + 1 - len(runs)
    if rt.last is not None and earlier > 0:
        length = rt.last.finished.timestamp() - rt.last.started.timestamp()
        start = rt.last.started.timestamp()
        for i in range(earlier, 0, -1):
            finished = start - min(10.0 * 2 ** (i - 1), 300.0)
            start = finished - length
            runs.append((start, finished))
            if len(runs) > 64:
                break
    return runs


def _steps(now: datetime, minutes: float) -> list[int]:
    end = int(now.timestamp())
    start = end - int(minutes * 60)
    first = start + (-start) % STEP_SECONDS
    return list(range(first, end + 1, STEP_SECONDS))


def _pods(twin: WorldView, namespace: str) -> list[Obj]:
    # AIOpsLab's exporter skips these two names; the rest of the namespace's pods count.
    return [
        p
        for p in twin.store.list("Pod", namespace)
        if p["spec"].get("nodeName")
        and not p["metadata"]["name"].startswith(("loadgenerator-", "redis-cart"))
    ]


def metrics(
    twin: WorldView, namespace: str, duration_minutes: float = 5
) -> dict[str, list[MetricRow]]:
    """Every exported metric's rows over the last `duration_minutes`, oldest first."""
    now = twin.clock.now()
    steps = _steps(now, duration_minutes)
    rates = request_rates(twin, namespace)
    out: dict[str, list[MetricRow]] = {m: [] for m in (*CONTAINER_METRICS, *NETWORK_METRICS)}
    for pod in _pods(twin, namespace):
        _pod_metrics(twin, pod, steps, rates, out)
    for rows in out.values():
        rows.sort(key=lambda row: row[0])
    return {name: rows for name, rows in out.items() if rows}


def _pod_metrics(
    twin: WorldView,
    pod: Obj,
    steps: list[int],
    rates: dict[str, float],
    out: dict[str, list[MetricRow]],
) -> None:
    meta, spec = pod["metadata"], pod["spec"]
    ns = meta["namespace"]
    cmdb = f"{spec['nodeName']}.{meta['name']}"
    runtimes = twin.controller.runtimes.get(meta["uid"], {})
    now = twin.clock.now()
    pod_rps = 0.0
    pod_bytes = 0.0
    for cspec in spec.get("containers", []):
        rt = runtimes.get(cspec["name"])
        if rt is None:
            continue
        program = twin.oracle.program_of(pod, cspec)
        prof = _profile(program)
        effects = twin.effects.for_service(ns, program.name, now) if program is not None else {}
        serving = bool(rt.result is None or rt.result.ok)
        rps = rates.get(program.name, 0.0) if program is not None and serving else 0.0
        if cspec is spec["containers"][0]:
            pod_rps, pod_bytes = rps, prof.bytes
        cpu_rate = (prof.cpu + prof.cpu_per_request * rps) * float(effects.get("cpu", 1.0))
        if not serving:
            cpu_rate = prof.cpu * 3  # a program that starts and dies spends its short life booting
        mem = (prof.memory + prof.memory_per_rps * rps) * float(effects.get("memory", 1.0)) * MIB
        if not serving:
            mem *= 0.4
        limits = cspec.get("resources", {}).get("limits", {})
        requests = cspec.get("resources", {}).get("requests", {})
        quota = _cores(limits.get("cpu"))
        mem_limit = _bytes(limits.get("memory"))
        if mem_limit:
            mem = min(mem, mem_limit * 0.97)
        seed = stable_seed(twin.seed, meta["uid"], cspec["name"])
        runs = _runs(rt)
        for ts in steps:
            run = next((r for r in runs if r[0] <= ts and (r[1] is None or ts <= r[1])), None)
            if run is None:
                continue
            age = ts - run[0]
            r = Rand(seed ^ ts)
            wobble = r.random()
            used = 0.15 + cpu_rate * age + cpu_rate * STEP_SECONDS * 0.1 * wobble
            throttled = max(0.0, cpu_rate - quota * 0.8) if quota else 0.0
            periods = age * 10 * min(1.0, 0.2 + cpu_rate * 4)
            usage = mem * (0.97 + 0.06 * r.random())
            cache_bytes = usage * 0.12
            values = {
                "container_cpu_usage_seconds_total": used,
                "container_cpu_user_seconds_total": used * 0.7,
                "container_cpu_system_seconds_total": used * 0.3,
                "container_cpu_cfs_throttled_seconds_total": throttled * age,
                "container_cpu_cfs_throttled_periods_total": math.floor(throttled * age * 10),
                "container_cpu_cfs_periods_total": math.floor(periods),
                "container_cpu_load_average_10s": 0.0,
                "container_memory_cache": cache_bytes,
                "container_memory_usage_bytes": usage + cache_bytes,
                "container_memory_working_set_bytes": usage + cache_bytes * 0.3,
                "container_memory_rss": usage * 0.85,
                "container_memory_mapped_file": usage * 0.02,
                "container_spec_cpu_period": 100000.0,
                "container_spec_cpu_shares": float(max(2, int(_cores(requests.get("cpu")) * 1024))),
                "container_spec_memory_limit_bytes": mem_limit,
                "container_threads": float(max(1, prof.threads + r.below(3) - 1) if serving else 2),
            }
            if quota:
                values["container_spec_cpu_quota"] = quota * 100000
            for name, value in values.items():
                if not name.startswith("container_cpu_"):
                    value = float(int(value))  # bytes, counts and spec values are whole numbers
                out[name].append((ts, cmdb, name, round(float(value), 3)))
    _network(twin, pod, cmdb, steps, pod_rps, pod_bytes, out)


def _network(
    twin: WorldView,
    pod: Obj,
    cmdb: str,
    steps: list[int],
    rps: float,
    per_request: float,
    out: dict[str, list[MetricRow]],
) -> None:
    start = pod.get("status", {}).get("startTime")
    if not start:
        return
    born = datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
    labels = pod["metadata"].get("labels", {})
    ns = pod["metadata"]["namespace"]
    chaos = [
        c
        for c in twin.chaos
        if c.namespace == ns and c.action == "network-loss" and match_labels(labels, c.selector)
    ]
    idle_bytes = 120.0  # health probes, DNS, the tracer's UDP
    for ts in steps:
        if ts < born:
            continue
        age = ts - born
        r = Rand(stable_seed(twin.seed, pod["metadata"]["uid"], "net") ^ ts)
        received = (idle_bytes + rps * per_request) * age * (1 + 0.01 * r.random())
        sent = received * 1.6
        dropped = 0.0
        for c in chaos:
            begin = c.start.timestamp()
            overlap = max(0.0, min(ts, begin + c.duration_s) - begin)
            dropped += overlap * (rps + 1) * 2 * float(c.params.get("loss", 100)) / 100
        values = {
            "container_network_receive_packets_dropped_total": dropped,
            "container_network_receive_packets_total": received / 700,
            "container_network_receive_bytes_total": received,
            "container_network_transmit_bytes_total": sent,
            "container_network_transmit_errors_total": 0.0,
            "container_network_transmit_packets_dropped_total": 0.0,
            "container_network_transmit_packets_total": sent / 800,
        }
        for name, value in values.items():
            out[name].append((ts, cmdb, f"{name}.eth0", float(int(value))))


def write_metrics(
    twin: WorldView, namespace: str, duration_minutes: float, folder: str | Path
) -> Path:
    """One `kpi_<metric>.csv` per metric under `<folder>/container`; returns the folder."""
    root = Path(folder)
    container = root / "container"
    container.mkdir(parents=True, exist_ok=True)
    (root / "istio").mkdir(exist_ok=True)
    for name, rows in metrics(twin, namespace, duration_minutes).items():
        write_csv(container / f"kpi_{name}.csv", METRIC_COLUMNS, rows)
    return root


# --- traces -------------------------------------------------------------------------


class _Tracer:
    """Walks one request through the call graph, writing its spans."""

    def __init__(self, twin: WorldView, app: App, at: datetime, r: Rand) -> None:
        self.twin = twin
        self.app = app
        self.ns = app.namespace
        self.at = at
        self.r = r
        self.by_service = app.components_by_service()
        data = traffic_data()["apps"].get(app.key, {})
        self.ops: dict[str, str] = data.get("operations", {})
        self.tracing: dict[str, Any] = data.get("tracing", {})
        self.untraced = {tuple(pair.split(">")) for pair in self.tracing.get("untraced", ())}
        self.rows: list[TraceRow] = []
        self.trace_id = ""
        self._edges: dict[tuple[str, str, int], EdgeResult] = {}
        self._pods: dict[str, Obj | None] = {}

    def pod_of(self, comp: Component) -> Obj | None:
        if comp.name not in self._pods:
            found = None
            for pod in self.twin.store.list("Pod", self.ns):
                containers = pod["spec"].get("containers", [])
                program = self.twin.oracle.program_of(pod, containers[0]) if containers else None
                if program is not None and program.name == comp.name:
                    found = pod
                    break
            self._pods[comp.name] = found
        return self._pods[comp.name]

    def tags(self, protocol: str, failed: bool, kind: str, *, client: bool) -> tuple[bool, str]:
        """(has_error, response) as AIOpsLab reads them from the span's Jaeger tags."""
        return _tags(str(self.tracing.get("tags", "")), protocol, failed, kind, client)

    def client_op(self, op: str) -> str:
        """The caller's span name for a call whose server span is `op`."""
        for old, new in (self.tracing.get("client_op") or {}).items():
            if op.endswith(old):
                return op[: -len(old)] + new
        return op

    def edge(self, comp: Component, dep: Any) -> EdgeResult:
        key = (comp.name, dep.service, dep.port)
        if key not in self._edges:
            self._edges[key] = self.twin.oracle.edge(self.ns, self.pod_of(comp), comp, dep, self.at)
        return self._edges[key]

    def span(
        self,
        parent: str,
        service: str,
        op: str,
        start: int,
        duration: int,
        error: bool,
        response: str,
    ) -> str:
        span_id = self.r.hex(16)
        name = TRACER_NAMES.get(service, service)
        self.rows.append(
            (self.trace_id, span_id, parent, name, op, start, max(1, duration), error, response)
        )
        return span_id

    def serve(
        self, comp: Component, parent: str, op: str, start: int, calls: list[str] | None, depth: int
    ) -> tuple[int, bool]:
        """A server span at `comp` and everything below it: (duration µs, failed)."""
        index = len(self.rows)
        self.rows.append(
            ("", "", "", "", "", 0, 0, False, "")
        )  # filled in once the children are known
        span_id = self.r.hex(16)
        effects = self.twin.oracle.health(self.ns, comp.name, self.at).effects
        cursor = start + int(
            (0.2 + self.r.random() * 0.6)
            * 1000
            * (1.0 + float(effects.get("latency_ms", 0.0)) / 1000)
        )
        cursor += int(float(effects.get("latency_ms", 0.0)) * 1000 * (0.8 + 0.4 * self.r.random()))
        failed = self.r.random() < float(effects.get("error_rate", 0.0))
        # chaos on this program's own network: every packet in and out is delayed or lost
        delay_ms, loss_pct = self.twin.oracle.network_chaos_on(self.ns, comp.name, self.at)
        if delay_ms:
            cursor += int(delay_ms * 1000 * (0.95 + 0.1 * self.r.random()))
        if loss_pct and self.r.random() * 100 < loss_pct:
            failed = True
            cursor += 10_000_000  # the client's request times out
        deps = [
            d
            for d in comp.calls
            if d.protocol in TRACED and (comp.name, d.service) not in self.untraced
        ]
        if calls is not None:
            deps = [d for d in deps if d.service in calls]
        for dep in deps if depth < 8 else []:
            edge = self.edge(comp, dep)
            target = self.by_service.get(dep.service)
            op_name = self.ops.get(dep.service, f"{dep.protocol} {dep.service}")
            if not edge.ok and edge.kind != "upstream":
                wait = (
                    10_000_000 if edge.kind in ("timeout", "loss") else 1_000 + self.r.below(4_000)
                )
                error, response = self.tags(dep.protocol, True, edge.kind, client=True)
                self.span(
                    span_id,
                    comp.name,
                    self.client_op(op_name),
                    cursor,
                    wait,
                    error,
                    response,
                )
                cursor += wait
                failed = True
                continue
            client = self.r.below(300) + 100
            if (
                target is not None
                and target.role in ("service", "frontend", "proxy", "flags")
                and dep.protocol in ("grpc", "thrift", "http")
            ):
                client_index = len(self.rows)
                self.rows.append(("", "", "", "", "", 0, 0, False, ""))
                client_id = self.r.hex(16)
                took, child_failed = self.serve(
                    target, client_id, op_name, cursor + client // 2, None, depth + 1
                )
                took += client
                error, response = self.tags(dep.protocol, child_failed, "upstream", client=True)
                self.rows[client_index] = (
                    self.trace_id,
                    client_id,
                    span_id,
                    TRACER_NAMES.get(comp.name, comp.name),
                    self.client_op(op_name),
                    cursor,
                    took,
                    error,
                    response,
                )
                failed = failed or child_failed
                cursor += took
            else:
                took = int(edge.latency_ms * 1000 * (0.7 + 0.6 * self.r.random())) + client
                bad = not edge.ok
                error, response = self.tags(dep.protocol, bad, edge.kind, client=True)
                self.span(
                    span_id, comp.name, self.client_op(op_name), cursor, took, error, response
                )
                failed = failed or bad
                cursor += took
        duration = cursor - start + 50 + self.r.below(200)
        name = TRACER_NAMES.get(comp.name, comp.name)
        protocol = "http" if comp.role in ("frontend", "proxy") else "grpc"
        error, response = self.tags(protocol, failed, "upstream", client=False)
        self.rows[index] = (
            self.trace_id,
            span_id,
            parent,
            name,
            op,
            start,
            duration,
            error,
            response,
        )
        return duration, failed


def _tags(family: str, protocol: str, failed: bool, kind: str, client: bool) -> tuple[bool, str]:
    """What an instrumentation library tags a span with, as AIOpsLab's trace_api reads it.

    trace_api takes `response` from an http.status_code or response_class tag ("Unknown"
    without one) and `has_error` from an `error` tag. hotelReservation: nethttp tags the
    frontend's span with the status (error from 500); otgrpc tags a gRPC span only when the
    call failed (response_class 5xx for Unavailable or DeadlineExceeded, 0xx for Unknown;
    error on the client side, and on the server side for 5xx); its hand-made mongo and
    memcached spans carry neither. socialNetwork: nginx-opentracing tags nginx's spans with
    the status; the C++ services' hand-made spans carry no tags at all.
    """
    if family in ("otgrpc", "jaeger-cpp"):
        if protocol == "http":
            return failed, "500" if failed else "200"
        if family == "jaeger-cpp" or protocol != "grpc" or not failed:
            return False, "Unknown"
        klass = "0xx" if kind == "upstream" else "5xx"
        return client or klass == "5xx", klass
    if not failed:
        return False, _response(protocol, False)
    return True, _response(protocol, True) if kind == "upstream" else _failure(protocol, kind)


def _response(protocol: str, failed: bool) -> str:
    if protocol == "http":
        return "500" if failed else "200"
    if protocol == "thrift":
        return "TApplicationException" if failed else "OK"
    return "UNKNOWN" if failed else "OK"


def _failure(protocol: str, kind: str) -> str:
    if protocol == "http":
        return "504" if kind in ("timeout", "loss") else "503"
    if protocol == "thrift":
        return "TTransportException"
    if protocol == "mongodb":
        return {
            "auth": "AuthenticationFailed",
            "unauthorized": "Unauthorized",
            "tls": "HostUnreachable",
        }.get(kind, "HostUnreachable")
    return "DEADLINE_EXCEEDED" if kind in ("timeout", "loss") else "UNAVAILABLE"


def traces(twin: WorldView, namespace: str, duration_minutes: float = 5) -> list[TraceRow]:
    """Spans of the requests the tracer kept over the last `duration_minutes`."""
    app = twin.app_for(namespace)
    if app is None:
        return []
    data = traffic_data()["apps"].get(app.key, {})
    entries = data.get("entry") or [{"op": "request", "weight": 1, "calls": None}]
    weights = [float(e["weight"]) for e in entries]
    now = twin.clock.now()
    frontend = app.components_by_service()[app.frontend]
    rps = request_rates(twin, namespace).get(frontend.name, 0.0)
    window = duration_minutes * 60
    r = Rand(stable_seed(twin.seed, "traces", namespace, now.timestamp()))
    count = min(MAX_TRACES, r.count(rps * float(data.get("sample", 1.0)) * window))
    if not twin.oracle.health(namespace, frontend.name, now).running:
        return []
    starts = sorted(now.timestamp() - window * r.random() for _ in range(count))
    tracers: dict[tuple[str, ...], _Tracer] = {}
    rows: list[TraceRow] = []
    id_digits = int(data.get("tracing", {}).get("trace_id_hex", 32))
    cut = twin.first_change
    for t in starts:
        at = datetime.fromtimestamp(t, UTC)
        if cut is not None and t < cut:
            regime: tuple[str, ...] = ("<healthy>",)
        else:
            regime = tuple(c.name for c in twin.chaos if c.namespace == namespace and c.active(at))
        tracer = tracers.get(regime)
        if tracer is None:
            # a request served before the world first changed met the system as it came up
            world = twin.pristine() if regime == ("<healthy>",) else twin
            tracer = _Tracer(world, app, at if regime else now, r)
            tracers[regime] = tracer
        entry = _weighted(entries, weights, r)
        tracer.rows = []
        tracer.trace_id = r.hex(id_digits)
        tracer.serve(frontend, "ROOT", str(entry["op"]), int(t * 1_000_000), entry.get("calls"), 0)
        rows.extend(tracer.rows)
    return rows


def _weighted(entries: list[dict[str, Any]], weights: list[float], r: Rand) -> dict[str, Any]:
    pick = r.random() * sum(weights)
    for entry, weight in zip(entries, weights, strict=True):
        pick -= weight
        if pick <= 0:
            return entry
    return entries[-1]


def write_traces(
    twin: WorldView, namespace: str, duration_minutes: float, folder: str | Path
) -> Path:
    """`traces_<unix time>.csv` under `folder`; returns the file."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"traces_{int(twin.clock.now().timestamp())}.csv"
    write_csv(path, TRACE_COLUMNS, traces(twin, namespace, duration_minutes))
    return path
