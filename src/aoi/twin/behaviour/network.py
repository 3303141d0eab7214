"""How the programs of the twin reach each other, and what that does to them.

Every dependency edge of the call graph is resolved the way the real request
would travel: DNS name -> Service -> port -> ready endpoints -> the pod's
program listening on the target port -> that program's own health. Consul
resolution (HotelReservation) skips the Service and dials registered instances.
MongoDB adds TLS and authentication. Chaos experiments on the path add loss and
delay. Health is derived, never stored: fixing the cause fixes the symptom.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aoi.twin.apps.spec import App, Component, Dependency, image_repository
from aoi.twin.cluster.runtime import StartResult
from aoi.twin.cluster.store import Obj, match_labels

if TYPE_CHECKING:
    from aoi.twin.behaviour.view import WorldView

PAUSE_IMAGES = frozenset({"gcr.io/google-containers/pause", "registry.k8s.io/pause"})
# Dependencies whose failure does not fail a request (telemetry is fire-and-forget).
SOFT_PROTOCOLS = frozenset({"jaeger", "otlp", "consul"})
# Requests slower than this count as failed for "healthy traffic" (a user gives up).
SLOW_MS = 2000.0
BASE_LATENCY_MS = {
    "mongodb": 1.2,
    "memcached": 0.3,
    "redis": 0.3,
    "frontend": 2.0,
    "service": 1.5,
    "proxy": 1.0,
}


@dataclass(frozen=True, slots=True)
class EdgeResult:
    """The outcome of one caller -> dependency request."""

    ok: bool
    # refused | timeout | dns | no-port | unavailable | tls | auth | unauthorized | upstream | loss
    kind: str = ""
    detail: str = ""
    latency_ms: float = 0.0
    target_ip: str = ""
    target_port: int = 0
    # share of requests that still fail behind a working connection (the callee's own errors)
    error_rate: float = 0.0


@dataclass(slots=True)
class ServiceHealth:
    """A program's request-level health, derived from its pods and its dependencies."""

    name: str
    running: int = 0
    failures: list[tuple[Dependency, EdgeResult]] = field(default_factory=list)
    latency_ms: float = 1.0
    error_rate: float = 0.0
    effects: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Serving, with few errors and a latency users would accept."""
        return self.running > 0 and self.error_rate < 0.05 and self.latency_ms < SLOW_MS


@dataclass(frozen=True, slots=True)
class Chaos:
    """A Chaos-Mesh-like experiment: what it does, to which pods, for how long."""

    name: str
    action: str  # pod-failure | container-kill | network-loss | network-delay
    namespace: str
    selector: dict[str, str]
    start: datetime
    duration_s: float
    params: dict[str, Any] = field(default_factory=dict)

    def active(self, at: datetime) -> bool:
        return self.start <= at and (at - self.start).total_seconds() < self.duration_s


class Oracle:
    """Answers the runtime's questions about the world; memoised until the world changes."""

    def __init__(self, twin: WorldView) -> None:
        self.twin = twin
        self._health: dict[tuple[str, str, str | None], ServiceHealth] = {}
        self._stamp: datetime | None = None
        # (pod uid, container, image, command, args) -> program: every input is in the key
        self._programs: dict[tuple[Any, ...], Component | None] = {}

    def invalidate(self) -> None:
        self._health.clear()

    def image_size(self, image: str) -> int | None:
        """The image's size in its registry (None: no such image there)."""
        return self.twin.image_size(image)

    # --- the kubelet's question -----------------------------------------------------
    def start(self, pod_uid: str, container: str, at: datetime) -> StartResult:
        pod = self.twin.pod_by_uid(pod_uid)
        if pod is None:
            return StartResult(ok=True)
        spec = next((c for c in pod["spec"]["containers"] if c["name"] == container), None)
        if spec is None:
            return StartResult(ok=True)
        ns = pod["metadata"]["namespace"]
        app = self.twin.app_for(ns)
        image = spec["image"]
        repo = image_repository(image)
        if repo in PAUSE_IMAGES:
            return StartResult(ok=True)
        bad = self.twin.bad_images.get(image)
        if bad is not None and not bad.program:
            return StartResult(
                ok=False,
                run_seconds=3.0,
                exit_code=bad.exit_code,
                terminated_reason=bad.reason,
                log=tuple(bad.log),
            )
        if not self.twin.image_exists(image):
            ref = _full_ref(image)
            return StartResult(
                ok=False,
                waiting_reason="ErrImagePull",
                waiting_message=(
                    f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to '
                    f'pull and unpack image "{ref}": failed to resolve reference "{ref}": '
                    f"{ref}: not found"
                ),
            )
        refs = pod["metadata"].get("ownerReferences", [])
        if refs and refs[0].get("kind") == "Job":
            # a batch program runs its course and exits cleanly
            return StartResult(
                ok=False, run_seconds=12.0, exit_code=0, terminated_reason="Completed"
            )
        program = self.program_of(pod, spec)
        if program is None and self._declared_sidecar(pod, spec):
            return StartResult(ok=True)
        if program is None:
            binary = (spec.get("command") or spec.get("args") or ["?"])[0]
            if app is None or not self.twin.known_repo(repo):
                return StartResult(ok=True)
            return StartResult(
                ok=False,
                run_seconds=0.0,
                exit_code=128,
                terminated_reason="StartError",
                log=(),
                waiting_reason="",
                waiting_message=(
                    "failed to create containerd task: failed to create shim task: OCI runtime "
                    "create failed: runc create failed: unable to start container process: "
                    f'exec: "{binary}": executable file not found in $PATH: unknown'
                ),
            )
        for dep in program.calls:
            if not dep.required_at_start:
                continue
            edge = self.edge(ns, pod, program, dep, at)
            if not edge.ok:
                return StartResult(
                    ok=False,
                    run_seconds=self.twin.logs.crash_seconds(program, dep, edge),
                    exit_code=self.twin.logs.crash_exit_code(program, dep, edge),
                    terminated_reason="Error",
                    log=tuple(self.twin.logs.crash_lines(program, dep, edge, at, pod)),
                )
        return StartResult(ok=True, ready=self._ready(spec, program))

    def _declared_sidecar(self, pod: Obj, container: dict[str, Any]) -> bool:
        """A sidecar running the image and command its component declares (flagd-ui, ...)."""
        app = self.twin.app_for(pod["metadata"]["namespace"])
        owner = _owner_component(pod)
        if app is None or owner is None:
            return False
        try:
            comp = app.component(owner)
        except KeyError:
            return False
        return any(
            s.name == container["name"]
            and s.image == container["image"]
            and list(s.command) == list(container.get("command", []))
            for s in comp.sidecars
        )

    @staticmethod
    def _ready(container: dict[str, Any], program: Component) -> bool:
        """The container's readiness probe passes when it probes a port its program listens on."""
        probe = container.get("readinessProbe")
        if not probe:
            return True
        action = probe.get("httpGet") or probe.get("tcpSocket") or probe.get("grpc")
        if not action or "port" not in action:
            return True  # exec probes: the program answers them
        port = action["port"]
        if isinstance(port, str):
            named = {p.get("name"): p.get("containerPort") for p in container.get("ports", [])}
            if port not in named:
                return False
            port = named[port]
        serving = {p.container_port for p in program.container_ports}
        for declared in (program.readiness_probe, program.liveness_probe):
            check = (declared or {}).get("httpGet") or (declared or {}).get("tcpSocket") or {}
            if isinstance(check.get("port"), int):
                serving.add(check["port"])  # the program's own health endpoint
        return int(port) in serving

    # --- programs -------------------------------------------------------------------
    def program_of(self, pod: Obj, container: dict[str, Any]) -> Component | None:
        """The component whose program this container runs (None: nothing the app knows)."""
        key = (
            pod["metadata"]["uid"],
            container["name"],
            container["image"],
            tuple(container.get("command", ())),
            tuple(container.get("args", ())),
        )
        if key in self._programs:
            return self._programs[key]
        found = self._program_of(pod, container)
        self._programs[key] = found
        return found

    def _program_of(self, pod: Obj, container: dict[str, Any]) -> Component | None:
        ns = pod["metadata"]["namespace"]
        owner = _owner_component(pod)
        app = self.twin.app_for(ns)
        bad = self.twin.bad_images.get(container["image"])
        if app is not None and bad is not None and bad.program:
            return bad.component(app)  # a broken build of one of the app's programs
        if app is not None:
            found = app.program_for(
                container["image"],
                container.get("command", []),
                container.get("args", []),
                prefer=owner,
            )
            if found is not None:
                return found
        return self.twin.infra_component(ns, owner, container["name"])

    def listening(self, pod: Obj) -> set[int]:
        """Ports that programs in the pod listen on right now."""
        ports: set[int] = set()
        runtimes = self.twin.controller.runtimes.get(pod["metadata"]["uid"], {})
        for c in pod["spec"].get("containers", []):
            rt = runtimes.get(c["name"])
            if rt is None or rt.state != "running" or (rt.result and not rt.result.ok):
                continue
            if image_repository(c["image"]) in PAUSE_IMAGES:
                continue
            program = self.program_of(pod, c)
            if program is None:
                ports.update(int(p["containerPort"]) for p in c.get("ports", []))
            else:
                ports.update(p.container_port for p in program.container_ports)
        return ports

    # --- edges ----------------------------------------------------------------------
    def edge(
        self, ns: str, caller: Obj | None, program: Component, dep: Dependency, at: datetime
    ) -> EdgeResult:
        """Resolve one request from `program` (in pod `caller`) to `dep`."""
        store = self.twin.store
        loss = self._network_chaos(ns, caller, at, "network-loss") if caller else None
        if dep.via == "consul":
            targets = self._consul_instances(ns, dep.service)
            if not targets:
                return EdgeResult(
                    False,
                    "unavailable",
                    f"no healthy instances of srv-{dep.service} registered in consul",
                )
            pod, port = targets[0]
        else:
            svc = store.get("Service", ns, dep.service)
            if svc is None:
                return EdgeResult(False, "dns", f"lookup {dep.service}: no such host")
            sport = next((p for p in svc["spec"].get("ports", []) if p["port"] == dep.port), None)
            if sport is None:
                return EdgeResult(False, "refused", "connection refused", target_port=dep.port)
            ep = store.get("Endpoints", ns, dep.service)
            addresses = [
                (a, s)
                for s in (ep or {}).get("subsets", [])
                for a in s.get("addresses", [])
                if any(p.get("name") == sport.get("name") for p in s.get("ports", []))
                or len(s.get("ports", [])) == 1
            ]
            if not addresses:
                return EdgeResult(False, "refused", "connection refused", target_port=dep.port)
            address, subset = addresses[0]
            port_entry = next(
                (p for p in subset["ports"] if p.get("name") == sport.get("name")),
                subset["ports"][0],
            )
            port = int(port_entry["port"])
            ref = address.get("targetRef", {})
            target = store.get("Pod", ns, ref.get("name", ""))
            if target is None:
                return EdgeResult(False, "refused", "connection refused")
            pod = target
            if port not in self.listening(pod):
                # kube-proxy forwards to a port nothing listens on: the pod's kernel answers
                # the SYN with a reset, so the client is refused at once.
                return EdgeResult(
                    False,
                    "refused",
                    "connection refused",
                    target_ip=pod["status"].get("podIP", ""),
                    target_port=port,
                )
        ip = pod["status"].get("podIP", "")
        if port not in self.listening(pod):
            return EdgeResult(
                False, "refused", "connection refused", target_ip=ip, target_port=port
            )
        lost = loss or self._network_chaos(ns, pod, at, "network-loss")
        if lost and float(lost.params.get("loss", 100)) >= 50:
            return EdgeResult(False, "timeout", "i/o timeout", target_ip=ip, target_port=port)
        delay = self._network_chaos(ns, pod, at, "network-delay")
        latency = float(delay.params.get("latency_ms", 0)) if delay else 0.0
        target_program = self._program_in(pod)
        if dep.protocol == "mongodb" and target_program is not None:
            verdict = self._mongo(ns, target_program, program)
            if verdict:
                return EdgeResult(False, verdict, "", latency, ip, port)
        if target_program is not None and target_program.name != program.name:
            health = self.health(ns, target_program.name, at, exclude=program.name)
            latency += health.latency_ms
            if health.error_rate >= 0.5:
                return EdgeResult(False, "upstream", target_program.name, latency, ip, port)
            return EdgeResult(
                True,
                latency_ms=latency,
                target_ip=ip,
                target_port=port,
                error_rate=health.error_rate,
            )
        return EdgeResult(True, latency_ms=latency, target_ip=ip, target_port=port)

    def _mongo(self, ns: str, server: Component, client: Component) -> str:
        state = self.twin.mongo.get((ns, server.name))
        if state is None:
            return ""
        if state.tls_mode == "requireTLS":
            return "tls"
        creds = client.mongo_client
        if creds is None or (creds.service != server.name and not _serves(server, creds.service)):
            return state.check_client(None, None, "") if state.auth else ""
        return state.check_client(creds.user, creds.password, creds.database)

    def _consul_instances(self, ns: str, service: str) -> list[tuple[Obj, int]]:
        found = []
        for pod in self.twin.store.list("Pod", ns):
            program = self._program_in(pod)
            if program is None or program.name != service:
                continue
            ports = self.listening(pod)
            port = next((p.container_port for p in program.container_ports), 0)
            if port in ports:
                found.append((pod, port))
        return found

    def _program_in(self, pod: Obj) -> Component | None:
        containers = pod["spec"].get("containers", [])
        if not containers:
            return None
        return self.program_of(pod, containers[0])

    def _network_chaos(self, ns: str, pod: Obj | None, at: datetime, action: str) -> Chaos | None:
        if pod is None:
            return None
        labels = pod["metadata"].get("labels", {})
        for chaos in self.twin.chaos:
            if (
                chaos.action == action
                and chaos.namespace == ns
                and chaos.active(at)
                and match_labels(labels, chaos.selector)
                and self._chaos_object_exists(chaos)
            ):
                return chaos
        return None

    def _chaos_object_exists(self, chaos: Chaos) -> bool:
        """Deleting the Chaos Mesh object ends the experiment, as its controller recovers."""
        kind = "NetworkChaos" if chaos.action.startswith("network") else "PodChaos"
        return self.twin.store.get(kind, chaos.namespace, chaos.name) is not None

    def network_chaos_on(
        self, ns: str, service: str, at: datetime | None = None
    ) -> tuple[float, float]:
        """(added latency ms, packet loss %) that chaos experiments put on a program's pods."""
        at = at or self.twin.clock.now()
        delay = loss = 0.0
        for pod in self.twin.store.list("Pod", ns):
            program = self._program_in(pod)
            if program is None or program.name != service:
                continue
            d = self._network_chaos(ns, pod, at, "network-delay")
            if d is not None:
                delay = max(delay, float(d.params.get("latency_ms", 0)))
            lost = self._network_chaos(ns, pod, at, "network-loss")
            if lost is not None:
                loss = max(loss, float(lost.params.get("loss", 100)))
        return delay, loss

    # --- health ---------------------------------------------------------------------
    def health(
        self, ns: str, service: str, at: datetime | None = None, *, exclude: str | None = None
    ) -> ServiceHealth:
        """Request-level health of the program named `service` in `ns`.

        `exclude` names the caller asking: a request it sends does not call back into it,
        so the program's own calls to `exclude` do not count (call-graph cycles such as
        user-service <-> social-graph-service).
        """
        at = at or self.twin.clock.now()
        if self._stamp != at:
            self._health.clear()
            self._stamp = at
        key = (ns, service, exclude)
        cached = self._health.get(key)
        if cached is not None:
            return cached
        health = ServiceHealth(name=service)
        self._health[key] = health  # breaks call-graph cycles: a cycle sees "healthy so far"
        app = self.twin.app_for(ns)
        program = _component(app, service)
        pods = [p for p in self.twin.store.list("Pod", ns) if self._runs(p, service)]
        health.running = len(pods)
        if program is None or not pods:
            health.error_rate = 1.0
            return health
        caller = pods[0]
        hard = [d for d in program.calls if d.protocol not in SOFT_PROTOCOLS]
        share = 1.0 / max(1, len(hard))
        ok_rate = 1.0
        worst = 0.0
        # A frontend routes each request to one backend (a share of the traffic each);
        # a backend's request fans out to all of its dependencies.
        fan_out = program.role != "frontend"
        for dep in program.calls:
            if exclude is not None and _target_name(app, dep.service) == exclude:
                continue
            edge = self.edge(ns, caller, program, dep, at)
            if not edge.ok:
                health.failures.append((dep, edge))
            if dep.protocol not in SOFT_PROTOCOLS:
                failing = 1.0 if not edge.ok else edge.error_rate
                ok_rate *= 1.0 - (failing if fan_out else share * failing)
            worst = max(worst, edge.latency_ms)
        effects = self.twin.effects_for(ns, service, at)
        health.effects = effects
        err = float(effects.get("error_rate", 0.0))
        ok_rate *= 1.0 - err
        base = BASE_LATENCY_MS.get(program.role, 1.5)
        health.latency_ms = base + worst + float(effects.get("latency_ms", 0.0))
        delay = self._network_chaos(ns, caller, at, "network-delay")
        if delay:
            health.latency_ms += float(delay.params.get("latency_ms", 0))
        health.error_rate = round(1.0 - ok_rate, 4)
        return health

    def _runs(self, pod: Obj, service: str) -> bool:
        program = self._program_in(pod)
        if program is None or program.name != service:
            return False
        return bool(self.listening(pod))


def _component(app: App | None, name: str) -> Component | None:
    if app is None:
        return None
    try:
        return app.component(name)
    except KeyError:
        return None


def _target_name(app: App | None, service: str) -> str:
    """The program behind a Service name (the name itself when the app does not know it)."""
    if app is None:
        return service
    comp = app.components_by_service().get(service)
    return comp.name if comp is not None else service


def _serves(server: Component, service: str) -> bool:
    return server.service_name == service


def _owner_component(pod: Obj) -> str | None:
    """The workload name behind a pod: ReplicaSet hash and pod suffixes stripped."""
    refs = pod["metadata"].get("ownerReferences", [])
    if not refs:
        return None
    ref = refs[0]
    if ref["kind"] == "ReplicaSet":
        return str(ref["name"]).rsplit("-", 1)[0]
    return str(ref["name"])


def _full_ref(image: str) -> str:
    ref = image if ":" in image.rsplit("/", 1)[-1] else f"{image}:latest"
    first = ref.split("/", 1)[0]
    if "/" not in ref:
        return f"docker.io/library/{ref}"
    if "." not in first and ":" not in first:
        return f"docker.io/{ref}"
    return ref
