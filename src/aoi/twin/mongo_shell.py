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
    "read", "readWrite", "dbAdmin", "dbOwner", "userAdmin", "enableSharding",
}  # fmt: skip
_ADMIN_ONLY_ROLES = {
    "clusterAdmin", "clusterManager", "clusterMonitor", "hostManager", "backup", "restore",
    "readAnyDatabase", "readWriteAnyDatabase", "userAdminAnyDatabase", "dbAdminAnyDatabase",
    "root", "__system",
}  # fmt: skip
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
        return any(r in ("root", "clusterMonitor", "clusterAdmin", "__system") for r, _ in self._roles())

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
            return [], _fail(
                "Role names must be either strings or objects", 2, "BadValue"
            )
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
        records = [u for (d, n), u in s.state.users.items() if d == want_db and n == arg.get("user")]
    return {"users": [s.user_doc(u) for u in records], "ok": 1}


def _a_users_info(s: Server, db: str, cmd: dict[str, Any]) -> bool:
    arg = cmd.get(next(iter(cmd)))
    own = s.user is not None and isinstance(arg, str | dict) and (
        (arg == s.user.user and db == s.user.db)
        or (isinstance(arg, dict) and arg.get("user") == s.user.user)
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
        colls = seeded_collections(s.namespace, s.component, name)
        if colls:
            sizes.append((name, 40960 + 8192 * sum(len(d) for d in colls.values())))
    return sorted(sizes)


def _c_list_databases(s: Server, db: str, cmd: dict[str, Any]) -> dict[str, Any]:
    if db != "admin":
        return _fail("listDatabases may only be run against the admin database.", 13, "Unauthorized")
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
    names = sorted(seeded_collections(s.namespace, s.component, db))
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
    return {"cursor": {"id": Special("NumberLong(0)"), "ns": f"{db}.$cmd.listCollections", "firstBatch": batch}, "ok": 1}


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
    pods = [p for p in s.twin.store.list("Pod", s.namespace) if s.component in p["metadata"]["name"]]
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
        "localTime": Special(f'ISODate("{now.strftime("%Y-%m-%dT%H:%M:%S.")}{now.microsecond // 1000:03d}Z")'),
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
    return [c.name for c in app.components if c.mongo_client and c.mongo_client.service == s.component]


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
    docs = seeded_collections(s.namespace, s.component, db).get(str(cmd.get("find")), [])
    return {"cursor": {"firstBatch": docs, "id": Special("NumberLong(0)"), "ns": f"{db}.{cmd['find']}"}, "ok": 1}


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
    "buildinfo": (_c_simple({"version": VERSION, "gitVersion": "72e66213c2c3eab37d9358d5e78ad7f5c1d0d0d7", "ok": 1}), _always),
    "connectionstatus": (_c_connection_status, _always),
}
