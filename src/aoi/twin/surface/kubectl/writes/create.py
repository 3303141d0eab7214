"""`kubectl create`: from manifests (-f) and the generators (deployment, namespace, configmap,
secret generic, service clusterip|nodeport, job, serviceaccount)."""

from __future__ import annotations

import base64
import copy
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aoi.kube.flags import Parsed
from aoi.shelltools import CommandResult
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.common import KubectlError, namespace_of
from aoi.twin.surface.kubectl.resources import info_for_kind
from aoi.twin.surface.kubectl.writes.apply import check_target, create_object, with_last_applied
from aoi.twin.surface.kubectl.writes.base import dry_run, report
from aoi.twin.surface.kubectl.writes.manifests import load

if TYPE_CHECKING:
    from aoi.twin.world import World

_NOT_HELD = (
    "clusterrole",
    "clusterrolebinding",
    "cronjob",
    "ingress",
    "poddisruptionbudget",
    "pdb",
    "priorityclass",
    "quota",
    "role",
    "rolebinding",
    "token",
)


def create(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    if parsed.get_list("filename"):
        return _from_files(twin, parsed, stdin)
    if not parsed.args:
        raise KubectlError("error: must specify one of -f and -k")
    sub, rest = parsed.args[0], parsed.args[1:]
    generators = {
        "deployment": _deployment,
        "deploy": _deployment,
        "namespace": _namespace,
        "ns": _namespace,
        "configmap": _configmap,
        "cm": _configmap,
        "secret": _secret,
        "service": _service,
        "svc": _service,
        "job": _job,
        "serviceaccount": _serviceaccount,
        "sa": _serviceaccount,
    }
    if sub in _NOT_HELD:
        raise KubectlError(f"error: kubectl create {sub} is not supported by the twin")
    generator = generators.get(sub)
    if generator is None:
        raise KubectlError(
            f'error: unknown command "{sub}" for "kubectl create"\n'
            "Run 'kubectl create --help' for usage."
        )
    return generator(twin, parsed, rest)


def _from_files(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    dry = dry_run(parsed)
    done: list[tuple[Obj, str]] = []
    errors: list[str] = []
    manifests = load(parsed, stdin, validate=parsed.get_str("validate") not in ("false", "ignore"))
    if not manifests:
        raise KubectlError("error: no objects passed to create")
    for manifest in manifests:
        try:
            check_target(twin, manifest, parsed)
            obj = manifest.obj
            if parsed.get_bool("save-config"):
                obj = with_last_applied(obj)
            done.append(
                (create_object(twin, obj, manifest.info, manifest.source, dry=dry), "created")
            )
        except KubectlError as exc:
            errors.append(exc.message)
    result = report(parsed, done, dry)
    return CommandResult(result.stdout, "".join(errors), 1 if errors else 0)


def _one_name(args: list[str]) -> str:
    if len(args) != 1:
        raise KubectlError(f"error: exactly one NAME is required, got {len(args)}")
    return args[0]


def _emit(twin: World, parsed: Parsed, obj: Obj, failure: str | None = None) -> CommandResult:
    """Create a generated object (or only print it for --dry-run=client) and report it."""
    dry = dry_run(parsed)
    info = info_for_kind(obj["kind"])
    if info.namespaced:
        obj["metadata"]["namespace"] = namespace_of(twin, parsed)
    if parsed.get_bool("save-config"):
        obj = with_last_applied(obj)
    if dry == "client":
        preview = copy.deepcopy(obj)
        if not parsed.get_str("namespace"):
            preview["metadata"].pop("namespace", None)
        preview["metadata"]["creationTimestamp"] = None
        template = (preview.get("spec") or {}).get("template")
        if isinstance(template, dict):
            template.setdefault("metadata", {})["creationTimestamp"] = None
        return report(parsed, [(preview, "created")], dry)
    try:
        stored = create_object(twin, obj, info, dry=dry)
    except KubectlError as exc:
        if failure and "AlreadyExists" in exc.message:
            detail = exc.message.split(": ", 1)[1].rstrip("\n")
            raise KubectlError(f"error: {failure}{detail}") from None
        raise
    return report(parsed, [(stored, "created")], dry)


# --- run ---------------------------------------------------------------------------------------
def run(twin: World, parsed: Parsed, stdin: str) -> CommandResult:
    """`kubectl run NAME --image=IMAGE [-- COMMAND]`: one bare pod, as kubectl generates it.

    Attaching (`-i`, `-t`, `--attach`, `--rm`) waits for the pod and streams it,
    which in a non-interactive shell lasts until the line is killed.
    """
    if not parsed.args:
        raise KubectlError(
            "error: NAME is required for run\nSee 'kubectl run -h' for help and examples"
        )
    name = parsed.args[0]
    image = parsed.get_str("image")
    if not image:
        raise KubectlError('error: required flag(s) "image" not set')
    container: dict[str, Any] = {"image": image, "name": name, "resources": {}}
    words = list(parsed.after_dash) or parsed.args[1:]
    if words:
        container["command" if parsed.get_bool("command") else "args"] = words
    port = parsed.get_str("port")
    if port:
        container["ports"] = [{"containerPort": int(port)}]
    env = parsed.get_list("env")
    if env:
        container["env"] = [
            {"name": k, "value": v} for k, _, v in (item.partition("=") for item in env)
        ]
    policy = parsed.get_str("image-pull-policy")
    if policy:
        container["imagePullPolicy"] = policy
    labels = dict(
        pair.partition("=")[::2] for pair in (parsed.get_str("labels") or "").split(",") if pair
    ) or {"run": name}
    restart = parsed.get_str("restart") or "Always"
    obj: Obj = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"labels": labels, "name": name},
        "spec": {
            "containers": [container],
            "dnsPolicy": "ClusterFirst",
            "restartPolicy": restart,
        },
        "status": {},
    }
    attached = any(parsed.get_bool(f) for f in ("stdin", "tty", "attach", "rm"))
    result = _emit(twin, parsed, obj)
    if attached and not dry_run(parsed):
        from aoi.twin.surface import limit

        limit.expire(twin)
    return result


