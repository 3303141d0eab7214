"""Writes through the API: create, replace, patch, delete, scale and status updates.

Each one is the twin's own write logic (defaults, validation, generation, resourceVersion,
the garbage collector's cascade, the controllers reacting at once), the same functions the
in-process `kubectl` verbs call; failures come back as `ApiError` with the server's Status.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

from aoi.apiserver.errors import ApiError, already_exists, bad_request, from_kubectl, not_found
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.common import KubectlError
from aoi.twin.surface.kubectl.resources import ResourceInfo
from aoi.twin.surface.kubectl.writes import validate
from aoi.twin.surface.kubectl.writes.apply import create_object
from aoi.twin.surface.kubectl.writes.base import commit, comparable, keep_server_fields, settle
from aoi.twin.surface.kubectl.writes.defaults import apply_defaults
from aoi.twin.surface.kubectl.writes.delete import IMMORTAL_NAMESPACES, delete_object
from aoi.twin.surface.kubectl.writes.merge import three_way
from aoi.twin.surface.kubectl.writes.patch import patched

if TYPE_CHECKING:
    from aoi.twin.core import Twin

PATCH_TYPES = {
    "application/json-patch+json": "json",
    "application/merge-patch+json": "merge",
    "application/strategic-merge-patch+json": "strategic",
    "application/apply-patch+yaml": "apply",
    "application/apply-patch+cbor": "apply",
}
SCALABLE = ("Deployment", "ReplicaSet", "StatefulSet")
T = TypeVar("T")


@contextmanager
def server_errors() -> Iterator[None]:
    """Turn the twin's kubectl errors into the Status the API server answers with."""
    try:
        yield
    except KubectlError as exc:
        raise from_kubectl(exc.message) from None


def _resource(info: ResourceInfo) -> tuple[str, str]:
    return info.plural, info.group


def live(twin: Twin, info: ResourceInfo, namespace: str | None, name: str) -> Obj:
    obj = twin.store.get(info.kind, namespace, name) if info.held else None
    if obj is None:
        raise not_found(*_resource(info)[:1], name, info.group)
    return obj


def _check_body(info: ResourceInfo, namespace: str | None, body: Any, name: str | None) -> Obj:
    if not isinstance(body, dict):
        raise bad_request("the body of the request was in an unknown format")
    body.setdefault("metadata", {})
    if body.get("kind") not in (None, info.kind):
        raise bad_request(
            f"the API version in the data ({body.get('apiVersion')}) does not match the "
            f"expected API version ({info.api_version})"
        )
    body["kind"] = info.kind
    body["apiVersion"] = info.api_version
    meta = body["metadata"]
    if info.namespaced:
        if meta.get("namespace") not in (None, "", namespace):
            raise bad_request(
                "the namespace of the provided object does not match the namespace sent on "
                "the request"
            )
        meta["namespace"] = namespace
    else:
        meta.pop("namespace", None)
    if name is not None and meta.get("name") not in (None, name):
        raise bad_request(
            f"the name of the object ({meta.get('name')}) does not match the name on the URL ({name})"
        )
    if name is not None:
        meta["name"] = name
    return body


def create(twin: Twin, info: ResourceInfo, namespace: str | None, body: Any, *, dry: bool) -> Obj:
    obj = _check_body(info, namespace, body, None)
    meta = obj["metadata"]
    if not meta.get("name"):
        if meta.get("generateName"):
            meta["name"] = meta["generateName"] + twin.store.random_suffix()
        else:
            raise ApiError(
                "Invalid",
                f'{info.kind} "" is invalid: metadata.name: Required value: name or '
                "generateName is required",
                details={
                    "kind": info.kind,
                    "causes": [
                        {
                            "reason": "FieldValueRequired",
                            "message": "Required value: name or generateName is required",
                            "field": "metadata.name",
                        }
                    ],
                },
            )
    if not info.held:
        raise ApiError(
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        )
    if twin.store.get(info.kind, meta.get("namespace"), meta["name"]) is not None:
        raise already_exists(info.plural, meta["name"], info.group)
    with server_errors():
        return create_object(twin, obj, info, dry="server" if dry else "")


