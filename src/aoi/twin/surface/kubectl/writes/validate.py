"""The API server's checks on a written object: decoding (types), validation and immutable fields.

Messages are the API server's, as kubectl prints them: `The Service "x" is invalid: ...`
for validation and `Error from server (BadRequest): ... cannot be handled as a ...` for
values of the wrong JSON type.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.common import KubectlError
from aoi.twin.surface.kubectl.quantity import Quantity

_QUANTITY = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")
_IANA = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
_PROTOCOLS = ("SCTP", "TCP", "UDP")
_FIELD_TYPES = {"int32": int, "string": str}


def go_quote(value: Any) -> str:
    """A value as Go's `%#v` prints it inside a field error (strings quoted, maps Go-typed)."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        inner = ", ".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in sorted(value.items()))
        return "map[string]string{" + inner + "}"
    return str(value)


def invalid(kind: str, name: str, errors: list[str]) -> KubectlError:
    body = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
    return KubectlError(f'The {kind} "{name}" is invalid: {body}')


def check(obj: Obj, old: Obj | None = None) -> None:
    """Raise kubectl's error when the API server would refuse to store `obj`."""
    _decode(obj)
    kind, name = obj["kind"], obj["metadata"].get("name", "")
    errors: list[str] = []
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else None
    if kind == "Service" and spec is not None:
        errors += _service(spec)
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job") and spec is not None:
        errors += _workload(kind, spec, old)
    if kind == "Pod" and spec is not None:
        errors += _pod_spec(spec, "spec", restart=None)
        if old is not None:
            errors += _pod_update(old, obj)
    errors += _metadata(obj)
    if errors:
        raise invalid(kind, name, errors)


# --- decoding ------------------------------------------------------------------------------
def _decode(obj: Obj) -> None:
    kind = obj["kind"]
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    _decode_shapes(kind, spec)
    problems: list[tuple[str, str, Any, str]] = []  # (go field, json path, value, go type)
    if kind in ("Deployment", "ReplicaSet", "StatefulSet"):
        problems.append((f"{kind}Spec", "spec.replicas", spec.get("replicas"), "int32"))
    if kind == "Service":
        for port in spec.get("ports") or []:
            if isinstance(port, dict):
                problems.append(("ServicePort", "spec.ports.port", port.get("port"), "int32"))
    template = spec.get("template") if isinstance(spec.get("template"), dict) else None
    pod_spec = template.get("spec") if template else (spec if kind == "Pod" else None)
    prefix = "spec.template.spec" if template else "spec"
    if isinstance(pod_spec, dict):
        for c in pod_spec.get("containers") or []:
            if not isinstance(c, dict):
                continue
            problems.append(("Container", f"{prefix}.containers.image", c.get("image"), "string"))
            for p in c.get("ports") or []:
                if isinstance(p, dict):
                    problems.append(
                        (
                            "ContainerPort",
                            f"{prefix}.containers.ports.containerPort",
                            p.get("containerPort"),
                            "int32",
                        )
                    )
            for key in ("limits", "requests"):
                values = (c.get("resources") or {}).get(key) or {}
                for value in values.values() if isinstance(values, dict) else []:
                    if not _QUANTITY.match(str(value)):
                        raise _undecodable(
                            kind,
                            "quantities must match the regular expression "
                            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
                        )
    for go_type, path, value, want in problems:
        if value is None:
            continue
        expected = _FIELD_TYPES[want]
        if isinstance(value, bool) or not isinstance(value, expected):
            got = _json_type(value)
            field = path.rsplit(".", 1)[-1]
            raise _undecodable(
                kind,
                f"json: cannot unmarshal {got} into Go struct field {go_type}.{path} of type {want}"
                if field
                else "",
            )


