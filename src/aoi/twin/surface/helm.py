"""`helm` v3.14 on the twin: list, status, get values|manifest, history, upgrade, rollback.

Releases live where helm keeps them, in `sh.helm.release.v1.<name>.v<N>` Secrets;
every upgrade and rollback writes a new revision and marks the old one
superseded. Values the twin understands take effect the way the chart renders
them: `<mongodb>.tls.mode` rewrites that mongod's mongod.conf and rolls its
pod (a changed checksum annotation), replica counts scale the workloads. Other
values are recorded only.
"""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import json
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aoi.shelltools import CommandResult
from aoi.twin.apps.spec import HelmRelease
from aoi.twin.cluster.store import Obj

if TYPE_CHECKING:
    from aoi.twin.world import World

RELEASE_TYPE = "helm.sh/release.v1"
VERSION = (
    'version.BuildInfo{Version:"v3.14.4", GitCommit:"81c902a123462fd4052bc5e9aa9c513c4c8fc142", '
    'GitTreeState:"clean", GoVersion:"go1.21.9"}'
)
_USAGE = {
    "status": "helm status RELEASE_NAME [flags]",
    "history": "helm history RELEASE_NAME [flags]",
    "values": "helm get values RELEASE_NAME [flags]",
    "manifest": "helm get manifest RELEASE_NAME [flags]",
    "upgrade": "helm upgrade [RELEASE] [CHART] [flags]",
    "rollback": "helm rollback <RELEASE> [REVISION] [flags]",
}
# flag -> takes a value; short forms map to their long names
_FLAGS: dict[str, bool] = {
    "namespace": True,
    "all-namespaces": False,
    "all": False,
    "output": True,
    "set": True,
    "set-string": True,
    "values": True,
    "reuse-values": False,
    "reset-values": False,
    "install": False,
    "wait": False,
    "timeout": True,
    "atomic": False,
    "debug": False,
    "version": True,
    "revision": True,
    "max": True,
    "kube-context": True,
    "short": False,
    "dry-run": False,
    "force": False,
    "cleanup-on-fail": False,
    "create-namespace": False,
    "deployed": False,
    "failed": False,
    "superseded": False,
    "pending": False,
    "uninstalled": False,
    "short-output": False,
    "no-headers": False,
    "template": True,
    "history-max": True,
    "description": True,
    "reset-then-reuse-values": False,
}
_SHORT = {
    "n": "namespace",
    "A": "all-namespaces",
    "a": "all",
    "o": "output",
    "f": "values",
    "i": "install",
    "q": "short",
}


class HelmError(Exception):
    pass


class _Args:
    def __init__(self) -> None:
        self.flags: dict[str, list[str]] = {}
        self.positional: list[str] = []

    def one(self, name: str, default: str = "") -> str:
        return self.flags.get(name, [default])[-1]

    def has(self, name: str) -> bool:
        return name in self.flags and self.flags[name][-1] != "false"


def _parse(argv: list[str]) -> _Args:
    args = _Args()
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            args.positional.extend(argv[i:])
            break
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            if name not in _FLAGS:
                raise HelmError(f"unknown flag: --{name}")
        elif arg.startswith("-") and len(arg) > 1:
            letter, value = arg[1], arg[2:]
            eq = "=" if value else ""
            value = value.removeprefix("=")
            if letter not in _SHORT:
                raise HelmError(f"unknown shorthand flag: '{letter}' in {arg}")
            name = _SHORT[letter]
        else:
            args.positional.append(arg)
            continue
        if _FLAGS[name] and not eq:
            if i >= len(argv):
                raise HelmError(f"flag needs an argument: --{name}")
            value = argv[i]
            i += 1
        args.flags.setdefault(name, []).append(value if _FLAGS[name] else (value or "true"))
    return args


def run_helm(twin: World, argv: list[str]) -> CommandResult:
    """Run `helm ARGV` against the twin; Helm's own errors come back as text (exit 1)."""
    try:
        return _dispatch(twin, argv)
    except HelmError as exc:
        return CommandResult("", f"Error: {exc}\n", 1)


