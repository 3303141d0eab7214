"""OpenAPI v3 documents: what kubectl needs for `apply` (server-side field validation, the
strategic-merge metadata) and `explain` (the schemas with their descriptions).

The schemas are the models of the official `kubernetes` Python client (its pydantic JSON
schemas, descriptions included), turned into OpenAPI components; the list-merge keys are the
twin's own patch strategies (`aoi.twin.surface.kubectl.writes.schema`). Without the client installed
the documents still carry every kind and path, with open object schemas.
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from aoi.apiserver.discovery import group_versions
from aoi.apiserver.errors import not_found_path
from aoi.twin.surface.kubectl.resources import ResourceInfo
from aoi.twin.surface.kubectl.writes.schema import TYPES

OPENAPI_VERSION = "3.0.0"
_REF = "#/components/schemas/"


def _gv_path(api_version: str) -> str:
    return "api/v1" if api_version == "v1" else f"apis/{api_version}"


def _model(info: ResourceInfo) -> type | None:
    try:
        import kubernetes.client as client
    except ImportError:
        return None
    version = info.api_version.rpartition("/")[2]
    return getattr(client, f"{version.capitalize()}{info.kind}", None)


_VERSION_PREFIX = re.compile(r"^(?:[A-Z][a-z]+)*?V\d+(?:(?:alpha|beta)\d+)?(?=[A-Z])")


def schema_name(model_name: str) -> str:
    """`V1Container` -> `io.k8s.api.Container`: kubectl explain prints the last segment."""
    return "io.k8s.api." + _VERSION_PREFIX.sub("", model_name)


def _description(text: str) -> str:
    # The client's class docstrings end with notes on its own attributes: not the API's text.
    return text.split("\n\nAttributes:", 1)[0].split("\n    Attributes:", 1)[0].strip()


def _clean(schema: Any) -> Any:
    """A pydantic JSON schema node as an OpenAPI v3 schema node."""
    if isinstance(schema, list):
        return [_clean(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    node = dict(schema)
    node.pop("title", None)
    node.pop("default", None)
    any_of = node.pop("anyOf", None)
    if any_of is not None:
        real = [s for s in any_of if s.get("type") != "null"]
        if len(real) == 1:
            node = {**real[0], **node}
    ref = node.pop("$ref", None)
    if ref is not None:
        target = _REF + schema_name(ref.rsplit("/", 1)[-1])
        rest = {k: _clean(v) for k, v in node.items()}
        return {"allOf": [{"$ref": target}], **rest} if rest else {"$ref": target}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: _clean(v) for name, v in value.items()}
        elif key == "description" and isinstance(value, str):
            out[key] = _description(value)
        elif key in ("items", "additionalProperties"):
            out[key] = _clean(value) if isinstance(value, dict) else value
        else:
            out[key] = value
    return out


def _patch_metadata(schemas: dict[str, Any]) -> None:
    """x-kubernetes-patch-merge-key / -strategy where the Go types merge lists by a key."""
    for type_name, typ in TYPES.items():
        schema = schemas.get(schema_name(f"V1{type_name}"))
        if schema is None:
            continue
        props = schema.get("properties", {})
        for field_name, field in typ.fields.items():
            prop = props.get(field_name)
            if prop is None:
                continue
            strategies = []
            if field.merge_key or field.merge_primitives:
                strategies.append("merge")
            if field.retain_keys:
                strategies.append("retainKeys")
            if field.merge_key:
                prop["x-kubernetes-patch-merge-key"] = field.merge_key
            if strategies:
                prop["x-kubernetes-patch-strategy"] = ",".join(strategies)


def _gvk(info: ResourceInfo) -> list[dict[str, str]]:
    group, _, version = info.api_version.rpartition("/")
    return [{"group": group, "version": version, "kind": info.kind}]


@functools.cache
def group_version_document(api_version: str) -> bytes | None:
    infos = group_versions().get(api_version)
    if infos is None:
        return None
    schemas: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    prefix = "/" + _gv_path(api_version)
    for info in infos:
        model = _model(info)
        name = f"{api_version.replace('/', '.')}.{info.kind}"
        if model is not None:
            raw = model.model_json_schema(by_alias=True)  # type: ignore[attr-defined]
            for def_name, definition in raw.pop("$defs", {}).items():
                schemas.setdefault(schema_name(def_name), _clean(definition))
            name = schema_name(model.__name__)
            schema = _clean(raw)
        else:
            schema = {
                "type": "object",
                "description": f"{info.kind} of {info.api_version}.",
                "properties": {
                    "apiVersion": {"type": "string"},
                    "kind": {"type": "string"},
                    "metadata": {"type": "object"},
                    "spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                    "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                },
            }
        schema["x-kubernetes-group-version-kind"] = _gvk(info)
        schemas[name] = schema
        if "patch" not in _verbs(info):
            continue
        scope = f"{prefix}/namespaces/{{namespace}}" if info.namespaced else prefix
        paths[f"{scope}/{info.plural}/{{name}}"] = {
            "get": _operation(info, name, "read"),
            "put": _operation(info, name, "replace"),
            "patch": _operation(info, name, "patch"),
            "delete": _operation(info, name, "delete"),
        }
        paths[f"{scope}/{info.plural}"] = {
            "get": _operation(info, name, "list"),
            "post": _operation(info, name, "create"),
        }
    _patch_metadata(schemas)
    doc = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "Kubernetes", "version": "v1.32.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    }
    return orjson.dumps(doc)


def _verbs(info: ResourceInfo) -> tuple[str, ...]:
    from aoi.apiserver.discovery import verbs

    return verbs(info)


def _operation(info: ResourceInfo, schema_name: str, action: str) -> dict[str, Any]:
    params: list[dict[str, Any]] = []
    if action in ("create", "replace", "patch"):
        params = [
            {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": True}},
            {
                "name": "fieldManager",
                "in": "query",
                "schema": {"type": "string", "uniqueItems": True},
            },
            {
                "name": "fieldValidation",
                "in": "query",
                "schema": {"type": "string", "uniqueItems": True},
            },
        ]
    if action == "patch":
        params.append({"name": "force", "in": "query", "schema": {"type": "boolean"}})
    return {
        "operationId": f"{action}{info.kind}",
        "parameters": params,
        "responses": {
            "200": {
                "description": "OK",
                "content": {"application/json": {"schema": {"$ref": _REF + schema_name}}},
            }
        },
        "x-kubernetes-action": {"read": "get", "replace": "put", "create": "post"}.get(
            action, action
        ),
        "x-kubernetes-group-version-kind": _gvk(info)[0],
    }


@functools.cache
def root_document() -> bytes:
    paths = {}
    for api_version in group_versions():
        path = _gv_path(api_version)
        # The documents are fixed per release: hash what they are made from, not their bytes.
        digest = hashlib.sha512(f"{api_version}/{_source_version()}".encode()).hexdigest().upper()
        paths[path] = {"serverRelativeURL": f"/openapi/v3/{path}?hash={digest}"}
    return orjson.dumps({"paths": paths})


def _source_version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("kubernetes")
    except PackageNotFoundError:  # no client installed: open schemas
        return "none"


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


def _missing() -> Response:
    exc = not_found_path()
    return Response(orjson.dumps(exc.status()), exc.code, media_type="application/json")


async def openapi_v2(request: Request) -> Response:
    # kubectl reads v3 first; without v2 it keeps to v3 and built-in patch metadata.
    return _missing()


async def openapi_v3(request: Request) -> Response:
    return _json(root_document())


async def openapi_v3_group(request: Request) -> Response:
    path = request.path_params["path"].strip("/")
    if path == "api/v1":
        api_version = "v1"
    elif path.startswith("apis/"):
        api_version = path[len("apis/") :]
    else:
        return _missing()
    body = group_version_document(api_version)
    return _missing() if body is None else _json(body)
