"""What to look at next, given what the expert has seen so far.

Steps, in order: the surface scan of the namespace; then the leads it left
(Pending pods -> nodes and volumes, crash loops -> their last logs, a feature-flag
service -> the flags, a database named in a failure -> its log, users and Helm
values); then, when nothing points anywhere yet, a sweep of the application
services' logs for errors about their peers. Each step asks only for what it has
not read yet, so the investigation ends by itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aoi.agents.expert import queries as q
from aoi.agents.expert.notes import Notes
from aoi.agents.expert.rules import is_database, is_infra
from aoi.agents.schema import Phase

MAX_FOLLOW_UPS = 8
MAX_SWEEP = 10
ENTRY_POINTS = ("frontend", "nginx-thrift", "compose-post-service", "frontend-proxy", "checkout")


@dataclass
class Step:
    phase: Phase
    goal: str
    queries: list[q.Query] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)


def _new(notes: Notes, queries: list[q.Query]) -> list[q.Query]:
    seen: set[str] = set()
    out = []
    for query in queries:
        if query.command in notes.ran or query.command in seen:
            continue
        seen.add(query.command)
        out.append(query)
    return out


def scan(ns: str) -> list[q.Query]:
    return [q.pods(ns), q.deployments(ns), q.services(ns), q.warning_events(ns)]


def _auth_databases(notes: Notes) -> list[str]:
    """Databases that refused a client's credentials or its rights."""
    dbs: list[str] = []
    for client in sorted(notes.auth_failures | set(notes.unauthorized_dbs)):
        guess = f"mongodb-{client}"
        db = notes.db_urls.get(client) or (guess if guess in notes.deployments else "")
        if db:
            dbs.append(db)
    return list(dict.fromkeys(dbs))


def _unreachable_databases(notes: Notes) -> list[str]:
    """Databases their clients cannot even talk to."""
    dbs = [
        c.peer
        for c in notes.complaints
        if is_database(c.peer) and c.peer in notes.deployments and c.kind not in ("auth", "authz")
    ]
    return list(dict.fromkeys(dbs))


def follow_ups(notes: Notes, ns: str) -> list[q.Query]:
    """Reads that the evidence so far asks for."""
    wanted: list[q.Query] = []
    pending = [p for p in notes.pods.values() if p.phase == "Pending"]
    scheduling = [e for e in notes.events if e.reason == "FailedScheduling"]
    if any(d.node_selector for d in notes.deployments.values()) and (pending or scheduling):
        wanted.append(q.nodes())
    claims = any(
        "PersistentVolumeClaim" in e.message or e.reason == "FailedBinding" for e in notes.events
    )
    if claims or (pending and not any(d.node_selector for d in notes.deployments.values())):
        wanted += [q.pvcs(ns), q.pvs()]
    if "flagd" in notes.deployments:
        wanted.append(q.flags(ns))
    crashing = []
    for dep in notes.deployments:
        if any(p.crash_looping or (p.restarts and not p.healthy) for p in notes.pods_of(dep)):
            crashing.append(dep)
    wanted += [q.crash_log(ns, dep) for dep in crashing[:4]]
    for db in _auth_databases(notes):
        wanted.append(q.mongo_log(ns, db))
        if db in notes.mongo_login_failed:
            wanted.append(q.mongo_users(ns, db, "admin", "admin"))
        else:
            wanted.append(q.mongo_users(ns, db))
    for db in _unreachable_databases(notes):
        # a database that drops its clients: its own log, and the release that configures it
        wanted += [q.mongo_log(ns, db), q.helm_list(ns)]
    for release in notes.helm_releases:
        wanted += [q.helm_values(ns, release), q.helm_history(ns, release)]
    return _new(notes, wanted)[:MAX_FOLLOW_UPS]


def sweep(notes: Notes, ns: str) -> list[q.Query]:
    """Error lines of the application services not read yet, entry points first."""
    names = [
        d
        for d in notes.deployments
        if not is_infra(d) and not is_database(d) and d != "load-generator"
    ]
    names.sort(key=lambda d: (d not in ENTRY_POINTS, d))
    blamed = [
        c.peer for c in notes.complaints if c.peer in notes.deployments and not is_database(c.peer)
    ]
    order = list(dict.fromkeys([*blamed, *names]))
    return _new(notes, [q.log_grep(ns, d) for d in order if d not in notes.logs_read])[:MAX_SWEEP]


def next_step(notes: Notes, ns: str, *, decisive: bool) -> Step | None:
    """The next probe, or None when there is nothing left worth reading."""
    if not notes.scanned:
        return Step(
            Phase.SURFACE_SCAN,
            "surface scan: pods, deployments, services and warning events of the namespace",
            _new(notes, scan(ns)) or scan(ns),
            [ns],
        )
    follow = follow_ups(notes, ns)
    if follow:
        return Step(
            Phase.POINT_INVESTIGATION,
            "follow the leads of the scan: unhealthy pods' logs, scheduling, volumes, flags, databases",
            follow,
            sorted({query.subject for query in follow if query.subject}),
        )
    if decisive:
        return None
    swept = sweep(notes, ns)
    if swept:
        return Step(
            Phase.DEPTH_ANALYSIS,
            "read the application services' logs for errors about their peers",
            swept,
            [query.subject for query in swept],
        )
    return None
