"""One mongod as the shell sees it over a connection: who is logged in, what they may do."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aoi.twin.behaviour.mongo_state import MongoState, UserRecord
from aoi.twin.surface.mongo.format import js_string, tojson
from aoi.twin.surface.mongo.values import Special

if TYPE_CHECKING:
    from aoi.twin.world import World

BUILTIN_ROLES = {
    "read",
    "readWrite",
    "dbAdmin",
    "dbOwner",
    "userAdmin",
    "enableSharding",
}
ADMIN_ONLY_ROLES = {
    "clusterAdmin",
    "clusterManager",
    "clusterMonitor",
    "hostManager",
    "backup",
    "restore",
    "readAnyDatabase",
    "readWriteAnyDatabase",
    "userAdminAnyDatabase",
    "dbAdminAnyDatabase",
    "root",
    "__system",
}
USER_ADMIN = {"userAdminAnyDatabase", "root", "__system"}
PUBLIC_COMMANDS = {"ping", "ismaster", "hello", "buildinfo", "getlasterror", "whatsmyuri"}


@dataclass(slots=True)
class Server:
    """One mongod as the shell sees it over a connection."""

    twin: World
    namespace: str
    component: str
    state: MongoState
    localhost: bool
    user: UserRecord | None = None
    printed: list[str] = field(default_factory=list)

    def stable_uuid(self, *parts: str) -> str:
        digest = hashlib.sha256("/".join((self.namespace, self.component, *parts)).encode())
        return str(uuid.UUID(bytes=digest.digest()[:16], version=4))

    def authenticate(self, user: str, password: str, db: str) -> bool:
        record = self.state.users.get((db, user))
        if record is None or record.password != password:
            return False
        self.user = record
        return True

    def roles(self) -> set[tuple[str, str]]:
        return set(self.user.roles) if self.user else set()

    def may_admin_users(self, db: str) -> bool:
        roles = self.roles()
        return any(r in USER_ADMIN for r, _ in roles) or any(
            r in ("userAdmin", "dbOwner") and d == db for r, d in roles
        )

    def may_read(self, db: str) -> bool:
        return any(
            r in ("root", "readAnyDatabase", "readWriteAnyDatabase", "__system")
            or (r in ("read", "readWrite", "dbOwner") and d == db)
            for r, d in self.roles()
        )

    def may_monitor(self) -> bool:
        return any(
            r in ("root", "clusterMonitor", "clusterAdmin", "__system") for r, _ in self.roles()
        )

    def command(self, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
        """Run one command document and return the server's reply (never raises)."""
        # The command table imports this module for its handlers' types and replies.
        from aoi.twin.surface.mongo.commands import run_command

        return run_command(self, db, cmd)

    # user documents ---------------------------------------------------------------------
    def user_doc(self, record: UserRecord) -> dict[str, Any]:
        roles = [{"role": r, "db": d} for r, d in record.roles]
        return {
            "_id": f"{record.db}.{record.user}",
            "userId": Special(f'UUID("{self.stable_uuid("user", record.db, record.user)}")'),
            "user": record.user,
            "db": record.db,
            "roles": roles,
            "mechanisms": ["SCRAM-SHA-1", "SCRAM-SHA-256"],
        }

    def changed(self) -> None:
        # Programs that use this database see the change at their next connection.
        self.twin.oracle.invalidate()


def fail(message: str, code: int, name: str) -> dict[str, Any]:
    return {"ok": 0, "errmsg": message, "code": code, "codeName": name}


def cmd_value(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return tojson(v)
    if isinstance(v, int | float):
        return f"{float(v)!r}"
    if isinstance(v, str):
        return js_string(v)
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k}: {cmd_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list):
        return "[ " + ", ".join(cmd_value(x) for x in v) + " ]"
    return tojson(v)
