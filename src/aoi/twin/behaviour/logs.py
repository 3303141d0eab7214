"""Container logs of the twin: what `kubectl logs` prints, derived, never stored.

A container run's log is a function of the twin's seed, the pod, the container,
the run's start and the simulated clock. It has a head (the program's startup
banner, or the whole output of a run that crashed at start) and a body cut into
fixed time slots. A slot's lines are drawn from a seed of their own, so any
window (`--tail`, `--since`) is generated without generating what came before
it. A slot is written once, with the world as it is when first asked for, and
kept: history does not change when the cluster is repaired later, and asking
for the same tail twice costs a dictionary lookup.

What the lines say comes from the world: the oracle's health of the program
(failed dependencies become error lines naming the peer and port, in the
client library's words), flag effects, the request rate through the program,
and for mongod the verdicts its clients get. Noise (a slow request, a warning)
is drawn too, and never names a peer or a fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aoi.twin.apps.spec import Component, Dependency
from aoi.twin.behaviour import logstyles as ls
from aoi.twin.behaviour.network import SOFT_PROTOCOLS, EdgeResult, ServiceHealth
from aoi.twin.cluster.store import Obj

if TYPE_CHECKING:
    from aoi.twin.behaviour.view import WorldView

SLOT_SECONDS = 10
NOISE_PER_SECOND = 1 / 90
STARTUP_SECONDS = 2.0
MAX_RUNS = 2048
MAX_CRASHES = 4096

# nginx-thrift's Lua handlers (DeathStarBench nginx-web-server/lua-scripts/wrk2-api), by
# the thrift service they call: file, function, the ngx.log(ngx.ERR, ...) line and its
# prefix, the request.
_LUA = {
    "compose-post-service": (
        "compose.lua",
        "ComposePost",
        62,
        "compost_post failure: ",
        "POST",
        "/wrk2-api/post/compose",
    ),
    "home-timeline-service": (
        "read.lua",
        "ReadHomeTimeline",
        87,
        "Get home-timeline failure: ",
        "GET",
        "/wrk2-api/home-timeline/read",
    ),
    "user-timeline-service": (
        "read.lua",
        "ReadUserTimeline",
        87,
        "Get user-timeline failure: ",
        "GET",
        "/wrk2-api/user-timeline/read",
    ),
    "user-service": (
        "register.lua",
        "RegisterUser",
        48,
        "User registration failure: ",
        "POST",
        "/wrk2-api/user/register",
    ),
    "social-graph-service": (
        "follow.lua",
        "Follow",
        52,
        "Follow Failed: ",
        "POST",
        "/wrk2-api/user/follow",
    ),
}

# nginx's error_log levels, as the twin's canonical ones.
_NGINX_LEVELS = {
    "debug": "debug",
    "info": "info",
    "notice": "info",
    "warn": "warn",
    "error": "error",
    "crit": "fatal",
    "alert": "fatal",
    "emerg": "fatal",
}


# Where a Go hotel service gives up, by the dependency that failed.
_CRASH_WHERE = {
    "mongodb": "cmd/{svc}/db.go:24",
    "mongodb-query": "cmd/{svc}/db.go:46",
    "consul": "cmd/{svc}/main.go:76",
}


class LogUnavailable(Exception):
    """kubelet refuses the log; `message` is what kubectl prints after "Error from server (BadRequest): "."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class _Run:
    """One run of one container: its fixed head and its lazily written slots."""

    seed: int
    start: float
    end: float | None
    head: list[tuple[float, str]]
    body_from: float | None  # None: the run has no body (it crashed at start)
    slots: dict[int, list[tuple[float, str]]] = field(default_factory=dict)


@dataclass(slots=True)
class _World:
    """What a program sees of the world at one moment (enough to write a slot)."""

    health: ServiceHealth | None
    rps: float
    failures: list[tuple[Dependency, EdgeResult]]
    effects: dict[str, Any]
    slow: list[tuple[Dependency, float]]
    clients: list[tuple[str, str, str]]  # mongod: (client service, client ip, verdict kind)


