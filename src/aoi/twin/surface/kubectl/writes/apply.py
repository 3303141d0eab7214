"""`kubectl apply -f` (client-side apply with the last-applied-configuration annotation),
`kubectl replace -f`, and creating objects from manifests (shared with `kubectl create -f`)."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

from aoi.kube.flags import Parsed
from aoi.shelltools import CommandResult
from aoi.twin.cluster.clock import rfc3339
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.common import KubectlError, get_object, namespace_of, to_json, to_yaml
from aoi.twin.surface.kubectl.resources import ResourceInfo
from aoi.twin.surface.kubectl.writes import validate
from aoi.twin.surface.kubectl.writes.base import (
    commit,
    comparable,
    dry_run,
    keep_server_fields,
    report,
    resource_name,
    settle,
    targets,
)
from aoi.twin.surface.kubectl.writes.defaults import apply_defaults, namespace_companions
from aoi.twin.surface.kubectl.writes.manifests import Manifest, load, require_held, target_namespace
from aoi.twin.surface.kubectl.writes.merge import three_way

if TYPE_CHECKING:
    from aoi.twin.world import World

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_CLIENT_DROPPED = (
    "resourceVersion",
    "uid",
    "creationTimestamp",
    "managedFields",
    "generation",
    "selfLink",
)


def last_applied_text(obj: Obj) -> str:
    """The annotation kubectl writes: the object as sent, annotations without itself, as Go's
    json.Marshal encodes it (sorted keys, compact, HTML-escaped) plus a newline."""
    body = copy.deepcopy(obj)
    annotations = body.setdefault("metadata", {}).get("annotations") or {}
    annotations.pop(LAST_APPLIED, None)
    body["metadata"]["annotations"] = annotations
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text + "\n"


def with_last_applied(obj: Obj) -> Obj:
    out = copy.deepcopy(obj)
    text = last_applied_text(obj)
    out["metadata"].setdefault("annotations", {})[LAST_APPLIED] = text
    return out


def _clean(obj: Obj) -> Obj:
    """What kubectl sends: a manifest copied from `get -o yaml` loses server-owned metadata."""
    out = copy.deepcopy(obj)
    meta = out.setdefault("metadata", {})
    for key in _CLIENT_DROPPED:
        meta.pop(key, None)
    return out


def check_target(twin: World, manifest: Manifest, parsed: Parsed) -> str | None:
    """The namespace a manifest's object goes to, after kubectl's and the server's checks."""
    require_held(manifest)
    flag_ns = namespace_of(twin, parsed)
    ns = target_namespace(manifest, flag_ns, "namespace" in parsed.flags)
    if not manifest.obj["metadata"].get("name"):
        info = manifest.info
        raise KubectlError(
            "error: error when retrieving current configuration of:\n"
            f'Resource: "{info.api_version}, Resource={info.plural}", GroupVersionKind: '
            f'"{info.api_version}, Kind={info.kind}"\n'
            f'Name: "", Namespace: "{ns or ""}"\n'
            f'from server for: "{manifest.source}": resource name may not be empty'
        )
    return ns


def create_object(
    twin: World, obj: Obj, info: ResourceInfo, source: str | None = None, *, dry: str = ""
) -> Obj:
    """Create `obj` as the API server does (defaults, validation, companions); raises kubectl's errors."""
    meta = obj["metadata"]
    name = meta["name"]
    ns = meta.get("namespace") if info.namespaced else None
    when = f'error when creating "{source}": ' if source else ""
    if ns is not None and twin.store.get("Namespace", None, ns) is None:
        raise KubectlError(f'Error from server (NotFound): {when}namespaces "{ns}" not found')
    if twin.store.get(info.kind, ns, name) is not None:
        raise KubectlError(
            f'Error from server (AlreadyExists): {when}{resource_name(info)} "{name}" already exists'
        )
    namespace = twin.store.get("Namespace", None, ns) if ns is not None else None
    if namespace is not None and namespace.get("status", {}).get("phase") == "Terminating":
        raise KubectlError(
            f'Error from server (Forbidden): {when}{resource_name(info)} "{name}" is forbidden: '
            f"unable to create new content in namespace {ns} because it is being terminated"
        )
    new = _clean(obj)
    new["apiVersion"] = info.api_version
    apply_defaults(twin, new, creating=True)
    validate.check(new)
    if dry:
        return new
    stored = twin.store.add(new)
    if info.kind == "Namespace":
        namespace_companions(twin, name, rfc3339(twin.clock.now()))
    settle(twin)
    return stored