# --- deployment ------------------------------------------------------------------------------
def container_name(image: str) -> str:
    """kubectl's container name for an image: its base name, without tag or digest, DNS-safe."""
    base = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0]
    return re.sub(r"[^a-z0-9-]", "-", base.lower()).strip("-") or "container"


def _deployment(twin: World, parsed: Parsed, args: list[str]) -> CommandResult:
    name = _one_name(args)
    images = parsed.get_list("image")
    if not images:
        raise KubectlError('error: required flag(s) "image" not set')
    command = list(parsed.after_dash)
    if command and len(images) > 1:
        raise KubectlError("error: cannot specify multiple --image options and command")
    labels = {"app": name}
    containers: list[dict[str, Any]] = []
    for image in images:
        container: dict[str, Any] = {"image": image, "name": container_name(image)}
        if command:
            container["command"] = command
        port = parsed.get_int("port")
        if port is not None and port >= 0:
            container["ports"] = [{"containerPort": port}]
        container["resources"] = {}
        containers.append(container)
    replicas = parsed.get_int("replicas")
    obj: Obj = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"labels": dict(labels), "name": name},
        "spec": {
            "replicas": 1 if replicas is None else replicas,
            "selector": {"matchLabels": dict(labels)},
            "strategy": {},
            "template": {"metadata": {"labels": dict(labels)}, "spec": {"containers": containers}},
        },
        "status": {},
    }
    return _emit(twin, parsed, obj, "failed to create deployment: ")


# --- namespace, service account ------------------------------------------------------------------
def _namespace(twin: World, parsed: Parsed, args: list[str]) -> CommandResult:
    name = _one_name(args)
    obj: Obj = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name},
        "spec": {},
        "status": {},
    }
    return _emit(twin, parsed, obj)


def _serviceaccount(twin: World, parsed: Parsed, args: list[str]) -> CommandResult:
    name = _one_name(args)
    obj: Obj = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name}}
    return _emit(twin, parsed, obj, "failed to create serviceaccount: ")


