"""`kubectl delete`: objects by name, label selector, --all or -f, with the garbage collector's cascade.

Deleting an owner deletes what it owns (Deployment -> ReplicaSets -> Pods) unless
`--cascade=orphan`; deleting a namespace deletes everything in it; claims and volumes still
in use stay Terminating (their protection finalizers) until nothing uses them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aoi.kube.flags import Parsed
from aoi.shelltools import CommandResult
from aoi.twin.cluster.clock import rfc3339
from aoi.twin.cluster.store import KINDS, Obj
from aoi.twin.surface.kubectl.common import KubectlError, get_object
from aoi.twin.surface.kubectl.writes.base import dry_run, ref, settle, suffix, targets
from aoi.twin.surface.kubectl.writes.claims import claim_in_use

if TYPE_CHECKING:
    from aoi.twin.world import World

IMMORTAL_NAMESPACES = ("default", "kube-system", "kube-public")
FORCE_WARNING = (
    "Warning: Immediate deletion does not wait for confirmation that the running resource has "
    "been terminated. The resource may continue to run on the cluster indefinitely.\n"
)


def delete(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    dry = dry_run(parsed)
    cascade = parsed.get_str("cascade") or "background"
    if cascade in ("true",):
        cascade = "background"
    if cascade == "false":
        cascade = "orphan"
    if cascade not in ("background", "foreground", "orphan"):
        raise KubectlError(
            f'error: invalid cascade value ({cascade}). Must be "background", "foreground", or "orphan".'
        )
    grace = parsed.get_int("grace-period")
    force = parsed.get_bool("force")
    if force and grace is None:
        grace = 0
    if grace == 0 and not force:
        grace = 1
    forced = force and grace == 0
    found = targets(twin, parsed, stdin, verb="delete")
    if not found:
        return CommandResult("No resources found\n")
    output = parsed.get_str("output")
    out: list[str] = []
    errors: list[str] = []
    for info, ns, name in found:
        try:
            obj = get_object(twin, info, ns or "", name)
        except KubectlError as exc:
            if not parsed.get_bool("ignore-not-found"):
                errors.append(exc.message)
            continue
        try:
            if obj["kind"] == "Namespace" and name in IMMORTAL_NAMESPACES:
                raise KubectlError(
                    f'Error from server (Forbidden): namespaces "{name}" is forbidden: this namespace may not be deleted'
                )
            if not dry:
                delete_object(twin, obj, cascade=cascade)
        except KubectlError as exc:
            errors.append(exc.message)
            continue
        if output == "name":
            out.append(ref(obj) + "\n")
        else:
            word = "force deleted" if forced else "deleted"
            out.append(f'{info.qualified} "{name}" {word}{suffix(dry)}\n')
    if not dry:
        settle(twin)
    warning = FORCE_WARNING if forced else ""
    return CommandResult("".join(out), warning + "".join(errors), 1 if errors else 0)


def delete_object(twin: World, obj: Obj, *, cascade: str = "background") -> None:
    """Remove `obj` and, unless orphaning, everything it owns; the caller settles the twin."""
    kind = obj["kind"]
    meta = obj["metadata"]
    now = twin.clock.now()
    if kind == "Namespace":
        _delete_namespace(twin, meta["name"])
        return
    if kind == "PersistentVolumeClaim" and claim_in_use(twin, meta["namespace"], meta["name"]):
        _terminating(twin, obj)
        return
    if kind == "PersistentVolume":
        ref_ = obj["spec"].get("claimRef") or {}
        bound = obj.get("status", {}).get("phase") == "Bound" and twin.store.get(
            "PersistentVolumeClaim", ref_.get("namespace"), ref_.get("name", "")
        )
        if bound:
            _terminating(twin, obj)
            return
    for dependent in _dependents(twin, obj):
        if cascade == "orphan":
            refs = [
                r
                for r in dependent["metadata"].get("ownerReferences", [])
                if r.get("uid") != meta["uid"]
            ]
            if refs:
                dependent["metadata"]["ownerReferences"] = refs
            else:
                dependent["metadata"].pop("ownerReferences", None)
            twin.store.touch(dependent)
        else:
            delete_object(twin, dependent, cascade=cascade)
    if kind == "Pod":
        twin.controller.delete_pod(obj, now)
    else:
        twin.store.delete(kind, meta.get("namespace"), meta["name"])


def _terminating(twin: World, obj: Obj) -> None:
    meta = obj["metadata"]
    if not meta.get("deletionTimestamp"):
        meta["deletionTimestamp"] = rfc3339(twin.clock.now())
        meta["deletionGracePeriodSeconds"] = 0
        twin.store.touch(obj)


def _dependents(twin: World, owner: Obj) -> list[Obj]:
    uid = owner["metadata"]["uid"]
    ns = owner["metadata"].get("namespace")
    kinds = ("ReplicaSet", "Pod", "Endpoints") if owner["kind"] != "Job" else ("Pod",)
    out = []
    for kind in kinds:
        for obj in twin.store.list(kind, ns):
            if any(r.get("uid") == uid for r in obj["metadata"].get("ownerReferences", [])):
                out.append(obj)
    return out


def _delete_namespace(twin: World, name: str) -> None:
    store = twin.store
    for kind, kind_info in KINDS.items():
        if not kind_info.namespaced:
            continue
        for obj in store.list(kind, name):
            if kind == "Pod":
                twin.controller.delete_pod(obj, twin.clock.now())
            else:
                store.delete(kind, name, obj["metadata"]["name"])
    store.delete("Namespace", None, name)