def _dispatch(twin: World, argv: list[str]) -> CommandResult:
    if not argv or argv[0] in ("-h", "--help", "help"):
        return CommandResult(_HELP)
    verb, rest = argv[0], argv[1:]
    if verb == "get":
        if not rest or rest[0] not in ("values", "manifest", "all", "notes", "hooks", "metadata"):
            return CommandResult(_GET_HELP)
        verb, rest = rest[0], rest[1:]
    aliases = {"ls": "list", "hist": "history"}
    verb = aliases.get(verb, verb)
    handlers = {
        "list": _list,
        "status": _status,
        "values": _get_values,
        "manifest": _get_manifest,
        "history": _history,
        "upgrade": _upgrade,
        "rollback": _rollback,
        "version": _version,
    }
    handler = handlers.get(verb)
    if handler is None:
        hint = "Run 'helm --help' for usage."
        return CommandResult("", f'Error: unknown command "{verb}" for "helm"\n{hint}\n', 1)
    return handler(twin, _parse(rest))


def _need(args: _Args, verb: str, count: int) -> None:
    if len(args.positional) != count:
        noun = "argument" if count == 1 else "arguments"
        name = f"get {verb}" if verb in ("values", "manifest") else verb
        raise HelmError(f'"helm {name}" requires {count} {noun}\n\nUsage:  {_USAGE[verb]}')


# --- storage -------------------------------------------------------------------------------


def _revisions(twin: World, namespace: str, name: str) -> list[tuple[Obj, dict[str, Any]]]:
    out = []
    for secret in twin.store.list("Secret", namespace, {"owner": "helm", "name": name}):
        if secret.get("type") == RELEASE_TYPE:
            out.append((secret, _decode(secret)))
    out.sort(key=lambda pair: int(pair[1]["version"]))
    return out


def _decode(secret: Obj) -> dict[str, Any]:
    packed = base64.b64decode(secret["data"]["release"])
    data: dict[str, Any] = json.loads(gzip.decompress(base64.b64decode(packed)))
    return data


def _encode(record: dict[str, Any]) -> str:
    raw = json.dumps(record, separators=(",", ":")).encode()
    return base64.b64encode(base64.b64encode(gzip.compress(raw, mtime=0))).decode("ascii")


def _latest(twin: World, namespace: str, name: str) -> tuple[Obj, dict[str, Any]]:
    revs = _revisions(twin, namespace, name)
    if not revs:
        raise HelmError("release: not found")
    return revs[-1]


def _namespace(args: _Args) -> str:
    return args.one("namespace", "default")


def _go_time(text: str) -> datetime:
    """A helm timestamp (RFC 3339 with nanoseconds) as a datetime, plus its nanoseconds."""
    return datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)


def _nanos(text: str) -> str:
    m = re.search(r"\.(\d+)", text)
    return (m.group(1) if m else "").ljust(9, "0")[:9]


def _time_string(text: str) -> str:
    """Go's time.Time.String(): 2026-11-26 08:50:12.123456789 +0000 UTC (zeros trimmed)."""
    frac = _nanos(text).rstrip("0")
    return (
        _go_time(text).strftime("%Y-%m-%d %H:%M:%S") + (f".{frac}" if frac else "") + " +0000 UTC"
    )


def _ansic(text: str) -> str:
    """Go's time.ANSIC: Mon Jan _2 15:04:05 2006."""
    t = _go_time(text)
    return t.strftime("%a %b ") + f"{t.day:>2}" + t.strftime(" %H:%M:%S %Y")


def _chart(record: dict[str, Any]) -> str:
    meta = record["chart"]["metadata"]
    return f"{meta['name']}-{meta['version']}"


# --- read verbs ----------------------------------------------------------------------------


