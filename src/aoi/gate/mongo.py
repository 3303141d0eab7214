"""mongo / mongosh: classify `--eval` expressions by the shell functions they call."""

from __future__ import annotations

import re

from aoi.gate.facts import FORBIDDEN, READ, WRITE, Facts, Outcome, forbid
from aoi.gate.flags import FlagError, FlagSpec, parse, words

_READ_CALLS = words(
    """
    getUsers getUser getRoles getRole find findOne count countDocuments
    estimatedDocumentCount distinct aggregate getIndexes getIndexKeys getIndexSpecs
    stats dataSize storageSize totalSize totalIndexSize explain isCapped
    getCollectionNames getCollectionInfos serverStatus serverBuildInfo
    serverCmdLineOpts hostInfo isMaster hello currentOp getProfilingStatus
    getProfilingLevel getLogComponents getReplicationInfo printReplicationInfo
    printSlaveReplicationInfo printSecondaryReplicationInfo printCollectionStats
    printShardingStatus status conf config version buildInfo getCmdLineOpts
    validate latencyStats getShardDistribution getLastError getLastErrorObj
    getDBNames listCommands getName getMongo getSiblingDB getDB getCollection
    """
)
# Functions that neither read nor write server state: output, iteration, values.
_NEUTRAL_CALLS = words(
    """
    printjson print tojson stringify parse ObjectId ISODate Date NumberInt NumberLong
    NumberDecimal UUID BinData Timestamp RegExp pretty toArray forEach map filter
    limit sort skip hasNext next itcount size keys values entries push join
    some every includes indexOf toString valueOf toLowerCase toUpperCase
    auth logout setSlaveOk setSecondaryOk slaveOk secondaryOk sleep quit exit
    function if for switch return typeof while catch String Number Boolean Array
    Object JSON Math max min floor round log hostname projection batchSize
    readPref hint maxTimeMS comment collation noCursorTimeout
    """
)
_WRITE_CALLS = words(
    """
    insert insertOne insertMany update updateOne updateMany replaceOne save remove
    deleteOne deleteMany drop dropDatabase dropIndex dropIndexes createIndex
    createIndexes ensureIndex reIndex createCollection createView renameCollection
    findAndModify findOneAndUpdate findOneAndReplace findOneAndDelete bulkWrite
    initializeOrderedBulkOp initializeUnorderedBulkOp convertToCapped
    createUser updateUser dropUser dropAllUsers changeUserPassword grantRolesToUser
    revokeRolesFromUser createRole updateRole dropRole dropAllRoles
    grantPrivilegesToRole revokePrivilegesFromRole grantRolesToRole
    revokeRolesFromRole shutdownServer fsyncLock fsyncUnlock setProfilingLevel
    killOp repairDatabase copyDatabase cloneDatabase cloneCollection setLogLevel
    initiate reconfig add addArb stepDown freeze syncFrom addShard enableSharding
    shardCollection
    """
)
# These run programs or JavaScript on the host or the server, or touch files.
_FORBIDDEN_CALLS = words(
    """
    load run runProgram runMongoProgram _runMongoProgram startMongoProgram
    startMongoProgramNoConnect eval Function require cat ls pwd cd listFiles mkdir
    removeFile copyFile writeFile md5sumFile fuzzFile watch constructor prototype __proto__
    call apply bind setTimeout
    """
)
_READ_COMMANDS = words(
    """
    usersInfo rolesInfo listDatabases listCollections listIndexes serverStatus
    replSetGetStatus replSetGetConfig isMaster ismaster hello ping buildInfo buildinfo
    hostInfo dbStats dbstats collStats collstats getParameter getCmdLineOpts
    connectionStatus currentOp getLog count find distinct aggregate top whatsmyuri
    listCommands connPoolStats features getShardMap validate explain
    """
)
_WRITE_COMMANDS = words(
    """
    createUser updateUser dropUser dropAllUsersFromDatabase grantRolesToUser
    revokeRolesFromUser createRole updateRole dropRole grantPrivilegesToRole
    revokePrivilegesFromRole grantRolesToRole revokeRolesFromRole insert update
    delete drop dropDatabase create createIndexes dropIndexes renameCollection
    findAndModify findandmodify setParameter shutdown fsync replSetReconfig
    replSetInitiate replSetStepDown replSetFreeze killOp killCursors compact
    repairDatabase logRotate setFeatureCompatibilityVersion convertToCapped collMod
    applyOps profile setDefaultRWConcern
    """
)

