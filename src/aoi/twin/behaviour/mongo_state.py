"""The data a MongoDB server of the twin holds that matters for behaviour: users, roles, TLS.

It lives beside the Kubernetes objects because on a real cluster it lives on the
PersistentVolume: restarting the mongod pod keeps it, deleting the volume loses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aoi.twin.apps.spec import MongoServer

# Roles that allow reading and writing a given database.
WRITE_ROLES = frozenset({"readWrite", "dbOwner", "root", "readWriteAnyDatabase", "dbAdmin"})
ANY_DB_ROLES = frozenset({"root", "readWriteAnyDatabase"})


@dataclass(slots=True)
class UserRecord:
    user: str
    db: str
    password: str
    roles: list[tuple[str, str]] = field(default_factory=list)  # (role, db)

    def can_write(self, database: str) -> bool:
        return any(
            (role in WRITE_ROLES and db == database) or role in ANY_DB_ROLES
            for role, db in self.roles
        )


@dataclass(slots=True)
class MongoState:
    """One mongod's users and settings."""

    auth: bool
    tls_mode: str
    databases: list[str]
    users: dict[tuple[str, str], UserRecord] = field(default_factory=dict)  # (db, user)

    @classmethod
    def from_spec(cls, spec: MongoServer) -> MongoState:
        state = cls(auth=spec.auth, tls_mode=spec.tls_mode, databases=list(spec.databases))
        for u in spec.users:
            state.users[(u.db, u.user)] = UserRecord(
                user=u.user, db=u.db, password=u.password, roles=[(r.role, r.db) for r in u.roles]
            )
        return state

    def find_user(self, user: str, auth_db: str = "admin") -> UserRecord | None:
        return self.users.get((auth_db, user))

    def check_client(self, user: str | None, password: str | None, database: str) -> str:
        """'' when a client with these credentials may use `database`, else 'auth' or 'unauthorized'."""
        if not self.auth:
            return ""
        if user is None:
            return "unauthorized"
        record = self.find_user(user)
        if record is None or record.password != password:
            return "auth"
        if not record.can_write(database):
            return "unauthorized"
        return ""