class LogWriter:
    """Writes every container's log on demand; see the module docstring."""

    def __init__(self, twin: WorldView) -> None:
        self.twin = twin
        self._runs: dict[tuple[str, str, float], _Run] = {}
        self._crashes: dict[tuple[str, float], list[tuple[float, str]]] = {}
        self._worlds: dict[tuple[str, str], tuple[tuple[Any, ...], _World]] = {}
        self._programs: dict[tuple[Any, ...], Component | None] = {}

    # --- the oracle's question ------------------------------------------------------
    def crash_lines(
        self,
        program: Component,
        dep: Dependency,
        edge: EdgeResult,
        at: datetime,
        pod: Obj | None = None,
    ) -> list[str]:
        """The output of a program that gives up at start because `dep` failed."""
        style = ls.style_for(program, program.container)
        ctx = self._static_ctx(program)
        if pod is not None:
            ctx.update(self._pod_ctx(pod, program.container, program, style))
        r = ls.Rand(ls.stable_seed(self.twin.seed, "crash", program.name, at.timestamp()))
        gate = _gate(dep, edge)
        out = style.exit_for(ctx["svc"], gate)
        ctx["crash_where"] = _CRASH_WHERE.get(gate, "main.go:80").format(svc=ctx["svc"])
        t0 = at.timestamp()
        timed: list[tuple[float, str]] = []
        offset = 0.0
        for entry in _startup(style, program, ctx["svc"]):
            if entry.gate == gate:
                break
            if not style.prints(entry, ctx):
                continue
            offset += style.gap * (0.5 + r.random())
            t = t0 + offset
            msg = ls.fill(entry.msg, ctx, r, _dt(t))
            where = ls.fill(entry.where, ctx, r, _dt(t))
            timed.extend(
                (t, line)
                for line in style.render(_dt(t), entry.level, where, msg, ctx, entry.writer)
            )
        end = t0 + offset + ls.give_up_seconds(style.family(dep.protocol), edge.kind)
        peer = _peer_values(self.twin, dep, edge, self._ops(program), ctx.get("db_name"))
        text = ls.cause(style.family(dep.protocol), edge.kind, {**ctx, **peer})
        with_cause = {**ctx, "cause": text}
        if out is not None:
            crash: tuple[ls.Entry, ...] = (out.line,)
        else:
            crash = style.crash or (ls.Entry("fatal", "", "{cause}"),)
        for entry in crash:
            msg = ls.fill(entry.msg, with_cause, r, _dt(end))
            timed.extend(
                (end, line)
                for line in style.render(
                    _dt(end), entry.level, ls.fill(entry.where, ctx, r, _dt(end)), msg, ctx
                )
            )
        if out is not None and out.line.level == "panic":
            url = str(ctx.get("db_url", ""))
            values = {**with_cause, "url_arg": ls.go_string_arg(r, url)}
            timed.extend((end, line) for line in ls.go_panic(style, out, text, values, r))
        for raw in style.trailer:
            timed.append((end, raw.format_map(ls.LineValues(with_cause))))
        if len(self._crashes) >= MAX_CRASHES:
            self._crashes.pop(next(iter(self._crashes)))
        self._crashes[(program.name, t0)] = timed
        return [line for _, line in timed]

    def crash_seconds(self, program: Component, dep: Dependency, edge: EdgeResult) -> float:
        """How long a program that gives up because `dep` failed runs: its client's wait, then exit."""
        style = ls.style_for(program, program.container)
        return ls.give_up_seconds(style.family(dep.protocol), edge.kind) + 0.5

    def crash_exit_code(self, program: Component, dep: Dependency, edge: EdgeResult) -> int:
        """The exit status of a program that gives up because `dep` failed (Go: 2 after a panic)."""
        style = ls.style_for(program, program.container)
        short = program.program.rsplit("/", 1)[-1]
        out = style.exit_for(short, _gate(dep, edge))
        if out is not None:
            return out.code
        return 2 if program.language == "go" else 1

    # --- kubectl logs ----------------------------------------------------------------
    def log_error(self, pod: Obj, container: str, previous: bool = False) -> str | None:
        """Why kubelet would refuse this log (kubectl prints it after "Error from server (BadRequest): "), or None."""
        try:
            self._select(pod, container, previous)
        except LogUnavailable as exc:
            return exc.message
        return None

    def container_log(
        self,
        pod: Obj,
        container: str,
        *,
        previous: bool = False,
        since_seconds: float | None = None,
        tail: int | None = None,
        timestamps: bool = False,
    ) -> str:
        """What `kubectl logs` prints for one container; raises LogUnavailable as kubelet refuses."""
        lines = self.lines(
            pod, container, previous=previous, since_seconds=since_seconds, tail=tail
        )
        if not lines:
            return ""
        if timestamps:
            return "".join(f"{ls.rfc3339_nano(_dt(t))} {line}\n" for t, line in lines)
        return "\n".join(line for _, line in lines) + "\n"

    def lines(
        self,
        pod: Obj,
        container: str,
        *,
        previous: bool = False,
        since_seconds: float | None = None,
        tail: int | None = None,
    ) -> list[tuple[float, str]]:
        """(unix time, line) pairs of the selected run, oldest first."""
        selected = self._select(pod, container, previous)
        if selected is None:
            return []
        run, program = selected
        now = self.twin.clock.now().timestamp()
        cutoff = now - since_seconds if since_seconds is not None else float("-inf")
        end = now if run.end is None else min(run.end, now)
        want = tail if tail is not None and tail >= 0 else None
        if want == 0:
            return []
        out: list[tuple[float, str]] = []
        world: list[_World] = []  # computed at most once, only when a slot is missing
        if run.body_from is not None and end > run.body_from:
            first = int(run.body_from // SLOT_SECONDS)
            for slot in range(int(end // SLOT_SECONDS), first - 1, -1):
                if (slot + 1) * SLOT_SECONDS < cutoff:
                    break
                content = run.slots.get(slot)
                if content is None:
                    if not world:
                        world.append(self._world(pod, program))
                    content = self._write_slot(run, slot, pod, program, container, world[0])
                    run.slots[slot] = content
                for t, line in reversed(content):
                    if t > end or t < run.body_from:
                        continue
                    if t < cutoff:
                        break
                    out.append((t, line))
                    if want is not None and len(out) >= want:
                        return out[::-1]
        for t, line in reversed(run.head):
            if t > end or t < cutoff:
                continue
            out.append((t, line))
            if want is not None and len(out) >= want:
                break
        return out[::-1]

    # --- which run -------------------------------------------------------------------
    def _program(self, pod: Obj, cspec: dict[str, Any]) -> Component | None:
        key = (
            pod["metadata"]["uid"],
            cspec["name"],
            cspec["image"],
            tuple(cspec.get("command", ())),
            tuple(cspec.get("args", ())),
        )
        if key not in self._programs:
            if len(self._programs) >= MAX_RUNS:
                self._programs.clear()
            self._programs[key] = self.twin.oracle.program_of(pod, cspec)
        return self._programs[key]

    def _select(
        self, pod: Obj, container: str, previous: bool
    ) -> tuple[_Run, Component | None] | None:
        meta, spec = pod["metadata"], pod["spec"]
        name = meta["name"]
        cspec = next((c for c in spec.get("containers", []) if c["name"] == container), None)
        if cspec is None:
            raise LogUnavailable(f"container {container} is not valid for pod {name}")
        if not spec.get("nodeName"):
            return None
        rt = self.twin.controller.runtimes.get(meta["uid"], {}).get(container)
        if rt is None:
            raise LogUnavailable(
                f'container "{container}" in pod "{name}" is waiting to start: ContainerCreating'
            )
        program = self._program(pod, cspec)
        if previous:
            # While the container waits to restart, the "current" logs are the last run's, so
            # --previous is the run before it (kubelet keeps one dead container per restart).
            waiting = rt.state in ("waiting", "exited") and rt.current_exit is None
            term = rt.before_last if waiting and rt.before_last is not None else rt.last
            if term is None:
                raise LogUnavailable(
                    f'previous terminated container "{container}" in pod "{name}" not found'
                )
            latest = rt.state != "running"
            return self._run(
                pod,
                container,
                program,
                term.started,
                term.finished,
                rt.result if latest else None,
                term.exit_code,
            ), program
        if rt.state == "running" and rt.started is not None:
            return self._run(pod, container, program, rt.started, None, rt.result, None), program
        if rt.current_exit is not None:
            term = rt.current_exit
            return self._run(
                pod, container, program, term.started, term.finished, rt.result, term.exit_code
            ), program
        if rt.last is not None:
            term = rt.last
            return self._run(
                pod, container, program, term.started, term.finished, rt.result, term.exit_code
            ), program
        reason = rt.waiting_reason or "ContainerCreating"
        if reason == "ErrImagePull":
            raise LogUnavailable(
                f'container "{container}" in pod "{name}" is waiting to start: image can\'t be pulled'
            )
        if reason == "ImagePullBackOff":
            raise LogUnavailable(
                f'container "{container}" in pod "{name}" is waiting to start: trying and failing to pull image'
            )
        raise LogUnavailable(
            f'container "{container}" in pod "{name}" is waiting to start: {reason}'
        )

    def _run(
        self,
        pod: Obj,
        container: str,
        program: Component | None,
        started: datetime,
        finished: datetime | None,
        result: Any,
        exit_code: int | None,
    ) -> _Run:
        uid = pod["metadata"]["uid"]
        start = started.timestamp()
        key = (uid, container, start)
        run = self._runs.get(key)
        end = finished.timestamp() if finished is not None else None
        if run is not None:
            run.end = end if end is not None else run.end
            return run
        seed = ls.stable_seed(self.twin.seed, uid, container, start)
        crashed = self._crash_log(pod, program, start, result, exit_code)
        if crashed is not None:
            run = _Run(seed, start, end, crashed, None)
        else:
            head = self._head(pod, container, program, start, seed)
            body_from = (head[-1][0] if head else start) + STARTUP_SECONDS
            run = _Run(seed, start, end, head, body_from)
        if len(self._runs) >= MAX_RUNS:
            self._runs.pop(next(iter(self._runs)))
        self._runs[key] = run
        return run

    def _crash_log(
        self, pod: Obj, program: Component | None, start: float, result: Any, exit_code: int | None
    ) -> list[tuple[float, str]] | None:
        """The whole output of a run that failed at start, or None for a run that served."""
        if program is not None and (program.name, start) in self._crashes:
            return self._crashes[(program.name, start)]
        images = {c["image"] for c in pod["spec"].get("containers", [])}
        # a build the app knows nothing of prints its recorded output; a broken build of one
        # of the app's programs prints what that program prints (its crash, or its banner)
        bad = next(
            (
                self.twin.bad_images[i]
                for i in sorted(images)
                if i in self.twin.bad_images and not self.twin.bad_images[i].program
            ),
            None,
        )
        raw: tuple[str, ...] | list[str] | None = None
        if bad is not None:
            raw = bad.log
        elif result is not None and not result.ok and result.log:
            raw = result.log
        elif result is not None and not result.ok and result.terminated_reason == "StartError":
            return []
        if raw is None:
            return None
        style = ls.style_for(program)
        out = []
        for i, line in enumerate(raw):
            t = start + 0.002 * (i + 1)
            out.append((t, line.replace("{time}", ls.stamp(style.stamp, _dt(t)))))
        return out

    # --- the head: a program's startup output ----------------------------------------
    def _head(
        self, pod: Obj, container: str, program: Component | None, start: float, seed: int
    ) -> list[tuple[float, str]]:
        r = ls.Rand(seed ^ 0x5EED)
        ctx = self._ctx(pod, container, program)
        t = start + 0.05 + r.random() * 0.2
        out: list[tuple[float, str]] = []
        if ls.is_mongod(program):
            for severity, comp, ident, context, msg, attr in ls.MONGOD_STARTUP:
                t += 0.002 + r.random() * 0.01
                out.append(
                    (
                        t,
                        ls.mongod_line(
                            _dt(t),
                            severity,
                            comp,
                            ident,
                            context,
                            msg,
                            ls.expand(attr, ctx) if attr else None,
                        ),
                    )
                )
            return out
        style = ls.style_for(program, container)
        for raw in style.header:
            out.append((t, raw.format_map(ls.LineValues(ctx))))
        for entry in _startup(style, program, str(ctx.get("svc", container))):
            if not style.prints(entry, ctx):
                continue
            t += style.gap * (0.5 + r.random())
            when = _dt(t)
            msg = ls.fill(entry.msg, ctx, r, when)
            where = ls.fill(entry.where, ctx, r, when)
            out.extend(
                (t, line) for line in style.render(when, entry.level, where, msg, ctx, entry.writer)
            )
        return out

    # --- the body: one slot of request lines, errors and noise -------------------------
    def _write_slot(
        self,
        run: _Run,
        slot: int,
        pod: Obj,
        program: Component | None,
        container: str,
        world: _World,
    ) -> list[tuple[float, str]]:
        base = float(slot * SLOT_SECONDS)
        ctx = self._ctx(pod, container, program)
        # Before the world first changed (the injection) the program saw a healthy system:
        # a slot before it is written from that world, one across it from both.
        cut = self.twin.first_change
        if cut is not None and base < cut:
            healthy = self._pristine_world(pod, program)
            before = self._slot_events(run, slot, base, ctx, program, container, healthy)
            if base + SLOT_SECONDS <= cut:
                return before
            after = self._slot_events(run, slot, base, ctx, program, container, world)
            return [e for e in before if e[0] < cut] + [e for e in after if e[0] >= cut]
        return self._slot_events(run, slot, base, ctx, program, container, world)

    def _slot_events(
        self,
        run: _Run,
        slot: int,
        base: float,
        ctx: dict[str, Any],
        program: Component | None,
        container: str,
        world: _World,
    ) -> list[tuple[float, str]]:
        r = ls.Rand(ls.stable_seed(run.seed, slot))
        ctx = {**ctx, "latency_ms": world.health.latency_ms if world.health else 2.0}
        events: list[tuple[float, list[str]]] = []
        if ls.is_mongod(program):
            self._mongod_slot(events, r, base, slot, ctx, world)
        else:
            self._program_slot(events, r, base, ctx, program, container, world)
        events.sort(key=lambda e: e[0])
        return [(t, line) for t, lines in events for line in lines]

    def _program_slot(
        self,
        events: list[tuple[float, list[str]]],
        r: ls.Rand,
        base: float,
        ctx: dict[str, Any],
        program: Component | None,
        container: str,
        world: _World,
    ) -> None:
        style = ls.style_for(program, container)
        service = program.name if program else container
        entries = tuple(e for e in style.request_entries(service) if style.prints(e, ctx))
        rate = min(style.cap, style.idle + style.rate * world.rps) if entries else 0.0
        for _ in range(r.count(rate * SLOT_SECONDS)):
            t = base + r.random() * SLOT_SECONDS
            events.append((t, self._request(style, r.choice(entries), ctx, r, t)))
        ops = self._ops(program)
        share = 1.0
        if program is not None and program.role in ("frontend", "proxy", "loadgen"):
            hard = [d for d in program.calls if d.protocol not in SOFT_PROTOCOLS]
            share = 1.0 / max(1, len(hard))
        for dep, edge in world.failures:
            entries = style.failure_entries(service, dep.service, edge.kind)
            if not entries and not style.access:
                continue
            per_second = min(1.0, max(0.1, world.rps * share))
            peer = _peer_values(self.twin, dep, edge, ops, ctx.get("db_name"))
            text = ls.cause(style.family(dep.protocol), edge.kind, {**ctx, **peer})
            values = {
                **ctx,
                **_line_fields(peer),
                "pool_client": style.pool_client(service, dep.service),
            }
            for _ in range(r.count(per_second * SLOT_SECONDS)):
                t = base + r.random() * SLOT_SECONDS
                events.append((t, self._error(style, entries, ctx, values, text, r, t)))
        for dep, latency in world.slow:
            entry = style.error[-1] if style.error else None
            if entry is None or "{cause}" not in entry.msg:
                continue  # the program words no slow call
            values = {
                **ctx,
                **_line_fields(_peer_values(self.twin, dep, EdgeResult(True), ops, None)),
            }
            text = f"slow response from {dep.service}:{dep.port}: took {latency / 1000:.1f}s"
            for _ in range(r.count(0.3 * SLOT_SECONDS)):
                t = base + r.random() * SLOT_SECONDS
                msg = ls.fill(entry.msg, {**values, "cause": text}, r, _dt(t))
                line = style.render(
                    _dt(t), "warn", ls.fill(entry.where, values, r, _dt(t)), msg, ctx
                )
                events.append((t, line))
        flag_entry = style.flag or ls.Entry("error", "", "{line}")
        err = float(world.effects.get("error_rate", 0.0))
        # a flag's lines are one request's: printed together, in order, each by its logger
        lines = list(world.effects.get("logs", ()))
        if lines:
            per_second = (
                world.rps
                if world.effects.get("log_per_request")
                else min(0.5, max(0.05, world.rps * err))
            )
            last: dict[int, int] = {}  # a line printed at most once per `every` seconds
            times = sorted(
                base + r.random() * SLOT_SECONDS for _ in range(r.count(per_second * SLOT_SECONDS))
            )
            for t in times:
                printed: list[str] = []
                for n, item in enumerate(lines):
                    text = item["line"] if isinstance(item, dict) else str(item)
                    every = float(item.get("every", 0)) if isinstance(item, dict) else 0.0
                    if every:
                        window = int(t // every)
                        if last.get(n) == window:
                            continue
                        last[n] = window
                    if text.startswith("{"):  # already a whole structured line
                        printed.append(text)
                        continue
                    where = item.get("where", flag_entry.where) if isinstance(item, dict) else ""
                    printed.extend(
                        style.render(
                            _dt(t),
                            flag_entry.level,
                            ls.fill(where or flag_entry.where, ctx, r, _dt(t)),
                            flag_entry.msg.replace("{line}", text),
                            ctx,
                        )
                    )
                events.append((t, printed))
        for _target, text in world.effects.get("caller_errors", ()):
            for _ in range(r.count(min(0.5, max(0.1, world.rps * 0.3)) * SLOT_SECONDS)):
                t = base + r.random() * SLOT_SECONDS
                msg = flag_entry.msg.replace("{line}", text)
                events.append(
                    (
                        t,
                        style.render(
                            _dt(t), "error", ls.fill(flag_entry.where, ctx, r, _dt(t)), msg, ctx
                        ),
                    )
                )
        noise = tuple(e for e in style.noise if style.prints(e, ctx))
        if noise:
            for _ in range(r.count(NOISE_PER_SECOND * SLOT_SECONDS)):
                t = base + r.random() * SLOT_SECONDS
                entry = r.choice(noise)
                when = _dt(t)
                events.append(
                    (
                        t,
                        style.render(
                            when,
                            entry.level,
                            ls.fill(entry.where, ctx, r, when),
                            ls.fill(entry.msg, ctx, r, when),
                            ctx,
                        ),
                    )
                )

    def _request(
        self, style: ls.Style, entry: ls.Entry, ctx: dict[str, Any], r: ls.Rand, t: float
    ) -> list[str]:
        when = _dt(t)
        if entry.level == "access":
            values = {
                **ctx,
                "method": entry.where,
                "path": ls.fill(entry.msg, ctx, r, when),
                "status": 200,
            }
            return [ls.fill(style.access, values, r, when)]
        return style.render(
            when,
            entry.level,
            ls.fill(entry.where, ctx, r, when),
            ls.fill(entry.msg, ctx, r, when),
            ctx,
        )

    def _error(
        self,
        style: ls.Style,
        entries: tuple[ls.Entry, ...],
        ctx: dict[str, Any],
        values: dict[str, Any],
        text: str,
        r: ls.Rand,
        t: float,
    ) -> list[str]:
        when = _dt(t)
        if not entries:  # an access-log-only program (envoy): the failed request's line
            status, flags = (504, "UT") if values.get("kind") == "timeout" else (503, "UF")
            access = {
                **values,
                "method": "GET",
                "path": values.get("path", "/"),
                "status": status,
                "flags": flags,
            }
            return [ls.fill(style.access, access, r, when)]
        out: list[str] = []
        with_cause = {**values, "cause": text}
        for entry in entries:
            msg = ls.fill(entry.msg, with_cause, r, when)
            where = ls.fill(entry.where, values, r, when)
            out.extend(style.render(when, entry.level, where, msg, ctx, entry.writer))
        return out

    def _mongod_slot(
        self,
        events: list[tuple[float, list[str]]],
        r: ls.Rand,
        base: float,
        slot: int,
        ctx: dict[str, Any],
        world: _World,
    ) -> None:
        auth = bool(ctx.get("auth"))
        if slot % 6 == 0:
            t = base + r.random()
            stamp = int(t)
            msg = (
                f"[{stamp}:{r.below(999999)}][1:0x7f{r.hex(10)}], WT_SESSION.checkpoint: [WT_VERB_CHECKPOINT_PROGRESS] "
                f"saving checkpoint snapshot min: {slot % 997}, snapshot max: {slot % 997} snapshot count: 0, oldest timestamp: (0, 0) , "
                "meta checkpoint timestamp: (0, 0) base write gen: 1"
            )
            events.append(
                (
                    t,
                    [
                        ls.mongod_line(
                            _dt(t),
                            "I",
                            "STORAGE",
                            22430,
                            "WTCheckpointThread",
                            "WiredTiger message",
                            {"message": msg},
                        )
                    ],
                )
            )
        for client, ip, verdict in world.clients:
            rate = {"": 1 / 120, "unauthorized": 1 / 120, "auth": 1 / 45, "tls": 0.2}.get(
                verdict, 0.0
            )
            for _ in range(r.count(rate * SLOT_SECONDS)):
                t = base + r.random() * (SLOT_SECONDS - 0.1)
                conn = 10 + (slot * 7 + r.below(7)) % 100000
                remote = f"{ip or '10.244.1.' + str(2 + r.below(40))}:{32768 + r.below(28000)}"
                events.append(
                    (t, self._mongo_conversation(t, conn, remote, client, verdict, auth, ctx))
                )
        if r.random() < NOISE_PER_SECOND * SLOT_SECONDS / 3:
            t = base + r.random() * SLOT_SECONDS
            attr = {
                "type": "command",
                "ns": f"{ctx.get('db_name') or 'admin'}.$cmd",
                "command": {"find": "collection"},
                "planSummary": "COLLSCAN",
                "durationMillis": 100 + r.below(400),
            }
            events.append(
                (
                    t,
                    [
                        ls.mongod_line(
                            _dt(t), "I", "COMMAND", 51803, f"conn{r.below(200)}", "Slow query", attr
                        )
                    ],
                )
            )

    def _mongo_conversation(
        self,
        t: float,
        conn: int,
        remote: str,
        client: str,
        verdict: str,
        auth: bool,
        ctx: dict[str, Any],
    ) -> list[str]:
        ctxname = f"conn{conn}"
        lines = [
            ls.mongod_line(
                _dt(t),
                "I",
                "NETWORK",
                22943,
                "listener",
                "Connection accepted",
                {"remote": remote, "connectionId": conn, "connectionCount": 3 + conn % 9},
            )
        ]
        if verdict == "tls":
            err = {
                "code": 141,
                "codeName": "SSLHandshakeFailed",
                "errmsg": "The server is configured to only allow SSL connections",
            }
            lines.append(
                ls.mongod_line(
                    _dt(t + 0.001),
                    "I",
                    "NETWORK",
                    22988,
                    ctxname,
                    "Error receiving request from client. Ending connection from remote",
                    {"error": err, "remote": remote, "connectionId": conn},
                )
            )
            return lines
        driver = {
            "driver": {
                "name": "mgo" if ctx.get("namespace") == "test-hotel-reservation" else "mongoc",
                "version": "1.17.4",
            },
            "os": {"type": "Linux"},
        }
        lines.append(
            ls.mongod_line(
                _dt(t + 0.001),
                "I",
                "NETWORK",
                51800,
                ctxname,
                "client metadata",
                {"remote": remote, "client": ctxname, "doc": driver},
            )
        )
        if auth:
            principal = {
                "mechanism": "SCRAM-SHA-1",
                "speculative": False,
                "principalName": "admin",
                "authenticationDatabase": "admin",
                "remote": remote,
                "extraInfo": {},
            }
            if verdict == "auth":
                error = ctx.get(
                    "auth_error", 'UserNotFound: Could not find user "admin" for db "admin"'
                )
                lines.append(
                    ls.mongod_line(
                        _dt(t + 0.003),
                        "I",
                        "ACCESS",
                        20249,
                        ctxname,
                        "Authentication failed",
                        {**principal, "error": error},
                    )
                )
            else:
                lines.append(
                    ls.mongod_line(
                        _dt(t + 0.003),
                        "I",
                        "ACCESS",
                        20250,
                        ctxname,
                        "Successfully authenticated",
                        principal,
                    )
                )
        lines.append(
            ls.mongod_line(
                _dt(t + 0.02),
                "I",
                "NETWORK",
                22944,
                ctxname,
                "Connection ended",
                {"remote": remote, "connectionId": conn, "connectionCount": 2 + conn % 9},
            )
        )
        return lines

    # --- what the program sees now ------------------------------------------------------
    def _world(self, pod: Obj, program: Component | None) -> _World:
        """The program's view of the world; recomputed only when the world changed."""
        if program is None:
            return _World(None, 0.0, [], {}, [], [])
        ns = pod["metadata"]["namespace"]
        stamp = _fingerprint(self.twin, ns)
        cached = self._worlds.get((ns, program.name))
        if cached is not None and cached[0] == stamp:
            return cached[1]
        world = self._compute_world(pod, program)
        self._worlds[(ns, program.name)] = (stamp, world)
        return world

    def _pristine_world(self, pod: Obj, program: Component | None) -> _World:
        """The program's view of the world as it came up (the same pod, before any change)."""
        pristine = self.twin.pristine()
        twin_pod = pristine.pod_by_uid(pod["metadata"]["uid"])
        if twin_pod is None or program is None:
            return _World(None, 0.0, [], {}, [], [])
        return pristine.logs._world(twin_pod, program)

    def _compute_world(self, pod: Obj, program: Component) -> _World:
        from aoi.twin.behaviour.telemetry import request_rates

        ns = pod["metadata"]["namespace"]
        now = self.twin.clock.now()
        oracle = self.twin.oracle
        health = oracle.health(ns, program.name, now)
        rps = request_rates(self.twin, ns).get(program.name, 0.0)
        style = ls.style_for(program, program.container)
        soft_ok = style.key == "otelcol-contrib"
        failures = [
            (d, e) for d, e in health.failures if soft_ok or d.protocol not in SOFT_PROTOCOLS
        ]
        slow: list[tuple[Dependency, float]] = []
        if health.latency_ms > 1000:
            failed = {d.service for d, _ in health.failures}
            for dep in program.calls:
                if dep.service in failed or dep.protocol in SOFT_PROTOCOLS:
                    continue
                edge = oracle.edge(ns, pod, program, dep, now)
                if edge.ok and edge.latency_ms > 1000:
                    slow.append((dep, edge.latency_ms))
        clients = self._mongo_clients(ns, program, now) if ls.is_mongod(program) else []
        return _World(health, rps, failures, dict(health.effects), slow, clients)

    def _mongo_clients(
        self, ns: str, server: Component, now: datetime
    ) -> list[tuple[str, str, str]]:
        app = self.twin.app_for(ns)
        if app is None:
            return []
        names = {server.name, server.service_name}
        out = []
        pods = self.twin.store.list("Pod", ns)
        for comp in app.components:
            dep = next(
                (d for d in comp.calls if d.protocol == "mongodb" and d.service in names), None
            )
            if dep is None:
                continue
            pod = next(
                (
                    p
                    for p in pods
                    if p["spec"].get("containers")
                    and (prog := self.twin.oracle.program_of(p, p["spec"]["containers"][0]))
                    is not None
                    and prog.name == comp.name
                ),
                None,
            )
            edge = self.twin.oracle.edge(ns, pod, comp, dep, now)
            verdict = "" if edge.ok else edge.kind
            if verdict not in ("", "auth", "unauthorized", "tls"):
                continue
            out.append((comp.name, (pod or {}).get("status", {}).get("podIP", ""), verdict))
        return out

    # --- context: the fields templates may use ---------------------------------------------
    def _static_ctx(self, program: Component) -> dict[str, Any]:
        short = program.program.rsplit("/", 1)[-1]
        ctx: dict[str, Any] = {
            "service": program.name,
            "svc": short if program.log_style == "go-hotel" else program.name,
            "Svc": short if program.language == "cpp" else short.title().replace("-", ""),
            "port": program.container_ports[0].container_port if program.container_ports else 8080,
            "consul": "consul:8500",
            "jaeger": "jaeger:6831",
            "where_fail": f"{program.name}.Services[0]",
        }
        for dep in program.calls:
            if dep.protocol == "mongodb":
                ctx.setdefault("db_url", f"{dep.service}:{dep.port}")
            elif dep.protocol == "memcached":
                ctx.setdefault("mmc_url", f"{dep.service}:{dep.port}")
            elif dep.protocol == "consul":
                ctx["consul"] = f"{dep.service}:{dep.port}"
            elif dep.protocol == "jaeger":
                ctx["jaeger"] = f"{dep.service}:{dep.port}"
        if program.mongo_client is not None:
            ctx["db_name"] = program.mongo_client.database
        methods = _traffic_data()["apps"].get("social-network", {}).get("methods", {})
        ctx["Method"] = methods.get(program.name, "Handle")
        ctx["Handler"] = ctx["Svc"].removesuffix("Service") + "Handler"
        return ctx

    def _ctx(self, pod: Obj, container: str, program: Component | None) -> dict[str, Any]:
        ns = pod["metadata"]["namespace"]
        ctx = (
            self._static_ctx(program)
            if program is not None
            else {"service": container, "svc": container, "Svc": container, "port": 8080}
        )
        ctx.update(self._pod_ctx(pod, container, program, ls.style_for(program, container)))
        svc = (
            self.twin.store.get("Service", ns, program.service_name or program.name)
            if program
            else None
        )
        if svc is not None:
            port = svc["spec"].get("ports", [{}])[0].get("port", ctx["port"])
            ctx["host"] = f"{svc['spec'].get('clusterIP', '')}:{port}"
        if ls.is_mongod(program):
            state = self.twin.mongo.get((ns, program.name)) if program else None
            args = [a for c in pod["spec"]["containers"] for a in c.get("args", [])]
            ctx["auth"] = bool(state and state.auth)
            ctx["ssl"] = "on" if state and state.tls_mode == "requireTLS" else "off"
            ctx["options"] = (
                {"net": {"bindIp": "*"}, "security": {"authorization": "enabled"}}
                if "--auth" in args
                else {"net": {"bindIp": "*"}}
            )
            if state is not None and state.find_user("admin") is not None:
                ctx["auth_error"] = (
                    "AuthenticationFailed: SCRAM authentication failed, storedKey mismatch"
                )
        app = self.twin.app_for(ns)
        if app is not None:
            ctx["frontend_addr"] = f"{app.frontend}:{app.frontend_port or 8080}"
        if ls.style_for(program, container).key == "nginx":
            ctx.update(self._nginx_conf(pod, container))
        return ctx

    def _nginx_conf(self, pod: Obj, container: str) -> dict[str, Any]:
        """What the mounted nginx.conf says of logging: `access_log off`, error_log's level.

        Without an error_log directive nginx logs at `error`, so its start-up notices and
        per-connection info lines are not printed; an image without a mounted conf keeps
        its own defaults.
        """
        text = _mounted_file(self.twin, pod, container, "nginx.conf")
        if text is None:
            return {}
        access, level = True, "error"
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip().rstrip(";").split()
            if not line:
                continue
            if line[0] == "access_log" and len(line) > 1 and line[1] == "off":
                access = False
            elif line[0] == "error_log" and len(line) > 1:
                level = line[2] if len(line) > 2 else "error"
                if line[1] == "off":
                    level = "emerg"
        return {"access_log": access, "log_level": _NGINX_LEVELS.get(level, "error")}

    @staticmethod
    def _pod_ctx(
        pod: Obj, container: str, program: Component | None, style: ls.Style
    ) -> dict[str, Any]:
        """The fields the pod gives a container: its names and address, and its environment."""
        cspec: dict[str, Any] = next(
            (c for c in pod["spec"].get("containers", []) if c["name"] == container), {}
        )
        env = {e["name"]: str(e.get("value", "")) for e in cspec.get("env", []) if "name" in e}
        return {
            "pod": pod["metadata"]["name"],
            "pod_ip": pod.get("status", {}).get("podIP", ""),
            "namespace": pod["metadata"]["namespace"],
            "pod_uid": str(pod["metadata"]["uid"]),
            **style.env_values(env),
        }

    def _ops(self, program: Component | None) -> dict[str, str]:
        if program is None:
            return {}
        for app in self.twin.apps.values():
            if any(c.name == program.name for c in app.components):
                ops: dict[str, str] = _traffic_data()["apps"].get(app.key, {}).get("operations", {})
                return ops
        return {}


def _traffic_data() -> dict[str, Any]:
    from aoi.twin.behaviour.telemetry import traffic_data

    return traffic_data()


_WATCHED = ("Pod", "Service", "Endpoints", "ConfigMap", "Deployment", "StatefulSet")


def _fingerprint(twin: WorldView, ns: str) -> tuple[Any, ...]:
    """Changes whenever anything a program's health depends on may have changed."""
    versions = []
    for kind in _WATCHED:
        objs = twin.store.list(kind, ns)
        versions.append(
            (
                len(objs),
                max((int(o["metadata"].get("resourceVersion", 0)) for o in objs), default=0),
            )
        )
    mongo = tuple(
        (
            name,
            state.tls_mode,
            state.auth,
            tuple(sorted((k, tuple(u.roles), u.password) for k, u in state.users.items())),
        )
        for (space, name), state in twin.mongo.items()
        if space == ns
    )
    now = twin.clock.now()
    chaos = tuple(c.name for c in twin.chaos if c.namespace == ns and c.active(now))
    return (tuple(versions), mongo, chaos)


def _startup(style: ls.Style, program: Component | None, service: str) -> list[ls.Entry]:
    protocols = {d.protocol for d in program.calls} if program is not None else set()
    out = []
    for entry in style.startup_entries(service):
        cond = entry.when
        if cond and (cond[1:] in protocols if cond.startswith("!") else cond not in protocols):
            continue
        out.append(entry)
    return out


def _gate(dep: Dependency, edge: EdgeResult) -> str:
    if dep.protocol == "mongodb":
        return "mongodb-query" if edge.kind == "unauthorized" else "mongodb"
    return dep.protocol


def _line_fields(peer: dict[str, Any]) -> dict[str, Any]:
    """The peer's fields a caller's line may use; its own name, port and address stay the caller's."""
    return {k: v for k, v in peer.items() if k not in ("svc", "port", "ip", "db")}


def _peer_values(
    twin: WorldView, dep: Dependency, edge: EdgeResult, ops: dict[str, str], db: str | None
) -> dict[str, Any]:
    """Template fields naming the peer of a failed call: host, port, address, operation."""
    ip = edge.target_ip
    port = dep.port
    if not ip:
        for ns in twin.apps:
            svc = twin.store.get("Service", ns, dep.service)
            if svc is not None:
                ip = svc["spec"].get("clusterIP", "")
                break
    if edge.target_ip and edge.target_port and dep.via == "consul":
        port = edge.target_port
    values: dict[str, Any] = {
        "svc": dep.service,
        "port": port,
        "ip": ip or dep.service,
        "kind": edge.kind,
        "op": ops.get(dep.service, f"{dep.service}:{dep.port}"),
        "coll": "geo" if "geo" in dep.service else dep.service.replace("mongodb-", ""),
        "err_line": 120 + len(dep.service) * 3,
    }
    methods = _traffic_data()["apps"].get("social-network", {}).get("methods", {})
    values["method"] = methods.get(dep.service, "Call")
    values["Method"] = values["method"]
    values["db"] = db or dep.service.replace("mongodb-", "") + "-db"
    lua = _LUA.get(dep.service)
    if lua is not None:
        values.update(
            lua_file=lua[0],
            lua_func=lua[1],
            lua_line=lua[2],
            lua_msg=lua[3],
            method=lua[4],
            path=lua[5],
        )
    else:
        values.update(
            lua_file="api.lua",
            lua_func="Handle",
            lua_line=values["err_line"],
            lua_msg=f"{dep.service} failure: ",
            path="/",
        )
    return values


def _mounted_file(twin: WorldView, pod: Obj, container: str, name: str) -> str | None:
    """The text of a ConfigMap key mounted into the container at a path ending in `name`."""
    cspec: dict[str, Any] = next(
        (c for c in pod["spec"].get("containers", []) if c["name"] == container), {}
    )
    volumes = {v["name"]: v for v in pod["spec"].get("volumes", []) if "configMap" in v}
    for mount in cspec.get("volumeMounts", []):
        if not mount.get("mountPath", "").endswith("/" + name) or mount["name"] not in volumes:
            continue
        cm = twin.store.get(
            "ConfigMap", pod["metadata"]["namespace"], volumes[mount["name"]]["configMap"]["name"]
        )
        if cm is not None:
            key = mount.get("subPath") or name
            text = (cm.get("data") or {}).get(key)
            if isinstance(text, str):
                return text
    return None


def _dt(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)
