"""Pieces every kubectl verb of the twin shares: namespaces, lookups, errors, output formats."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import orjson
import yaml

from aoi.kube.flags import Parsed
from aoi.shelltools import CommandResult, render_custom_columns, render_jsonpath
from aoi.twin.cluster.endpointslices import endpoint_slices
from aoi.twin.cluster.leases import node_leases
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.resources import ResourceInfo, UnknownResourceError, resolve

if TYPE_CHECKING:
    from aoi.twin.world import World

DEFAULT_NAMESPACE = "default"
CONTEXT = "kind-kind"


class KubectlError(Exception):
    """A failed kubectl command: the text kubectl prints on stderr and its exit status."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message if message.endswith("\n") else message + "\n"
        self.exit_code = exit_code

    def result(self, stdout: str = "") -> CommandResult:
        return CommandResult(stdout, self.message, self.exit_code)


def namespace_of(twin: World, parsed: Parsed) -> str:
    ns = parsed.get_str("namespace") or DEFAULT_NAMESPACE
    context = parsed.get_str("context")
    if context and context != CONTEXT:
        raise KubectlError(f'error: context "{context}" does not exist')
    return ns


def resolve_type(name: str) -> ResourceInfo:
    try:
        return resolve(name)
    except UnknownResourceError as exc:
        raise KubectlError(str(exc)) from None


def split_type_name(args: list[str]) -> list[tuple[ResourceInfo, str | None]]:
    """`pod geo`, `pod/geo`, `pods a b`, `svc/a deploy/b` -> [(type, name)]."""
    if not args:
        return []
    if "/" in args[0]:
        out: list[tuple[ResourceInfo, str | None]] = []
        for arg in args:
            if "/" not in arg:
                raise KubectlError(
                    "error: there is no need to specify a resource type as a separate argument "
                    "when passing arguments in resource/name form (e.g. 'kubectl get "
                    "resource/<resource_name>' instead of 'kubectl get resource "
                    "resource/<resource_name>'"
                )
            kind, _, name = arg.partition("/")
            if not name:
                raise KubectlError(
                    "error: arguments in resource/name form must have a single resource and name"
                )
            out.append((resolve_type(kind), name))
        return out
    info = resolve_type(args[0])
    if len(args) == 1:
        return [(info, None)]
    return [(info, name) for name in args[1:]]


def not_found(info: ResourceInfo, name: str) -> str:
    plural = info.plural
    group = info.group
    qualified = f"{plural}.{group}" if group else plural
    return f'Error from server (NotFound): {qualified} "{name}" not found'


# Kinds the twin builds when read instead of storing (`aoi.twin.cluster.leases`, `.endpointslices`).
DERIVED_KINDS = frozenset({"Lease", "EndpointSlice"})


def has_objects(info: ResourceInfo) -> bool:
    """Whether the twin can return objects of this resource (held in the store or derived)."""
    return info.held or info.kind in DERIVED_KINDS


def find_object(twin: World, info: ResourceInfo, namespace: str | None, name: str) -> Obj | None:
    """One object of a resource as the API server would return it; None when it does not exist.

    Most kinds live in the store; the kubelets' Leases are derived from the nodes.
    """
    if info.kind in DERIVED_KINDS:
        derived = list_objects(twin, info, namespace)
        return next((o for o in derived if o["metadata"]["name"] == name), None)
    if not info.held:
        return None
    return twin.store.get(info.kind, namespace if info.namespaced else None, name)


def get_object(twin: World, info: ResourceInfo, namespace: str, name: str) -> Obj:
    obj = find_object(twin, info, namespace, name)
    if obj is None:
        raise KubectlError(not_found(info, name))
    return obj


def list_objects(twin: World, info: ResourceInfo, namespace: str | None) -> list[Obj]:
    """Objects of a resource in a namespace (None: all), in the API server's order."""
    if info.kind == "Lease":
        return node_leases(twin.store, namespace, twin.clock.now())
    if info.kind == "EndpointSlice":
        return endpoint_slices(twin.store, namespace)
    if not info.held:
        return []
    return twin.store.list(info.kind, namespace if info.namespaced else None)