def _conflict(info: ResourceInfo, name: str) -> ApiError:
    qualified = f"{info.plural}.{info.group}" if info.group else info.plural
    return ApiError(
        "Conflict",
        f'Operation cannot be fulfilled on {qualified} "{name}": the object has been modified; '
        "please apply your changes to the latest version and try again",
        details={
            "name": name,
            "kind": info.plural,
            **({"group": info.group} if info.group else {}),
        },
    )


def _store(twin: Twin, old: Obj, new: Obj, *, dry: bool) -> Obj:
    """Default, validate and commit `new` in place of `old` (a no-op write changes nothing)."""
    with server_errors():
        apply_defaults(twin, new, creating=False)
        validate.check(new, old)
    if comparable(new) == comparable(old):
        return old
    if dry:
        return new
    return commit(twin, old, new)


def replace(
    twin: Twin, info: ResourceInfo, namespace: str | None, name: str, body: Any, *, dry: bool
) -> Obj:
    obj = _check_body(info, namespace, body, name)
    old = live(twin, info, namespace, name)
    sent_version = obj["metadata"].get("resourceVersion")
    if sent_version and sent_version != old["metadata"].get("resourceVersion"):
        raise _conflict(info, name)
    new = copy.deepcopy(obj)
    keep_server_fields(old, new)
    return _store(twin, old, new, dry=dry)


def patch(
    twin: Twin,
    info: ResourceInfo,
    namespace: str | None,
    name: str,
    body: bytes,
    content_type: str,
    *,
    dry: bool,
) -> Obj:
    kind = PATCH_TYPES.get(content_type.split(";")[0].strip())
    if kind is None:
        raise ApiError(
            "UnsupportedMediaType",
            f"the body of the request was in an unknown format - accepted media types include: "
            f"{', '.join(k for k in PATCH_TYPES if not k.endswith('cbor'))}",
        )
    if kind == "apply":
        return _server_side_apply(twin, info, namespace, name, body, dry=dry)
    old = live(twin, info, namespace, name)
    with server_errors():
        new = patched(old, body.decode("utf-8", "replace"), kind)
    sent_version = new["metadata"].get("resourceVersion")
    if sent_version and sent_version != old["metadata"].get("resourceVersion"):
        raise _conflict(info, name)
    keep_server_fields(old, new)
    if new["metadata"].get("name") != name:
        raise bad_request(
            f"the name of the object ({new['metadata'].get('name')}) does not match the name "
            f"on the URL ({name})"
        )
    return _store(twin, old, new, dry=dry)


def _server_side_apply(
    twin: Twin, info: ResourceInfo, namespace: str | None, name: str, body: bytes, *, dry: bool
) -> Obj:
    try:
        sent = yaml.safe_load(body.decode("utf-8", "replace"))
    except yaml.YAMLError as exc:
        raise bad_request(f"error decoding YAML: {exc}") from None
    obj = _check_body(info, namespace, sent, name)
    current = twin.store.get(info.kind, namespace, name) if info.held else None
    if current is None:
        return create(twin, info, namespace, obj, dry=dry)
    with server_errors():
        merged = three_way(None, obj, current, info.kind)
    keep_server_fields(current, merged)
    return _store(twin, current, merged, dry=dry)


def delete(
    twin: Twin,
    info: ResourceInfo,
    namespace: str | None,
    name: str,
    *,
    propagation: str = "Background",
    dry: bool,
) -> Obj:
    """Delete one object (and, unless orphaning, what it owns); returns it as it was."""
    obj = live(twin, info, namespace, name)
    if info.kind == "Namespace" and name in IMMORTAL_NAMESPACES:
        raise ApiError(
            "Forbidden",
            f'namespaces "{name}" is forbidden: this namespace may not be deleted',
            details={"name": name, "kind": "namespaces"},
        )
    cascade = {"background": "background", "foreground": "foreground", "orphan": "orphan"}.get(
        propagation.lower()
    )
    if cascade is None:
        raise ApiError(
            "Invalid",
            f'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: '
            f'"{propagation}": supported values: "Foreground", "Background", "Orphan", "nil"',
        )
    before = copy.deepcopy(obj)
    if dry:
        return before
    with server_errors():
        delete_object(twin, obj, cascade=cascade)
        settle(twin)
    still = twin.store.get(info.kind, namespace, name)
    return copy.deepcopy(still) if still is not None else before


