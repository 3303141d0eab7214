"""helm's write verbs on the twin: upgrade and rollback, and what the chart's values change.

Every upgrade and rollback writes a new revision and marks the old one
superseded. Values the twin understands take effect the way the chart renders
them: `<mongodb>.tls.mode` rewrites that mongod's mongod.conf and rolls its
pod (a changed checksum annotation), replica counts scale the workloads. Other
values are recorded only.
"""

from __future__ import annotations

import copy
import hashlib
import re
from typing import TYPE_CHECKING, Any

from aoi.kube.flags import dry_run_strategy
from aoi.shelltools import CommandResult
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.helm.args import USAGE, Args, HelmError, namespace_of, need_args
from aoi.twin.surface.helm.reads import status_block
from aoi.twin.surface.helm.releases import (
    RELEASE_TYPE,
    chart_defaults,
    encode_release,
    merge,
    release_revisions,
)

if TYPE_CHECKING:
    from aoi.twin.world import World


def cmd_upgrade(twin: World, args: Args) -> CommandResult:
    need_args(args, "upgrade", 2)
    name, chart = args.positional
    ns = namespace_of(args)
    revs = release_revisions(twin, ns, name)
    if not revs:
        if args.has("install"):
            raise HelmError(f'INSTALLATION FAILED: the twin cannot install new charts ("{chart}")')
        raise HelmError(f'UPGRADE FAILED: "{name}" has no deployed releases')
    _, current = revs[-1]
    _check_chart(chart, current)
    defaults = chart_defaults(twin, ns)
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
    message = f'Release "{name}" has been upgraded. Happy Helming!\n'
    if _dry_run(args):
        # a dry run renders the next revision and stores and applies nothing
        record = copy.deepcopy(current)
        record["version"] = int(current["version"]) + 1
        record["config"] = config
        record["info"] = {
            **record["info"],
            "status": "pending-upgrade",
            "description": "Dry run complete",
        }
        return CommandResult(message + status_block(record))
    record = _new_revision(twin, revs, config, "Upgrade complete")
    _apply(twin, ns, merge(defaults, config))
    return CommandResult(message + status_block(record))


def cmd_rollback(twin: World, args: Args) -> CommandResult:
    if not args.positional:
        raise HelmError(
            f'"helm rollback" requires at least 1 argument\n\nUsage:  {USAGE["rollback"]}'
        )
    name = args.positional[0]
    ns = namespace_of(args)
    revs = release_revisions(twin, ns, name)
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
    if _dry_run(args):
        return CommandResult("Rollback was a success! Happy Helming!\n")
    _new_revision(twin, revs, config, f"Rollback to {target}")
    _apply(twin, ns, merge(chart_defaults(twin, ns), config))
    return CommandResult("Rollback was a success! Happy Helming!\n")


def _dry_run(args: Args) -> bool:
    """--dry-run as helm reads it: bare, client, server or a Go true is a dry run; none or a
    Go false is a real change; anything else is helm's error."""
    values = args.flags.get("dry-run")
    if not values:
        return False
    strategy = dry_run_strategy(values[-1])
    if strategy is None:
        raise HelmError(
            f'invalid argument "{values[-1]}" for "--dry-run" flag: strconv.ParseBool: '
            f'parsing "{values[-1]}": invalid syntax'
        )
    return bool(strategy)


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


def _new_revision(
    twin: World, revs: list[tuple[Obj, dict[str, Any]]], config: dict[str, Any], description: str
) -> dict[str, Any]:
    now = twin.clock.now()
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{twin.store.rng.randrange(10**9):09d}Z"
    for old, record in revs:
        if record["info"]["status"] == "deployed":
            record["info"]["status"] = "superseded"
            old["data"]["release"] = encode_release(record)
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
        "data": {"release": encode_release(record)},
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