_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_CALL = re.compile(r"([A-Za-z_$][\w$]*)\s*\(")
_COMMAND_DOC = re.compile(
    r"\b(?:runCommand|adminCommand)\s*\(\s*(?:\{\s*(?:([A-Za-z_]\w*)|(['\"])(\w+)\2)|(['\"])(\w+)\4)"
)
_BRACKET = re.compile(r"\[\s*(['\"])(?:([A-Za-z_$][\w$]*)|[^'\"]*)\1\s*\]")
_INDIRECT_CALL = re.compile(r"[\])]\s*\(")
_MEMBER = re.compile(r"\.\s*([A-Za-z_$][\w$]*)")
_SHOW = re.compile(r"^\s*show\s+(\w+)\s*;?\s*$")
_USE = re.compile(r"\buse\s+\w+\s*;?")
_SERVER_JS = re.compile(r"\$(where|function|accumulator)\b")
_AGG_WRITE = re.compile(r"['\"]?\$(out|merge)['\"]?\s*:")
_SHOW_READ = frozenset(
    {"users", "roles", "dbs", "databases", "collections", "tables", "profile", "log", "logs"}
)

_MONGO_SPEC = FlagSpec(
    {
        "u": ("username", True),
        "p": ("password", True),
        "h": ("help", False),
        "f": ("file", True),
    },
    frozenset(
        {
            "eval",
            "username",
            "password",
            "authenticationDatabase",
            "authenticationMechanism",
            "host",
            "port",
            "tlsCAFile",
            "tlsCertificateKeyFile",
            "tlsCertificateKeyFilePassword",
            "sslCAFile",
            "sslPEMKeyFile",
            "sslPEMKeyPassword",
            "gssapiServiceName",
            "file",
            "apiVersion",
            "retryWrites",
        }
    ),
    frozenset({"json"}),
    strict_short=True,
)


# what a database command is given: a literal document or a literal string, never a variable
_RUN_COMMAND = re.compile(
    r"\b(?:runCommand|adminCommand|runReadCommand|_runCommand|_adminCommand)\s*\(\s*"
    r"(\{|'[^']*'|\"[^\"]*\"|[^\s)]+)"
)
_COMPUTED_KEY = re.compile(r"[{,]\s*\[[^\]]*\]\s*:")