def _table(rows: list[list[str]], max_width: int = 0) -> str:
    """gosuri/uitable as helm configures it: cells padded to the column, joined by a tab."""
    if max_width:
        rows = [
            [c if len(c) <= max_width else c[: max_width - 3] + "..." for c in row] for row in rows
        ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "".join(
        "\t".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + "\n" for row in rows
    )


def _list(twin: World, args: _Args) -> CommandResult:
    namespaces = None if args.has("all-namespaces") else _namespace(args)
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for secret in twin.store.list("Secret", namespaces, {"owner": "helm"}):
        if secret.get("type") != RELEASE_TYPE:
            continue
        record = _decode(secret)
        key = (record["namespace"], record["name"])
        if key not in latest or int(record["version"]) > int(latest[key]["version"]):
            latest[key] = record
    wanted = {"deployed", "failed"} if not args.has("all") else None
    records = [r for _, r in sorted(latest.items(), key=lambda kv: kv[0][1])]
    records = [r for r in records if wanted is None or r["info"]["status"] in wanted]
    rows = [
        {
            "name": r["name"],
            "namespace": r["namespace"],
            "revision": str(r["version"]),
            "updated": _time_string(r["info"]["last_deployed"]),
            "status": r["info"]["status"],
            "chart": _chart(r),
            "app_version": r["chart"]["metadata"].get("appVersion", ""),
        }
        for r in records
    ]
    output = args.one("output", "table")
    if output == "json":
        return CommandResult(json.dumps(rows, separators=(",", ":")) + "\n")
    if output == "yaml":
        return CommandResult(to_yaml(rows))
    if args.has("short"):
        return CommandResult("".join(r["name"] + "\n" for r in rows))
    header = ["NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION"]
    table = [header, *([*r.values()] for r in rows)]
    return CommandResult(_table(table))


def _status_block(record: dict[str, Any]) -> str:
    lines = [
        f"NAME: {record['name']}",
        f"LAST DEPLOYED: {_ansic(record['info']['last_deployed'])}",
        f"NAMESPACE: {record['namespace']}",
        f"STATUS: {record['info']['status']}",
        f"REVISION: {record['version']}",
        "TEST SUITE: None",
    ]
    notes = record["info"].get("notes")
    if notes:
        lines.append(f"NOTES:\n{notes.strip()}")
    return "\n".join(lines) + "\n"


def _status(twin: World, args: _Args) -> CommandResult:
    _need(args, "status", 1)
    _, record = _latest(twin, _namespace(args), args.positional[0])
    output = args.one("output", "table")
    if output == "json":
        return CommandResult(json.dumps(record, separators=(",", ":")) + "\n")
    if output == "yaml":
        return CommandResult(to_yaml(record))
    return CommandResult(_status_block(record))


def _chart_defaults(twin: World, namespace: str) -> dict[str, Any]:
    """The chart's values.yaml: the values the twin's application data was installed with."""
    release = _release_spec(twin, namespace)
    return copy.deepcopy(dict(release.values)) if release else {}


def _release_spec(twin: World, namespace: str) -> HelmRelease | None:
    app = twin.app_for(namespace)
    if app is not None:
        return app.helm
    for ns in twin.cluster.namespaces:
        if ns.name == namespace:
            return ns.helm
    return None


def _get_values(twin: World, args: _Args) -> CommandResult:
    _need(args, "values", 1)
    ns = _namespace(args)
    revs = _revisions(twin, ns, args.positional[0])
    if not revs:
        raise HelmError("release: not found")
    record = revs[-1][1]
    if args.has("revision"):
        wanted = args.one("revision")
        found = [r for _, r in revs if str(r["version"]) == wanted]
        if not found:
            raise HelmError("release: not found")
        record = found[0]
    config = record.get("config") or {}
    computed = args.has("all")
    values = merge(_chart_defaults(twin, ns), config) if computed else config
    output = args.one("output", "table")
    if output == "json":
        return CommandResult(
            json.dumps(values or None, separators=(",", ":"), sort_keys=True) + "\n"
        )
    if output == "yaml":
        return CommandResult(to_yaml(values) if values else "null\n")
    title = "COMPUTED VALUES:" if computed else "USER-SUPPLIED VALUES:"
    return CommandResult(f"{title}\n" + (to_yaml(values) if values else "null\n"))


def _get_manifest(twin: World, args: _Args) -> CommandResult:
    _need(args, "manifest", 1)
    ns = _namespace(args)
    name = args.positional[0]
    _, record = _latest(twin, ns, name)
    chart = record["chart"]["metadata"]["name"]
    docs = []
    for kind in (
        "ServiceAccount",
        "ConfigMap",
        "Service",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
    ):
        for obj in twin.store.list(kind, ns):
            annotations = obj["metadata"].get("annotations", {})
            if annotations.get("meta.helm.sh/release-name") != name:
                continue
            docs.append(
                f"---\n# Source: {chart}/templates/{kind.lower()}.yaml\n" + to_yaml(_manifest(obj))
            )
    return CommandResult("".join(docs))


def _manifest(obj: Obj) -> dict[str, Any]:
    meta = obj["metadata"]
    out: dict[str, Any] = {"apiVersion": obj["apiVersion"], "kind": obj["kind"]}
    out["metadata"] = {
        "name": meta["name"],
        **({"labels": meta["labels"]} if meta.get("labels") else {}),
    }
    for key in ("data", "spec"):
        if key in obj:
            out[key] = obj[key]
    return out


def _history(twin: World, args: _Args) -> CommandResult:
    _need(args, "history", 1)
    revs = _revisions(twin, _namespace(args), args.positional[0])
    if not revs:
        raise HelmError("release: not found")
    limit = int(args.one("max", "256") or 256)
    rows = [["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"]]
    for _, r in revs[-limit:]:
        rows.append(
            [
                str(r["version"]),
                _ansic(r["info"]["last_deployed"]),
                r["info"]["status"],
                _chart(r),
                r["chart"]["metadata"].get("appVersion", ""),
                r["info"].get("description", ""),
            ]
        )
    return CommandResult(_table(rows, max_width=60))


def _version(twin: World, args: _Args) -> CommandResult:
    if args.has("short"):
        return CommandResult("v3.14.4+g81c902a\n")
    return CommandResult(VERSION + "\n")


# --- write verbs ---------------------------------------------------------------------------


def _upgrade(twin: World, args: _Args) -> CommandResult:
    _need(args, "upgrade", 2)
    name, chart = args.positional
    ns = _namespace(args)
    revs = _revisions(twin, ns, name)
    if not revs:
        if args.has("install"):
            raise HelmError(f'INSTALLATION FAILED: the twin cannot install new charts ("{chart}")')
        raise HelmError(f'UPGRADE FAILED: "{name}" has no deployed releases')
    _, current = revs[-1]
    _check_chart(chart, current)
    defaults = _chart_defaults(twin, ns)
    given: dict[str, Any] = {}
    for path in args.flags.get("values", []):
        given = merge(given, _values_file(path, defaults))
    for item in args.flags.get("set", []):
        given = merge(given, _set_values(item, typed=True))
    for item in args.flags.get("set-string", []):
        given = merge(given, _set_values(item, typed=False))
    old_config = current.get("config") or {}
    if args.has("reset-values"):
        config = given
    elif args.has("reuse-values") or args.has("reset-then-reuse-values"):
        config = merge(old_config, given)
    else:
        config = given if given else old_config
    record = _new_revision(twin, revs, config, "Upgrade complete")
    _apply(twin, ns, merge(defaults, config))
    message = f'Release "{name}" has been upgraded. Happy Helming!\n'
    return CommandResult(message + _status_block(record))


def _rollback(twin: World, args: _Args) -> CommandResult:
    if not args.positional:
        raise HelmError(
            f'"helm rollback" requires at least 1 argument\n\nUsage:  {_USAGE["rollback"]}'
        )
    name = args.positional[0]
    ns = _namespace(args)
    revs = _revisions(twin, ns, name)
    if not revs:
        raise HelmError("release: not found")
    current = int(revs[-1][1]["version"])
    target = (
        int(args.positional[1]) if len(args.positional) > 1 and args.positional[1].isdigit() else 0
    )
    target = target or current - 1
    found = [r for _, r in revs if int(r["version"]) == target]
    if not found:
        raise HelmError(f"release has no {target} version")
    config = found[0].get("config") or {}
    _new_revision(twin, revs, config, f"Rollback to {target}")
    _apply(twin, ns, merge(_chart_defaults(twin, ns), config))
    return CommandResult("Rollback was a success! Happy Helming!\n")


def _check_chart(chart: str, current: dict[str, Any]) -> None:
    """Accept the chart the release came from: a path to it or repo/name; refuse others."""
    wanted = re.sub(r"[^a-z0-9]", "", current["chart"]["metadata"]["name"].lower())
    last = chart.rstrip("/").rsplit("/", 1)[-1].removesuffix(".tgz")
    base = re.sub(r"-\d+(\.\d+)*$", "", last)
    if re.sub(r"[^a-z0-9]", "", base.lower()) == wanted:
        return
    if chart.startswith(("/", "./", "../")):
        raise HelmError(f'path "{chart}" not found')
    if "/" in chart:
        raise HelmError(f"repo {chart.split('/', 1)[0]} not found")
    raise HelmError(f"non-absolute URLs should be in form of repo_name/path_to_chart, got: {chart}")


def _values_file(path: str, defaults: dict[str, Any]) -> dict[str, Any]:
    """`-f FILE`: the chart's own values.yaml is known to the twin; other files are not."""
    if (path.rstrip("/").endswith("values.yaml") and "helm-chart" in path) or path == "values.yaml":
        return copy.deepcopy(defaults)
    raise HelmError(f"open {path}: no such file or directory")


def _set_values(item: str, *, typed: bool) -> dict[str, Any]:
    """One --set a.b=c[,x=y] argument as a nested mapping (helm's strvals, simplified)."""
    out: dict[str, Any] = {}
    for pair in re.split(r"(?<!\\),", item):
        key, eq, raw = pair.partition("=")
        if not eq:
            raise HelmError(f'failed parsing --set data: key "{key}" has no value')
        value: Any = raw.replace("\\,", ",")
        if typed:
            value = _typed(value)
        parts = re.split(r"(?<!\\)\.", key)
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part.replace("\\.", "."), {})
        node[parts[-1].replace("\\.", ".")] = value
    return out


