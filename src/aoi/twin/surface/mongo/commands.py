"""The command table: each server command's handler and who may run it, and the dispatch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aoi.twin.surface.mongo import db_commands as dbc
from aoi.twin.surface.mongo import user_commands as uc
from aoi.twin.surface.mongo.server import PUBLIC_COMMANDS, Server, cmd_value, fail
from aoi.twin.surface.mongo.values import VERSION

_Handler = Callable[[Server, str, dict[str, Any]], dict[str, Any]]
_Check = Callable[[Server, str, dict[str, Any]], bool]


def _always(s: Server, db: str, cmd: dict[str, Any]) -> bool:
    return True


def _user_admin(s: Server, db: str, cmd: dict[str, Any]) -> bool:
    return s.may_admin_users(db)


def _reader(s: Server, db: str, cmd: dict[str, Any]) -> bool:
    return s.may_read(db)


def _monitor(s: Server, db: str, cmd: dict[str, Any]) -> bool:
    return s.may_monitor()


def _simple(reply: dict[str, Any]) -> _Handler:
    return lambda s, db, cmd: dict(reply)


_BUILD = {"version": VERSION, "gitVersion": "72e66213c2c3eab37d9358d5e78ad7f5c1d0d0d7", "ok": 1}

COMMANDS: dict[str, tuple[_Handler, _Check]] = {
    "usersinfo": (uc.users_info, uc.may_see_users),
    "createuser": (uc.create_user, _user_admin),
    "dropuser": (uc.drop_user, _user_admin),
    "grantrolestouser": (uc.grant, _user_admin),
    "revokerolesfromuser": (uc.grant, _user_admin),
    "updateuser": (uc.update_user, _user_admin),
    "rolesinfo": (uc.roles_info, _user_admin),
    "listdatabases": (dbc.list_databases, _always),
    "listcollections": (dbc.list_collections, _reader),
    "find": (dbc.find, _reader),
    "getparameter": (dbc.get_parameter, _monitor),
    "serverstatus": (dbc.server_status, _monitor),
    "replsetgetstatus": (dbc.repl_status, _monitor),
    "ping": (_simple({"ok": 1}), _always),
    "ismaster": (dbc.hello, _always),
    "hello": (dbc.hello, _always),
    "buildinfo": (_simple(_BUILD), _always),
    "connectionstatus": (dbc.connection_status, _always),
}


def run_command(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    """Run one command document against `s` and return the server's reply (never raises)."""
    if not cmd:
        return fail("no such command: ''", 59, "CommandNotFound")
    name = next(iter(cmd))
    handler = COMMANDS.get(name.lower())
    if handler is None:
        return fail(f"no such command: '{name}'", 59, "CommandNotFound")
    if s.state.auth and s.user is None and name.lower() not in PUBLIC_COMMANDS:
        no_users = not s.state.users
        if not (name == "createUser" and no_users and s.localhost):
            return fail(f"command {name} requires authentication", 13, "Unauthorized")
    allowed = handler[1](s, db, cmd) if s.state.auth else True
    if not allowed:
        shown = ", ".join(f"{k}: {cmd_value(v)}" for k, v in cmd.items())
        lsid = f'lsid: {{ id: UUID("{s.stable_uuid("lsid")}") }}'
        return fail(
            f'not authorized on {db} to execute command {{ {shown}, {lsid}, $db: "{db}" }}',
            13,
            "Unauthorized",
        )
    return handler[0](s, db, cmd)
