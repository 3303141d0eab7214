"""`kubectl wait`: block until objects meet a condition, on the simulated clock.

As kubectl v1.32 does: the objects are found once, at the start (`--all`,
`-l`, names); each is waited for in turn under one shared `--timeout` (30 s by
default; 0 checks once). A met object prints `pod/x condition met`; when the
time runs out each unmet one gets `error: timed out waiting for the condition
on pods/x`. `--for` takes `condition=C[=V]`, `delete`, `create` or
`jsonpath=EXPR[=V]`. The line's own time limit still applies: a wait longer
than it is killed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aoi.kube.flags import Parsed
from aoi.shelltools import CommandResult, JsonPathError, jsonpath
from aoi.twin.cluster.store import Obj
from aoi.twin.surface import limit
from aoi.twin.surface.kubectl.common import (
    KubectlError,
    find_object,
    list_objects,
    namespace_of,
    split_type_name,
)
from aoi.twin.surface.kubectl.printers import print_names
from aoi.twin.surface.kubectl.resources import ResourceInfo, UnknownResourceError, resolve_many
from aoi.twin.surface.kubectl.selectors import SelectorError, field_matcher, label_matcher

if TYPE_CHECKING:
    from aoi.twin.world import World

STEP_S = 1.0
_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$")
Condition = Callable[[Obj | None], bool]


def wait(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    spec = parsed.get_str("for")
    if not spec:
        raise KubectlError("error: --for must be set")
    timeout = _timeout(parsed.get_str("timeout"))
    met = _condition(spec)
    deleting = spec.lower() == "delete"
    creating = spec.lower() == "create"
    ns = namespace_of(twin, parsed)
    found = _targets(twin, parsed, ns, creating)
    if not found:
        if deleting:
            return CommandResult("")
        raise KubectlError("error: no matching resources found")
    waited = 0.0
    out: list[str] = []
    errors: list[str] = []
    for info, namespace, name, first in found:
        obj: Obj | None = first
        uid = first["metadata"]["uid"] if first is not None else None
        while True:
            current = find_object(twin, info, namespace, name)
            if deleting and current is not None and current["metadata"]["uid"] != uid:
                current = None  # a new object of the same name is not the one waited for
            if met(current):
                out.append(print_names([current or obj or _stub(info, namespace, name)]))
                out[-1] = out[-1].rstrip("\n") + " condition met\n"
                break
            if current is not None:
                obj = current
            if waited >= timeout:
                errors.append(
                    f"error: timed out waiting for the condition on {info.plural}/{name}\n"
                )
                break
            step = min(STEP_S, timeout - waited)
            if step >= limit.remaining(twin):
                limit.expire(twin, "".join(out))
            twin.tick(step)
            waited += step
    return CommandResult("".join(out), "".join(errors), 1 if errors else 0)


def _stub(info: ResourceInfo, namespace: str | None, name: str) -> Obj:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return {"apiVersion": info.api_version, "kind": info.kind, "metadata": meta}


def _timeout(text: str | None) -> float:
    if text is None:
        return 30.0
    if text in ("0", "0s"):
        return 0.0
    if text.startswith("-"):
        return 7 * 24 * 3600.0  # kubectl: a negative time-out means a week
    m = _DURATION.match(text)
    if m is None or not any(m.groups()):
        raise KubectlError(
            f'error: invalid argument "{text}" for "--timeout" flag: time: invalid duration "{text}"'
        )
    h, mi, s = m.groups()
    return int(h or 0) * 3600 + int(mi or 0) * 60 + float(s or 0)


def _condition(spec: str) -> Condition:
    low = spec.lower()
    if low == "delete":
        return lambda obj: obj is None
    if low == "create":
        return lambda obj: obj is not None
    if low.startswith("condition="):
        name, _, value = spec[len("condition=") :].partition("=")
        want = (value or "true").lower()

        def condition(obj: Obj | None) -> bool:
            if obj is None:
                return False
            for c in obj.get("status", {}).get("conditions", []) or []:
                if str(c.get("type", "")).lower() == name.lower():
                    return str(c.get("status", "")).lower() == want
            return False

        return condition
    if low.startswith("jsonpath="):
        expr = spec[len("jsonpath=") :]
        path, wanted = _split_jsonpath(expr)

        def matches(obj: Obj | None) -> bool:
            if obj is None:
                return False
            try:
                got = jsonpath(path, obj)
            except JsonPathError:
                return False
            return got != "" if wanted is None else got == wanted

        return matches
    raise KubectlError(f"error: unrecognized condition: {spec!r}")


def _split_jsonpath(expr: str) -> tuple[str, str | None]:
    """`{.status.phase}=Running` -> ('{.status.phase}', 'Running'); kubectl's braces optional."""
    depth = 0
    for i, ch in enumerate(expr):
        if ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        elif ch == "=" and depth == 0:
            path, value = expr[:i], expr[i + 1 :]
            break
    else:
        path, value = expr, None
    if not path:
        raise KubectlError("error: jsonpath expression cannot be empty")
    if not path.startswith("{"):
        path = "{" + path + "}"
    return path, value


def _targets(
    twin: World, parsed: Parsed, ns: str, creating: bool
) -> list[tuple[ResourceInfo, str | None, str, Obj | None]]:
    args = parsed.args
    if not args:
        raise KubectlError(
            "error: resource(s) were provided, but no name was specified"
            if parsed.get_bool("all")
            else "error: you must provide one or more resources by argument or filename.\n"
            "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
            "   '<resource> <name>'\n   '<resource>'"
        )
    all_ns = parsed.get_bool("all-namespaces")
    try:
        labels = label_matcher(parsed.get_str("selector"))
    except SelectorError as exc:
        raise KubectlError(f"error: {exc}") from None
    out: list[tuple[ResourceInfo, str | None, str, Obj | None]] = []
    if "/" in args[0] or len(args) > 1:
        for info, name in split_type_name(args):
            if name is None:
                continue
            namespace = ns if info.namespaced else None
            obj = find_object(twin, info, namespace, name)
            if obj is None and not creating:
                if (parsed.get_str("for") or "").lower() == "delete":
                    continue
                raise KubectlError(
                    f'Error from server (NotFound): {info.plural} "{name}" not found'
                )
            out.append((info, namespace, name, obj))
        return out
    if not parsed.get_bool("all") and not parsed.get_str("selector"):
        raise KubectlError("error: resource(s) were provided, but no name was specified")
    try:
        infos = resolve_many(args[0])
    except UnknownResourceError as exc:
        raise KubectlError(str(exc)) from None
    for info in infos:
        try:
            fields = field_matcher(parsed.get_str("field-selector"), info.kind, info.plural)
        except SelectorError as exc:
            raise KubectlError(f"error: {exc}") from None
        scope = None if all_ns or not info.namespaced else ns
        for obj in list_objects(twin, info, scope):
            if labels(obj) and fields(obj):
                meta = obj["metadata"]
                out.append((info, meta.get("namespace"), meta["name"], obj))
    return out
