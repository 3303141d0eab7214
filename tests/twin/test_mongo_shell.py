"""The mongo 4.4 shell inside the twin's mongod containers: output, errors and repairs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aoi.shelltools import CommandResult
from aoi.twin.cluster.store import Obj
from aoi.twin.core import Twin
from aoi.twin.surface.mongo.shell import run_mongo, tojson

NS = "test-hotel-reservation"
ROOT = ["admin", "-u", "root", "-p", "root", "--authenticationDatabase", "admin", "--quiet"]


@pytest.fixture()
def twin() -> Twin:
    return Twin("hotel-reservation", seed=3)


def _pod(twin: Twin, prefix: str) -> Obj:
    return next(p for p in twin.store.list("Pod", NS) if p["metadata"]["name"].startswith(prefix))


def mongo(twin: Twin, *argv: str, component: str = "mongodb-geo") -> CommandResult:
    return run_mongo(twin, _pod(twin, component), component, list(argv))


def test_banner_then_result(twin: Twin) -> None:
    result = mongo(twin, "admin", "--eval", "db.adminCommand({ping: 1})")
    lines = result.stdout.splitlines()
    assert lines[0] == "MongoDB shell version v4.4.6"
    assert lines[1] == (
        "connecting to: mongodb://127.0.0.1:27017/admin?compressors=disabled&gssapiServiceName=mongodb"
    )
    assert lines[2].startswith('Implicit session: session { "id" : UUID("')
    assert lines[3] == "MongoDB server version: 4.4.6"
    assert lines[4] == '{ "ok" : 1 }'
    assert result.exit_code == 0


def test_auth_required_without_credentials(twin: Twin) -> None:
    result = mongo(twin, "admin", "--quiet", "--eval", "db.getUsers()")
    assert result.exit_code == 252
    assert result.stdout == ""
    assert result.stderr == (
        "uncaught exception: Error: command usersInfo requires authentication :\n"
        "_getErrorWithCode@src/mongo/shell/utils.js:25:13\n"
        "DB.prototype.getUsers@src/mongo/shell/db.js:1659:15\n"
        "@(shell eval):1:1\n"
    )


def test_wrong_password_fails_to_connect(twin: Twin) -> None:
    result = mongo(
        twin,
        "admin",
        "-u",
        "admin",
        "-p",
        "nope",
        "--authenticationDatabase",
        "admin",
        "--eval",
        "1",
    )
    assert result.exit_code == 1
    assert "authSource=admin&compressors=disabled" in result.stdout
    assert result.stderr == (
        "Error: Authentication failed. :\n"
        "connect@src/mongo/shell/mongo.js:374:17\n"
        "@(connect):2:6\n"
        "exception: connect failed\n"
        "exiting with code 1\n"
    )


def test_get_user_prints_like_the_shell(twin: Twin) -> None:
    result = mongo(twin, *ROOT, "--eval", "db.getUser('admin')")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith('{\n\t"_id" : "admin.admin",\n\t"userId" : UUID("')
    assert (
        '\t"user" : "admin",\n\t"db" : "admin",\n\t"roles" : [\n\t\t{\n'
        '\t\t\t"role" : "userAdminAnyDatabase",\n\t\t\t"db" : "admin"\n\t\t},\n'
        '\t\t{\n\t\t\t"role" : "readWrite",\n\t\t\t"db" : "geo-db"\n\t\t}\n\t],\n'
        '\t"mechanisms" : [\n\t\t"SCRAM-SHA-1",\n\t\t"SCRAM-SHA-256"\n\t]\n}\n'
    ) in text


def test_revoke_then_grant_repairs_the_geo_database(twin: Twin) -> None:
    state = twin.mongo[(NS, "mongodb-geo")]
    admin = state.users[("admin", "admin")]
    admin.roles.remove(("readWrite", "geo-db"))  # the revoke_auth fault
    assert state.check_client("admin", "admin", "geo-db") == "unauthorized"

    grant = "db.grantRolesToUser('admin', [{role: 'readWrite', db: 'geo-db'}]);"
    result = mongo(twin, *ROOT, "--eval", grant)
    assert result == CommandResult("", "", 0)
    assert ("readWrite", "geo-db") in admin.roles
    assert state.check_client("admin", "admin", "geo-db") == ""


def test_drop_and_recreate_the_user(twin: Twin) -> None:
    state = twin.mongo[(NS, "mongodb-geo")]
    dropped = mongo(twin, *ROOT, "--eval", "db.dropUser('admin')")
    assert dropped.stdout == "true\n"
    assert state.check_client("admin", "admin", "geo-db") == "auth"
    again = mongo(twin, *ROOT, "--eval", "db.dropUser('admin')")
    assert again.stdout == "false\n"

    create = (
        "db.createUser({user: 'admin', pwd: 'admin', "
        "roles: [{role: 'userAdminAnyDatabase', db: 'admin'}]})"
    )
    created = mongo(twin, *ROOT, "--eval", create)
    assert created.stdout == (
        'Successfully added user: {\n\t"user" : "admin",\n\t"roles" : [\n\t\t{\n'
        '\t\t\t"role" : "userAdminAnyDatabase",\n\t\t\t"db" : "admin"\n\t\t}\n\t]\n}\n'
    )
    assert state.check_client("admin", "admin", "geo-db") == "unauthorized"
    mongo(twin, *ROOT, "--eval", "db.grantRolesToUser('admin', ['readWrite'])")
    assert ("readWrite", "admin") in state.users[("admin", "admin")].roles
    mongo(
        twin, *ROOT, "--eval", "db.grantRolesToUser('admin', [{role: 'readWrite', db: 'geo-db'}])"
    )
    assert state.check_client("admin", "admin", "geo-db") == ""


def test_create_existing_user_fails(twin: Twin) -> None:
    result = mongo(twin, *ROOT, "--eval", "db.createUser({user: 'root', pwd: 'x', roles: []})")
    assert result.exit_code == 252
    assert result.stderr.startswith(
        'uncaught exception: Error: couldn\'t add user: User "root@admin" already exists :\n'
    )


def test_unknown_role_and_unknown_user(twin: Twin) -> None:
    bad_role = mongo(
        twin, *ROOT, "--eval", "db.grantRolesToUser('admin', [{role: 'rw', db: 'geo-db'}])"
    )
    assert "Error: No role named rw@geo-db :" in bad_role.stderr
    missing = mongo(twin, *ROOT, "--eval", "db.grantRolesToUser('ghost', ['read'])")
    assert 'Error: Could not find user "ghost" for db "admin" :' in missing.stderr


def test_find_limit_and_count(twin: Twin) -> None:
    found = mongo(twin, *ROOT, "--eval", "db.getSiblingDB('geo-db').geo.find({hotelId: '1'})")
    assert found.stdout.endswith('"hotelId" : "1", "lat" : 37.7867, "lon" : -122.4112 }\n')
    assert found.stdout.startswith('{ "_id" : ObjectId("')
    limited = mongo(twin, *ROOT, "--eval", "db.getSiblingDB('geo-db').geo.find().limit(2)")
    assert len(limited.stdout.splitlines()) == 2
    count = mongo(twin, *ROOT, "--eval", "db.getSiblingDB('geo-db').geo.count()")
    assert count.stdout == "80\n"
    many = mongo(twin, *ROOT, "--eval", "db.getSiblingDB('geo-db').geo.find()")
    assert many.stdout.splitlines()[-1] == 'Type "it" for more'


def test_unauthenticated_mongod_without_auth(twin: Twin) -> None:
    result = mongo(
        twin, "--quiet", "--eval", "db.getCollectionNames()", component="mongodb-profile"
    )
    assert result.stdout == "[ ]\n"
    names = mongo(
        twin,
        "profile-db",
        "--quiet",
        "--eval",
        "db.getCollectionNames()",
        component="mongodb-profile",
    )
    assert names.stdout == '[ "hotels" ]\n'


def test_rs_status_on_a_standalone(twin: Twin) -> None:
    result = mongo(twin, "--quiet", "--eval", "rs.status()", component="mongodb-profile")
    assert result.stdout == (
        '{\n\t"ok" : 0,\n\t"errmsg" : "not running with --replSet",\n\t"code" : 76,\n'
        '\t"codeName" : "NoReplicationEnabled"\n}\n'
    )


def test_db_auth_inside_the_script(twin: Twin) -> None:
    ok = mongo(twin, "admin", "--quiet", "--eval", "db.auth('root', 'root'); db.getUsers().length")
    assert ok.stdout == "2\n"
    bad = mongo(twin, "admin", "--quiet", "--eval", "db.auth('root', 'x')")
    assert bad.stdout == "Error: Authentication failed.\n0\n"


@pytest.mark.parametrize(
    ("script", "stderr"),
    [
        (
            "show dbs",
            "uncaught exception: SyntaxError: missing ; before statement :\n@(shell eval):1:5\n",
        ),
        (
            "db.foo()",
            "uncaught exception: TypeError: db.foo is not a function :\n@(shell eval):1:1\n",
        ),
        (
            "nosuch.x",
            "uncaught exception: ReferenceError: nosuch is not defined :\n@(shell eval):1:1\n",
        ),
        (
            "db.x({a: }",
            "uncaught exception: SyntaxError: expected expression, got '}' :\n@(shell eval):1:9\n",
        ),
        (
            "printjson('x",
            "uncaught exception: SyntaxError: unterminated string literal :\n@(shell eval):1:10\n",
        ),
    ],
)
def test_script_errors(twin: Twin, script: str, stderr: str) -> None:
    result = mongo(twin, "--quiet", "--eval", script, component="mongodb-profile")
    assert (result.stderr, result.exit_code) == (stderr, 252)


def test_connection_errors(twin: Twin) -> None:
    unknown = mongo(twin, "--host", "nowhere", "--quiet", "--eval", "1")
    assert unknown.stderr.startswith(
        "Error: couldn't connect to server nowhere:27017, connection attempt failed: "
        "HostNotFound: Could not find address for nowhere:27017: "
        "SocketException: Host not found (authoritative) :\n"
    )
    assert unknown.exit_code == 1
    other = mongo(
        twin, "--host", "mongodb-profile", "--quiet", "--eval", "db.adminCommand('ping').ok"
    )
    assert other.stdout == "1\n"
    option = mongo(twin, "--bogus")
    assert option == CommandResult(
        "",
        "Error parsing command line: unrecognised option '--bogus'\n"
        "try 'mongo --help' for more information\n",
        2,
    )


def test_tls_required_refuses_plain_clients(twin: Twin) -> None:
    twin.mongo[(NS, "mongodb-profile")].tls_mode = "requireTLS"
    result = mongo(twin, "--quiet", "--eval", "1", component="mongodb-profile")
    assert result.stderr.startswith(
        "Error: network error while attempting to run command 'isMaster' on host '127.0.0.1:27017'  :\n"
    )
    ok = mongo(
        twin,
        "--tls",
        "--tlsCAFile",
        "/etc/tls/ca.crt",
        "--quiet",
        "--eval",
        "1",
        component="mongodb-profile",
    )
    assert ok.stdout == "1\n"


def test_tojson_collapses_short_top_level_values() -> None:
    assert tojson({"ok": 1}) == '{ "ok" : 1 }'
    assert tojson([]) == "[ ]"
    assert tojson({"a": [1, 2]}) == '{ "a" : [ 1, 2 ] }'
    assert tojson({"k": "x" * 80}) == '{\n\t"k" : "' + "x" * 80 + '"\n}'


_FUZZ_TWIN: list[Twin] = []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("db.()[]{}'\":,;=-1 aAxgetUsr\n")), max_size=40))
def test_any_script_gives_output_or_a_shell_error(src: str) -> None:
    if not _FUZZ_TWIN:
        _FUZZ_TWIN.append(Twin("hotel-reservation", seed=1))
    result = mongo(_FUZZ_TWIN[0], "--quiet", "--eval", src, component="mongodb-profile")
    assert result.exit_code in (0, 252)
    if result.exit_code:
        assert result.stderr.startswith("uncaught exception: ")


# --- function literals, array methods, JSON.stringify ----------------------------------------


@pytest.mark.parametrize(
    "script",
    [
        "db.getUsers().map(function(u){return u.user})",
        "db.getUsers().map(function (u) { var name = u.user; return name; })",
        "db.getUsers().map(u => u.user)",
        "db.getUsers().map((u, i) => u.user)",
    ],
)
def test_map_with_function_literals(twin: Twin, script: str) -> None:
    result = mongo(twin, *ROOT, "--eval", script)
    assert result == CommandResult('[ "admin", "root" ]\n', "", 0)


def test_filter_find_some_and_for_each(twin: Twin) -> None:
    twin.mongo[(NS, "mongodb-geo")].users[("admin", "admin")].roles.remove(("readWrite", "geo-db"))
    script = "db.getUsers().filter(u => !u.roles.some(r => r.db === 'geo-db')).map(u => u.user)"
    assert mongo(twin, *ROOT, "--eval", script).stdout == '[ "admin" ]\n'
    found = mongo(twin, *ROOT, "--eval", "db.getUsers().find(u => u.user == 'root').roles.length")
    assert found.stdout == "2\n"
    missing = mongo(twin, *ROOT, "--eval", "db.getUsers().find(u => u.user == 'ghost')")
    assert missing == CommandResult("", "", 0)
    each = "db.getUsers().forEach(function (u) { print(u.user + '@' + u.db, u.roles.length) })"
    assert mongo(twin, *ROOT, "--eval", each).stdout == "admin@admin 1\nroot@admin 2\n"
    joined = mongo(twin, *ROOT, "--eval", "db.getUsers().map(u => u.user).join(', ')")
    assert joined.stdout == "admin, root\n"


def test_cursor_for_each_and_map(twin: Twin) -> None:
    geo = "db.getSiblingDB('geo-db').geo.find({hotelId: '1'})"
    printed = mongo(twin, *ROOT, "--eval", geo + ".forEach(printjson)")
    assert printed.stdout.startswith('{\n\t"_id" : ObjectId("')
    assert printed.stdout.endswith('\t"lat" : 37.7867,\n\t"lon" : -122.4112\n}\n')
    ids = mongo(twin, *ROOT, "--eval", "db.getSiblingDB('geo-db').geo.find().map(d => d.hotelId)")
    assert ids.stdout.startswith('[\n\t"1",\n\t"2",')


def test_json_stringify(twin: Twin) -> None:
    compact = "JSON.stringify(db.getUsers().map(u => ({user: u.user, n: u.roles.length})))"
    assert mongo(twin, *ROOT, "--eval", compact).stdout == (
        '[{"user":"admin","n":2},{"user":"root","n":2}]\n'
    )
    indented = mongo(twin, *ROOT, "--eval", "JSON.stringify({a: [1, 'x'], b: {}}, null, 2)")
    assert indented.stdout == '{\n  "a": [\n    1,\n    "x"\n  ],\n  "b": {}\n}\n'
    skipped = "JSON.stringify({a: undefined, f: x => x, l: [undefined], n: NaN, s: 'q\"\\n'})"
    assert mongo(twin, *ROOT, "--eval", skipped).stdout == '{"l":[null],"n":null,"s":"q\\"\\n"}\n'
    oid = mongo(twin, *ROOT, "--eval", "JSON.stringify(db.getSiblingDB('geo-db').geo.findOne())")
    assert oid.stdout.startswith('{"_id":{"$oid":"') and oid.stdout.endswith('"lon":-122.4112}\n')


@pytest.mark.parametrize(
    ("script", "stdout"),
    [
        ("1 + 2 * 3 - 4 / 2", "5\n"),
        ("'n=' + 7 % 4", "n=3\n"),
        ("[1, 2] + ''", "1,2\n"),
        ("'1' == 1 && null == undefined && !(null === undefined)", "true\n"),
        ("[3, 1, 2].indexOf(2) > 1 ? 'late' : 'early'", "late\n"),
        ("typeof db + ' ' + typeof nosuch + ' ' + typeof (x => x)", "object undefined function\n"),
        ("x = 5", "5\n"),
        ("0 / 0", "NaN\n"),
        ("print(function (a) { return a; })", "function (a) { return a; }\n"),
        ("function twice(x) { return 2 * x } [1, 2].map(twice)", "[ 2, 4 ]\n"),
        ("var add = a => b => a + b; add(2)(3)", "5\n"),
    ],
)
def test_operators_and_closures(twin: Twin, script: str, stdout: str) -> None:
    result = mongo(twin, "--quiet", "--eval", script, component="mongodb-profile")
    assert result == CommandResult(stdout, "", 0)


@pytest.mark.parametrize(
    ("script", "error"),
    [
        ("return 1", "SyntaxError: return not in function"),
        ("db.getUsers().map(function(u){return u.user}", "SyntaxError: missing ) after argument"),
        ("[1].map(function (u) { return u", "SyntaxError: missing } after function body"),
        ("[1].map(5)", "TypeError: 5 is not a function"),
        ("db.getUsers().mapp(x => x)", "TypeError: db.getUsers(...).mapp is not a function"),
        ("[{}].map(u => u.a.b)", "TypeError: u.a is undefined"),
    ],
)
def test_function_errors(twin: Twin, script: str, error: str) -> None:
    result = mongo(twin, "--quiet", "--eval", script, component="mongodb-profile")
    assert result.exit_code == 252
    assert result.stderr.startswith("uncaught exception: " + error)


_TEN = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"
_THIRTY = "[" + ", ".join(str(i) for i in range(30)) + "]"


@pytest.mark.parametrize(
    "script",
    [
        f"var a = {_TEN}; a.map(x => a.map(y => a.map(z => a.map(w => a.map(v => a.map(u => 1))))))",
        "var f = function (x) { return f(x); }; f(1)",
        "var g = f => f(f); g(g)",
        f"var s = 'xxxxxxxx'; {_THIRTY}.forEach(x => s = s + s); s.length",
        f"var t = [1]; {_THIRTY}.forEach(x => t = [t, t]); t",
        f"var t = [1]; {_THIRTY}.forEach(x => t = [t, t]); JSON.stringify(t)",
        "(" * 3000 + "1" + ")" * 3000,
        "x => " * 2000 + "1",
        "!" * 5000 + "1",
    ],
)
def test_hostile_scripts_stop_with_an_error(twin: Twin, script: str) -> None:
    result = mongo(twin, "--quiet", "--eval", script, component="mongodb-profile")
    assert result.exit_code == 252
    assert result.stderr.startswith("uncaught exception: InternalError: ")


_FRAGMENTS = [
    "db",
    ".getUsers()",
    ".map(",
    ".filter(",
    ".forEach(",
    ".find(",
    ".some(",
    ".length",
    "u",
    " => ",
    "function (u) { return ",
    "}",
    ")",
    "(",
    "JSON.stringify(",
    "printjson",
    " + ",
    " === ",
    " && ",
    " ? ",
    " : ",
    "'a'",
    "1",
    ",",
    ";",
    "var x = ",
    "x",
    "[",
    "]",
    "{a: ",
    "!",
    "\n",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=16))
def test_any_function_script_gives_output_or_a_shell_error(parts: list[str]) -> None:
    if not _FUZZ_TWIN:
        _FUZZ_TWIN.append(Twin("hotel-reservation", seed=1))
    result = mongo(_FUZZ_TWIN[0], "--quiet", "--eval", "".join(parts), component="mongodb-profile")
    assert result.exit_code in (0, 252)
    if result.exit_code:
        assert result.stderr.startswith("uncaught exception: ")
