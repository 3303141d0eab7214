"""The mongo 4.4 shell run inside a mongod container: `mongo [DB] [-u U -p P] --eval EXPR`.

The expression is parsed as a small JavaScript subset (literals, object and array
literals, member access, calls, `var`), never evaluated by Python. Shell helpers
(`db.getUsers()`, `db.grantRolesToUser(...)`, `rs.status()`, `db.coll.find()`)
become server commands run against the twin's `MongoState`, so a grant made here
repairs what a revoke broke. Output follows the legacy shell: the connect banner,
`shellPrintHelper` of the last value, tojson's layout, `uncaught exception` errors
and exit code 252, `exiting with code 1` when the connection fails.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aoi.twin.clock import parse_rfc3339
from aoi.twin.core import CommandResult
from aoi.twin.mongo_state import MongoState, UserRecord
from aoi.twin.store import Obj

if TYPE_CHECKING:
    from aoi.twin.core import Twin

VERSION = "4.4.6"
EVAL_FAILED = 252  # the shell's -4 as an exit status
_URI_TAIL = "compressors=disabled&gssapiServiceName=mongodb"
_CONNECT_FRAMES = "connect@src/mongo/shell/mongo.js:374:17\n@(connect):2:6\n"
_BUILTIN_ROLES = {
    "read",
    "readWrite",
    "dbAdmin",
    "dbOwner",
    "userAdmin",
    "enableSharding",
}
_ADMIN_ONLY_ROLES = {
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
_USER_ADMIN = {"userAdminAnyDatabase", "root", "__system"}
_PUBLIC_COMMANDS = {"ping", "ismaster", "hello", "buildinfo", "getlasterror", "whatsmyuri"}
# (helper, frame) lines the shell prints under an uncaught helper error
_FRAMES = {
    "getUsers": "DB.prototype.getUsers@src/mongo/shell/db.js:1659:15",
    "getUser": "DB.prototype.getUser@src/mongo/shell/db.js:1685:15",
    "createUser": "DB.prototype.createUser@src/mongo/shell/db.js:1343:11",
    "dropUser": "DB.prototype.dropUser@src/mongo/shell/db.js:1580:11",
    "updateUser": "DB.prototype.updateUser@src/mongo/shell/db.js:1417:15",
    "grantRolesToUser": "DB.prototype.grantRolesToUser@src/mongo/shell/db.js:1557:15",
    "revokeRolesFromUser": "DB.prototype.revokeRolesFromUser@src/mongo/shell/db.js:1579:15",
    "getRoles": "DB.prototype.getRoles@src/mongo/shell/db.js:1767:15",
    "getCollectionNames": "DB.prototype._getCollectionInfosCommand@src/mongo/shell/db.js:891:15",
}


# --- values ------------------------------------------------------------------------------


class _Undefined:
    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = _Undefined()


@dataclass(frozen=True, slots=True)
class Special:
    """A BSON value the shell prints as a constructor call: NumberLong(5), UUID("...")."""

    text: str


@dataclass(slots=True)
class Method:
    """A callable bound to its receiver (or a global function when `target` is None)."""

    target: Any
    name: str


@dataclass(slots=True)
class DbHandle:
    name: str


@dataclass(slots=True)
class CollHandle:
    db: str
    name: str


@dataclass(slots=True)
class Cursor:
    coll: CollHandle
    query: dict[str, Any]
    limit: int = 0
    skip: int = 0
    pretty: bool = False


class RsHandle:
    pass


class JsError(Exception):
    """An uncaught JavaScript exception: kind (Error, TypeError, ...), message, stack frames."""

    def __init__(self, kind: str, message: str, frames: tuple[str, ...] = (), col: int = 1):
        super().__init__(message)
        self.kind, self.message, self.frames, self.col = kind, message, frames, col


def _helper_error(helper: str, message: str) -> JsError:
    frames = ("_getErrorWithCode@src/mongo/shell/utils.js:25:13", _FRAMES.get(helper, ""))
    return JsError("Error", message, tuple(f for f in frames if f))


# --- tojson ------------------------------------------------------------------------------


def tojson(x: Any, indent: str = "", nolint: bool | None = None) -> str:
    """The shell's tojson: tabs and newlines, collapsed to one line when short at top level."""
    if x is None:
        return "null"
    if x is UNDEFINED:
        return "undefined"
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int | float):
        return _number(x)
    if isinstance(x, str):
        return _js_string(x)
    if isinstance(x, Special):
        return x.text
    if isinstance(x, list | dict):
        s = _tojson_object(x, indent, bool(nolint))
        if nolint in (None, True) and len(s) < 80 and not indent:
            s = re.sub(r"[\t\r\n]+", " ", s)
        return s
    return _display(x)


def _tojson_object(x: list[Any] | dict[str, Any], indent: str, nolint: bool) -> str:
    sep = " " if nolint else "\n"
    if isinstance(x, list):
        if not x:
            return "[ ]"
        inner = "" if nolint else indent + "\t"
        items = [inner + tojson(v, inner, nolint) for v in x]
        return "[" + sep + ("," + sep).join(items) + sep + ("" if nolint else indent) + "]"
    inner = indent + ("" if nolint else "\t")
    fields = [f'{inner}"{k}" : {tojson(v, inner, nolint)}' for k, v in x.items()]
    body = ("," + sep).join(fields) if fields else inner
    return "{" + sep + body + sep + indent + "}"


def _number(x: float) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    return repr(x)


def _js_string(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out) + '"'


def _display(x: Any) -> str:
    """What `print(x)` shows for a value (String(x) in JavaScript)."""
    if isinstance(x, str):
        return x
    if x is None or x is UNDEFINED or isinstance(x, bool | int | float | Special):
        return tojson(x)
    if isinstance(x, list):
        return ",".join("" if v is None or v is UNDEFINED else _display(v) for v in x)
    if isinstance(x, dict):
        return "[object Object]"
    if isinstance(x, DbHandle):
        return x.name
    if isinstance(x, CollHandle):
        return f"{x.db}.{x.name}"
    if isinstance(x, Method):
        return f"function() {{\n    [native code for {x.name}]\n}}"
    if isinstance(x, Cursor):
        return "[object Object]"
    return "[object Object]"


