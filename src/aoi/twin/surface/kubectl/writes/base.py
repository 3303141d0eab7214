"""What every writing verb shares: dry-run, the success line or -o output, and committing a change."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from aoi.kube.flags import Parsed, dry_run_strategy
from aoi.shelltools import CommandResult
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.common import KubectlError, render_structured
from aoi.twin.surface.kubectl.resources import ResourceInfo, info_for_kind

if TYPE_CHECKING:
    from aoi.twin.world import World

WORKLOADS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job")
# Kinds whose status only controllers write (the status subresource): user writes keep it.
STATUS_OWNED = (
    *WORKLOADS,
    "Pod",
    "Service",
    "Node",
    "Namespace",
    "PersistentVolume",
    "PersistentVolumeClaim",
)
CHANGE_CAUSE = "kubernetes.io/change-cause"
_SERVER_META = ("uid", "creationTimestamp", "resourceVersion", "generation", "managedFields")


def dry_run(parsed: Parsed) -> str:
    """'' (none), 'client' or 'server', from --dry-run, with kubectl's error for anything else."""
    value = parsed.get_str("dry-run")
    strategy = dry_run_strategy(value)
    if strategy is not None:
        return strategy  # kubectl warns that bare and boolean values are deprecated
    raise KubectlError(
        f'error: Invalid dry-run value ({value}). Must be "none", "server", or "client".'
    )


def suffix(dry: str) -> str:
    return {"client": " (dry run)", "server": " (server dry run)"}.get(dry, "")


def ref(obj: Obj) -> str:
    """`deployment.apps/geo`: how kubectl's name printer names an object."""
    return f"{info_for_kind(obj['kind']).qualified}/{obj['metadata']['name']}"


def _plural_qualified(info: ResourceInfo) -> str:
    return f"{info.plural}.{info.group}" if info.group else info.plural


def resource_name(info: ResourceInfo) -> str:
    """`deployments.apps`, `pods`: the resource as the API server's messages name it."""
    return _plural_qualified(info)


def report(parsed: Parsed, objs: list[tuple[Obj, str]], dry: str = "") -> CommandResult:
    """The success output of a write: `-o name|json|yaml|...`, or `<ref> <operation>` lines."""
    output = parsed.get_str("output") or ""
    if not objs:
        return CommandResult("")
    if output == "name":
        return CommandResult("".join(ref(o) + "\n" for o, _ in objs))
    if output:
        items = [o for o, _ in objs]
        return render_structured(output, items, single=len(items) == 1)
    return CommandResult("".join(f"{ref(o)} {op}{suffix(dry)}\n" for o, op in objs))


def comparable(obj: Obj) -> Obj:
    """An object without the fields every write moves (to tell a change from no change)."""
    out = copy.deepcopy(obj)
    meta = out.get("metadata", {})
    for key in ("resourceVersion", "managedFields"):
        meta.pop(key, None)
    return out


def keep_server_fields(old: Obj, new: Obj) -> Obj:
    """Fields a user's write cannot change: identity, resource version, and status where owned."""
    meta = new.setdefault("metadata", {})
    for key in _SERVER_META:
        if key in old.get("metadata", {}):
            meta[key] = old["metadata"][key]
        else:
            meta.pop(key, None)
    if old["kind"] in STATUS_OWNED:
        if "status" in old:
            new["status"] = copy.deepcopy(old["status"])
        else:
            new.pop("status", None)
    new["kind"] = old["kind"]
    new["apiVersion"] = old["apiVersion"]
    return new


def commit(twin: World, old: Obj | None, new: Obj) -> Obj:
    """Store `new` in place of `old` as the API server would: generation, resourceVersion, then
    let the controllers react. Returns the stored object."""
    if old is None:
        stored = twin.store.add(new)
    else:
        if new["kind"] in WORKLOADS and old.get("spec") != new.get("spec"):
            new["metadata"]["generation"] = int(old["metadata"].get("generation", 1)) + 1
        # replace in place, so references the controllers hold stay valid
        old.clear()
        old.update(new)
        stored = twin.store.replace(old)
    settle(twin)
    if stored["kind"] == "Deployment":
        adopt_replica_set(twin, stored)
    return stored