# --- output -------------------------------------------------------------------------
def to_json(value: Any) -> str:
    """kubectl's JSON: 4-space indent, keys sorted (objects are unstructured maps)."""
    # orjson (C) writes 2-space indents; doubling the leading spaces gives kubectl's 4.
    raw = orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    lines = raw.split(b"\n")
    doubled = [b" " * (len(line) - len(line.lstrip(b" "))) + line for line in lines]
    return _go_escapes(b"\n".join(doubled)).decode() + "\n"


# Go's encoding/json escapes these inside strings (HTML safety, JavaScript line separators);
# none of them can appear outside a string in JSON, so replacing bytes is exact.
_GO_ESCAPES = (
    (b"<", b"\\u003c"),
    (b">", b"\\u003e"),
    (b"&", b"\\u0026"),
    ("\u2028".encode(), b"\\u2028"),
    ("\u2029".encode(), b"\\u2029"),
)


def _go_escapes(raw: bytes) -> bytes:
    for char, escaped in _GO_ESCAPES:
        if char in raw:
            raw = raw.replace(char, escaped)
    return raw


class _KubeDumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_KubeDumper.add_representer(str, _str_presenter)


# A string that would read back as another type (`"1"`, `"true"`, a timestamp, `""`) is
# double-quoted by go-yaml and single-quoted by PyYAML; any other string that cannot be
# plain (`'a: b'`) is single-quoted by both. Both follow YAML 1.1's implicit types.
_SINGLE_QUOTED = re.compile(r"(?<=: |- )'([^'\"\\]*)'$", re.MULTILINE)
_RESOLVER = yaml.resolver.Resolver()


def _go_quotes(match: re.Match[str]) -> str:
    text = match.group(1)
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    return f'"{text}"' if tag != "tag:yaml.org,2002:str" else match.group(0)


def to_yaml(value: Any) -> str:
    """kubectl's YAML: keys sorted, block style, lists not indented, long lines folded at 80."""
    return _SINGLE_QUOTED.sub(_go_quotes, _dump_yaml(value))


def _dump_yaml(value: Any) -> str:
    return yaml.dump(
        value,
        Dumper=_KubeDumper,
        sort_keys=True,
        default_flow_style=False,
        allow_unicode=True,
        width=80,
    )


def as_list(objs: list[Obj]) -> dict[str, Any]:
    return {"apiVersion": "v1", "items": objs, "kind": "List", "metadata": {"resourceVersion": ""}}


def render_structured(
    output: str, objs: list[Obj], single: bool, no_headers: bool = False
) -> CommandResult:
    """-o json|yaml|jsonpath=...|custom-columns=... of objects, as kubectl prints them."""
    doc: Any = objs[0] if single and len(objs) == 1 else as_list(objs)
    fmt, _, arg = output.partition("=")
    if fmt == "json":
        return CommandResult(to_json(doc))
    if fmt == "yaml":
        return CommandResult(to_yaml(doc))
    if fmt in ("jsonpath", "jsonpath-as-json"):
        if not arg:
            raise KubectlError("error: template format specified but no template given")
        res = render_jsonpath(arg, doc)
        return CommandResult(res.stdout, res.stderr, res.exit_code)
    if fmt in ("jsonpath-file", "custom-columns-file", "go-template-file", "templatefile"):
        raise KubectlError(f"error: open {arg}: no such file or directory")
    if fmt == "custom-columns":
        res = render_custom_columns(arg, objs, no_headers=no_headers)
        return CommandResult(res.stdout, res.stderr, res.exit_code)
    if fmt in ("go-template", "template"):
        raise KubectlError(
            "error: go-template output is not supported by the twin; use -o jsonpath"
        )
    raise KubectlError(
        f'error: unable to match a printer suitable for the output format "{output}", allowed '
        "formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,"
        "jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
    )


STRUCTURED = (
    "json",
    "yaml",
    "jsonpath",
    "jsonpath-as-json",
    "jsonpath-file",
    "custom-columns",
    "custom-columns-file",
    "go-template",
    "template",
)


def is_structured(output: str | None) -> bool:
    return bool(output) and output.partition("=")[0] in STRUCTURED  # type: ignore[union-attr]