def _decode_shapes(kind: str, spec: dict[str, Any]) -> None:
    """The JSON shapes the API server's decoder insists on (maps, lists of objects, booleans)."""
    checks: list[tuple[str, str, Any, str]] = []  # (go struct, json path, value, shape)
    if kind == "Node":
        checks.append(("NodeSpec", "spec.unschedulable", spec.get("unschedulable"), "bool"))
    selector = spec.get("selector")
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"):
        checks.append((f"{kind}Spec", "spec.selector", selector, "v1.LabelSelector"))
        if isinstance(selector, dict):
            checks.append(
                (
                    "LabelSelector",
                    "spec.selector.matchLabels",
                    selector.get("matchLabels"),
                    "map[string]string",
                )
            )
    template = spec.get("template")
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"):
        checks.append((f"{kind}Spec", "spec.template", template, "v1.PodTemplateSpec"))
    pod_spec = (
        template.get("spec") if isinstance(template, dict) else (spec if kind == "Pod" else None)
    )
    prefix = "spec.template.spec" if isinstance(template, dict) else "spec"
    if isinstance(template, dict):
        checks.append(("PodTemplateSpec", "spec.template.spec", pod_spec, "v1.PodSpec"))
    if isinstance(pod_spec, dict):
        checks.append(
            ("PodSpec", f"{prefix}.nodeSelector", pod_spec.get("nodeSelector"), "map[string]string")
        )
        checks.append(
            ("PodSpec", f"{prefix}.containers", pod_spec.get("containers"), "[]v1.Container")
        )
        for c in pod_spec.get("containers") or []:
            if isinstance(c, dict):
                checks.append(
                    ("Container", f"{prefix}.containers.command", c.get("command"), "[]string")
                )
                checks.append(("Container", f"{prefix}.containers.args", c.get("args"), "[]string"))
                checks.append(
                    ("Container", f"{prefix}.containers.env", c.get("env"), "[]v1.EnvVar")
                )
    for go_type, path, value, shape in checks:
        if value is None or _fits(value, shape):
            continue
        raise _undecodable(
            kind,
            f"json: cannot unmarshal {_json_type(value)} into Go struct field {go_type}.{path} "
            f"of type {shape.removeprefix('[]')}",
        )


def _fits(value: Any, shape: str) -> bool:
    if shape == "bool":
        return isinstance(value, bool)
    if shape == "map[string]string":
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    if shape == "[]string":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if shape.startswith("[]"):
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    return isinstance(value, dict)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "array"
    return "object"


def _undecodable(kind: str, message: str) -> KubectlError:
    return KubectlError(
        f'Error from server (BadRequest): {kind} in version "v1" cannot be handled as a {kind}: {message}'
    )


# --- validation -----------------------------------------------------------------------------
def _port_range(path: str, value: Any) -> list[str]:
    if isinstance(value, int) and not 1 <= value <= 65535:
        return [f"{path}: Invalid value: {value}: must be between 1 and 65535, inclusive"]
    return []


def _iana(path: str, value: str) -> list[str]:
    out = []
    if len(value) > 15:
        out.append(f'{path}: Invalid value: "{value}": must be no more than 15 characters')
    if not _IANA.match(value):
        out.append(
            f'{path}: Invalid value: "{value}": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'
        )
    if "--" in value:
        out.append(f'{path}: Invalid value: "{value}": must not contain consecutive hyphens')
    if not re.search(r"[a-z]", value):
        out.append(f'{path}: Invalid value: "{value}": must contain at least one letter (a-z)')
    return out


def _service(spec: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    kind = spec.get("type", "ClusterIP")
    if kind not in _SERVICE_TYPES:
        supported = ", ".join(f'"{t}"' for t in _SERVICE_TYPES)
        errors.append(f'spec.type: Unsupported value: "{kind}": supported values: {supported}')
    ports = spec.get("ports") or []
    if not ports and kind != "ExternalName":
        errors.append("spec.ports: Required value")
    names = [p.get("name") for p in ports if isinstance(p, dict)]
    for i, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
        path = f"spec.ports[{i}]"
        if len(ports) > 1 and not port.get("name"):
            errors.append(f"{path}.name: Required value")
        elif port.get("name") and names.count(port["name"]) > 1:
            errors.append(f'{path}.name: Duplicate value: "{port["name"]}"')
        if "port" not in port:
            errors.append(f"{path}.port: Required value")
        errors += _port_range(f"{path}.port", port.get("port"))
        protocol = port.get("protocol", "TCP")
        if protocol not in _PROTOCOLS:
            supported = ", ".join(f'"{p}"' for p in _PROTOCOLS)
            errors.append(
                f'{path}.protocol: Unsupported value: "{protocol}": supported values: {supported}'
            )
        target = port.get("targetPort")
        if isinstance(target, str):
            errors += _iana(f"{path}.targetPort", target)
        else:
            errors += _port_range(f"{path}.targetPort", target)
        node_port = port.get("nodePort")
        if isinstance(node_port, int) and not 30000 <= node_port <= 32767:
            errors.append(
                f"{path}.nodePort: Invalid value: {node_port}: provided port is not in the valid "
                "range. The range of valid ports is 30000-32767"
            )
    return errors


def _workload(kind: str, spec: dict[str, Any], old: Obj | None) -> list[str]:
    errors: list[str] = []
    replicas = spec.get("replicas")
    if isinstance(replicas, int) and replicas < 0:
        errors.append(
            f"spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0"
        )
    template = spec.get("template")
    selector = spec.get("selector")
    if kind != "Job":
        if not isinstance(selector, dict) or not (
            selector.get("matchLabels") or selector.get("matchExpressions")
        ):
            errors.append("spec.selector: Required value")
        elif isinstance(template, dict):
            labels = (template.get("metadata") or {}).get("labels") or {}
            wanted = selector.get("matchLabels") or {}
            if any(labels.get(k) != v for k, v in wanted.items()):
                errors.append(
                    f"spec.template.metadata.labels: Invalid value: {go_quote(labels)}: "
                    "`selector` does not match template `labels`"
                )
        if old is not None and isinstance(selector, dict):
            before = old.get("spec", {}).get("selector")
            if before is not None and before != selector:
                errors.append(
                    f"spec.selector: Invalid value: {_go_selector(selector)}: field is immutable"
                )
    if not isinstance(template, dict):
        errors.append("spec.template.spec.containers: Required value")
        return errors
    restart = ("Always",) if kind != "Job" else ("OnFailure", "Never")
    errors += _pod_spec(template.get("spec") or {}, "spec.template.spec", restart=restart)
    return errors


def _go_selector(selector: dict[str, Any]) -> str:
    labels = selector.get("matchLabels") or {}
    inner = ", ".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in sorted(labels.items()))
    return (
        f"v1.LabelSelector{{MatchLabels:map[string]string{{{inner}}}, "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"
    )


