"""`kubectl rollout status|history|restart|undo|pause|resume` for Deployments, StatefulSets and DaemonSets."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING

from aoi.kube.flags import Parsed
from aoi.shelltools import CommandResult
from aoi.twin.cluster.clock import rfc3339
from aoi.twin.cluster.store import Obj
from aoi.twin.surface import limit as line_limit
from aoi.twin.surface.kubectl.common import KubectlError, get_object
from aoi.twin.surface.kubectl.describe.pods import pod_template_section
from aoi.twin.surface.kubectl.describe.writer import Writer
from aoi.twin.surface.kubectl.resources import ResourceInfo
from aoi.twin.surface.kubectl.tabwriter import tabwrite
from aoi.twin.surface.kubectl.writes.base import (
    commit,
    dry_run,
    ref,
    report,
    resource_name,
    targets,
)

if TYPE_CHECKING:
    from aoi.twin.world import World

ROLLABLE = ("Deployment", "StatefulSet", "DaemonSet")
REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
# Deployment annotations a rollback does not copy from the ReplicaSet (kubectl's skip list).
_SKIPPED = {
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
}
STEP_SECONDS = 2.0
_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$")

_USAGE = """Manage the rollout of one or many resources.

 Valid resource types include:

  *  deployments
  *  daemonsets
  *  statefulsets

Available Commands:
  history       View rollout history
  pause         Mark the provided resource as paused
  restart       Restart a resource
  resume        Resume a paused resource
  status        Show the status of the rollout
  undo          Undo a previous rollout

Usage:
  kubectl rollout SUBCOMMAND [options]

Use "kubectl rollout <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"""


