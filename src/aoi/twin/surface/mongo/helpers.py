"""The shell helpers on db, collections, cursors and rs, run as server commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aoi.twin.surface.mongo.format import display, tojson
from aoi.twin.surface.mongo.operators import to_int
from aoi.twin.surface.mongo.server import Server
from aoi.twin.surface.mongo.values import (
    UNDEFINED,
    VERSION,
    CollHandle,
    Cursor,
    DbHandle,
    JsError,
    helper_error,
)

DB_METHODS = {
    "getName",
    "getSiblingDB",
    "getCollection",
    "getCollectionNames",
    "getUsers",
    "getUser",
    "createUser",
    "dropUser",
    "updateUser",
    "grantRolesToUser",
    "revokeRolesFromUser",
    "getRoles",
    "getRole",
    "auth",
    "logout",
    "runCommand",
    "adminCommand",
    "serverStatus",
    "version",
    "isMaster",
    "hello",
    "toString",
}
COLL_METHODS = {
    "find",
    "findOne",
    "count",
    "countDocuments",
    "estimatedDocumentCount",
    "getName",
    "getFullName",
}
CURSOR_METHODS = {
    "limit",
    "skip",
    "pretty",
    "count",
    "size",
    "itcount",
    "toArray",
    "sort",
    "forEach",
    "map",
}
RS_METHODS = {"status", "conf", "config", "isMaster", "hello"}


class ShellHelpers:
    """db.getUsers(), db.coll.find(), rs.status(), ...: what the shell's helpers do."""

    def __init__(self, server: Server | None, db: str, out: list[str]) -> None:
        self.server = server
        self.db = db
        self.out = out

    def command(self, db: str, cmd: Any) -> dict[str, Any]:
        assert self.server is not None
        if isinstance(cmd, str):
            cmd = {cmd: 1}
        if not isinstance(cmd, dict):
            raise JsError("Error", "the command object must be an object or a string")
        return self.server.command(db, cmd)

    def call_db(self, handle: DbHandle, name: str, args: list[Any]) -> Any:
        db = handle.name
        arg = args[0] if args else UNDEFINED
        if name in ("getName", "toString"):
            return db
        if name == "version":
            return VERSION
        if name == "getSiblingDB":
            return DbHandle(display(arg))
        if name == "getCollection":
            return CollHandle(db, display(arg))
        if name in ("runCommand", "adminCommand"):
            return self.command("admin" if name == "adminCommand" else db, arg)
        if name == "serverStatus":
            return self.command("admin", {"serverStatus": 1})
        if name in ("isMaster", "hello"):
            return self.command(db, {name: 1})
        if name == "auth":
            return self.auth(db, args)
        if name == "logout":
            assert self.server is not None
            self.server.user = None
            return {"ok": 1}
        if name == "getCollectionNames":
            reply = self.command(db, {"listCollections": 1, "filter": {}, "nameOnly": True})
            if not reply.get("ok"):
                raise helper_error(name, "listCollections failed: " + tojson(reply))
            return [c["name"] for c in reply["cursor"]["firstBatch"]]
        if name in ("getUsers", "getUser"):
            query = {"user": display(arg), "db": db} if name == "getUser" else 1
            reply = self.command(db, {"usersInfo": query})
            if not reply.get("ok"):
                raise helper_error(name, str(reply.get("errmsg")))
            users = reply["users"]
            return users if name == "getUsers" else (users[0] if users else None)
        if name in ("getRoles", "getRole"):
            reply = self.command(db, {"rolesInfo": 1 if name == "getRoles" else display(arg)})
            if not reply.get("ok"):
                raise helper_error("getRoles", str(reply.get("errmsg")))
            return reply["roles"] if name == "getRoles" else None
        return self.user_admin(db, name, args)

    def auth(self, db: str, args: list[Any]) -> int:
        assert self.server is not None
        if args and isinstance(args[0], dict):
            user, password = args[0].get("user"), args[0].get("pwd")
        else:
            user, password = [*args, UNDEFINED, UNDEFINED][:2]
        if self.server.authenticate(display(user), display(password), db):
            return 1
        self.out.append("Error: Authentication failed.")
        return 0

    def user_admin(self, db: str, name: str, args: list[Any]) -> Any:
        arg = args[0] if args else UNDEFINED
        if name == "createUser":
            if not isinstance(arg, dict):
                raise helper_error(name, "couldn't add user: User document must be an object")
            cmd = {"createUser": arg.get("user"), **{k: v for k, v in arg.items() if k != "user"}}
            reply = self.command(db, cmd)
            if not reply.get("ok"):
                raise helper_error(name, f"couldn't add user: {reply.get('errmsg')}")
            shown = {k: v for k, v in arg.items() if k != "pwd"}
            self.out.append("Successfully added user: " + tojson(shown))
            return UNDEFINED
        if name == "dropUser":
            reply = self.command(db, {"dropUser": display(arg)})
            if reply.get("ok"):
                return True
            if reply.get("code") == 11:
                return False
            raise helper_error(name, str(reply.get("errmsg")))
        second = args[1] if len(args) > 1 else UNDEFINED
        if name == "updateUser":
            update = second if isinstance(second, dict) else {}
            reply = self.command(db, {"updateUser": display(arg), **update})
        else:
            reply = self.command(db, {name: display(arg), "roles": second})
        if not reply.get("ok"):
            raise helper_error(name, str(reply.get("errmsg")))
        return UNDEFINED

    def call_rs(self, name: str, args: list[Any]) -> Any:
        if name in ("status", "conf", "config"):
            reply = self.command(
                "admin", {"replSetGetStatus": 1} if name == "status" else {"replSetGetConfig": 1}
            )
            if name != "status" and not reply.get("ok"):
                raise JsError(
                    "Error",
                    "Could not retrieve replica set config: " + tojson(reply),
                    ("rs.conf@src/mongo/shell/utils.js:1703:11",),
                )
            return reply
        return self.command("admin", {"isMaster": 1})

    def call_coll(self, coll: CollHandle, name: str, args: list[Any]) -> Any:
        query = args[0] if args and isinstance(args[0], dict) else {}
        if name == "getName":
            return coll.name
        if name == "getFullName":
            return f"{coll.db}.{coll.name}"
        cursor = Cursor(coll, query)
        if name == "find":
            return cursor
        docs = self.fetch(cursor)
        if name == "findOne":
            return docs[0] if docs else None
        return len(docs)

    def call_cursor(self, cursor: Cursor, name: str, args: list[Any]) -> Any:
        number = args[0] if args and isinstance(args[0], int | float) else 0
        if name == "limit":
            cursor.limit = to_int(number)
        elif name == "skip":
            cursor.skip = to_int(number)
        elif name == "pretty":
            cursor.pretty = True
        elif name == "toArray":
            return self.fetch(cursor)
        elif name in ("count", "size", "itcount"):
            docs = (
                self.fetch(Cursor(cursor.coll, cursor.query))
                if name == "count"
                else self.fetch(cursor)
            )
            return len(docs)
        return cursor

    def fetch(self, cursor: Cursor) -> list[dict[str, Any]]:
        reply = self.command(cursor.coll.db, {"find": cursor.coll.name, "filter": cursor.query})
        if not reply.get("ok"):
            frames = (
                "_getErrorWithCode@src/mongo/shell/utils.js:25:13",
                "DBCommandCursor@src/mongo/shell/query.js:696:15",
                "DBQuery.prototype._exec@src/mongo/shell/query.js:111:28",
                "DBQuery.prototype.hasNext@src/mongo/shell/query.js:282:5",
            )
            raise JsError("Error", "error: " + tojson(reply), frames)
        docs = [d for d in reply["cursor"]["firstBatch"] if _matches(d, cursor.query)]
        docs = docs[cursor.skip :]
        return docs[: cursor.limit] if cursor.limit else docs

    def materialize(self, value: Any) -> Any:
        return self.fetch(value) if isinstance(value, Cursor) else value


def _matches(doc: dict[str, Any], query: dict[str, Any]) -> bool:
    for key, want in query.items():
        have = doc.get(key, UNDEFINED)
        if isinstance(want, dict) and want and all(k.startswith("$") for k in want):
            for op, arg in want.items():
                if not _operator(op, have, arg):
                    return False
        elif have != want:
            return False
    return True


def _operator(op: str, have: Any, arg: Any) -> bool:
    if op == "$exists":
        return (have is not UNDEFINED) == bool(arg)
    if op == "$ne":
        return bool(have != arg)
    if op == "$in":
        return isinstance(arg, list) and have in arg
    if op == "$nin":
        return isinstance(arg, list) and have not in arg
    comparable = (isinstance(have, int | float | str) and type(have) is type(arg)) or (
        isinstance(have, int | float) and isinstance(arg, int | float)
    )
    if not comparable:
        return False
    ops: dict[str, Callable[[Any, Any], bool]] = {
        "$gt": lambda a, b: a > b,
        "$gte": lambda a, b: a >= b,
        "$lt": lambda a, b: a < b,
        "$lte": lambda a, b: a <= b,
        "$eq": lambda a, b: a == b,
    }
    return op in ops and ops[op](have, arg)
