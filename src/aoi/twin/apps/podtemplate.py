"""Pod templates from component specs, and the defaults the API server fills into pod specs.

`default_pod_spec` is shared with `kubectl apply` and `create`, so that a pod
spec written by an agent is defaulted exactly as one built from the app data.
"""

from __future__ import annotations

from typing import Any

from aoi.twin.apps.objects import clone
from aoi.twin.apps.spec import (
    Component,
    ContainerSpec,
    EnvVar,
    Mount,
)


def pod_template(comp: Component) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    if comp.pod_annotations:
        meta["annotations"] = dict(comp.pod_annotations)
    meta["labels"] = dict(comp.pod_labels)
    main = ContainerSpec(
        name=comp.container,
        image=comp.image,
        image_pull_policy=comp.image_pull_policy,
        command=comp.command,
        args=comp.args,
        env=comp.env,
        container_ports=comp.container_ports,
        resources=comp.resources,
        volume_mounts=comp.volume_mounts,
        security_context=comp.security_context,
    )
    containers = [main, *comp.sidecars]
    main_dict = _container(main)
    if comp.readiness_probe is not None:
        main_dict["readinessProbe"] = clone(comp.readiness_probe)
    if comp.liveness_probe is not None:
        main_dict["livenessProbe"] = clone(comp.liveness_probe)
    spec: dict[str, Any] = {"containers": [main_dict, *(_container(s) for s in comp.sidecars)]}
    if comp.init_containers:
        spec["initContainers"] = [_container(c) for c in comp.init_containers]
    if comp.dns_policy != "ClusterFirst":
        spec["dnsPolicy"] = comp.dns_policy
    if comp.hostname:
        spec["hostname"] = comp.hostname
    if comp.host_network:
        spec["hostNetwork"] = True
    if comp.node_selector:
        spec["nodeSelector"] = dict(comp.node_selector)
    if comp.priority_class:
        spec["priorityClassName"] = comp.priority_class
    if comp.restart_policy != "Always":
        spec["restartPolicy"] = comp.restart_policy
    if comp.service_account:
        spec["serviceAccountName"] = comp.service_account
    if comp.tolerations:
        spec["tolerations"] = [dict(t) for t in comp.tolerations]
    volumes = _volumes([m for c in [*containers, *comp.init_containers] for m in c.volume_mounts])
    if volumes:
        spec["volumes"] = volumes
    return {"metadata": meta, "spec": spec}


def _container(spec: ContainerSpec) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if spec.args:
        out["args"] = list(spec.args)
    if spec.command:
        out["command"] = list(spec.command)
    if spec.env:
        out["env"] = [_env(e) for e in spec.env]
    out["image"] = spec.image
    if spec.image_pull_policy:
        out["imagePullPolicy"] = spec.image_pull_policy
    out["name"] = spec.name
    if spec.container_ports:
        ports = []
        for p in spec.container_ports:
            entry: dict[str, Any] = {"containerPort": p.container_port}
            if p.name:
                entry["name"] = p.name
            if p.protocol != "TCP":
                entry["protocol"] = p.protocol
            ports.append(entry)
        out["ports"] = ports
    if spec.resources:
        out["resources"] = {k: dict(v) for k, v in spec.resources.items()}
    if spec.security_context is not None:
        out["securityContext"] = clone(spec.security_context)
    if spec.volume_mounts:
        out["volumeMounts"] = [_mount(m) for m in spec.volume_mounts]
    return out


def _env(var: EnvVar) -> dict[str, Any]:
    if var.value_from_secret is not None:
        ref = {"key": var.value_from_secret.key, "name": var.value_from_secret.name}
        return {"name": var.name, "valueFrom": {"secretKeyRef": ref}}
    if var.value_from_configmap is not None:
        ref = {"key": var.value_from_configmap.key, "name": var.value_from_configmap.name}
        return {"name": var.name, "valueFrom": {"configMapKeyRef": ref}}
    if var.field_path is not None:
        return {"name": var.name, "valueFrom": {"fieldRef": {"fieldPath": var.field_path}}}
    return {"name": var.name, "value": var.value or ""}