def _typed(text: str) -> Any:
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    if re.fullmatch(r"-?\d+", text) and not (len(text) > 1 and text.lstrip("-").startswith("0")):
        return int(text)
    return text


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Helm's value coalescing: maps merge key by key, anything else replaces; null deletes."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _new_revision(
    twin: World, revs: list[tuple[Obj, dict[str, Any]]], config: dict[str, Any], description: str
) -> dict[str, Any]:
    now = twin.clock.now()
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{twin.store.rng.randrange(10**9):09d}Z"
    for old, record in revs:
        if record["info"]["status"] == "deployed":
            record["info"]["status"] = "superseded"
            old["data"]["release"] = _encode(record)
            old["metadata"]["labels"]["status"] = "superseded"
            twin.store.touch(old)
    previous = revs[-1][1]
    version = int(previous["version"]) + 1
    record = copy.deepcopy(previous)
    record["version"] = version
    record["config"] = config
    record["info"].update(
        {"last_deployed": stamp, "description": description, "status": "deployed", "deleted": ""}
    )
    name, ns = record["name"], record["namespace"]
    labels = {
        "modifiedAt": str(int(now.timestamp())),
        "name": name,
        "owner": "helm",
        "status": "deployed",
        "version": str(version),
    }
    secret: Obj = {
        "kind": "Secret",
        "metadata": {
            "labels": labels,
            "name": f"sh.helm.release.v1.{name}.v{version}",
            "namespace": ns,
        },
        "data": {"release": _encode(record)},
        "type": RELEASE_TYPE,
    }
    twin.store.add(secret)
    return record


