"""`kubectl scale`: set the replicas of Deployments, ReplicaSets and StatefulSets."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from aoi.kube.flags import Parsed
from aoi.shelltools import CommandResult
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.common import KubectlError, get_object
from aoi.twin.surface.kubectl.writes.base import commit, dry_run, report, targets

if TYPE_CHECKING:
    from aoi.twin.world import World

SCALABLE = ("Deployment", "ReplicaSet", "StatefulSet")


def scale(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    if "replicas" not in parsed.flags:
        raise KubectlError('error: required flag(s) "replicas" not set')
    replicas = parsed.get_int("replicas")
    if replicas is None or replicas < 0:
        raise KubectlError(
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
        )
    current = parsed.get_int("current-replicas")
    dry = dry_run(parsed)
    found = targets(twin, parsed, stdin, verb="scale")
    if not found:
        scope = parsed.get_str("namespace") or "default"
        return CommandResult("", f"No resources found in {scope} namespace.\n")
    done: list[tuple[Obj, str]] = []
    errors: list[str] = []
    for info, ns, name in found:
        try:
            obj = get_object(twin, info, ns or "", name)
            if info.kind not in SCALABLE:
                raise KubectlError(
                    "Error from server (NotFound): the server could not find the requested resource"
                )
            have = int(obj["spec"].get("replicas", 1))
            if current is not None and current != -1 and current != have:
                raise KubectlError(f"error: Expected replicas to be {current}, was {have}")
            if dry:
                preview = copy.deepcopy(obj)
                preview["spec"]["replicas"] = replicas
                done.append((preview, "scaled"))
                continue
            if have == replicas:
                done.append((obj, "scaled"))
                continue
            new = copy.deepcopy(obj)
            new["spec"]["replicas"] = replicas
            done.append((commit(twin, obj, new), "scaled"))
        except KubectlError as exc:
            errors.append(exc.message)
    result = report(parsed, done, dry)
    if errors:
        return CommandResult(result.stdout, "".join(errors), 1)
    return result
