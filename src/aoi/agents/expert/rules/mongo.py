"""Rules about MongoDB: TLS forced on its clients, missing users, revoked roles.

The database is the root cause here, not the service that crash-loops: the
service's own code and configuration are unchanged, it only reports what the
database refused.
"""

from __future__ import annotations

from aoi.agents.expert.notes import MongoUser, Notes
from aoi.agents.expert.rules import Finding, rule


def _clients_of(notes: Notes, db: str) -> list[str]:
    clients = {c for c, host in notes.db_urls.items() if host == db}
    clients |= {c.caller for c in notes.complaints_about(db)}
    return sorted(clients)


@rule("mongo_tls_required")
def tls_required(notes: Notes) -> list[Finding]:
    out = []
    for db, state in notes.db_state.items():
        tls = sorted(s for s in state if s.startswith("helm:tls") or s == "tls-required")
        if not tls or db not in notes.deployments:
            continue
        complaints = [
            c
            for c in notes.complaints_about(db)
            if c.kind in ("db-connection", "timeout", "error", "refused")
        ]
        confidence = 93 if complaints else 70
        out.append(
            Finding(
                "mongo_tls_required",
                [db],
                "Application",
                "Misconfiguration",
                confidence,
                f"{db} was reconfigured to require TLS; its clients connect without TLS and are cut off",
                [f"{db}: {t}" for t in tls] + [c.line[:160] for c in complaints[:1]],
                [f"{c} cannot connect to {db}" for c in sorted({c.caller for c in complaints})],
                {"clients": " ".join(sorted({c.caller for c in complaints}))},
            )
        )
    return out


def _has_role(user: MongoUser, role: str, db: str) -> bool:
    return (role, db) in user.roles


@rule("mongo_user_missing")
def user_missing(notes: Notes) -> list[Finding]:
    out = []
    for client in sorted(notes.auth_failures):
        db = notes.db_urls.get(client, "")
        if not db:
            continue
        state = notes.db_state.get(db, set())
        users = notes.mongo_users.get(db)
        principal = notes.failed_auth_users.get(db, "")
        names = {u.user for u in users} if users is not None else set()
        if users is not None and principal and principal not in names:
            confidence = 94
        elif users is not None and not principal and "admin" not in names:
            principal, confidence = "admin", 85
        elif users is None and "user-not-found" in state:
            confidence = 88
        else:
            continue
        template = next(
            (u for u in users or [] if any(d not in ("admin",) for _, d in u.roles)), None
        )
        roles = template.roles if template else []
        out.append(
            Finding(
                "mongo_user_missing",
                [db],
                "Application",
                "Network/Storage Issue",
                confidence,
                f"user {principal or '?'} no longer exists in {db}; {client} cannot authenticate and crash-loops",
                [f"{client}: authentication to {db} failed"]
                + (
                    [f"{db} users: {', '.join(sorted(names)) or 'none'}"]
                    if users is not None
                    else []
                )
                + (["mongod: UserNotFound"] if "user-not-found" in state else []),
                [f"{client} crash-loops"],
                {
                    "client": client,
                    "user": principal or "admin",
                    "roles": ";".join(f"{r}@{d}" for r, d in roles),
                },
            )
        )
    return out


@rule("mongo_role_revoked")
def role_revoked(notes: Notes) -> list[Finding]:
    out = []
    for client, database in sorted(notes.unauthorized_dbs.items()):
        db = notes.db_urls.get(client) or f"mongodb-{client}"
        users = notes.mongo_users.get(db)
        lacking: list[str] = []
        if users:
            holders = [u for u in users if _has_role(u, "readWrite", database)]
            lacking = [u.user for u in users if not _has_role(u, "readWrite", database)]
            if not lacking:
                continue
            confidence = 94 if holders else 80
        else:
            confidence = 75
        user = "admin" if "admin" in lacking or not lacking else lacking[0]
        out.append(
            Finding(
                "mongo_role_revoked",
                [db],
                "Application",
                "Authentication Issue",
                confidence,
                f"user {user} of {db} lost its readWrite role on {database}; {client} is not authorized and crash-loops",
                [f"{client}: not authorized on {database}"]
                + ([f"{db}: {', '.join(lacking)} lack readWrite on {database}"] if lacking else []),
                [f"{client} crash-loops"],
                {"client": client, "user": user, "database": database},
            )
        )
    return out