# --- effects of values ---------------------------------------------------------------------


def _apply(twin: World, namespace: str, values: dict[str, Any]) -> None:
    """Make the cluster match what the chart renders from `values`, for the values the twin models."""
    app = twin.app_for(namespace)
    if app is None or app.helm is None:
        return
    glob: dict[str, Any] = values["global"] if isinstance(values.get("global"), dict) else {}
    for comp in app.components:
        own: dict[str, Any] = values[comp.name] if isinstance(values.get(comp.name), dict) else {}
        kind = comp.workload
        obj = (
            twin.store.get(kind, namespace, comp.name)
            if kind in ("Deployment", "StatefulSet")
            else None
        )
        if obj is None:
            continue
        replicas = own.get("replicas", glob.get("replicas"))
        components = values.get("components")
        if isinstance(components, dict) and isinstance(components.get(comp.name), dict):
            replicas = components[comp.name].get("replicas", replicas)
        changed = False
        if isinstance(replicas, int) and obj["spec"].get("replicas") != replicas:
            obj["spec"]["replicas"] = replicas
            changed = True
        state = twin.mongo.get((namespace, comp.name))
        tls = own.get("tls") if isinstance(own.get("tls"), dict) else None
        if state is not None and tls is not None and isinstance(tls.get("mode"), str):
            changed |= _mongod_conf(twin, namespace, comp.name, obj, tls)
            state.tls_mode = tls["mode"]
        if changed:
            obj["metadata"]["generation"] = int(obj["metadata"].get("generation", 1)) + 1
            twin.store.touch(obj)
    twin.changed()


