"""Repairs: for each diagnosis rule, the writes that undo the fault and the reads that check it.

Every write here must pass the gate's Executor allow-list
(src/aoi/gate/executor_allow.yaml); the tests check that they do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from aoi.agents.expert import queries as q
from aoi.agents.expert.notes import Notes
from aoi.agents.expert.rules import Finding


@dataclass
class Repair:
    strategy: str
    commands: list[str]
    verification: list[q.Query] = field(default_factory=list)
    fallback: list[str] = field(default_factory=list)


RepairFn = Callable[[Finding, Notes, str], Repair | None]
REPAIRS: dict[str, RepairFn] = {}


def repair(name: str) -> Callable[[RepairFn], RepairFn]:
    def register(fn: RepairFn) -> RepairFn:
        REPAIRS[name] = fn
        return fn

    return register


def _json_patch(ops: Sequence[Mapping[str, object]]) -> str:
    return "'" + json.dumps(ops, separators=(",", ":")) + "'"


def _restart(ns: str, deployments: list[str]) -> list[str]:
    return [f"kubectl rollout restart deployment/{d} -n {ns}" for d in deployments if d]


def plan_repair(finding: Finding, notes: Notes, ns: str) -> Repair | None:
    """The repair of a finding, or None when the rule has no safe repair."""
    fn = REPAIRS.get(finding.rule)
    return fn(finding, notes, ns) if fn else None


def _checks(ns: str) -> list[q.Query]:
    return [q.pods(ns), q.deployments(ns)]


@repair("scaled_to_zero")
def _scale(f: Finding, notes: Notes, ns: str) -> Repair:
    name = f.services[0]
    return Repair(
        "scale the deployment back to one replica",
        [f"kubectl scale deployment {name} --replicas=1 -n {ns}"],
        _checks(ns),
    )


@repair("unschedulable_node_selector")
def _selector(f: Finding, notes: Notes, ns: str) -> Repair:
    name = f.services[0]
    op = [{"op": "remove", "path": "/spec/template/spec/nodeSelector"}]
    return Repair(
        "remove the nodeSelector that no node satisfies so the scheduler can place the pod",
        [f"kubectl patch deployment {name} -n {ns} --type=json -p {_json_patch(op)}"],
        _checks(ns),
    )


@repair("service_target_port")
def _target_port(f: Finding, notes: Notes, ns: str) -> Repair:
    name = f.services[0]
    index, port = int(f.detail.get("index", "0")), int(f.detail.get("port", "0"))
    op = [{"op": "replace", "path": f"/spec/ports/{index}/targetPort", "value": port}]
    return Repair(
        f"point the service's targetPort back at the container port {port}",
        [f"kubectl patch service {name} -n {ns} --type=json -p {_json_patch(op)}"],
        [q.services(ns), q.pods(ns)],
    )


@repair("wrong_binary")
def _binary(f: Finding, notes: Notes, ns: str) -> Repair:
    name = f.services[0]
    op = [
        {
            "op": "replace",
            "path": "/spec/template/spec/containers/0/command",
            "value": [f.detail["binary"]],
        }
    ]
    return Repair(
        f"run the service's own binary ({f.detail['binary']}) again",
        [f"kubectl patch deployment {name} -n {ns} --type=json -p {_json_patch(op)}"],
        _checks(ns),
    )


@repair("bad_image")
def _image(f: Finding, notes: Notes, ns: str) -> Repair:
    name = f.services[0]
    return Repair(
        f"roll the image back to the one its peers run ({f.detail['image']})",
        [
            f"kubectl set image deployment/{name} {f.detail['container']}={f.detail['image']} -n {ns}"
        ],
        _checks(ns),
        [f"kubectl rollout undo deployment/{name} -n {ns}"],
    )


@repair("unbound_claims")
def _claims(f: Finding, notes: Notes, ns: str) -> Repair | None:
    volumes = f.detail.get("volumes", "").split()
    if not volumes:
        return None
    op = [{"op": "remove", "path": "/spec/claimRef"}]
    return Repair(
        "release the volumes from the deleted claims so the new claims can bind",
        [f"kubectl patch pv {pv} --type=json -p {_json_patch(op)}" for pv in volumes],
        [q.pvcs(ns), q.pods(ns)],
    )


def _mongo(ns: str, db: str, script: str) -> str:
    return (
        f"kubectl exec deploy/{db} -n {ns} -- mongo admin -u root -p root "
        f'--authenticationDatabase admin --quiet --eval "{script}"'
    )


@repair("mongo_user_missing")
def _user(f: Finding, notes: Notes, ns: str) -> Repair:
    db, user, client = f.services[0], f.detail["user"], f.detail["client"]
    roles = [tuple(r.split("@", 1)) for r in f.detail.get("roles", "").split(";") if "@" in r]
    if not roles:
        roles = [("readWrite", db.removeprefix("mongodb-") + "-db")]
    role_js = ", ".join(f"{{role: '{r}', db: '{d}'}}" for r, d in roles)
    # the services connect with user == password (mongodb://admin:admin@...)
    script = f"db.createUser({{user: '{user}', pwd: '{user}', roles: [{role_js}]}})"
    return Repair(
        f"register user {user} in {db} again with the roles its peer user has, then restart {client}",
        [_mongo(ns, db, script), *_restart(ns, [client])],
        [q.mongo_users(ns, db), q.pods(ns)],
    )


@repair("mongo_role_revoked")
def _role(f: Finding, notes: Notes, ns: str) -> Repair:
    db, user, client, database = (
        f.services[0],
        f.detail["user"],
        f.detail["client"],
        f.detail["database"],
    )
    script = f"db.grantRolesToUser('{user}', [{{role: 'readWrite', db: '{database}'}}])"
    return Repair(
        f"grant {user} readWrite on {database} again, then restart {client}",
        [_mongo(ns, db, script), *_restart(ns, [client])],
        [q.mongo_users(ns, db), q.pods(ns)],
    )


@repair("mongo_tls_required")
def _tls(f: Finding, notes: Notes, ns: str) -> Repair | None:
    for release, rows in notes.helm_history.items():
        current = max((r for r, _, _ in rows), default=0)
        earlier = [r for r, status, _ in rows if r < current]
        if earlier:
            clients = f.detail.get("clients", "").split()
            return Repair(
                f"roll release {release} back to revision {max(earlier)}, before TLS was required, then restart the clients",
                [f"helm rollback {release} {max(earlier)} -n {ns}", *_restart(ns, clients)],
                [q.helm_values(ns, release), q.pods(ns)],
            )
    return None


@repair("crash_loop")
def _crash(f: Finding, notes: Notes, ns: str) -> Repair:
    return Repair(
        "restart the crash-looping workload",
        _restart(ns, f.services),
        _checks(ns),
    )


@repair("pod_failure")
def _pod_failure(f: Finding, notes: Notes, ns: str) -> Repair:
    pods = [p.name for p in notes.pods_of(f.services[0])]
    return Repair(
        "replace the failed pod", [f"kubectl delete pod {p} -n {ns}" for p in pods], _checks(ns)
    )


def heal(notes: Notes, ns: str) -> list[str]:
    """After the cause is repaired: restart what still crash-loops from before (its back-off can be long)."""
    stuck = sorted({notes.owner(p.name) for p in notes.pods.values() if p.crash_looping})
    return _restart(ns, [d for d in stuck if d in notes.deployments])


def forget(notes: Notes, finding: Finding) -> None:
    """Drop the log-borne evidence of a finding before its repair, so verification judges fresh output."""
    targets = set(finding.services)
    clients = {c for c, db in notes.db_urls.items() if db in targets} | set(
        finding.detail.get("clients", "").split()
    )
    if finding.detail.get("client"):
        clients.add(finding.detail["client"])
    notes.complaints = [
        c for c in notes.complaints if c.peer not in targets and c.caller not in clients
    ]
    for name in targets:
        notes.db_state.pop(name, None)
        notes.failed_auth_users.pop(name, None)
    notes.auth_failures -= clients
    for client in clients:
        notes.unauthorized_dbs.pop(client, None)
