"""mongo shell expressions judged by a positive grammar: literal calls, never arbitrary JavaScript.

An expression is a list of statements, each `show WHAT`, `use DB`, or a call
chain from `db`, `rs` or `sh` (optionally wrapped in printjson / print /
JSON.stringify / tojson) whose arguments are literals: strings, numbers,
booleans, null, and objects and arrays of literals. Every method in a chain is
looked up in a table: reads pass, writes make the statement a WRITE naming the
write, and anything the tables do not hold (a variable, an assignment, an
operator, a computed name, a function) makes the whole expression FORBIDDEN.
One pass over the tokens: linear in the expression's length.
"""

from __future__ import annotations

import re

from aoi.gate.facts import READ, WRITE, Facts, Outcome, forbid
from aoi.gate.flags import words

MAX_DEPTH = 64

_TOKEN = re.compile(
    r"""\s+
    |(?P<str>'(?:[^'\\\n]|\\[^\n])*'|"(?:[^"\\\n]|\\[^\n])*")
    |(?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
    |(?P<name>[A-Za-z_$][\w$]*)
    |(?P<arrow>=>)
    |(?P<punct>[{}\[\]().,:;-])
    |(?P<bad>.)""",
    re.X | re.S,
)

_DB_READ = words(
    """
    getUsers getUser getRoles getRole getCollectionNames getCollectionInfos stats serverStatus
    serverBuildInfo serverCmdLineOpts hostInfo isMaster hello currentOp getProfilingStatus
    getProfilingLevel getLogComponents getReplicationInfo printReplicationInfo
    printSlaveReplicationInfo printSecondaryReplicationInfo printCollectionStats
    printShardingStatus version getName listCommands auth logout setSlaveOk
    setSecondaryOk getLastError getLastErrorObj commandHelp help
    """
)
_DB_WRITE = words(
    """
    createUser updateUser dropUser dropAllUsers changeUserPassword grantRolesToUser
    revokeRolesFromUser createRole updateRole dropRole dropAllRoles grantPrivilegesToRole
    revokePrivilegesFromRole grantRolesToRole revokeRolesFromRole dropDatabase
    createCollection createView repairDatabase copyDatabase cloneDatabase cloneCollection
    setProfilingLevel killOp fsyncLock fsyncUnlock shutdownServer setLogLevel
    """
)
_COLLECTION_READ = words(
    """
    find findOne count countDocuments estimatedDocumentCount distinct aggregate getIndexes
    getIndexKeys getIndexSpecs stats dataSize storageSize totalSize totalIndexSize explain
    isCapped latencyStats getShardDistribution getName getFullName exists
    """
)
_COLLECTION_WRITE = words(
    """
    insert insertOne insertMany update updateOne updateMany replaceOne save remove deleteOne
    deleteMany drop dropIndex dropIndexes createIndex createIndexes ensureIndex reIndex
    renameCollection findAndModify findOneAndUpdate findOneAndReplace findOneAndDelete
    bulkWrite initializeOrderedBulkOp initializeUnorderedBulkOp convertToCapped validate
    compact
    """
)
_VALUE_CALLS = words(
    """
    toArray pretty limit skip sort count size itcount hasNext next explain batchSize readPref
    hint maxTimeMS comment collation noCursorTimeout projection map forEach length keys
    toString valueOf
    """
)
_RS_READ = words(
    "status conf config isMaster hello printReplicationInfo printSecondaryReplicationInfo "
    "printSlaveReplicationInfo help slaveOk secondaryOk"
)
_RS_WRITE = words("initiate reconfig add addArb remove stepDown freeze syncFrom")
_SH_READ = words("status help getBalancerState isBalancerRunning")
_SH_WRITE = words(
    "addShard enableSharding shardCollection removeShard startBalancer stopBalancer "
    "setBalancerState moveChunk splitAt"
)
_MONGO_READ = words("getDBNames getDBs")
READ_COMMANDS = words(
    """
    usersInfo rolesInfo listDatabases listCollections listIndexes serverStatus
    replSetGetStatus replSetGetConfig isMaster ismaster hello ping buildInfo buildinfo
    hostInfo dbStats dbstats collStats collstats getParameter getCmdLineOpts
    connectionStatus currentOp getLog count find distinct aggregate top whatsmyuri
    listCommands connPoolStats features getShardMap explain
    """
)
WRITE_COMMANDS = words(
    """
    createUser updateUser dropUser dropAllUsersFromDatabase grantRolesToUser
    revokeRolesFromUser createRole updateRole dropRole grantPrivilegesToRole
    revokePrivilegesFromRole grantRolesToRole revokeRolesFromRole insert update
    delete drop dropDatabase create createIndexes dropIndexes renameCollection
    findAndModify findandmodify setParameter shutdown fsync replSetReconfig
    replSetInitiate replSetStepDown replSetFreeze killOp killCursors compact
    repairDatabase logRotate setFeatureCompatibilityVersion convertToCapped collMod
    applyOps profile setDefaultRWConcern validate
    """
)
_WRAPPERS = words("printjson printjsononeline print tojson")
_LITERAL_CALLS = words("ObjectId ISODate NumberInt NumberLong NumberDecimal UUID Timestamp Date")
_SHOW_READ = frozenset(
    {"users", "roles", "dbs", "databases", "collections", "tables", "profile", "log", "logs"}
)
_SERVER_JS = frozenset({"$where", "$function", "$accumulator"})
_AGG_WRITE = frozenset({"$out", "$merge"})
_KNOWN = (
    _DB_READ
    | _DB_WRITE
    | _COLLECTION_READ
    | _COLLECTION_WRITE
    | _RS_READ
    | _RS_WRITE
    | words("runCommand adminCommand runReadCommand getSiblingDB getDB getCollection getMongo")
)