# --- the JavaScript subset: tokens ---------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<ws>[ \t\r]+)|(?P<nl>\n)|(?P<comment>//[^\n]*)
    |(?P<num>\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+)
    |(?P<ident>[A-Za-z_$][\w$]*)
    |(?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<open>"|')
    |(?P<punct>[{}\[\](),:;.=\-+])""",
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "v": "\v"}


@dataclass(slots=True)
class Tok:
    kind: str  # num | ident | str | punct | eof
    text: str
    value: Any
    pos: int
    newline_before: bool = False


def tokenize(src: str) -> list[Tok]:
    """Split source into tokens; SyntaxError (as JsError) on what the subset cannot read."""
    toks: list[Tok] = []
    pos = 0
    newline = False
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if m is None:
            raise JsError("SyntaxError", "illegal character", ("",), col=pos)
        kind = m.lastgroup or ""
        text = m.group()
        if kind == "nl":
            newline = True
        elif kind == "open":
            raise JsError("SyntaxError", "unterminated string literal", ("",), col=pos)
        elif kind not in ("ws", "comment"):
            value: Any = text
            if kind == "num":
                value = float(text) if any(c in text for c in ".eE") else int(text)
            elif kind == "str":
                value = re.sub(r"\\(.)", lambda e: _ESCAPES.get(e.group(1), e.group(1)), text[1:-1])
            toks.append(Tok(kind, text, value, pos, newline))
            newline = False
        pos = m.end()
    toks.append(Tok("eof", "", None, len(src), newline))
    return toks


# --- the JavaScript subset: parser ---------------------------------------------------------
# AST nodes are tuples: ("lit", v) ("obj", [(k, node)]) ("arr", [node]) ("name", id)
# ("member", node, key_node) ("call", node, [args]) ("neg", node) ("var", id, node)


class Parser:
    def __init__(self, src: str) -> None:
        self.toks = tokenize(src)
        self.i = 0

    def peek(self) -> Tok:
        return self.toks[self.i]

    def take(self) -> Tok:
        tok = self.toks[self.i]
        self.i = min(self.i + 1, len(self.toks) - 1)
        return tok

    def accept(self, text: str) -> bool:
        tok = self.peek()
        if tok.kind in ("punct", "ident") and tok.text == text:
            self.take()
            return True
        return False

    def expect(self, text: str, message: str) -> None:
        if not self.accept(text):
            raise self.error(message)

    def error(self, message: str) -> JsError:
        return JsError("SyntaxError", message, ("",), col=self.peek().pos)

    def unexpected(self) -> JsError:
        tok = self.peek()
        if tok.kind == "eof":
            return self.error("expected expression, got end of script")
        return self.error(f"expected expression, got '{tok.text}'")

    def program(self) -> list[tuple[Any, ...]]:
        stmts: list[tuple[Any, ...]] = []
        while self.peek().kind != "eof":
            if self.accept(";"):
                continue
            stmts.append(self.statement())
            tok = self.peek()
            if tok.kind == "eof" or tok.newline_before:
                continue
            if not self.accept(";"):
                raise self.error("missing ; before statement")
        return stmts

    def statement(self) -> tuple[Any, ...]:
        tok = self.peek()
        if tok.kind == "ident" and tok.text in ("var", "let", "const"):
            self.take()
            name = self.take()
            if name.kind != "ident":
                raise JsError("SyntaxError", "missing variable name", ("",), col=name.pos)
            value: tuple[Any, ...] = ("lit", UNDEFINED)
            if self.accept("="):
                value = self.expression()
            return ("var", name.text, value)
        return self.expression()

    def expression(self) -> tuple[Any, ...]:
        node = self.unary()
        if self.peek().text == "=" and self.peek().kind == "punct":
            self.take()
            if node[0] != "name":
                raise self.error("invalid assignment left-hand side")
            return ("var", node[1], self.expression())
        return node

    def unary(self) -> tuple[Any, ...]:
        if self.accept("-"):
            return ("neg", self.unary())
        if self.accept("+"):
            return self.unary()
        return self.postfix(self.primary())

    def postfix(self, node: tuple[Any, ...]) -> tuple[Any, ...]:
        while True:
            if self.accept("."):
                tok = self.take()
                if tok.kind != "ident":
                    raise JsError("SyntaxError", "missing name after . operator", ("",), tok.pos)
                node = ("member", node, ("lit", tok.text))
            elif self.accept("["):
                key = self.expression()
                self.expect("]", "missing ] in index expression")
                node = ("member", node, key)
            elif self.accept("("):
                node = ("call", node, self.items(")", "missing ) after argument list"))
            else:
                return node

    def items(self, close: str, message: str) -> list[tuple[Any, ...]]:
        out: list[tuple[Any, ...]] = []
        while not self.accept(close):
            if self.peek().kind == "eof":
                raise self.error(message)
            out.append(self.expression())
            if not self.accept(","):
                self.expect(close, message)
                break
        return out

    def primary(self) -> tuple[Any, ...]:
        tok = self.peek()
        if tok.kind in ("num", "str"):
            self.take()
            return ("lit", tok.value)
        if tok.kind == "ident":
            self.take()
            words = {"true": True, "false": False, "null": None, "undefined": UNDEFINED}
            if tok.text in words:
                return ("lit", words[tok.text])
            if tok.text == "new":
                return self.postfix(self.primary())
            return ("name", tok.text)
        if self.accept("("):
            node = self.expression()
            self.expect(")", "missing ) in parenthetical")
            return node
        if self.accept("["):
            return ("arr", self.items("]", "missing ] after element list"))
        if self.accept("{"):
            return self.object_literal()
        raise self.unexpected()

    def object_literal(self) -> tuple[Any, ...]:
        pairs: list[tuple[str, tuple[Any, ...]]] = []
        while not self.accept("}"):
            key = self.take()
            if key.kind not in ("ident", "str", "num"):
                raise JsError("SyntaxError", "invalid property id", ("",), col=key.pos)
            self.expect(":", "missing : after property id")
            pairs.append((str(key.value), self.expression()))
            if not self.accept(","):
                self.expect("}", "missing } after property list")
                break
        return ("obj", pairs)


# --- the server: commands against a MongoState ---------------------------------------------


@dataclass(slots=True)
class Server:
    """One mongod as the shell sees it over a connection."""

    twin: Twin
    namespace: str
    component: str
    state: MongoState
    localhost: bool
    user: UserRecord | None = None
    printed: list[str] = field(default_factory=list)

    def _uuid(self, *parts: str) -> str:
        digest = hashlib.sha256("/".join((self.namespace, self.component, *parts)).encode())
        return str(uuid.UUID(bytes=digest.digest()[:16], version=4))

    def authenticate(self, user: str, password: str, db: str) -> bool:
        record = self.state.users.get((db, user))
        if record is None or record.password != password:
            return False
        self.user = record
        return True

    def _roles(self) -> set[tuple[str, str]]:
        return set(self.user.roles) if self.user else set()

    def _may_admin_users(self, db: str) -> bool:
        roles = self._roles()
        return any(r in _USER_ADMIN for r, _ in roles) or any(
            r in ("userAdmin", "dbOwner") and d == db for r, d in roles
        )

    def _may_read(self, db: str) -> bool:
        return any(
            r in ("root", "readAnyDatabase", "readWriteAnyDatabase", "__system")
            or (r in ("read", "readWrite", "dbOwner") and d == db)
            for r, d in self._roles()
        )

    def _may_monitor(self) -> bool:
        return any(
            r in ("root", "clusterMonitor", "clusterAdmin", "__system") for r, _ in self._roles()
        )

    def command(self, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
        """Run one command document and return the server's reply (never raises)."""
        if not cmd:
            return _fail("no such command: ''", 59, "CommandNotFound")
        name = next(iter(cmd))
        handler = _COMMANDS.get(name.lower())
        if handler is None:
            return _fail(f"no such command: '{name}'", 59, "CommandNotFound")
        if self.state.auth and self.user is None and name.lower() not in _PUBLIC_COMMANDS:
            no_users = not self.state.users
            if not (name == "createUser" and no_users and self.localhost):
                return _fail(f"command {name} requires authentication", 13, "Unauthorized")
        allowed = handler[1](self, db, cmd) if self.state.auth else True
        if not allowed:
            shown = ", ".join(f"{k}: {_cmd_value(v)}" for k, v in cmd.items())
            lsid = f'lsid: {{ id: UUID("{self._uuid("lsid")}") }}'
            return _fail(
                f'not authorized on {db} to execute command {{ {shown}, {lsid}, $db: "{db}" }}',
                13,
                "Unauthorized",
            )
        return handler[0](self, db, cmd)

    # user documents ---------------------------------------------------------------------
    def user_doc(self, record: UserRecord) -> dict[str, Any]:
        roles = [{"role": r, "db": d} for r, d in record.roles]
        return {
            "_id": f"{record.db}.{record.user}",
            "userId": Special(f'UUID("{self._uuid("user", record.db, record.user)}")'),
            "user": record.user,
            "db": record.db,
            "roles": roles,
            "mechanisms": ["SCRAM-SHA-1", "SCRAM-SHA-256"],
        }

    def changed(self) -> None:
        # Programs that use this database see the change at their next connection.
        self.twin.oracle.invalidate()


def _fail(message: str, code: int, name: str) -> dict[str, Any]:
    return {"ok": 0, "errmsg": message, "code": code, "codeName": name}


def _cmd_value(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return tojson(v)
    if isinstance(v, int | float):
        return f"{float(v)!r}"
    if isinstance(v, str):
        return _js_string(v)
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k}: {_cmd_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list):
        return "[ " + ", ".join(_cmd_value(x) for x in v) + " ]"
    return tojson(v)


def _parse_roles(
    roles: Any, db: str, state: MongoState
) -> tuple[list[tuple[str, str]], dict[str, Any] | None]:
    if not isinstance(roles, list):
        return [], _fail('"roles" field must be an array', 14, "TypeMismatch")
    out: list[tuple[str, str]] = []
    for r in roles:
        if isinstance(r, str):
            role, role_db = r, db
        elif isinstance(r, dict) and isinstance(r.get("role"), str):
            role, role_db = r["role"], str(r.get("db", db))
        else:
            return [], _fail("Role names must be either strings or objects", 2, "BadValue")
        valid = role in _BUILTIN_ROLES or (role in _ADMIN_ONLY_ROLES and role_db == "admin")
        if not valid:
            return [], _fail(f"No role named {role}@{role_db}", 31, "RoleNotFound")
        out.append((role, role_db))
    return out, None


def _c_users_info(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
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


def _a_users_info(s: Server, db: str, cmd: dict[str, Any]) -> bool:
    arg = cmd.get(next(iter(cmd)))
    own = (
        s.user is not None
        and isinstance(arg, str | dict)
        and (
            (arg == s.user.user and db == s.user.db)
            or (isinstance(arg, dict) and arg.get("user") == s.user.user)
        )
    )
    return own or s._may_admin_users(db)


def _c_create_user(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    name = cmd.get("createUser")
    if not isinstance(name, str) or not name:
        return _fail("User document needs 'user' field to be a string", 2, "BadValue")
    if "pwd" not in cmd:
        return _fail(
            "Must provide a 'pwd' field for all user documents, except those with '$external' "
            "as the user's source db",
            2,
            "BadValue",
        )
    if "roles" not in cmd:
        return _fail('"createUser" command requires a "roles" array', 2, "BadValue")
    if (db, name) in s.state.users:
        return _fail(f'User "{name}@{db}" already exists', 51003, "Location51003")
    roles, err = _parse_roles(cmd["roles"], db, s.state)
    if err:
        return err
    s.state.users[(db, name)] = UserRecord(user=name, db=db, password=str(cmd["pwd"]), roles=roles)
    s.changed()
    return {"ok": 1}


def _find_user(s: Server, db: str, name: Any) -> UserRecord | dict[str, Any]:
    record = s.state.users.get((db, str(name)))
    if record is None:
        return _fail(f'Could not find user "{name}" for db "{db}"', 11, "UserNotFound")
    return record


def _c_drop_user(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    record = _find_user(s, db, cmd["dropUser"])
    if isinstance(record, dict):
        return record
    del s.state.users[(db, record.user)]
    s.changed()
    return {"ok": 1}


def _c_grant(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
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


def _c_update_user(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
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


def _c_roles_info(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    return {"roles": [], "ok": 1}


def _databases(s: Server) -> list[tuple[str, int]]:
    sizes = [("admin", 135168 if s.state.users else 40960), ("config", 110592), ("local", 73728)]
    for name in s.state.databases:
        docs = sum(count for count, _ in _SEED.get(name, {}).values())
        if docs:
            sizes.append((name, 40960 + 4096 * (docs // 16 + len(_SEED[name]))))
    return sorted(sizes)


def _c_list_databases(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    if db != "admin":
        return _fail(
            "listDatabases may only be run against the admin database.", 13, "Unauthorized"
        )
    rows = _databases(s)
    if s.state.auth and not (s._may_monitor() or any(r in _USER_ADMIN for r, _ in s._roles())):
        mine = {d for _, d in s._roles()}
        rows = [r for r in rows if r[0] in mine]
    if cmd.get("nameOnly"):
        return {"databases": [{"name": n} for n, _ in rows], "ok": 1}
    return {
        "databases": [{"name": n, "sizeOnDisk": size, "empty": False} for n, size in rows],
        "totalSize": sum(size for _, size in rows),
        "ok": 1,
    }


def _c_list_collections(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    names = sorted(seeded_collections(s.namespace, s.component, db, s.state))
    batch = [
        {
            "name": n,
            "type": "collection",
            "options": {},
            "info": {"readOnly": False, "uuid": Special(f'UUID("{s._uuid("coll", db, n)}")')},
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


def _c_get_parameter(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    if db != "admin":
        return _fail("getParameter may only be run against the admin database.", 13, "Unauthorized")
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
        return _fail("no option found to get", 72, "InvalidOptions")
    return {**reply, "ok": 1}


def _c_server_status(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
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


def _c_repl_status(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    return _fail("not running with --replSet", 76, "NoReplicationEnabled")


def _c_simple(reply: dict[str, Any]) -> Callable[[Server, str, dict[str, Any]], dict[str, Any]]:
    return lambda s, db, cmd: dict(reply)


def _c_hello(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    now = s.twin.clock.now()
    return {
        "ismaster": True,
        "topologyVersion": {
            "processId": Special(f'ObjectId("{s._uuid("pid").replace("-", "")[:24]}")'),
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


def _c_connection_status(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    users = [{"user": s.user.user, "db": s.user.db}] if s.user else []
    roles = [{"role": r, "db": d} for r, d in s.user.roles] if s.user else []
    return {"authInfo": {"authenticatedUsers": users, "authenticatedUserRoles": roles}, "ok": 1}


def _c_find(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    docs = seeded_collections(s.namespace, s.component, db, s.state).get(str(cmd.get("find")), [])
    return {
        "cursor": {"firstBatch": docs, "id": Special("NumberLong(0)"), "ns": f"{db}.{cmd['find']}"},
        "ok": 1,
    }


def _always(s: Server, db: str, cmd: dict[str, Any]) -> bool:
    return True


_Handler = Callable[[Server, str, dict[str, Any]], dict[str, Any]]
_Check = Callable[[Server, str, dict[str, Any]], bool]
_COMMANDS: dict[str, tuple[_Handler, _Check]] = {
    "usersinfo": (_c_users_info, _a_users_info),
    "createuser": (_c_create_user, lambda s, db, c: s._may_admin_users(db)),
    "dropuser": (_c_drop_user, lambda s, db, c: s._may_admin_users(db)),
    "grantrolestouser": (_c_grant, lambda s, db, c: s._may_admin_users(db)),
    "revokerolesfromuser": (_c_grant, lambda s, db, c: s._may_admin_users(db)),
    "updateuser": (_c_update_user, lambda s, db, c: s._may_admin_users(db)),
    "rolesinfo": (_c_roles_info, lambda s, db, c: s._may_admin_users(db)),
    "listdatabases": (_c_list_databases, _always),
    "listcollections": (_c_list_collections, lambda s, db, c: s._may_read(db)),
    "find": (_c_find, lambda s, db, c: s._may_read(db)),
    "getparameter": (_c_get_parameter, lambda s, db, c: s._may_monitor()),
    "serverstatus": (_c_server_status, lambda s, db, c: s._may_monitor()),
    "replsetgetstatus": (_c_repl_status, lambda s, db, c: s._may_monitor()),
    "ping": (_c_simple({"ok": 1}), _always),
    "ismaster": (_c_hello, _always),
    "hello": (_c_hello, _always),
    "buildinfo": (
        _c_simple(
            {"version": VERSION, "gitVersion": "72e66213c2c3eab37d9358d5e78ad7f5c1d0d0d7", "ok": 1}
        ),
        _always,
    ),
    "connectionstatus": (_c_connection_status, _always),
}


# --- seeded documents ----------------------------------------------------------------------

_HOTELS = [
    ("Clift Hotel", "(415) 775-4700", "495", "Geary St", "94102", 37.7867, -122.4112),
    ("W San Francisco", "(415) 777-5300", "181", "3rd St", "94103", 37.7854, -122.4005),
    ("Hotel Zetta", "(415) 543-8555", "55", "5th St", "94103", 37.7834, -122.4071),
    ("Hotel Vitale", "(415) 278-3700", "8", "Mission St", "94105", 37.7936, -122.3930),
    ("Phoenix Hotel", "(415) 776-1380", "601", "Eddy St", "94109", 37.7831, -122.4181),
    ("St. Regis San Francisco", "(415) 284-4000", "125", "3rd St", "94109", 37.7863, -122.4015),
]


def _point(i: int) -> tuple[float, float]:
    if i < len(_HOTELS):
        return _HOTELS[i][5], _HOTELS[i][6]
    return round(37.7835 + (i + 1) / 500.0 * 3, 4), round(-122.41 + (i + 1) / 500.0 * 4, 4)


def _geo(i: int) -> dict[str, Any]:
    lat, lon = _point(i)
    return {"hotelId": str(i + 1), "lat": lat, "lon": lon}


def _hotel(i: int) -> dict[str, Any]:
    name, phone, number, street, code, lat, lon = _HOTELS[i % len(_HOTELS)]
    lat, lon = _point(i)
    address = {
        "streetNumber": number,
        "streetName": street,
        "city": "San Francisco",
        "state": "CA",
        "country": "United States",
        "postalCode": code,
        "lat": lat,
        "lon": lon,
    }
    return {
        "id": str(i + 1),
        "name": name,
        "phoneNumber": phone,
        "description": "A 6-minute walk from Union Square and 4 minutes from a Muni Metro station.",
        "address": address,
    }


def _rate(i: int) -> dict[str, Any]:
    price = [109.0, 139.0, 109.0][i % 3]
    room = {
        "bookableRate": price,
        "totalRate": price,
        "totalRateInclusive": round(price * 1.13, 2),
        "code": ["KNG", "QN", "KNG"][i % 3],
        "currency": "USD",
        "roomDescription": ["King sized bed", "Queen sized bed", "King sized bed"][i % 3],
    }
    return {
        "hotelId": str(i + 1),
        "code": "RACK",
        "inDate": "2015-04-09",
        "outDate": "2015-04-10",
        "roomType": room,
    }


def _recommendation(i: int) -> dict[str, Any]:
    lat, lon = _point(i)
    return {
        "hotelId": str(i + 1),
        "lat": lat,
        "lon": lon,
        "rate": [109.0, 139.0, 109.0][i % 3],
        "price": [150.0, 120.0, 190.0][i % 3],
    }


def _user(i: int) -> dict[str, Any]:
    secret = hashlib.sha256((str(i) * 10).encode()).hexdigest()
    return {"username": f"Cornell_{i}", "password": secret}


def _social_user(i: int) -> dict[str, Any]:
    salt = hashlib.md5(f"salt{i}".encode()).hexdigest()[:32]
    return {
        "user_id": Special(f"NumberLong({i})"),
        "first_name": f"first_name_{i}",
        "last_name": f"last_name_{i}",
        "salt": salt,
        "username": f"username_{i}",
        "password": hashlib.sha256(f"password_{i}{salt}".encode()).hexdigest(),
    }


def _graph(i: int) -> dict[str, Any]:
    follow = [
        {
            "user_id": Special(f"NumberLong({(i + k) % 962})"),
            "timestamp": Special("NumberLong(1700000000000)"),
        }
        for k in (1, 2)
    ]
    return {"user_id": Special(f"NumberLong({i})"), "followers": follow, "followees": follow[:1]}


def _url(i: int) -> dict[str, Any]:
    code = hashlib.sha1(f"url{i}".encode()).hexdigest()[:10]
    return {
        "shortened_url": f"http://short-url.com/{code}",
        "expanded_url": f"http://expanded-url-{i}.com",
    }


# database -> collection -> (count, document factory)
_SEED: dict[str, dict[str, tuple[int, Callable[[int], dict[str, Any]]]]] = {
    "geo-db": {"geo": (80, _geo)},
    "profile-db": {"hotels": (80, _hotel)},
    "rate-db": {"inventory": (80, _rate)},
    "recommendation-db": {"recommendation": (80, _recommendation)},
    "reservation-db": {
        "number": (80, lambda i: {"hotelId": str(i + 1), "numberOfRoom": 200}),
        "reservation": (
            1,
            lambda i: {
                "hotelId": "4",
                "customerName": "Alice",
                "inDate": "2015-04-09",
                "outDate": "2015-04-10",
                "number": 1,
            },
        ),
    },
    "user-db": {"user": (501, _user)},
    "user": {"user": (962, _social_user)},
    "social-graph": {"social-graph": (962, _graph)},
    "url-shorten": {"url-shorten": (24, _url)},
}


def seeded_collections(
    namespace: str, component: str, db: str, state: MongoState | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The documents a database of this mongod holds: a few realistic ones per collection."""
    if state is not None and db not in state.databases:
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    for coll, (count, make) in _SEED.get(db, {}).items():
        docs = []
        for i in range(count):
            oid = hashlib.sha1(f"{namespace}/{component}/{db}/{coll}/{i}".encode()).hexdigest()
            docs.append({"_id": Special(f'ObjectId("{oid[:24]}")'), **make(i)})
        out[coll] = docs
    return out


# --- the interpreter -----------------------------------------------------------------------

_DB_METHODS = {
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
_COLL_METHODS = {
    "find",
    "findOne",
    "count",
    "countDocuments",
    "estimatedDocumentCount",
    "getName",
    "getFullName",
}
_CURSOR_METHODS = {"limit", "skip", "pretty", "count", "size", "itcount", "toArray", "sort"}
_RS_METHODS = {"status", "conf", "config", "isMaster", "hello"}
_GLOBALS = {
    "print",
    "printjson",
    "tojson",
    "version",
    "NumberLong",
    "NumberInt",
    "ObjectId",
    "ISODate",
    "UUID",
    "quit",
    "exit",
    "hostname",
}


class _Quit(Exception):
    pass


def _source(node: tuple[Any, ...]) -> str:
    """How SpiderMonkey names an expression in a TypeError: db.getUser(...), x.y."""
    kind = node[0]
    if kind == "name":
        return str(node[1])
    if kind == "member":
        key = node[2]
        inner = _source(node[1])
        return (
            f"{inner}.{key[1]}" if key[0] == "lit" and isinstance(key[1], str) else f"{inner}[...]"
        )
    if kind == "call":
        return _source(node[1]) + "(...)"
    if kind == "lit":
        return tojson(node[1])
    return "(intermediate value)"


class Interpreter:
    """Evaluates the parsed statements with the shell's globals (db, rs, print, ...)."""

    def __init__(self, server: Server | None, db: str, out: list[str]) -> None:
        self.server = server
        self.db = db
        self.out = out
        self.vars: dict[str, Any] = {}

    def run(self, stmts: list[tuple[Any, ...]]) -> Any:
        last: Any = UNDEFINED
        for stmt in stmts:
            last = self.eval(stmt)
        return last

    def eval(self, node: tuple[Any, ...]) -> Any:
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "arr":
            return [self.eval(n) for n in node[1]]
        if kind == "obj":
            return {k: self.eval(v) for k, v in node[1]}
        if kind == "neg":
            value = self.eval(node[1])
            return (
                -value
                if isinstance(value, int | float) and not isinstance(value, bool)
                else float("nan")
            )
        if kind == "var":
            self.vars[node[1]] = self.eval(node[2])
            return UNDEFINED
        if kind == "name":
            return self.lookup(node[1])
        if kind == "member":
            target = self.eval(node[1])
            return self.member(target, self.eval(node[2]), node[1])
        target = self.eval(node[1])
        args = [self.eval(a) for a in node[2]]
        if not isinstance(target, Method):
            raise JsError("TypeError", f"{_source(node[1])} is not a function")
        return self.call(target, args)

    def lookup(self, name: str) -> Any:
        if name in self.vars:
            return self.vars[name]
        if name == "db" and self.server is not None:
            return DbHandle(self.db)
        if name == "rs" and self.server is not None:
            return RsHandle()
        if name in _GLOBALS:
            return Method(None, name)
        raise JsError("ReferenceError", f"{name} is not defined")

    def member(self, target: Any, key: Any, node: tuple[Any, ...]) -> Any:
        if target is None or target is UNDEFINED:
            raise JsError(
                "TypeError", f"{_source(node)} is {'null' if target is None else 'undefined'}"
            )
        name = _display(key)
        if isinstance(target, DbHandle):
            return Method(target, name) if name in _DB_METHODS else CollHandle(target.name, name)
        if isinstance(target, CollHandle):
            if name in _COLL_METHODS:
                return Method(target, name)
            return CollHandle(target.db, f"{target.name}.{name}")
        if isinstance(target, Cursor):
            return Method(target, name) if name in _CURSOR_METHODS else UNDEFINED
        if isinstance(target, RsHandle):
            return Method(target, name) if name in _RS_METHODS else UNDEFINED
        if isinstance(target, dict):
            return target.get(name, UNDEFINED)
        if isinstance(target, list | str):
            if name == "length":
                return len(target)
            if isinstance(key, int) and 0 <= key < len(target):
                return target[key]
        return UNDEFINED

    # --- calls ---------------------------------------------------------------------------
    def call(self, fn: Method, args: list[Any]) -> Any:
        target = fn.target
        if target is None:
            return self.call_global(fn.name, args)
        if isinstance(target, DbHandle):
            return self.call_db(target, fn.name, args)
        if isinstance(target, CollHandle):
            return self.call_coll(target, fn.name, args)
        if isinstance(target, Cursor):
            return self.call_cursor(target, fn.name, args)
        return self.call_rs(fn.name, args)

    def call_global(self, name: str, args: list[Any]) -> Any:
        arg = args[0] if args else UNDEFINED
        if name == "print":
            self.out.append(" ".join(_display(a) for a in args))
            return UNDEFINED
        if name == "printjson":
            self.out.append(tojson(self.materialize(arg)))
            return UNDEFINED
        if name == "tojson":
            return tojson(self.materialize(arg))
        if name == "version":
            return VERSION
        if name in ("quit", "exit"):
            raise _Quit()
        if name == "hostname":
            return self.server.component if self.server else "localhost"
        if name in ("NumberLong", "NumberInt"):
            number = (
                int(float(arg))
                if isinstance(arg, int | float | str)
                and str(arg).strip("-").replace(".", "", 1).isdigit()
                else 0
            )
            return Special(f"{name}({number})") if name == "NumberLong" else number
        if name == "UUID" and isinstance(arg, str):
            return Special(f'UUID("{arg}")')
        if name == "ObjectId":
            text = (
                arg
                if isinstance(arg, str)
                else hashlib.sha1(str(len(self.out)).encode()).hexdigest()[:24]
            )
            return Special(f'ObjectId("{text}")')
        if name == "ISODate":
            return Special(f'ISODate("{arg if isinstance(arg, str) else "1970-01-01T00:00:00Z"}")')
        return UNDEFINED

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
            return DbHandle(_display(arg))
        if name == "getCollection":
            return CollHandle(db, _display(arg))
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
                raise _helper_error(name, "listCollections failed: " + tojson(reply))
            return [c["name"] for c in reply["cursor"]["firstBatch"]]
        if name in ("getUsers", "getUser"):
            query = {"user": _display(arg), "db": db} if name == "getUser" else 1
            reply = self.command(db, {"usersInfo": query})
            if not reply.get("ok"):
                raise _helper_error(name, str(reply.get("errmsg")))
            users = reply["users"]
            return users if name == "getUsers" else (users[0] if users else None)
        if name in ("getRoles", "getRole"):
            reply = self.command(db, {"rolesInfo": 1 if name == "getRoles" else _display(arg)})
            if not reply.get("ok"):
                raise _helper_error("getRoles", str(reply.get("errmsg")))
            return reply["roles"] if name == "getRoles" else None
        return self.user_admin(db, name, args)

    def auth(self, db: str, args: list[Any]) -> int:
        assert self.server is not None
        if args and isinstance(args[0], dict):
            user, password = args[0].get("user"), args[0].get("pwd")
        else:
            user, password = [*args, UNDEFINED, UNDEFINED][:2]
        if self.server.authenticate(_display(user), _display(password), db):
            return 1
        self.out.append("Error: Authentication failed.")
        return 0

    def user_admin(self, db: str, name: str, args: list[Any]) -> Any:
        arg = args[0] if args else UNDEFINED
        if name == "createUser":
            if not isinstance(arg, dict):
                raise _helper_error(name, "couldn't add user: User document must be an object")
            cmd = {"createUser": arg.get("user"), **{k: v for k, v in arg.items() if k != "user"}}
            reply = self.command(db, cmd)
            if not reply.get("ok"):
                raise _helper_error(name, f"couldn't add user: {reply.get('errmsg')}")
            shown = {k: v for k, v in arg.items() if k != "pwd"}
            self.out.append("Successfully added user: " + tojson(shown))
            return UNDEFINED
        if name == "dropUser":
            reply = self.command(db, {"dropUser": _display(arg)})
            if reply.get("ok"):
                return True
            if reply.get("code") == 11:
                return False
            raise _helper_error(name, str(reply.get("errmsg")))
        second = args[1] if len(args) > 1 else UNDEFINED
        if name == "updateUser":
            update = second if isinstance(second, dict) else {}
            reply = self.command(db, {"updateUser": _display(arg), **update})
        else:
            reply = self.command(db, {name: _display(arg), "roles": second})
        if not reply.get("ok"):
            raise _helper_error(name, str(reply.get("errmsg")))
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
            cursor.limit = int(number)
        elif name == "skip":
            cursor.skip = int(number)
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

    def show(self, value: Any) -> None:
        """shellPrintHelper: how the shell prints the value of the last statement."""
        if value is UNDEFINED:
            return
        if isinstance(value, Cursor):
            docs = self.fetch(value)
            for doc in docs[:20]:
                self.out.append(tojson(doc) if value.pretty else tojson(doc, "", True))
            if len(docs) > 20:
                self.out.append('Type "it" for more')
            return
        if isinstance(value, dict | list | Special) or value is None:
            self.out.append(tojson(value))
            return
        self.out.append(_display(value))


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


# --- the command line ----------------------------------------------------------------------

_VALUED = {
    "--eval",
    "--username",
    "-u",
    "--password",
    "-p",
    "--authenticationDatabase",
    "--host",
    "--port",
    "--authenticationMechanism",
    "--tlsCAFile",
    "--tlsCertificateKeyFile",
    "--sslCAFile",
    "--sslPEMKeyFile",
    "--gssapiServiceName",
    "--tlsCertificateKeyFilePassword",
}
_FLAGS = {
    "--quiet",
    "--nodb",
    "--norc",
    "--shell",
    "--tls",
    "--ssl",
    "--tlsAllowInvalidCertificates",
    "--sslAllowInvalidCertificates",
    "--tlsAllowInvalidHostnames",
    "--ipv6",
    "--verbose",
    "-v",
    "--disableImplicitSessions",
    "--retryWrites",
    "--help",
    "-h",
    "--version",
}
_ALIASES = {"-u": "--username", "-p": "--password", "-h": "--help", "-v": "--verbose"}


@dataclass(slots=True)
class Options:
    values: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    positional: list[str] = field(default_factory=list)


class _UsageError(Exception):
    pass


def parse_options(argv: list[str]) -> Options:
    """boost::program_options as the mongo shell configures it."""
    opts = Options()
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        name, eq, attached = arg.partition("=")
        if arg.startswith("-") and len(arg) > 2 and arg[1] != "-" and arg[:2] in ("-u", "-p"):
            name, attached, eq = arg[:2], arg[2:], "="
        if name in _VALUED:
            key = _ALIASES.get(name, name)
            if eq:
                opts.values[key] = attached
            elif i < len(argv):
                opts.values[key] = argv[i]
                i += 1
            elif key == "--password":
                opts.values[key] = ""
            else:
                raise _UsageError(f"the required argument for option '{name}' is missing")
        elif arg in _FLAGS:
            opts.flags.add(_ALIASES.get(arg, arg))
        elif arg.startswith("-") and arg != "-":
            raise _UsageError(f"unrecognised option '{arg}'")
        else:
            opts.positional.append(arg)
    return opts


def _address(opts: Options) -> tuple[str, int, str, dict[str, str]]:
    """(host, port, database, uri options) from --host/--port and the positional address."""
    host, port, db = "127.0.0.1", 27017, ""
    uri_opts: dict[str, str] = {}
    address = (
        opts.positional[0] if opts.positional and not opts.positional[0].endswith(".js") else ""
    )
    if address.startswith(("mongodb://", "mongodb+srv://")):
        rest = address.split("://", 1)[1]
        rest, _, query = rest.partition("?")
        creds, at, rest = rest.rpartition("@")
        if at:
            user, _, password = creds.partition(":")
            opts.values.setdefault("--username", user)
            opts.values.setdefault("--password", password)
        hostport, _, db = rest.partition("/")
        host, _, p = hostport.partition(":")
        port = int(p) if p.isdigit() else port
        uri_opts = dict(kv.partition("=")[::2] for kv in query.split("&") if kv)
    elif "/" in address:
        hostport, _, db = address.partition("/")
        host, _, p = hostport.partition(":")
        port = int(p) if p.isdigit() else port
    elif ":" in address or address.count(".") == 3:
        host, _, p = address.partition(":")
        port = int(p) if p.isdigit() else port
    elif address:
        db = address
    if "--host" in opts.values:
        h = opts.values["--host"].split("/")[-1]
        host, _, p = h.partition(":")
        port = int(p) if p.isdigit() else port
    if opts.values.get("--port", "").isdigit():
        port = int(opts.values["--port"])
    return host or "127.0.0.1", port, db, uri_opts


def _resolve(
    twin: Twin, pod: Obj, own: str | None, host: str, port: int
) -> tuple[str | None, str, str]:
    """(component, error, shown address) for a host the shell in `pod` dials."""
    ns = pod["metadata"]["namespace"]
    ip = pod["status"].get("podIP", "")
    names = {"localhost", "127.0.0.1", ip, pod["metadata"]["name"], pod["spec"].get("hostname", "")}
    if host in names:
        if own is None or port != 27017:
            return None, "refused", f"{host}:{port}"
        return own, "", f"{host}:{port}"
    short = host.removesuffix(".svc.cluster.local").removesuffix(".svc")
    svc_name, _, svc_ns = short.partition(".")
    svc_ns = svc_ns or ns
    svc = twin.store.get("Service", svc_ns, svc_name) if "." not in svc_ns else None
    if svc is None:
        svc = next(
            (s for s in twin.store.list("Service") if s["spec"].get("clusterIP") == host), None
        )
        if svc is None:
            return None, "dns", f"{host}:{port}"
    cluster_ip = svc["spec"].get("clusterIP", "")
    shown = f"{host}:{port}" if host == cluster_ip else f"{host}:{port} ({cluster_ip}:{port})"
    if not any(p.get("port") == port for p in svc["spec"].get("ports", [])):
        return None, "refused", shown
    app = twin.app_for(svc["metadata"]["namespace"])
    comp = app.components_by_service().get(svc["metadata"]["name"]) if app else None
    endpoints = twin.store.get("Endpoints", svc["metadata"]["namespace"], svc["metadata"]["name"])
    ready = any(s.get("addresses") for s in (endpoints or {}).get("subsets", []))
    if comp is None or not ready or (svc["metadata"]["namespace"], comp.name) not in twin.mongo:
        return None, "refused", shown
    return comp.name, "", shown


def run_mongo(twin: Twin, pod: Obj, component: str | None, argv: list[str]) -> CommandResult:
    """`mongo ARGS` inside `pod`, whose mongod is `component` (None: no mongod in this container).

    Returns what the shell prints and its exit status (1 when it cannot connect or
    log in, 252 when the --eval script throws, 2 for a bad option).
    """
    try:
        opts = parse_options(argv)
    except _UsageError as exc:
        return CommandResult(
            "", f"Error parsing command line: {exc}\ntry 'mongo --help' for more information\n", 2
        )
    if "--version" in opts.flags:
        return CommandResult(f"MongoDB shell version v{VERSION}\n{_BUILD_INFO}")
    if "--help" in opts.flags:
        return CommandResult(_HELP)
    quiet = "--quiet" in opts.flags
    out: list[str] = [] if quiet else [f"MongoDB shell version v{VERSION}"]
    server: Server | None = None
    db = "test"
    if "--nodb" not in opts.flags:
        host, port, db_in_uri, uri_opts = _address(opts)
        auth_db = opts.values.get("--authenticationDatabase") or uri_opts.get("authSource", "")
        query = (f"authSource={auth_db}&" if auth_db else "") + _URI_TAIL
        if not quiet:
            out.append(f"connecting to: mongodb://{host}:{port}/{db_in_uri}?{query}")
        db = db_in_uri or "test"
        target, error, shown = _resolve(twin, pod, component, host, port)
        if target is not None:
            state = twin.mongo[(pod["metadata"]["namespace"], target)]
            tls = bool({"--tls", "--ssl"} & opts.flags) or uri_opts.get("tls") == "true"
            if state.tls_mode == "requireTLS" and not tls:
                return _connect_failed(
                    out,
                    f"network error while attempting to run command 'isMaster' on host '{shown.split(' ')[0]}' ",
                )
            if state.tls_mode == "disabled" and tls:
                return _connect_failed(
                    out,
                    f"couldn't connect to server {shown}, connection attempt failed: SSLHandshakeFailed: SSL handshake received but server is started without SSL support",
                )
            local = host in ("localhost", "127.0.0.1")
            server = Server(twin, pod["metadata"]["namespace"], target, state, localhost=local)
        elif error == "dns":
            return _connect_failed(
                out,
                f"couldn't connect to server {shown}, connection attempt failed: HostNotFound: Could not find address for {shown}: SocketException: Host not found (authoritative)",
            )
        else:
            return _connect_failed(
                out,
                f"couldn't connect to server {shown.split(' ')[0]}, connection attempt failed: SocketException: Error connecting to {shown} :: caused by :: Connection refused",
            )
        user = opts.values.get("--username")
        if user is not None:
            source = auth_db or db_in_uri or "admin"
            if not server.authenticate(user, opts.values.get("--password", ""), source):
                return _connect_failed(out, "Authentication failed.")
        if not quiet:
            session = server._uuid("session", str(twin.clock.now().timestamp()))
            out.append(f'Implicit session: session {{ "id" : UUID("{session}") }}')
            out.append(f"MongoDB server version: {VERSION}")
    script = opts.values.get("--eval")
    if script is None:
        files = [p for p in opts.positional if p.endswith(".js")]
        if files:
            return _finish(out, f"file [{files[0]}] doesn't exist\nfailed to load: {files[0]}\n", 1)
        out.append("bye")
        return _finish(out, "", 0)
    interp = Interpreter(server, db, out)
    try:
        interp.show(interp.run(Parser(script).program()))
    except _Quit:
        pass
    except JsError as exc:
        frames = [f for f in exc.frames if f]
        where = f"@(shell eval):1:{exc.col}"
        text = f"uncaught exception: {exc.kind}: {exc.message} :\n" + "".join(
            f + "\n" for f in frames
        )
        return _finish(out, text + where + "\n", EVAL_FAILED)
    return _finish(out, "", 0)


def _finish(out: list[str], err: str, code: int) -> CommandResult:
    return CommandResult("".join(line + "\n" for line in out), err, code)


def _connect_failed(out: list[str], message: str) -> CommandResult:
    err = f"Error: {message} :\n{_CONNECT_FRAMES}exception: connect failed\nexiting with code 1\n"
    return _finish(out, err, 1)


_BUILD_INFO = """Build Info: {
    "version": "4.4.6",
    "gitVersion": "72e66213c2c3eab37d9358d5e78ad7f5c1d0d0d7",
    "openSSLVersion": "OpenSSL 1.1.1f  31 Mar 2020",
    "modules": [],
    "allocator": "tcmalloc",
    "environment": {
        "distmod": "ubuntu2004",
        "distarch": "x86_64",
        "target_arch": "x86_64"
    }
}
"""

_HELP = """MongoDB shell version v4.4.6
usage: mongo [options] [db address] [file names (ending in .js)]
db address can be:
  foo                   foo database on local machine
  192.168.0.5/foo       foo database on 192.168.0.5 machine
  192.168.0.5:9999/foo  foo database on 192.168.0.5 machine on port 9999
  mongodb://192.168.0.5:9999/foo  connection string URI can also be used
Options:
  --ipv6                               enable IPv6 support (disabled by
                                       default)
  --host arg                           server to connect to
  --port arg                           port to connect to
  --nodb                               don't connect to mongod on startup - no
                                       'db address' arg expected
  --norc                               will not run the ".mongorc.js" file on
                                       start up
  --quiet                              be less chatty
  --eval arg                           evaluate javascript
  -h [ --help ]                        show this usage information
  --version                            show version information

Authentication Options:
  -u [ --username ] arg                username for authentication
  -p [ --password ] arg                password for authentication
  --authenticationDatabase arg         user source (defaults to dbname)
  --authenticationMechanism arg        authentication mechanism

TLS Options:
  --tls                                use TLS for all connections
  --tlsCertificateKeyFile arg          PEM certificate/key file for TLS
  --tlsCAFile arg                      Certificate Authority file for TLS
  --tlsAllowInvalidCertificates        allow connections to servers with
                                       invalid certificates

file names: a list of files to run. files have to end in .js and will exit after unless --shell is specified
"""