def classify_eval(expr: str) -> Outcome:
    """Classify one mongo shell expression; facts.writes names its write operations."""
    show = _SHOW.match(expr)
    if show is not None:
        if show.group(1) in _SHOW_READ:
            return Outcome(READ, f"`show {show.group(1)}` only reads", Facts("mongo", "eval"))
        return forbid(f"unknown mongo shell command `show {show.group(1)}`")
    if _SERVER_JS.search(expr):
        return forbid("server-side JavaScript ($where, $function, $accumulator) is not allowed")
    if "`" in expr:
        return forbid("template literals (backticks) are not available in --eval; use quotes")
    writes: set[str] = set()
    # obj["name"] reaches a function by a string; judge the name like a call.
    for m in _BRACKET.finditer(expr):
        name = m.group(2)
        if name is None:
            return forbid("obj['...'] is only available with a plain name inside the quotes")
        if name in _WRITE_CALLS:
            writes.add(name)
        elif name in _FORBIDDEN_CALLS:
            return forbid(f"mongo shell function {name} runs programs, JavaScript or file access")
    for m in _COMMAND_DOC.finditer(expr):
        key = m.group(1) or m.group(3) or m.group(5)
        if key in _WRITE_COMMANDS:
            writes.add(key)
        elif key not in _READ_COMMANDS:
            return forbid(f"database command {key!r} is not known to the gate")
        if key == "aggregate" and _AGG_WRITE.search(expr):
            writes.add("aggregate")
    code = _USE.sub(" ", _STRING.sub('""', expr))
    if "JSON.parse" in code or "eval(" in code:
        return forbid("building code or documents from strings (JSON.parse, eval) is not allowed")
    for m in _RUN_COMMAND.finditer(expr):
        arg = m.group(1)
        if arg.startswith(("'", '"')):
            name = arg[1:].split(arg[0], 1)[0]
            if name not in _READ_COMMANDS:
                return forbid(f"database command {name!r} given as a string is not allowed")
        elif not arg.startswith("{"):
            return forbid(
                "pass database commands as a literal document, e.g. db.runCommand({usersInfo: 1})"
            )
    if _COMPUTED_KEY.search(code):
        return forbid("computed keys ({[expr]: ...}) are not allowed; write the key itself")
    if "\\" in code:
        return forbid("escapes outside strings are not available in --eval")
    if _INDIRECT_CALL.search(code):
        return forbid(
            "indirect calls such as (f)() or obj[x]() are not available; call functions by name"
        )
    # A write method passed by reference (forEach(db.c.remove)) still writes.
    for name in _MEMBER.findall(code):
        if name in _WRITE_CALLS:
            writes.add(name)
        elif name in _FORBIDDEN_CALLS:
            return forbid(f"mongo shell function {name} runs programs, JavaScript or file access")
    for name in _CALL.findall(code):
        if name in _READ_CALLS or name in _NEUTRAL_CALLS:
            continue
        if name in _WRITE_CALLS:
            writes.add(name)
        elif name in ("runCommand", "adminCommand"):
            continue
        elif name in _FORBIDDEN_CALLS:
            return forbid(f"mongo shell function {name}() runs programs, JavaScript or file access")
        else:
            return forbid(
                f"mongo shell function {name}() is not known to the gate; read with "
                "db.getUsers(), db.getRoles(), db.runCommand({usersInfo: 1}), rs.status(), find()"
            )
    if _AGG_WRITE.search(expr) and "aggregate" in code:
        writes.add("aggregate")
    facts = Facts("mongo", "eval", writes=frozenset(writes))
    if writes:
        return Outcome(WRITE, "changes the database with " + ", ".join(sorted(writes)), facts)
    return Outcome(READ, "only reads the database", facts)


def classify_mongo(argv: list[str]) -> Outcome:
    """Classify `mongo` / `mongosh` by its --eval expressions; no --eval is interactive."""
    program = argv[0].rsplit("/", 1)[-1]
    try:
        args = parse(argv, _MONGO_SPEC, start=1)
    except FlagError as err:
        return forbid(f"{program}: {err.reason}")
    if args.has("shell") or args.has("file"):
        return forbid(f"{program} --shell/--file is not available; pass the expression with --eval")
    if any(p.endswith(".js") for p in args.positionals):
        return forbid(f"{program} script files are not available; pass the expression with --eval")
    evals = args.flags.get("eval")
    if not evals:
        return forbid(
            f"{program} without --eval opens an interactive shell; add --eval 'EXPRESSION'"
        )
    writes: set[str] = set()
    for expr in evals:
        result = classify_eval(expr)
        if result.kind is FORBIDDEN:
            return Outcome(FORBIDDEN, f"{program} --eval: {result.reason}")
        if result.facts is not None:
            writes |= result.facts.writes
    facts = Facts("mongo", "eval", program=program, writes=frozenset(writes))
    if writes:
        return Outcome(
            WRITE, f"{program} --eval changes the database ({', '.join(sorted(writes))})", facts
        )
    return Outcome(READ, f"{program} --eval only reads the database", facts)