def _mongod_conf(
    twin: World, namespace: str, name: str, workload: Obj, tls: dict[str, Any]
) -> bool:
    """Render mongod.conf into the component's ConfigMap; roll the pod when it changed."""
    lines = ["net:", "  tls:", f"    mode: {tls['mode']}"]
    if tls["mode"] != "disabled":
        lines.append(
            f"    certificateKeyFile: {tls.get('certificateKeyFile') or '/etc/tls/tls.pem'}"
        )
        lines.append(f"    CAFile: {tls.get('CAFile') or '/etc/tls/ca.crt'}")
    conf = "\n".join(lines) + "\n"
    cm = twin.store.get("ConfigMap", namespace, name)
    if cm is not None and "mongod.conf" in cm.get("data", {}):
        if cm["data"]["mongod.conf"] == conf:
            return False
        cm["data"]["mongod.conf"] = conf
        twin.store.touch(cm)
    template = workload["spec"]["template"].setdefault("metadata", {})
    digest = hashlib.sha256(conf.encode()).hexdigest()
    template.setdefault("annotations", {})["checksum/config"] = digest
    return True


# --- YAML as helm prints it (sigs.k8s.io/yaml over go-yaml v2) ---------------------------------

_PLAIN_UNSAFE = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`\s]|[\s]$|: | #|^$")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"}


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    numeric = re.fullmatch(
        r"[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+|0x[0-9a-fA-F]+|\.inf|\.nan)", text
    )
    if _PLAIN_UNSAFE.search(text) or text.lower() in _YAML_WORDS or numeric:
        return json.dumps(text)
    return text


def to_yaml(value: Any, indent: int = 0) -> str:
    """Block YAML with sorted keys, lists not indented under their key, as helm prints values."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return pad + "{}\n"
        out = []
        for key in sorted(value, key=str):
            out.append(_entry(f"{pad}{_scalar(str(key))}:", value[key], indent, nested=indent + 2))
        return "".join(out)
    if isinstance(value, list):
        if not value:
            return pad + "[]\n"
        out = []
        for item in value:
            if isinstance(item, dict) and item:
                body = to_yaml(item, indent + 2)
                out.append(pad + "- " + body[indent + 2 :])
            else:
                out.append(_entry(f"{pad}-", item, indent, nested=indent + 2))
        return "".join(out)
    return pad + _scalar(value) + "\n"


def _entry(head: str, value: Any, indent: int, nested: int) -> str:
    if isinstance(value, dict) and value:
        return head + "\n" + to_yaml(value, nested)
    if isinstance(value, list) and value:
        return head + "\n" + to_yaml(value, indent if head.endswith(":") else nested)
    if isinstance(value, dict):
        return head + " {}\n"
    if isinstance(value, list):
        return head + " []\n"
    if isinstance(value, str) and "\n" in value:
        body = value[:-1] if value.endswith("\n") else value
        marker = "|" if value.endswith("\n") else "|-"
        lines = "".join((" " * nested + line if line else "") + "\n" for line in body.split("\n"))
        return f"{head} {marker}\n{lines}"
    return f"{head} {_scalar(value)}\n"


_HELP = """The Kubernetes package manager

Usage:
  helm [command]

Available Commands (on the twin):
  get         download extended information of a named release
  history     fetch release history
  list        list releases
  rollback    roll back a release to a previous revision
  status      display the status of the named release
  upgrade     upgrade a release
  version     print the client version information

Use "helm [command] --help" for more information about a command.
"""
_GET_HELP = """This command consists of multiple subcommands which can be used to
get extended information about the release, including:

- The values used to generate the release
- The generated manifest file
- The notes provided by the chart of the release
- The hooks associated with the release
- The metadata of the release

Usage:
  helm get [command]

Available Commands:
  all         download all information for a named release
  hooks       download all hooks for a named release
  manifest    download the manifest for a named release
  metadata    This command fetches metadata for a given release
  notes       download the notes for a named release
  values      download the values file for a named release
"""
