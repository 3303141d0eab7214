"""The mongo shell's command line: options, the address it dials, and one --eval run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aoi.shelltools import CommandResult
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.mongo.evaluate import Interpreter, Quit
from aoi.twin.surface.mongo.parser import Parser
from aoi.twin.surface.mongo.server import Server
from aoi.twin.surface.mongo.values import VERSION, JsError

if TYPE_CHECKING:
    from aoi.twin.world import World

EVAL_FAILED = 252  # the shell's -4 as an exit status
_URI_TAIL = "compressors=disabled&gssapiServiceName=mongodb"
_CONNECT_FRAMES = "connect@src/mongo/shell/mongo.js:374:17\n@(connect):2:6\n"

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
    twin: World, pod: Obj, own: str | None, host: str, port: int
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


def run_mongo(twin: World, pod: Obj, component: str | None, argv: list[str]) -> CommandResult:
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
            session = server.stable_uuid("session", str(twin.clock.now().timestamp()))
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
    except Quit:
        pass
    except RecursionError:
        # Only nesting deeper than the parser's and evaluator's own limits gets here.
        return _uncaught(out, JsError("InternalError", "too much recursion"))
    except JsError as exc:
        return _uncaught(out, exc)
    return _finish(out, "", 0)


def _uncaught(out: list[str], exc: JsError) -> CommandResult:
    frames = "".join(f + "\n" for f in exc.frames if f)
    text = f"uncaught exception: {exc.kind}: {exc.message} :\n{frames}@(shell eval):1:{exc.col}\n"
    return _finish(out, text, EVAL_FAILED)


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
