"""helm's read verbs on the twin: list, status, get values|manifest, history, version."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aoi.shelltools import CommandResult
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.helm.args import Args, HelmError, namespace_of, need_args
from aoi.twin.surface.helm.goyaml import to_yaml
from aoi.twin.surface.helm.releases import (
    RELEASE_TYPE,
    ansic,
    chart_defaults,
    chart_name,
    decode_release,
    latest_release,
    merge,
    release_revisions,
    time_string,
)

if TYPE_CHECKING:
    from aoi.twin.world import World


VERSION = (
    'version.BuildInfo{Version:"v3.14.4", GitCommit:"81c902a123462fd4052bc5e9aa9c513c4c8fc142", '
    'GitTreeState:"clean", GoVersion:"go1.21.9"}'
)


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


def cmd_list(twin: World, args: Args) -> CommandResult:
    namespaces = None if args.has("all-namespaces") else namespace_of(args)
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for secret in twin.store.list("Secret", namespaces, {"owner": "helm"}):
        if secret.get("type") != RELEASE_TYPE:
            continue
        record = decode_release(secret)
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
            "updated": time_string(r["info"]["last_deployed"]),
            "status": r["info"]["status"],
            "chart": chart_name(r),
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


def status_block(record: dict[str, Any]) -> str:
    lines = [
        f"NAME: {record['name']}",
        f"LAST DEPLOYED: {ansic(record['info']['last_deployed'])}",
        f"NAMESPACE: {record['namespace']}",
        f"STATUS: {record['info']['status']}",
        f"REVISION: {record['version']}",
        "TEST SUITE: None",
    ]
    notes = record["info"].get("notes")
    if notes:
        lines.append(f"NOTES:\n{notes.strip()}")
    return "\n".join(lines) + "\n"


def cmd_status(twin: World, args: Args) -> CommandResult:
    need_args(args, "status", 1)
    _, record = latest_release(twin, namespace_of(args), args.positional[0])
    output = args.one("output", "table")
    if output == "json":
        return CommandResult(json.dumps(record, separators=(",", ":")) + "\n")
    if output == "yaml":
        return CommandResult(to_yaml(record))
    return CommandResult(status_block(record))


def cmd_get_values(twin: World, args: Args) -> CommandResult:
    need_args(args, "values", 1)
    ns = namespace_of(args)
    revs = release_revisions(twin, ns, args.positional[0])
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
    values = merge(chart_defaults(twin, ns), config) if computed else config
    output = args.one("output", "table")
    if output == "json":
        return CommandResult(
            json.dumps(values or None, separators=(",", ":"), sort_keys=True) + "\n"
        )
    if output == "yaml":
        return CommandResult(to_yaml(values) if values else "null\n")
    title = "COMPUTED VALUES:" if computed else "USER-SUPPLIED VALUES:"
    return CommandResult(f"{title}\n" + (to_yaml(values) if values else "null\n"))


def cmd_get_manifest(twin: World, args: Args) -> CommandResult:
    need_args(args, "manifest", 1)
    ns = namespace_of(args)
    name = args.positional[0]
    _, record = latest_release(twin, ns, name)
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


def cmd_history(twin: World, args: Args) -> CommandResult:
    need_args(args, "history", 1)
    revs = release_revisions(twin, namespace_of(args), args.positional[0])
    if not revs:
        raise HelmError("release: not found")
    limit = int(args.one("max", "256") or 256)
    rows = [["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"]]
    for _, r in revs[-limit:]:
        rows.append(
            [
                str(r["version"]),
                ansic(r["info"]["last_deployed"]),
                r["info"]["status"],
                chart_name(r),
                r["chart"]["metadata"].get("appVersion", ""),
                r["info"].get("description", ""),
            ]
        )
    return CommandResult(_table(rows, max_width=60))


def cmd_version(twin: World, args: Args) -> CommandResult:
    if args.has("short"):
        return CommandResult("v3.14.4+g81c902a\n")
    return CommandResult(VERSION + "\n")