# --- apply -------------------------------------------------------------------------------------
def apply(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    if parsed.args[:1] == ["view-last-applied"]:
        return _view_last_applied(twin, parsed, stdin)
    if parsed.args[:1] in (["set-last-applied"], ["edit-last-applied"]):
        raise KubectlError(f"error: kubectl apply {parsed.args[0]} is not supported by the twin")
    if parsed.get_bool("prune"):
        raise KubectlError("error: kubectl apply --prune is not supported by the twin")
    if parsed.get_str("kustomize"):
        raise KubectlError(
            "error: kustomize is not supported by the twin; apply the built manifests with -f"
        )
    if not parsed.get_list("filename"):
        raise KubectlError("error: must specify one of -f and -k")
    if parsed.args:
        raise KubectlError(
            f"error: Unexpected args: [{' '.join(parsed.args)}]\nSee 'kubectl apply -h' for help and examples"
        )
    server_side = parsed.get_bool("server-side")
    dry = dry_run(parsed)
    manifests = load(parsed, stdin, validate=parsed.get_str("validate") not in ("false", "ignore"))
    if not manifests:
        raise KubectlError("error: no objects passed to apply")
    done: list[tuple[Obj, str]] = []
    warnings: list[str] = []
    errors: list[str] = []
    for manifest in manifests:
        try:
            done.append(_apply_one(twin, parsed, manifest, dry, server_side, warnings))
        except KubectlError as exc:
            errors.append(exc.message)
    result = report(parsed, done, dry)
    return CommandResult(result.stdout, "".join(warnings) + "".join(errors), 1 if errors else 0)


def _apply_one(
    twin: World,
    parsed: Parsed,
    manifest: Manifest,
    dry: str,
    server_side: bool,
    warnings: list[str],
) -> tuple[Obj, str]:
    ns = check_target(twin, manifest, parsed)
    info = manifest.info
    sent = _clean(manifest.obj)
    modified = sent if server_side else with_last_applied(sent)
    live = twin.store.get(info.kind, ns, sent["metadata"]["name"])
    if live is None:
        created = create_object(twin, modified, info, manifest.source, dry=dry)
        return created, "serverside-applied" if server_side else "created"
    annotations = live["metadata"].get("annotations") or {}
    original: dict[str, Any] | None = None
    if not server_side:
        if LAST_APPLIED in annotations:
            try:
                loaded = json.loads(annotations[LAST_APPLIED])
                original = loaded if isinstance(loaded, dict) else None
            except json.JSONDecodeError:
                original = None
        else:
            warnings.append(
                f"Warning: resource {resource_name(info)}/{live['metadata']['name']} is missing the "
                f"{LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should "
                "only be used on resources created declaratively by either kubectl create "
                "--save-config or kubectl apply. The missing annotation will be patched automatically.\n"
            )
    merged = three_way(original, modified, live, info.kind)
    keep_server_fields(live, merged)
    apply_defaults(twin, merged, creating=False)
    validate.check(merged, live)
    if comparable(merged) == comparable(live):
        return live, "serverside-applied" if server_side else "unchanged"
    word = "serverside-applied" if server_side else "configured"
    if dry:
        return merged, word
    return commit(twin, live, merged), word


def _view_last_applied(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    out: list[str] = []
    output = parsed.get_str("output") or "yaml"
    for info, ns, name in targets(twin, parsed, stdin, verb="apply", args=parsed.args[1:]):
        obj = get_object(twin, info, ns or "", name)
        text = (obj["metadata"].get("annotations") or {}).get(LAST_APPLIED)
        if text is None:
            raise KubectlError(
                f"error: no last-applied-configuration annotation found on resource: {name}"
            )
        value = json.loads(text)
        out.append(to_json(value) if output == "json" else to_yaml(value))
    return CommandResult("".join(out))


# --- replace -----------------------------------------------------------------------------------
def replace(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    if not parsed.get_list("filename"):
        raise KubectlError("error: must specify --filename to replace")
    dry = dry_run(parsed)
    done: list[tuple[Obj, str]] = []
    errors: list[str] = []
    deleted: list[str] = []
    for manifest in load(parsed, stdin):
        try:
            ns = check_target(twin, manifest, parsed)
            info = manifest.info
            name = manifest.obj["metadata"]["name"]
            live = twin.store.get(info.kind, ns, name)
            if live is None:
                raise KubectlError(
                    f'Error from server (NotFound): error when replacing "{manifest.source}": '
                    f'{resource_name(info)} "{name}" not found'
                )
            if parsed.get_bool("force"):
                from aoi.twin.surface.kubectl.writes.delete import delete_object

                if not dry:
                    delete_object(twin, live)
                    settle(twin)
                deleted.append(f'{info.qualified} "{name}" deleted\n')
                done.append(
                    (create_object(twin, manifest.obj, info, manifest.source, dry=dry), "replaced")
                )
                continue
            new = _clean(manifest.obj)
            keep_server_fields(live, new)
            apply_defaults(twin, new, creating=False)
            validate.check(new, live)
            if dry:
                done.append((new, "replaced"))
                continue
            done.append((commit(twin, live, new), "replaced"))
        except KubectlError as exc:
            errors.append(exc.message)
    result = report(parsed, done, dry)
    return CommandResult("".join(deleted) + result.stdout, "".join(errors), 1 if errors else 0)