# --- configmap and secret -------------------------------------------------------------------
def _data(parsed: Parsed) -> dict[str, str]:
    data: dict[str, str] = {}
    for literal in parsed.get_list("from-literal"):
        key, eq, value = literal.partition("=")
        if not eq or not key:
            raise KubectlError(f"error: invalid literal source {literal}, expected key=value")
        if key in data:
            raise KubectlError(
                f'error: cannot add key "{key}", another key by that name already exists in Data for ConfigMap "")'
            )
        data[key] = value
    for source in parsed.get_list("from-file"):
        key, eq, path_text = source.partition("=")
        if not eq:
            key, path_text = "", source
        path = Path(path_text)
        if not path.exists():
            raise KubectlError(f"error: error reading {path_text}: no such file or directory")
        files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
        for file in files:
            data[key or file.name] = file.read_text(encoding="utf-8", errors="replace")
    for source in parsed.get_list("from-env-file"):
        path = Path(source)
        if not path.exists():
            raise KubectlError(f"error: open {source}: no such file or directory")
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, _, value = line.partition("=")
            data[key] = value
    return data


def _configmap(twin: World, parsed: Parsed, args: list[str]) -> CommandResult:
    name = _one_name(args)
    obj: Obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}}
    data = _data(parsed)
    if data:
        obj["data"] = data
    return _emit(twin, parsed, obj, "failed to create configmap: ")


def _secret(twin: World, parsed: Parsed, args: list[str]) -> CommandResult:
    if not args:
        raise KubectlError(
            'error: unknown command "" for "kubectl create secret"\n'
            "Available Commands: docker-registry, generic, tls"
        )
    kind, rest = args[0], args[1:]
    if kind != "generic":
        raise KubectlError(
            f"error: kubectl create secret {kind} is not supported by the twin; use generic"
        )
    name = _one_name(rest)
    obj: Obj = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}}
    data = _data(parsed)
    if data:
        obj["data"] = {k: base64.b64encode(v.encode()).decode("ascii") for k, v in data.items()}
    secret_type = parsed.get_str("type")
    if secret_type:
        obj["type"] = secret_type
    return _emit(twin, parsed, obj, "failed to create secret ")


# --- service -------------------------------------------------------------------------------
def _service(twin: World, parsed: Parsed, args: list[str]) -> CommandResult:
    if not args:
        raise KubectlError(
            'error: unknown command "" for "kubectl create service"\n'
            "Available Commands: clusterip, externalname, loadbalancer, nodeport"
        )
    kind, rest = args[0], args[1:]
    types = {"clusterip": "ClusterIP", "nodeport": "NodePort", "loadbalancer": "LoadBalancer"}
    if kind not in types:
        raise KubectlError(f"error: kubectl create service {kind} is not supported by the twin")
    name = _one_name(rest)
    specs = parsed.get_list("tcp")
    if not specs:
        raise KubectlError("error: at least one tcp port specifier must be provided")
    ports = []
    for spec in specs:
        for item in spec.split(","):
            port_text, _, target_text = item.partition(":")
            if not port_text.isdigit() or (
                target_text and not target_text.isdigit() and not target_text
            ):
                raise KubectlError(f'error: invalid port "{item}"')
            port = int(port_text)
            target: int | str = int(target_text) if target_text.isdigit() else (target_text or port)
            ports.append(
                {"name": f"{port}-{target}", "port": port, "protocol": "TCP", "targetPort": target}
            )
    obj: Obj = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"labels": {"app": name}, "name": name},
        "spec": {"ports": ports, "selector": {"app": name}, "type": types[kind]},
        "status": {"loadBalancer": {}},
    }
    return _emit(twin, parsed, obj, f"failed to create {types[kind]} service: ")


# --- job -----------------------------------------------------------------------------------------
def _job(twin: World, parsed: Parsed, args: list[str]) -> CommandResult:
    name = _one_name(args)
    source = parsed.get_str("from")
    if source:
        kind, _, ref = source.partition("/")
        if kind not in ("cronjob", "cronjobs", "cj", "cronjob.batch", "cronjobs.batch"):
            raise KubectlError(f"error: from must be an existing cronjob: {kind}")
        raise KubectlError(f'Error from server (NotFound): cronjobs.batch "{ref}" not found')
    images = parsed.get_list("image")
    if not images:
        raise KubectlError("error: either --image or --from must be specified")
    container: dict[str, Any] = {"image": images[0], "name": name, "resources": {}}
    if parsed.after_dash:
        container["command"] = list(parsed.after_dash)
    obj: Obj = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name},
        "spec": {
            "template": {
                "metadata": {},
                "spec": {"containers": [container], "restartPolicy": "Never"},
            }
        },
        "status": {},
    }
    return _emit(twin, parsed, obj, "failed to create job: ")
