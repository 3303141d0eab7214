"""Server commands on databases and the server itself: listDatabases, find, serverStatus, ..."""

from __future__ import annotations

from typing import Any

from aoi.twin.cluster.clock import parse_rfc3339
from aoi.twin.surface.mongo.seed import SEED, seeded_collections
from aoi.twin.surface.mongo.server import USER_ADMIN, Server, fail
from aoi.twin.surface.mongo.values import VERSION, Special


def _databases(s: Server) -> list[tuple[str, int]]:
    sizes = [("admin", 135168 if s.state.users else 40960), ("config", 110592), ("local", 73728)]
    for name in s.state.databases:
        docs = sum(count for count, _ in SEED.get(name, {}).values())
        if docs:
            sizes.append((name, 40960 + 4096 * (docs // 16 + len(SEED[name]))))
    return sorted(sizes)


def list_databases(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    if db != "admin":
        return fail("listDatabases may only be run against the admin database.", 13, "Unauthorized")
    rows = _databases(s)
    if s.state.auth and not (s.may_monitor() or any(r in USER_ADMIN for r, _ in s.roles())):
        mine = {d for _, d in s.roles()}
        rows = [r for r in rows if r[0] in mine]
    if cmd.get("nameOnly"):
        return {"databases": [{"name": n} for n, _ in rows], "ok": 1}
    return {
        "databases": [{"name": n, "sizeOnDisk": size, "empty": False} for n, size in rows],
        "totalSize": sum(size for _, size in rows),
        "ok": 1,
    }


def list_collections(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    names = sorted(seeded_collections(s.namespace, s.component, db, s.state))
    batch = [
        {
            "name": n,
            "type": "collection",
            "options": {},
            "info": {"readOnly": False, "uuid": Special(f'UUID("{s.stable_uuid("coll", db, n)}")')},
            "idIndex": {"v": 2, "key": {"_id": 1}, "name": "_id_"},
        }
        for n in names
    ]
    return {
        "cursor": {
            "id": Special("NumberLong(0)"),
            "ns": f"{db}.$cmd.listCollections",
            "firstBatch": batch,
        },
        "ok": 1,
    }


def get_parameter(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    if db != "admin":
        return fail("getParameter may only be run against the admin database.", 13, "Unauthorized")
    known: dict[str, Any] = {
        "authenticationMechanisms": ["SCRAM-SHA-1", "SCRAM-SHA-256"],
        "featureCompatibilityVersion": {"version": "4.4"},
        "tlsMode": s.state.tls_mode,
        "sslMode": s.state.tls_mode.replace("TLS", "SSL"),
        "logLevel": 0,
        "maxIncomingConnections": 838860,
    }
    wanted = [k for k in cmd if k != "getParameter"]
    if cmd.get("getParameter") == "*":
        wanted = list(known)
    reply = {k: known[k] for k in wanted if k in known}
    if not reply:
        return fail("no option found to get", 72, "InvalidOptions")
    return {**reply, "ok": 1}


def server_status(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    now = s.twin.clock.now()
    pods = [
        p for p in s.twin.store.list("Pod", s.namespace) if s.component in p["metadata"]["name"]
    ]
    started = now
    host = s.component
    if pods:
        host = pods[0]["metadata"]["name"]
        for st in pods[0]["status"].get("containerStatuses", []):
            run = st.get("state", {}).get("running")
            if run:
                started = parse_rfc3339(run["startedAt"])
    uptime = max(0.0, (now - started).total_seconds())
    clients = len([c for c in _clients(s)]) + 1
    return {
        "host": host,
        "version": VERSION,
        "process": "mongod",
        "pid": Special("NumberLong(1)"),
        "uptime": int(uptime),
        "uptimeMillis": Special(f"NumberLong({int(uptime * 1000)})"),
        "uptimeEstimate": Special(f"NumberLong({int(uptime)})"),
        "localTime": Special(
            f'ISODate("{now.strftime("%Y-%m-%dT%H:%M:%S.")}{now.microsecond // 1000:03d}Z")'
        ),
        "connections": {
            "current": clients,
            "available": 838860 - clients,
            "totalCreated": clients + int(uptime // 7),
            "active": 1,
            "exhaustIsMaster": 0,
            "exhaustHello": 0,
            "awaitingTopologyChanges": 0,
        },
        "ok": 1,
    }


def _clients(s: Server) -> list[str]:
    app = s.twin.app_for(s.namespace)
    if app is None:
        return []
    return [
        c.name for c in app.components if c.mongo_client and c.mongo_client.service == s.component
    ]


def repl_status(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    return fail("not running with --replSet", 76, "NoReplicationEnabled")


def hello(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    now = s.twin.clock.now()
    return {
        "ismaster": True,
        "topologyVersion": {
            "processId": Special(f'ObjectId("{s.stable_uuid("pid").replace("-", "")[:24]}")'),
            "counter": Special("NumberLong(0)"),
        },
        "maxBsonObjectSize": 16777216,
        "maxMessageSizeBytes": 48000000,
        "maxWriteBatchSize": 100000,
        "localTime": Special(f'ISODate("{now.strftime("%Y-%m-%dT%H:%M:%S")}.000Z")'),
        "logicalSessionTimeoutMinutes": 30,
        "connectionId": 40,
        "minWireVersion": 0,
        "maxWireVersion": 9,
        "readOnly": False,
        "ok": 1,
    }


def connection_status(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    users = [{"user": s.user.user, "db": s.user.db}] if s.user else []
    roles = [{"role": r, "db": d} for r, d in s.user.roles] if s.user else []
    return {"authInfo": {"authenticatedUsers": users, "authenticatedUserRoles": roles}, "ok": 1}


def find(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    docs = seeded_collections(s.namespace, s.component, db, s.state).get(str(cmd.get("find")), [])
    return {
        "cursor": {"firstBatch": docs, "id": Special("NumberLong(0)"), "ns": f"{db}.{cmd['find']}"},
        "ok": 1,
    }