def rollout(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    if not parsed.args:
        return CommandResult(_USAGE)
    sub, rest = parsed.args[0], parsed.args[1:]
    handler = _SUBCOMMANDS.get(sub)
    if handler is None:
        raise KubectlError(
            f'error: unknown command "{sub}" for "kubectl rollout"\n'
            "Run 'kubectl rollout --help' for usage."
        )
    found = targets(twin, parsed, stdin, verb=f"rollout {sub}", args=rest)
    out: list[str] = []
    errors: list[str] = []
    for info, ns, name in found:
        try:
            obj = get_object(twin, info, ns or "", name)
            out.append(handler(twin, parsed, info, obj))
        except KubectlError as exc:
            errors.append(exc.message)
            if sub == "status":
                break
    return CommandResult("".join(out), "".join(errors), 1 if errors else 0)


# --- status ------------------------------------------------------------------------------------
def _status(twin: World, parsed: Parsed, info: ResourceInfo, obj: Obj) -> str:
    if info.kind not in ROLLABLE:
        raise KubectlError(f"error: no status viewer has been implemented for {info.kind}")
    watch = parsed.flags.get("watch", True) is not False
    limit = _timeout(parsed.get_str("timeout"))
    deadline = float(obj["spec"].get("progressDeadlineSeconds", 600))
    lines: list[str] = []
    waited = 0.0
    while True:
        message, done = status_message(obj)
        if not lines or lines[-1] != message:
            lines.append(message)
        if done or not watch:
            return "".join(lines)
        if limit is not None and waited >= limit:
            raise KubectlError("".join(lines) + "error: timed out waiting for the condition")
        if info.kind == "Deployment" and waited >= deadline:
            raise KubectlError(
                "".join(lines)
                + f'error: deployment "{obj["metadata"]["name"]}" exceeded its progress deadline'
            )
        if line_limit.remaining(twin) <= STEP_SECONDS:
            line_limit.expire(twin, "".join(lines))
        twin.tick(STEP_SECONDS)
        waited += STEP_SECONDS


def status_message(obj: Obj) -> tuple[str, bool]:
    """kubectl's status viewers: the line it prints now, and whether the rollout is done."""
    name = obj["metadata"]["name"]
    generation = int(obj["metadata"].get("generation", 1))
    status = obj.get("status") or {}
    observed = int(status.get("observedGeneration", 0))
    spec = obj["spec"]
    if obj["kind"] == "Deployment":
        if generation > observed:
            return "Waiting for deployment spec update to be observed...\n", False
        desired = int(spec.get("replicas", 1))
        updated = int(status.get("updatedReplicas", 0))
        total = int(status.get("replicas", 0))
        available = int(status.get("availableReplicas", 0))
        prefix = f'Waiting for deployment "{name}" rollout to finish: '
        if updated < desired:
            return f"{prefix}{updated} out of {desired} new replicas have been updated...\n", False
        if total > updated:
            return f"{prefix}{total - updated} old replicas are pending termination...\n", False
        if available < updated:
            return f"{prefix}{available} of {updated} updated replicas are available...\n", False
        return f'deployment "{name}" successfully rolled out\n', True
    if obj["kind"] == "DaemonSet":
        if generation > observed:
            return "Waiting for daemon set spec update to be observed...\n", False
        desired = int(status.get("desiredNumberScheduled", 0))
        updated = int(status.get("updatedNumberScheduled", 0))
        available = int(status.get("numberAvailable", 0))
        prefix = f'Waiting for daemon set "{name}" rollout to finish: '
        if updated < desired:
            return f"{prefix}{updated} out of {desired} new pods have been updated...\n", False
        if available < desired:
            return f"{prefix}{available} of {desired} updated pods are available...\n", False
        return f'daemon set "{name}" successfully rolled out\n', True
    if observed == 0 or generation > observed:
        return "Waiting for statefulset spec update to be observed...\n", False
    desired = int(spec.get("replicas", 1))
    ready = int(status.get("readyReplicas", 0))
    if ready < desired:
        return f"Waiting for {desired - ready} pods to be ready...\n", False
    current = status.get("currentRevision", "")
    if status.get("updateRevision") != current:
        return (
            f"waiting for statefulset rolling update to complete {status.get('updatedReplicas', 0)} "
            f"pods at revision {status.get('updateRevision')}...\n",
            False,
        )
    return (
        f"statefulset rolling update complete {status.get('currentReplicas', 0)} pods at revision {current}...\n",
        True,
    )


def _timeout(text: str | None) -> float | None:
    """--timeout as seconds; None (0, unset) means wait as long as the rollout can progress."""
    if not text or text == "0":
        return None
    match = _DURATION.match(text)
    if match is None or not any(match.groups()):
        raise KubectlError(
            f'error: invalid argument "{text}" for "--timeout" flag: time: invalid duration "{text}"'
        )
    h, m, s = match.groups()
    seconds = int(h or 0) * 3600 + int(m or 0) * 60 + float(s or 0)
    return seconds or None


# --- history and undo -------------------------------------------------------------------------
def replica_sets(twin: World, dep: Obj) -> list[Obj]:
    uid = dep["metadata"]["uid"]
    return [
        rs
        for rs in twin.store.list("ReplicaSet", dep["metadata"]["namespace"])
        if any(r.get("uid") == uid for r in rs["metadata"].get("ownerReferences", []))
    ]


def _revisions(twin: World, obj: Obj) -> dict[int, Obj]:
    """revision -> pod template, as kubectl's history viewer reads it."""
    if obj["kind"] != "Deployment":
        return {1: copy.deepcopy(obj["spec"]["template"])}
    out: dict[int, Obj] = {}
    for rs in replica_sets(twin, obj):
        annotations = rs["metadata"].get("annotations", {})
        text = annotations.get(REVISION)
        if text is None or not text.isdigit():
            continue
        template = copy.deepcopy(rs["spec"]["template"])
        cause = annotations.get(CHANGE_CAUSE)
        if cause:
            template.setdefault("metadata", {}).setdefault("annotations", {})[CHANGE_CAUSE] = cause
        out[int(text)] = template
    return out


def _history(twin: World, parsed: Parsed, info: ResourceInfo, obj: Obj) -> str:
    if info.kind not in ROLLABLE:
        raise KubectlError(f'error: no history viewer has been implemented for "{info.kind}"')
    history = _revisions(twin, obj)
    revision = parsed.get_int("revision") or 0
    if revision > 0:
        template = history.get(revision)
        if template is None:
            raise KubectlError("error: unable to find the specified revision")
        w = Writer()
        pod_template_section(w, template)
        return f"{ref(obj)} with revision #{revision}\n{w.text()}\n"
    if not history:
        return f"{ref(obj)} \nNo rollout history found.\n"
    rows = ["REVISION\tCHANGE-CAUSE"]
    for number in sorted(history):
        cause = (history[number].get("metadata") or {}).get("annotations", {}).get(CHANGE_CAUSE)
        rows.append(f"{number}\t{cause or '<none>'}")
    return f"{ref(obj)} \n" + tabwrite("\n".join(rows) + "\n", minwidth=0, padding=2) + "\n"


def _undo(twin: World, parsed: Parsed, info: ResourceInfo, obj: Obj) -> str:
    name = obj["metadata"]["name"]
    if info.kind != "Deployment":
        if info.kind in ROLLABLE:
            raise KubectlError(f'error: no rollout history found for {info.kind.lower()} "{name}"')
        raise KubectlError(f'error: no rollbacker has been implemented for "{info.kind}"')
    to_revision = parsed.get_int("to-revision") or 0
    target = _revision_set(twin, obj, to_revision)
    if obj["spec"].get("paused"):
        raise KubectlError(
            "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again"
        )
    template = copy.deepcopy(target["spec"]["template"])
    template.get("metadata", {}).get("labels", {}).pop("pod-template-hash", None)
    dry = dry_run(parsed)
    if template == obj["spec"]["template"]:
        return f"{ref(obj)} skipped rollback (current template already matches revision {to_revision})\n"
    if dry:
        return report(parsed, [(obj, "rolled back")], dry).stdout
    new = copy.deepcopy(obj)
    new["spec"]["template"] = template
    annotations = new["metadata"].setdefault("annotations", {})
    for key, value in target["metadata"].get("annotations", {}).items():
        if key not in _SKIPPED:
            annotations[key] = value
    commit(twin, obj, new)
    return report(parsed, [(obj, "rolled back")]).stdout


def _revision_set(twin: World, dep: Obj, to_revision: int) -> Obj:
    latest: tuple[int, Obj] | None = None
    previous: tuple[int, Obj] | None = None
    for rs in replica_sets(twin, dep):
        text = rs["metadata"].get("annotations", {}).get(REVISION, "")
        if not text.isdigit():
            continue
        number = int(text)
        if to_revision:
            if number == to_revision:
                return rs
            continue
        if latest is None or number > latest[0]:
            previous, latest = latest, (number, rs)
        elif previous is None or number > previous[0]:
            previous = (number, rs)
    if to_revision:
        raise KubectlError(f"error: unable to find specified revision {to_revision} in history")
    if previous is None:
        raise KubectlError(
            f'error: no rollout history found for deployment "{dep["metadata"]["name"]}"'
        )
    return previous[1]


# --- restart, pause, resume --------------------------------------------------------------------
def _restart(twin: World, parsed: Parsed, info: ResourceInfo, obj: Obj) -> str:
    name = obj["metadata"]["name"]
    if info.kind not in ROLLABLE:
        raise KubectlError(f'error: {resource_name(info)} "{name}" restarting is not supported')
    if obj["spec"].get("paused"):
        raise KubectlError(
            f'error: {resource_name(info)} "{name}" can\'t restart paused deployment (run rollout resume first)'
        )
    new = copy.deepcopy(obj)
    template = new["spec"]["template"].setdefault("metadata", {})
    template.setdefault("annotations", {})[RESTARTED_AT] = rfc3339(twin.clock.now())
    dry = dry_run(parsed)
    if dry:
        return report(parsed, [(new, "restarted")], dry).stdout
    return report(parsed, [(commit(twin, obj, new), "restarted")]).stdout


def _pause(twin: World, parsed: Parsed, info: ResourceInfo, obj: Obj) -> str:
    return _set_paused(twin, parsed, info, obj, paused=True)


def _resume(twin: World, parsed: Parsed, info: ResourceInfo, obj: Obj) -> str:
    return _set_paused(twin, parsed, info, obj, paused=False)


def _set_paused(twin: World, parsed: Parsed, info: ResourceInfo, obj: Obj, *, paused: bool) -> str:
    name = obj["metadata"]["name"]
    word = "paused" if paused else "resumed"
    if info.kind != "Deployment":
        raise KubectlError(
            f'error: {resource_name(info)} "{name}" {"pausing" if paused else "resuming"} is not supported'
        )
    if bool(obj["spec"].get("paused")) == paused:
        raise KubectlError(
            f'error: {resource_name(info)} "{name}" is {"already paused" if paused else "not paused"}'
        )
    new = copy.deepcopy(obj)
    if paused:
        new["spec"]["paused"] = True
    else:
        new["spec"].pop("paused", None)
    dry = dry_run(parsed)
    if dry:
        return report(parsed, [(new, word)], dry).stdout
    return report(parsed, [(commit(twin, obj, new), word)]).stdout


_SUBCOMMANDS = {
    "status": _status,
    "history": _history,
    "undo": _undo,
    "restart": _restart,
    "pause": _pause,
    "resume": _resume,
}