def adopt_replica_set(twin: World, dep: Obj) -> None:
    """Keep the newest ReplicaSet's change-cause in step with the Deployment's.

    Everything else a template change sets off (a new ReplicaSet, or an old one
    adopted back as the newest revision; old pods kept until the new ones are
    ready) is the deployment controller's work, in `aoi.twin.cluster.controller`.
    """
    from aoi.twin.cluster.workloads import template_hash

    if dep["spec"].get("paused"):
        return
    phash = template_hash(dep["spec"]["template"])
    current = next(
        (
            rs
            for rs in twin.store.owned("ReplicaSet", dep)
            if rs["metadata"].get("labels", {}).get("pod-template-hash") == phash
        ),
        None,
    )
    if current is None:
        return
    cause = dep["metadata"].get("annotations", {}).get(CHANGE_CAUSE)
    current_annotations = current["metadata"].setdefault("annotations", {})
    if cause is not None and current_annotations.get(CHANGE_CAUSE) != cause:
        current_annotations[CHANGE_CAUSE] = cause
        twin.store.touch(current)


def _revision(rs: Obj) -> int:
    text = rs["metadata"].get("annotations", {}).get("deployment.kubernetes.io/revision", "0")
    return int(text) if str(text).isdigit() else 0


def settle(twin: World) -> None:
    """After any write: bind claims, then let every controller react."""
    from aoi.twin.surface.kubectl.writes.claims import bind_claims

    bind_claims(twin)
    twin.changed()
    # pods the controllers just removed may have been the last users of a claim
    if bind_claims(twin):
        twin.changed()


# --- what a verb acts on ---------------------------------------------------------------------
NO_RESOURCES = (
    "error: You must provide one or more resources by argument or filename.\n"
    "Example resource specifications include:\n"
    "   '-f rsrc.yaml'\n"
    "   '--filename=rsrc.json'\n"
    "   '<resource> <name>'\n"
    "   '<resource>'"
)


def targets(
    twin: World,
    parsed: Parsed,
    stdin: str,
    *,
    verb: str,
    args: list[str] | None = None,
    allow_select: bool = True,
) -> list[tuple[ResourceInfo, str | None, str]]:
    """(type, namespace, name) of what a verb names: `TYPE NAME...`, `TYPE/NAME...`, `-f FILE`,
    or `TYPE -l SELECTOR` / `TYPE --all`. Raises kubectl's errors for missing pieces."""
    from aoi.twin.surface.kubectl.common import list_objects, namespace_of, split_type_name
    from aoi.twin.surface.kubectl.selectors import SelectorError, label_matcher
    from aoi.twin.surface.kubectl.writes.manifests import load, target_namespace

    words = parsed.args if args is None else args
    ns = namespace_of(twin, parsed)
    if parsed.get_list("filename"):
        if words:
            raise KubectlError(f"error: Unexpected args: [{' '.join(words)}]")
        out: list[tuple[ResourceInfo, str | None, str]] = []
        for manifest in load(parsed, stdin):
            scope = target_namespace(manifest, ns, "namespace" in parsed.flags)
            out.append((manifest.info, scope, str(manifest.obj["metadata"].get("name", ""))))
        if not out:
            raise KubectlError(f"error: no objects passed to {verb}")
        return out
    if not words:
        raise KubectlError(NO_RESOURCES)
    pairs = split_type_name(words)
    named = [(info, name) for info, name in pairs if name is not None]
    if named:
        return [(info, ns if info.namespaced else None, name) for info, name in named]
    selector = parsed.get_str("selector")
    if allow_select and (selector is not None or parsed.get_bool("all")):
        try:
            matches = label_matcher(selector)
        except SelectorError as exc:
            raise KubectlError(f"error: {exc}") from None
        all_ns = parsed.get_bool("all-namespaces")
        out = []
        for info, _ in pairs:
            for obj in list_objects(twin, info, None if all_ns else ns):
                if matches(obj):
                    out.append(
                        (info, obj["metadata"].get("namespace"), str(obj["metadata"]["name"]))
                    )
        return out
    raise KubectlError("error: resource(s) were provided, but no name was specified")