def propagation_of(options: Any, query: str | None) -> str:
    if isinstance(options, dict):
        policy = options.get("propagationPolicy")
        if isinstance(policy, str) and policy:
            return policy
        if options.get("orphanDependents") is True:
            return "Orphan"
    return query or "Background"


# --- the scale and status subresources -----------------------------------------------------
def scale_of(obj: Obj) -> Obj:
    from aoi.twin.surface.kubectl.values import selector_string

    meta = obj["metadata"]
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta["name"],
            "namespace": meta.get("namespace"),
            "uid": meta.get("uid"),
            "resourceVersion": meta.get("resourceVersion"),
            "creationTimestamp": meta.get("creationTimestamp"),
        },
        "spec": {"replicas": int(obj["spec"].get("replicas", 1))},
        "status": {
            "replicas": int(obj.get("status", {}).get("replicas", 0)),
            "selector": selector_string(obj["spec"].get("selector")),
        },
    }


def update_scale(
    twin: Twin,
    info: ResourceInfo,
    namespace: str | None,
    name: str,
    change: Callable[[Obj], Obj],
    *,
    dry: bool,
) -> Obj:
    """Apply `change` to the Scale of a workload and store the replicas it asks for."""
    obj = live(twin, info, namespace, name)
    if info.kind not in SCALABLE:
        raise ApiError("NotFound", "the server could not find the requested resource")
    scale = change(scale_of(obj))
    sent_version = (scale.get("metadata") or {}).get("resourceVersion")
    if sent_version and sent_version != obj["metadata"].get("resourceVersion"):
        raise _conflict(info, name)
    replicas = (scale.get("spec") or {}).get("replicas")
    if not isinstance(replicas, int) or replicas < 0:
        raise ApiError(
            "Invalid",
            f'Scale.autoscaling "{name}" is invalid: spec.replicas: Invalid value: {replicas}: '
            "must be greater than or equal to 0",
        )
    new = copy.deepcopy(obj)
    new["spec"]["replicas"] = replicas
    stored = _store(twin, obj, new, dry=dry)
    return scale_of(stored)


def update_status(
    twin: Twin,
    info: ResourceInfo,
    namespace: str | None,
    name: str,
    change: Callable[[Obj], Obj],
    *,
    dry: bool,
) -> Obj:
    """Apply `change` to the object and keep only its new status (the status subresource)."""
    obj = live(twin, info, namespace, name)
    changed = change(copy.deepcopy(obj))
    new = copy.deepcopy(obj)
    if "status" in changed:
        new["status"] = changed["status"]
    if new == obj or dry:
        return new
    obj["status"] = new["status"]
    twin.store.touch(obj)
    twin.changed()
    return obj


def patch_function(body: bytes, content_type: str) -> Callable[[Obj], Obj]:
    """A function applying a patch body to any object (for the subresources)."""
    kind = PATCH_TYPES.get(content_type.split(";")[0].strip())
    if kind is None or kind == "apply":
        raise ApiError("UnsupportedMediaType", f"unsupported patch type {content_type}")
    text = body.decode("utf-8", "replace")

    def change(obj: Obj) -> Obj:
        with server_errors():
            if kind == "strategic" and obj.get("kind") == "Scale":
                return patched(obj, text, "merge")
            return patched(obj, text, kind)

    return change


def parse_body(body: bytes) -> Any:
    try:
        return json.loads(body) if body.strip() else None
    except (json.JSONDecodeError, UnicodeDecodeError):
        try:
            return yaml.safe_load(body.decode("utf-8", "replace"))
        except yaml.YAMLError:
            raise bad_request("the body of the request was in an unknown format") from None