def _mount(mount: Mount) -> dict[str, Any]:
    out: dict[str, Any] = {"mountPath": mount.mount_path, "name": mount.name}
    if mount.read_only:
        out["readOnly"] = True
    if mount.sub_path:
        out["subPath"] = mount.sub_path
    return out


def _volumes(mounts: list[Mount]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for m in mounts:
        if m.name in seen:
            continue
        if m.source == "pvc":
            seen[m.name] = {"name": m.name, "persistentVolumeClaim": {"claimName": m.ref or m.name}}
        elif m.source == "configMap":
            seen[m.name] = {"configMap": {"name": m.ref or m.name}, "name": m.name}
        elif m.source == "secret":
            seen[m.name] = {"name": m.name, "secret": {"secretName": m.ref or m.name}}
        elif m.source == "hostPath":
            host: dict[str, str] = {"path": m.ref or m.mount_path}
            if m.host_path_type:
                host["type"] = m.host_path_type
            seen[m.name] = {"hostPath": host, "name": m.name}
        else:
            seen[m.name] = {"emptyDir": {}, "name": m.name}
    return list(seen.values())


def default_pod_spec(spec: dict[str, Any]) -> None:
    """The API server's defaults for a pod spec, filled in place."""
    for key in ("initContainers", "containers"):
        for container in spec.get(key, []):
            default_container(container)
    if spec.get("hostNetwork"):
        # a host-network pod's ports are the node's: the API server defaults hostPort to them
        for key in ("initContainers", "containers"):
            for container in spec.get(key, []):
                for port in container.get("ports", []):
                    if not port.get("hostPort"):
                        port["hostPort"] = port["containerPort"]
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("securityContext", {})
    if "serviceAccountName" in spec:
        spec["serviceAccount"] = spec["serviceAccountName"]
    spec.setdefault("terminationGracePeriodSeconds", 30)
    for volume in spec.get("volumes", []):
        if "configMap" in volume:
            volume["configMap"].setdefault("defaultMode", 420)
        if "secret" in volume:
            volume["secret"].setdefault("defaultMode", 420)
        if "hostPath" in volume:
            volume["hostPath"].setdefault("type", "")
    ordered = {k: spec[k] for k in sorted(spec)}
    spec.clear()
    spec.update(ordered)


def default_container(container: dict[str, Any]) -> None:
    if "imagePullPolicy" not in container:
        container["imagePullPolicy"] = _pull_policy(str(container.get("image", "")))
    container.setdefault("resources", {})
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    for port in container.get("ports", []):
        port.setdefault("protocol", "TCP")
    for var in container.get("env", []):
        field = var.get("valueFrom", {}).get("fieldRef")
        if field is not None:
            field.setdefault("apiVersion", "v1")
    for key in ("readinessProbe", "livenessProbe", "startupProbe"):
        probe = container.get(key)
        if probe is None:
            continue
        probe.setdefault("failureThreshold", 3)
        probe.setdefault("periodSeconds", 10)
        probe.setdefault("successThreshold", 1)
        probe.setdefault("timeoutSeconds", 1)
        if "httpGet" in probe:
            probe["httpGet"].setdefault("scheme", "HTTP")
    ordered = {k: container[k] for k in sorted(container)}
    container.clear()
    container.update(ordered)


def _pull_policy(image: str) -> str:
    """Kubernetes' default: Always for `:latest` or no tag, else IfNotPresent."""
    ref = image.split("@", 1)[0]
    if "@" in image:
        return "IfNotPresent"
    slash, colon = ref.rfind("/"), ref.rfind(":")
    tag = ref[colon + 1 :] if colon > slash else ""
    return "Always" if tag in ("", "latest") else "IfNotPresent"
