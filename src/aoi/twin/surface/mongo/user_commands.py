"""Server commands on users and roles: usersInfo, createUser, grantRolesToUser, ..."""

from __future__ import annotations

from typing import Any

from aoi.twin.behaviour.mongo_state import MongoState, UserRecord
from aoi.twin.surface.mongo.server import ADMIN_ONLY_ROLES, BUILTIN_ROLES, Server, fail


def _parse_roles(
    roles: Any, db: str, state: MongoState
) -> tuple[list[tuple[str, str]], dict[str, Any] | None]:
    if not isinstance(roles, list):
        return [], fail('"roles" field must be an array', 14, "TypeMismatch")
    out: list[tuple[str, str]] = []
    for r in roles:
        if isinstance(r, str):
            role, role_db = r, db
        elif isinstance(r, dict) and isinstance(r.get("role"), str):
            role, role_db = r["role"], str(r.get("db", db))
        else:
            return [], fail("Role names must be either strings or objects", 2, "BadValue")
        valid = role in BUILTIN_ROLES or (role in ADMIN_ONLY_ROLES and role_db == "admin")
        if not valid:
            return [], fail(f"No role named {role}@{role_db}", 31, "RoleNotFound")
        out.append((role, role_db))
    return out, None


def users_info(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    arg = cmd.get(next(iter(cmd)))
    records = [u for (d, _), u in sorted(s.state.users.items()) if d == db]
    if isinstance(arg, str):
        records = [u for u in records if u.user == arg]
    elif isinstance(arg, dict):
        want_db = str(arg.get("db", db))
        records = [
            u for (d, n), u in s.state.users.items() if d == want_db and n == arg.get("user")
        ]
    return {"users": [s.user_doc(u) for u in records], "ok": 1}


def may_see_users(s: Server, db: str, cmd: dict[str, Any]) -> bool:
    arg = cmd.get(next(iter(cmd)))
    own = (
        s.user is not None
        and isinstance(arg, str | dict)
        and (
            (arg == s.user.user and db == s.user.db)
            or (isinstance(arg, dict) and arg.get("user") == s.user.user)
        )
    )
    return own or s.may_admin_users(db)


def create_user(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    name = cmd.get("createUser")
    if not isinstance(name, str) or not name:
        return fail("User document needs 'user' field to be a string", 2, "BadValue")
    if "pwd" not in cmd:
        return fail(
            "Must provide a 'pwd' field for all user documents, except those with '$external' "
            "as the user's source db",
            2,
            "BadValue",
        )
    if "roles" not in cmd:
        return fail('"createUser" command requires a "roles" array', 2, "BadValue")
    if (db, name) in s.state.users:
        return fail(f'User "{name}@{db}" already exists', 51003, "Location51003")
    roles, err = _parse_roles(cmd["roles"], db, s.state)
    if err:
        return err
    s.state.users[(db, name)] = UserRecord(user=name, db=db, password=str(cmd["pwd"]), roles=roles)
    s.changed()
    return {"ok": 1}


def _find_user(s: Server, db: str, name: Any) -> UserRecord | dict[str, Any]:
    record = s.state.users.get((db, str(name)))
    if record is None:
        return fail(f'Could not find user "{name}" for db "{db}"', 11, "UserNotFound")
    return record


def drop_user(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    record = _find_user(s, db, cmd["dropUser"])
    if isinstance(record, dict):
        return record
    del s.state.users[(db, record.user)]
    s.changed()
    return {"ok": 1}


def grant(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    name = next(iter(cmd))
    record = _find_user(s, db, cmd[name])
    if isinstance(record, dict):
        return record
    roles, err = _parse_roles(cmd.get("roles"), db, s.state)
    if err:
        return err
    if name == "grantRolesToUser":
        record.roles.extend(r for r in roles if r not in record.roles)
    else:
        record.roles[:] = [r for r in record.roles if r not in roles]
    s.changed()
    return {"ok": 1}


def update_user(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    record = _find_user(s, db, cmd["updateUser"])
    if isinstance(record, dict):
        return record
    if "roles" in cmd:
        roles, err = _parse_roles(cmd["roles"], db, s.state)
        if err:
            return err
        record.roles[:] = roles
    if "pwd" in cmd:
        record.password = str(cmd["pwd"])
    s.changed()
    return {"ok": 1}


def roles_info(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    return {"roles": [], "ok": 1}