def _pod_spec(spec: dict[str, Any], prefix: str, restart: tuple[str, ...] | None) -> list[str]:
    errors: list[str] = []
    containers = spec.get("containers")
    if not containers:
        errors.append(f"{prefix}.containers: Required value")
        return errors
    seen: set[str] = set()
    for i, c in enumerate(containers):
        if not isinstance(c, dict):
            continue
        path = f"{prefix}.containers[{i}]"
        name = c.get("name")
        if not name:
            errors.append(f"{path}.name: Required value")
        elif not _DNS_LABEL.match(name):
            errors.append(
                f'{path}.name: Invalid value: "{name}": a lowercase RFC 1123 label must consist of '
                "lower case alphanumeric characters or '-', and must start and end with an "
                "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation "
                "is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
            )
        elif name in seen:
            errors.append(f'{path}.name: Duplicate value: "{name}"')
        if name:
            seen.add(name)
        if not c.get("image"):
            errors.append(f"{path}.image: Required value")
        for j, p in enumerate(c.get("ports") or []):
            if isinstance(p, dict):
                errors += _port_range(f"{path}.ports[{j}].containerPort", p.get("containerPort"))
        errors += _resources(path, c.get("resources") or {})
    policy = spec.get("restartPolicy", "Always")
    if restart is not None and policy not in restart:
        supported = ", ".join(f'"{r}"' for r in restart)
        errors.append(
            f'{prefix}.restartPolicy: Unsupported value: "{policy}": supported values: {supported}'
        )
    return errors


def _resources(path: str, resources: dict[str, Any]) -> list[str]:
    limits = resources.get("limits") or {}
    requests = resources.get("requests") or {}
    errors = []
    for key, value in requests.items():
        if key in limits and Quantity.parse(value).value > Quantity.parse(limits[key]).value:
            errors.append(
                f'{path}.resources.requests: Invalid value: "{value}": must be less than '
                f"or equal to {key} limit of {limits[key]}"
            )
    return errors


_POD_MUTABLE = (
    "pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
    "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set "
    "to 1 if it was previously negative)"
)


def _pod_update(old: Obj, new: Obj) -> list[str]:
    def masked(spec: dict[str, Any]) -> dict[str, Any]:
        out = json.loads(json.dumps(spec))
        for key in ("containers", "initContainers"):
            for c in out.get(key, []) or []:
                if isinstance(c, dict):
                    c.pop("image", None)
        for key in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"):
            out.pop(key, None)
        return out

    if masked(old.get("spec", {})) != masked(new.get("spec", {})):
        return [f"spec: Forbidden: {_POD_MUTABLE}"]
    return []


def _metadata(obj: Obj) -> list[str]:
    errors: list[str] = []
    labels = obj["metadata"].get("labels") or {}
    for value in labels.values():
        if not isinstance(value, str):
            continue
        problem = label_value_problem(value)
        if problem:
            errors.append(f'metadata.labels: Invalid value: "{value}": {problem}')
    return errors


_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def label_value_problem(value: str) -> str:
    """Why `value` is not a valid label value ('' when it is)."""
    if len(value) > 63:
        return "must be no more than 63 characters"
    if not _LABEL_VALUE.match(value):
        return (
            "a valid label must be an empty string or consist of alphanumeric characters, '-', "
            "'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  "
            "or 'my_value',  or '12345', regex used for validation is "
            "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        )
    return ""
