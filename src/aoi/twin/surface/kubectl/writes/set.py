"""`kubectl set image|env|resources`: edit the pod template (or pod) of a workload."""

from __future__ import annotations

import copy
import fnmatch
from typing import TYPE_CHECKING, Any

from aoi.kube.flags import Parsed
from aoi.shelltools import CommandResult
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.common import KubectlError, get_object
from aoi.twin.surface.kubectl.quantity import Quantity
from aoi.twin.surface.kubectl.resources import ResourceInfo
from aoi.twin.surface.kubectl.writes import validate
from aoi.twin.surface.kubectl.writes.base import commit, dry_run, report, resource_name, targets
from aoi.twin.surface.kubectl.writes.defaults import apply_defaults

if TYPE_CHECKING:
    from aoi.twin.world import World

_QUANTITY_ERROR = (
    "error: quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
_USAGE = """Configure application resources.

 These commands help you make changes to existing application resources.

Available Commands:
  env              Update environment variables on a pod template
  image            Update the image of a pod template
  resources        Update resource requests/limits on objects with pod templates
  selector         Set the selector on a resource
  serviceaccount   Update the service account of a resource
  subject          Update the user, group, or service account in a role binding or cluster role binding

Usage:
  kubectl set SUBCOMMAND [options]

Use "kubectl set <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"""


def set_(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    if not parsed.args:
        return CommandResult(_USAGE)
    sub, rest = parsed.args[0], parsed.args[1:]
    if sub == "image":
        return _image(twin, parsed, stdin, rest)
    if sub == "env":
        return _env(twin, parsed, stdin, rest)
    if sub == "resources":
        return _resources(twin, parsed, stdin, rest)
    if sub in ("selector", "serviceaccount", "subject"):
        raise KubectlError(f"error: kubectl set {sub} is not supported by the twin")
    raise KubectlError(f'error: unknown command "{sub}" for "kubectl set"')


def pod_spec(info: ResourceInfo, obj: Obj) -> dict[str, Any]:
    """The pod spec a workload's pods come from (the pod's own spec for a pod)."""
    if obj["kind"] == "Pod":
        return obj["spec"]
    template = (obj.get("spec") or {}).get("template")
    if not isinstance(template, dict) or not isinstance(template.get("spec"), dict):
        raise KubectlError(
            f"error: {resource_name(info)}/{obj['metadata']['name']} the object is not a pod or "
            f"does not have a pod template: *v1.{obj['kind']}"
        )
    return template["spec"]


def _run(
    twin: World,
    parsed: Parsed,
    stdin: str,
    resources: list[str],
    change: Any,
    done_word: str,
    *,
    report_unchanged: bool = False,
) -> CommandResult:
    dry = dry_run(parsed)
    done: list[tuple[Obj, str]] = []
    errors: list[str] = []
    for info, ns, name in targets(twin, parsed, stdin, verb="set", args=resources):
        try:
            obj = get_object(twin, info, ns or "", name)
            new = copy.deepcopy(obj)
            change(info, new)
            apply_defaults(twin, new, creating=False)
            validate.check(new, obj)
            if new == obj:
                if report_unchanged:
                    errors.append(f"info: {resource_name(info)}/{name} was not changed\n")
                continue
            if dry or parsed.get_bool("local"):
                done.append((new, done_word))
                continue
            done.append((commit(twin, obj, new), done_word))
        except KubectlError as exc:
            errors.append(exc.message)
    result = report(parsed, done, dry)
    return CommandResult(result.stdout, "".join(errors), 1 if errors else 0)


def _split_pairs(args: list[str]) -> tuple[list[str], list[str]]:
    resources = [a for a in args if "=" not in a]
    pairs = [a for a in args if "=" in a]
    return resources, pairs


# --- image ---------------------------------------------------------------------------------
def _image(twin: World, parsed: Parsed, stdin: str, args: list[str]) -> CommandResult:
    resources, pairs = _split_pairs(args)
    if not pairs:
        raise KubectlError("error: at least one image update is required")
    images = dict(pair.split("=", 1) for pair in pairs)

    def change(info: ResourceInfo, obj: Obj) -> None:
        spec = pod_spec(info, obj)
        for container_name, image in images.items():
            found = False
            for key in ("initContainers", "containers"):
                for c in spec.get(key, []) or []:
                    if container_name in ("*", c.get("name")):
                        c["image"] = image
                        found = True
            if not found:
                raise KubectlError(f'error: unable to find container named "{container_name}"')

    return _run(twin, parsed, stdin, resources, change, "image updated")


# --- env -----------------------------------------------------------------------------------
def _env(twin: World, parsed: Parsed, stdin: str, args: list[str]) -> CommandResult:
    resources = [a for a in args if "=" not in a and not a.endswith("-")]
    changes = [a for a in args if a not in resources] + parsed.get_list("env")
    source = parsed.get_str("from")
    pattern = parsed.get_str("containers") or "*"
    if parsed.get_bool("list"):
        return _env_list(twin, parsed, stdin, resources, pattern)
    if not changes and not source:
        raise KubectlError("error: at least one environment variable must be provided")
    setting: list[dict[str, Any]] = []
    removing: list[str] = []
    for item in changes:
        if "=" in item:
            key, value = item.split("=", 1)
            setting.append({"name": key, "value": value})
        else:
            removing.append(item[:-1])
    if source:
        setting.extend(_env_from(twin, parsed, source))

    def change(info: ResourceInfo, obj: Obj) -> None:
        spec = pod_spec(info, obj)
        matched = False
        for c in spec.get("containers", []) or []:
            if not fnmatch.fnmatchcase(c.get("name", ""), pattern):
                continue
            matched = True
            env = [e for e in c.get("env", []) or [] if e.get("name") not in removing]
            for var in setting:
                at = next((i for i, e in enumerate(env) if e.get("name") == var["name"]), None)
                if at is None:
                    env.append(copy.deepcopy(var))
                else:
                    env[at] = copy.deepcopy(var)
            if env:
                c["env"] = env
            else:
                c.pop("env", None)
        if not matched:
            raise KubectlError(f'error: unable to find container named "{pattern}"')

    return _run(twin, parsed, stdin, resources, change, "env updated")


def _env_from(twin: World, parsed: Parsed, source: str) -> list[dict[str, Any]]:
    kind, _, name = source.partition("/")
    ns = parsed.get_str("namespace") or "default"
    prefix = parsed.get_str("prefix") or ""
    keys = parsed.get_list("keys")
    if kind in ("configmap", "cm", "configmaps"):
        cm = twin.store.get("ConfigMap", ns, name)
        if cm is None:
            raise KubectlError(f'Error from server (NotFound): configmaps "{name}" not found')
        ref_key = "configMapKeyRef"
        data = cm.get("data", {})
    elif kind in ("secret", "secrets"):
        secret = twin.store.get("Secret", ns, name)
        if secret is None:
            raise KubectlError(f'Error from server (NotFound): secrets "{name}" not found')
        ref_key = "secretKeyRef"
        data = secret.get("data", {})
    else:
        raise KubectlError(f'error: unsupported resource specified in --from "{source}"')
    return [
        {
            "name": (prefix + key).upper().replace("-", "_").replace(".", "_"),
            "valueFrom": {ref_key: {"key": key, "name": name}},
        }
        for key in sorted(data)
        if not keys or key in keys
    ]


def _env_list(
    twin: World, parsed: Parsed, stdin: str, resources: list[str], pattern: str
) -> CommandResult:
    out: list[str] = []
    for info, ns, name in targets(twin, parsed, stdin, verb="set", args=resources):
        obj = get_object(twin, info, ns or "", name)
        spec = pod_spec(info, obj)
        for c in spec.get("containers", []) or []:
            if not fnmatch.fnmatchcase(c.get("name", ""), pattern):
                continue
            out.append(f"# {obj['kind'].lower()}/{name}, container {c['name']}\n")
            for var in c.get("env", []) or []:
                if "value" in var:
                    out.append(f"{var['name']}={var['value']}\n")
                else:
                    ref = var.get("valueFrom", {})
                    if "configMapKeyRef" in ref:
                        r = ref["configMapKeyRef"]
                        out.append(
                            f"# {var['name']} from configmap {r.get('name')}, key {r.get('key')}\n"
                        )
                    elif "secretKeyRef" in ref:
                        r = ref["secretKeyRef"]
                        out.append(
                            f"# {var['name']} from secret {r.get('name')}, key {r.get('key')}\n"
                        )
                    elif "fieldRef" in ref:
                        out.append(
                            f"# {var['name']} from field path {ref['fieldRef'].get('fieldPath')}\n"
                        )
                    else:
                        out.append(f"{var['name']}=\n")
    return CommandResult("".join(out))


# --- resources -------------------------------------------------------------------------------
def _quantities(text: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if not text:
        return out
    for part in text.split(","):
        key, eq, value = part.partition("=")
        if not eq or not key:
            raise KubectlError(
                f'error: invalid argument "{part}": must be in the form resource=quantity'
            )
        parsed = Quantity.parse(value)
        if parsed.value == 0 and value.strip() not in ("0", "0m"):
            raise KubectlError(_QUANTITY_ERROR)
        out[key] = str(parsed)
    return out


def _resources(twin: World, parsed: Parsed, stdin: str, args: list[str]) -> CommandResult:
    limits = _quantities(parsed.get_str("limits"))
    requests = _quantities(parsed.get_str("requests"))
    if not limits and not requests:
        raise KubectlError(
            "error: you must specify an update to requests or limits (in the form of --requests/--limits)"
        )
    pattern = parsed.get_str("containers") or "*"

    def change(info: ResourceInfo, obj: Obj) -> None:
        spec = pod_spec(info, obj)
        matched = False
        for c in spec.get("containers", []) or []:
            if not fnmatch.fnmatchcase(c.get("name", ""), pattern):
                continue
            matched = True
            res = c.setdefault("resources", {})
            if limits:
                res.setdefault("limits", {}).update(limits)
            if requests:
                res.setdefault("requests", {}).update(requests)
        if not matched:
            raise KubectlError(f'error: unable to find container named "{pattern}"')

    return _run(
        twin, parsed, stdin, args, change, "resource requirements updated", report_unchanged=True
    )