class _Refuse(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Doc:
    """What a literal held: its first key (for database commands) and flagged keys."""

    __slots__ = ("agg_write", "first_key", "string")

    def __init__(self) -> None:
        self.first_key: str | None = None
        self.string: str | None = None
        self.agg_write = False


def classify_eval(expr: str) -> Outcome:
    """READ, WRITE (facts.writes names the writes) or FORBIDDEN for one --eval expression."""
    try:
        writes = _Parser(expr).program()
    except _Refuse as err:
        return forbid(err.reason)
    facts = Facts("mongo", "eval", writes=frozenset(writes))
    if writes:
        return Outcome(WRITE, "changes the database with " + ", ".join(sorted(writes)), facts)
    return Outcome(READ, "only reads the database", facts)


class _Parser:
    __slots__ = ("i", "tokens", "writes")

    def __init__(self, expr: str) -> None:
        tokens: list[tuple[str, str]] = []
        for m in _TOKEN.finditer(expr):
            kind = m.lastgroup
            if kind is None:
                continue
            if kind == "bad":
                char = m.group()
                what = {
                    "`": "template literals (backticks) are not available; use quotes",
                    "=": "assignments are not available; call read functions directly",
                    "+": "operators are not available; write values literally",
                    "/": "regular expressions and operators are not available here",
                }.get(char, f"`{char}` is not part of the literal calls the gate accepts")
                raise _Refuse(what)
            tokens.append((kind, m.group()))
        self.tokens = tokens
        self.i = 0
        self.writes: set[str] = set()

    # --- tokens --------------------------------------------------------------
    def peek(self, k: int = 0) -> tuple[str, str]:
        j = self.i + k
        return self.tokens[j] if j < len(self.tokens) else ("end", "")

    def take(self, value: str) -> None:
        kind, text = self.peek()
        if text != value or kind not in ("punct", "arrow", "name"):
            raise _Refuse(f"expected `{value}` but found `{text or 'the end'}`")
        self.i += 1

    def name(self) -> str:
        kind, text = self.peek()
        if kind != "name":
            raise _Refuse(f"expected a name but found `{text or 'the end'}`")
        self.i += 1
        return text

    # --- statements ----------------------------------------------------------
    def program(self) -> set[str]:
        if not self.tokens:
            raise _Refuse("an empty --eval expression")
        while self.peek()[0] != "end":
            if self.peek()[1] == ";":
                self.i += 1
                continue
            self.statement()
            kind, text = self.peek()
            if kind != "end" and text != ";":
                raise _Refuse(f"unexpected `{text}` after a complete call")
        return self.writes

    def statement(self) -> None:
        kind, text = self.peek()
        if kind == "name" and text == "show":
            self.i += 1
            what = self.name()
            if what not in _SHOW_READ:
                raise _Refuse(f"unknown mongo shell command `show {what}`")
            return
        if kind == "name" and text == "use":
            self.i += 1
            self.name()
            while self.peek()[1] in ("-", "."):  # database names such as geo-db
                self.i += 1
                if self.peek()[0] not in ("name", "num"):
                    raise _Refuse("`use` takes a database name")
                self.i += 1
            return
        self.expression(0)

    def expression(self, depth: int) -> None:
        """A wrapper around a chain or a literal, or a chain."""
        if depth > MAX_DEPTH:
            raise _Refuse(f"the expression nests more than {MAX_DEPTH} levels deep")
        kind, text = self.peek()
        if kind == "name" and text in _WRAPPERS and self.peek(1)[1] == "(":
            self.i += 2
            self.expression(depth + 1)
            self.take(")")
            return
        if kind == "name" and text == "JSON" and self.peek(1)[1] == ".":
            self.i += 2
            if self.name() != "stringify":
                raise _Refuse("only JSON.stringify is available (JSON.parse builds code)")
            self.take("(")
            self.expression(depth + 1)
            while self.peek()[1] == ",":
                self.i += 1
                self.literal(depth + 1)
            self.take(")")
            return
        if kind == "name" and text in ("db", "rs", "sh"):
            self.i += 1
            self.chain(text, depth)
            return
        self.literal(depth)

    def chain(self, state: str, depth: int) -> None:
        while self.peek()[1] == ".":
            self.i += 1
            method = self.name()
            if self.peek()[1] != "(":
                state = self.member(state, method)
                continue
            self.i += 1
            state = self.call(state, method, depth)
            self.take(")")
        if self.peek()[1] in ("[", "("):
            raise _Refuse(
                "computed names (obj['x']) and indirect calls are not available; call functions by name"
            )

    def member(self, state: str, name: str) -> str:
        """`x.name` without a call: a collection of a database, or a field of a value."""
        if name in ("constructor", "prototype", "__proto__"):
            raise _Refuse(f"`{name}` reaches JavaScript internals; it is not available")
        if state == "db":
            if name in _KNOWN:
                raise _Refuse(
                    f"call {name}() directly; a function used as a value is not available"
                )
            return "collection"
        if state == "collection":
            return "collection"
        if state == "value":
            return "value"
        raise _Refuse(f"`{state}.{name}` is not available")

    def call(self, state: str, method: str, depth: int) -> str:
        """One call in a chain; returns the state after it."""
        if state == "db":
            if method in ("getSiblingDB", "getDB"):
                self.literal(depth + 1)
                return "db"
            if method == "getCollection":
                self.literal(depth + 1)
                return "collection"
            if method == "getMongo":
                return "mongo"
            if method in ("runCommand", "adminCommand", "runReadCommand"):
                self.command(depth)
                return "value"
            if method in _DB_READ or method in _DB_WRITE:
                self.arguments(depth)
                if method in _DB_WRITE:
                    self.writes.add(method)
                return "value"
            raise _unknown(method)
        if state == "collection":
            if method in _COLLECTION_READ or method in _COLLECTION_WRITE:
                docs = self.arguments(depth)
                if method in _COLLECTION_WRITE:
                    self.writes.add(method)
                elif method == "aggregate" and any(d.agg_write for d in docs):
                    self.writes.add("aggregate")
                return "value"
            raise _unknown(method)
        if state == "mongo":
            if method in ("getDB", "getDBNames", "getDBs", "setSecondaryOk", "setSlaveOk"):
                self.arguments(depth)
                return "db" if method == "getDB" else "value"
            raise _unknown(method)
        if state in ("rs", "sh"):
            read, write = (_RS_READ, _RS_WRITE) if state == "rs" else (_SH_READ, _SH_WRITE)
            if method in read or method in write:
                self.arguments(depth)
                if method in write:
                    self.writes.add(f"{state}.{method}")
                return "value"
            raise _unknown(f"{state}.{method}")
        if method not in _VALUE_CALLS:
            raise _unknown(method)
        if method == "forEach":
            self.callback()
        elif method == "map":
            self.arrow()
        else:
            self.arguments(depth)
        return "value"

    def callback(self) -> None:
        """forEach's argument: printjson / print, or a shell method passed by reference."""
        kind, text = self.peek()
        if kind == "name" and text in _WRAPPERS:
            self.i += 1
            return
        if kind == "name" and text == "db":
            self.i += 1
            last = ""
            while self.peek()[1] == ".":
                self.i += 1
                last = self.name()
            if last in _COLLECTION_WRITE or last in _DB_WRITE:
                self.writes.add(last)
                return
        raise _Refuse("forEach takes printjson or print here; other functions are not available")

    def arrow(self) -> None:
        """map's argument: `x => x.field.field` (a projection, nothing else)."""
        param = self.name()
        self.take("=>")
        if self.name() != param:
            raise _Refuse(
                "map takes a projection `x => x.field`; other functions are not available"
            )
        while self.peek()[1] == ".":
            self.i += 1
            field = self.name()
            if field in ("constructor", "prototype", "__proto__"):
                raise _Refuse(f"`{field}` reaches JavaScript internals; it is not available")

    def command(self, depth: int) -> None:
        """A database command: a literal document or string whose command is in the tables."""
        doc = self.literal(depth + 1)
        while self.peek()[1] == ",":
            self.i += 1
            self.literal(depth + 1)
        name = doc.first_key if doc.first_key is not None else doc.string
        if name is None:
            raise _Refuse(
                "pass database commands as a literal document, e.g. db.runCommand({usersInfo: 1})"
            )
        if name in WRITE_COMMANDS and doc.first_key is not None:
            self.writes.add(name)
        elif name in READ_COMMANDS:
            if name == "aggregate" and doc.agg_write:
                self.writes.add("aggregate")
        else:
            raise _Refuse(f"database command {name!r} is not known to the gate")

    def arguments(self, depth: int) -> list[_Doc]:
        docs: list[_Doc] = []
        if self.peek()[1] == ")":
            return docs
        docs.append(self.literal(depth + 1))
        while self.peek()[1] == ",":
            self.i += 1
            docs.append(self.literal(depth + 1))
        return docs

    # --- literals ------------------------------------------------------------
    def literal(self, depth: int) -> _Doc:
        if depth > MAX_DEPTH:
            raise _Refuse(f"the expression nests more than {MAX_DEPTH} levels deep")
        doc = _Doc()
        kind, text = self.peek()
        self.i += 1
        if kind == "str":
            doc.string = _unquote(text)
            return doc
        if kind == "num":
            return doc
        if kind == "name":
            if text in ("true", "false", "null", "undefined"):
                return doc
            if text in _LITERAL_CALLS and self.peek()[1] == "(":
                self.i += 1
                if self.peek()[1] != ")":
                    inner = self.literal(depth + 1)
                    if inner.first_key is not None or inner.agg_write:
                        raise _Refuse(f"{text}() takes a string or a number")
                self.take(")")
                return doc
            raise _Refuse(
                f"`{text}` is not a literal; arguments must be strings, numbers, true/false/null, "
                "or objects and arrays of them"
            )
        if text == "{":
            first = True
            while self.peek()[1] != "}":
                key_kind, key = self.peek()
                self.i += 1
                if key_kind == "str":
                    key = _unquote(key)
                elif key_kind not in ("name", "num"):
                    raise _Refuse(
                        "object keys must be written out (computed keys are not available)"
                    )
                if key in _SERVER_JS:
                    raise _Refuse(
                        "server-side JavaScript ($where, $function, $accumulator) is not allowed"
                    )
                if key in _AGG_WRITE:
                    doc.agg_write = True
                if first:
                    doc.first_key = key
                    first = False
                self.take(":")
                inner = self.literal(depth + 1)
                doc.agg_write = doc.agg_write or inner.agg_write
                if self.peek()[1] == ",":
                    self.i += 1
                elif self.peek()[1] != "}":
                    raise _Refuse(f"expected `,` or `}}` in an object, found `{self.peek()[1]}`")
            self.i += 1
            return doc
        if text == "[":
            while self.peek()[1] != "]":
                inner = self.literal(depth + 1)
                doc.agg_write = doc.agg_write or inner.agg_write
                if self.peek()[1] == ",":
                    self.i += 1
                elif self.peek()[1] != "]":
                    raise _Refuse(f"expected `,` or `]` in an array, found `{self.peek()[1]}`")
            self.i += 1
            return doc
        raise _Refuse(f"`{text or 'the end'}` is not a literal value")


def _unknown(name: str) -> _Refuse:
    return _Refuse(
        f"mongo shell function {name}() is not known to the gate; read with db.getUsers(), "
        "db.getRoles(), db.runCommand({usersInfo: 1}), rs.status(), db.COLLECTION.find()"
    )


_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|u\{([0-9A-Fa-f]{1,6})\}|(.))", re.S)


def _unquote(text: str) -> str:
    """A string literal's value as JavaScript reads it (`"$\\x6fut"` is `$out`).

    Keys such as `$out` and `$where` are recognised by their value, so the
    value must be the engine's: `\\xHH`, `\\uHHHH` and `\\u{H}` decode; a
    malformed escape or a legacy octal one is refused rather than guessed.
    """
    body = text[1:-1]
    if "\\" not in body:
        return body

    def one(m: re.Match[str]) -> str:
        hex2, hex4, braced, char = m.groups()
        code = hex2 or hex4 or braced
        if code is not None:
            value = int(code, 16)
            if value > 0x10FFFF:
                raise _Refuse("a \\u{...} escape past U+10FFFF is not a character")
            return chr(value)
        octal = char == "0" and body[m.end() : m.end() + 1].isdigit()
        if char in "xu123456789" or octal:
            raise _Refuse(
                f"the string escape `\\{char}` is malformed or octal; write the character itself"
            )
        if char == "0":
            return "\0"
        return _SIMPLE_ESCAPES.get(char, char)

    return _ESCAPE.sub(one, body)
