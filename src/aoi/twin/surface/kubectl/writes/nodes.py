"""`kubectl cordon|uncordon|drain|taint`: node maintenance as kubectl and the node controllers do it."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from aoi.kube.flags import Parsed
from aoi.shelltools import CommandResult
from aoi.twin.cluster.clock import rfc3339
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.common import KubectlError, list_objects, resolve_type
from aoi.twin.surface.kubectl.resources import info_for_kind
from aoi.twin.surface.kubectl.selectors import SelectorError, label_matcher
from aoi.twin.surface.kubectl.writes.base import commit, dry_run, report, settle, suffix

if TYPE_CHECKING:
    from aoi.twin.world import World

UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"
EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def _nodes(twin: World, parsed: Parsed, names: list[str], use: str) -> list[Obj]:
    selector = parsed.get_str("selector")
    if not names and selector is None and not parsed.get_bool("all"):
        raise KubectlError(
            f"error: USAGE: {use} [flags]\nSee 'kubectl {use.split()[0]} -h' for help and examples"
        )
    out: list[Obj] = []
    for name in names:
        node = twin.store.get("Node", None, name)
        if node is None:
            raise KubectlError(f'Error from server (NotFound): nodes "{name}" not found')
        out.append(node)
    if not names:
        try:
            matches = label_matcher(selector)
        except SelectorError as exc:
            raise KubectlError(f"error: {exc}") from None
        out = [n for n in list_objects(twin, info_for_kind("Node"), None) if matches(n)]
    return out


def _node_names(args: list[str]) -> list[str]:
    names = []
    for arg in args:
        kind, slash, name = arg.partition("/")
        if slash:
            if resolve_type(kind).kind != "Node":
                raise KubectlError(
                    f"error: invalid resource type {kind}, only node types are supported"
                )
            names.append(name)
        else:
            names.append(arg)
    return names


# --- cordon / uncordon -----------------------------------------------------------------------
def cordon(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    return _cordon(twin, parsed, unschedulable=True)


def uncordon(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    return _cordon(twin, parsed, unschedulable=False)


def _cordon(twin: World, parsed: Parsed, *, unschedulable: bool) -> CommandResult:
    verb = "cordon" if unschedulable else "uncordon"
    dry = dry_run(parsed)
    lines = []
    for node in _nodes(twin, parsed, _node_names(parsed.args), f"{verb} NODE"):
        lines.append(set_schedulable(twin, node, unschedulable=unschedulable, dry=dry))
    return CommandResult("".join(lines))


def set_schedulable(twin: World, node: Obj, *, unschedulable: bool, dry: str = "") -> str:
    """Cordon or uncordon one node; the line kubectl prints."""
    name = node["metadata"]["name"]
    word = "cordoned" if unschedulable else "uncordoned"
    if bool(node["spec"].get("unschedulable")) == unschedulable:
        return f"node/{name} already {word}\n"
    if not dry:
        new = copy.deepcopy(node)
        taints = [t for t in new["spec"].get("taints", []) if t.get("key") != UNSCHEDULABLE_TAINT]
        if unschedulable:
            new["spec"]["unschedulable"] = True
            # the node lifecycle controller's taint for cordoned nodes
            taints.append(
                {
                    "effect": "NoSchedule",
                    "key": UNSCHEDULABLE_TAINT,
                    "timeAdded": rfc3339(twin.clock.now()),
                }
            )
        else:
            new["spec"].pop("unschedulable", None)
        if taints:
            new["spec"]["taints"] = taints
        else:
            new["spec"].pop("taints", None)
        commit(twin, node, new)
    return f"node/{name} {word}{suffix(dry)}\n"


# --- drain -----------------------------------------------------------------------------------
def drain(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    dry = dry_run(parsed)
    out: list[str] = []
    err: list[str] = []
    pending: list[str] = []
    for node in _nodes(twin, parsed, _node_names(parsed.args), "drain NODE"):
        name = node["metadata"]["name"]
        out.append(set_schedulable(twin, node, unschedulable=True, dry=dry))
        evict, ignored, problems = _drain_plan(twin, parsed, name)
        if problems:
            joined = problems[0] if len(problems) == 1 else "[" + ", ".join(problems) + "]"
            err.append(
                f'error: unable to drain node "{name}" due to error: {joined}, continuing command...\n'
            )
            pending.append(name)
            err.extend(["There are pending nodes to be drained:\n", f" {name}\n"])
            err.extend(p + "\n" for p in problems)
            continue
        if ignored:
            err.append("Warning: ignoring DaemonSet-managed Pods: " + ", ".join(ignored) + "\n")
        for pod in evict:
            out.append(f"evicting pod {pod['metadata']['namespace']}/{pod['metadata']['name']}\n")
        for pod in evict:
            if not dry:
                twin.controller.delete_pod(pod, twin.clock.now())
            out.append(f"pod/{pod['metadata']['name']} evicted\n")
        out.append(f"node/{name} drained{suffix(dry)}\n")
    if not dry:
        settle(twin)
    return CommandResult("".join(out), "".join(err), 1 if pending else 0)


def _owner_kind(pod: Obj) -> str | None:
    for ref in pod["metadata"].get("ownerReferences", []):
        if ref.get("controller"):
            return str(ref.get("kind"))
    return None


def _drain_plan(twin: World, parsed: Parsed, node: str) -> tuple[list[Obj], list[str], list[str]]:
    """(pods to evict, DaemonSet pods ignored, kubectl's refusals)."""
    selector = parsed.get_str("pod-selector")
    try:
        matches = label_matcher(selector)
    except SelectorError as exc:
        raise KubectlError(f"error: {exc}") from None
    evict: list[Obj] = []
    daemons: list[str] = []
    local: list[str] = []
    orphans: list[str] = []
    for pod in twin.store.list("Pod"):
        if pod["spec"].get("nodeName") != node or not matches(pod):
            continue
        ident = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
        owner = _owner_kind(pod)
        if owner == "Node" or "kubernetes.io/config.mirror" in pod["metadata"].get(
            "annotations", {}
        ):
            continue  # mirror pods of static pods are not evicted
        finished = pod.get("status", {}).get("phase") in ("Succeeded", "Failed")
        if owner == "DaemonSet":
            daemons.append(ident)
            continue
        if owner is None and not finished and not parsed.get_bool("force"):
            orphans.append(ident)
            continue
        uses_empty_dir = any("emptyDir" in v for v in pod["spec"].get("volumes", []))
        if uses_empty_dir and not finished and not parsed.get_bool("delete-emptydir-data"):
            local.append(ident)
            continue
        evict.append(pod)
    problems = []
    if daemons and not parsed.get_bool("ignore-daemonsets"):
        problems.append(
            "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): "
            + ", ".join(daemons)
        )
    if orphans:
        problems.append(
            "cannot delete Pods that declare no controller (use --force to override): "
            + ", ".join(orphans)
        )
    if local:
        problems.append(
            "cannot delete Pods with local storage (use --delete-emptydir-data to override): "
            + ", ".join(local)
        )
    return evict, daemons, problems


# --- taint -----------------------------------------------------------------------------------
def _parse_taints(specs: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    adding: list[dict[str, Any]] = []
    removing: list[dict[str, Any]] = []
    for spec in specs:
        remove = spec.endswith("-")
        body = spec[:-1] if remove else spec
        key_value, colon, effect = body.partition(":")
        key, eq, value = key_value.partition("=")
        if effect and effect not in EFFECTS:
            raise KubectlError(f"error: invalid taint effect: {effect}, unsupported taint effect")
        if not key:
            raise KubectlError(f"error: invalid taint spec: {spec}, the key is required")
        if not remove and not colon:
            raise KubectlError(f"error: invalid taint spec: {spec}")
        taint: dict[str, Any] = {"key": key}
        if eq:
            taint["value"] = value
        if effect:
            taint["effect"] = effect
        (removing if remove else adding).append(taint)
    return adding, removing


def taint(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    args = list(parsed.args)
    if not args:
        raise KubectlError(
            "error: USAGE: taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N [options]\nSee 'kubectl taint -h' for help and examples"
        )
    first, slash, rest = args[0].partition("/")
    if resolve_type(first).kind != "Node":
        raise KubectlError(f"error: invalid resource type {first}, only node types are supported")
    if slash:
        names, specs = [rest], args[1:]
    else:
        specs_start = next(
            (i for i, a in enumerate(args[1:], 1) if ":" in a or "=" in a or a.endswith("-")),
            len(args),
        )
        names, specs = args[1:specs_start], args[specs_start:]
    if not specs:
        raise KubectlError("error: at least one taint update is required")
    adding, removing = _parse_taints(specs)
    overwrite = parsed.get_bool("overwrite")
    dry = dry_run(parsed)
    done: list[tuple[Obj, str]] = []
    for node in _nodes(
        twin,
        parsed,
        names,
        "taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N",
    ):
        new = copy.deepcopy(node)
        taints = list(new["spec"].get("taints", []))
        word = "tainted"
        for t in removing:
            kept = [
                x
                for x in taints
                if not (
                    x.get("key") == t["key"]
                    and ("effect" not in t or x.get("effect") == t["effect"])
                )
            ]
            if len(kept) == len(taints):
                shown = t["key"] + (f":{t['effect']}" if "effect" in t else "")
                raise KubectlError(f'error: taint "{shown}" not found')
            taints = kept
            word = "untainted"
        for t in adding:
            same = [
                x for x in taints if x.get("key") == t["key"] and x.get("effect") == t.get("effect")
            ]
            if same and not overwrite:
                raise KubectlError(
                    f"error: node {node['metadata']['name']} already has {t['key']} taint(s) with same "
                    "effect(s) and --overwrite is false"
                )
            if same:
                word = "modified"
            taints = [x for x in taints if x not in same]
            if t.get("effect") == "NoExecute":
                t = {**t, "timeAdded": rfc3339(twin.clock.now())}
            taints.append(t)
            if word != "modified":
                word = "tainted"
        if taints:
            new["spec"]["taints"] = taints
        else:
            new["spec"].pop("taints", None)
        if dry:
            done.append((new, word))
            continue
        done.append((commit(twin, node, new), word))
        if any(t.get("effect") == "NoExecute" for t in adding):
            _evict_untolerated(twin, new)
    return report(parsed, done, dry)


def _evict_untolerated(twin: World, node: Obj) -> None:
    """The taint manager: pods that do not tolerate a NoExecute taint leave the node."""
    from aoi.twin.cluster.scheduling import tolerated

    taints = [t for t in node["spec"].get("taints", []) if t.get("effect") == "NoExecute"]
    for pod in twin.store.list("Pod"):
        if pod["spec"].get("nodeName") != node["metadata"]["name"]:
            continue
        tolerations = pod["spec"].get("tolerations", [])
        if any(not tolerated(tolerations, t) for t in taints):
            twin.controller.delete_pod(pod, twin.clock.now(), reason="TaintManagerEviction")
    settle(twin)
