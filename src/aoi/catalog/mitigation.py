"""Whether a mitigation worked, read off a view of the cluster as AIOpsLab reads it.

Pure functions over Kubernetes JSON objects (the ``items`` of
``kubectl get KIND -n NS -o json``). The pod rule is AIOpsLab's: for every
container status, in this order, a waiting CrashLoopBackOff fails, a
termination whose reason is not Completed fails, a container not ready fails.
Tasks with ``image_errors`` use AIOpsLab's rollout rule instead for waiting
containers (CrashLoopBackOff, Error, ImagePullBackOff, ErrImagePull fail; other
waiting reasons are let through). One deliberate difference: a pod with no
container statuses (Pending, never scheduled) counts as not ready, where
AIOpsLab either crashes or skips it; skipping would let an unfixed
non-existent-node fault pass.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from aoi.catalog.models import MitigationCheck, Task

IMAGE_ERROR_REASONS = frozenset({"CrashLoopBackOff", "Error", "ImagePullBackOff", "ErrImagePull"})
DEFAULT_PORT = 9090


class ClusterView(Protocol):
    """Read access to cluster objects, shaped like `kubectl get KIND -n NS -o json` items."""

    def objects(self, kind: str, namespace: str) -> list[dict[str, Any]]:
        """Objects of a kind ("Pod", "Deployment", "Service", "PersistentVolumeClaim")."""
        ...


def _get(obj: Any, *path: str | int) -> Any:
    """obj[path...] with None for anything missing or of the wrong shape."""
    for key in path:
        if isinstance(key, int):
            if not isinstance(obj, list) or not -len(obj) <= key < len(obj):
                return None
        elif not isinstance(obj, dict):
            return None
        obj = obj[key] if isinstance(key, int) else obj.get(key)
    return obj


def _name(obj: dict[str, Any]) -> str:
    return str(_get(obj, "metadata", "name") or "?")


def _named(objs: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    return next((o for o in objs if _get(o, "metadata", "name") == name), None)


def pod_problems(pods: list[dict[str, Any]], *, image_errors: bool = False) -> Iterator[str]:
    """Why the pods are not healthy under AIOpsLab's rule; nothing when they are."""
    for pod in pods:
        statuses = _get(pod, "status", "containerStatuses")
        if not statuses:
            phase = _get(pod, "status", "phase") or "Unknown"
            yield f"pod {_name(pod)} has no running containers (phase {phase})"
            continue
        for status in statuses:
            container = f"container {_get(status, 'name') or '?'} of pod {_name(pod)}"
            waiting = _get(status, "state", "waiting")
            terminated = _get(status, "state", "terminated")
            if image_errors and waiting is not None:
                reason = _get(waiting, "reason")
                if reason in IMAGE_ERROR_REASONS:
                    yield f"{container} is waiting: {reason}"
            elif waiting is not None and _get(waiting, "reason") == "CrashLoopBackOff":
                yield f"{container} is in CrashLoopBackOff"
            elif terminated is not None and _get(terminated, "reason") != "Completed":
                yield f"{container} terminated: {_get(terminated, 'reason')}"
            elif not _get(status, "ready"):
                yield f"{container} is not ready"


def _extra_problems(task: Task, view: ClusterView) -> Iterator[str]:
    ns, target = task.namespace, task.target or ""
    checks = set(task.mitigation_checks)
    if MitigationCheck.TARGET_PORT_RESTORED in checks:
        want = task.params.get("port", DEFAULT_PORT)
        service = _named(view.objects("Service", ns), target)
        got = _get(service, "spec", "ports", 0, "targetPort")
        if service is None:
            yield f"service {target} does not exist"
        elif got != want:
            yield f"service {target} has targetPort {got}, not {want}"
    if MitigationCheck.SINGLE_REPLICA in checks:
        deployment = _named(view.objects("Deployment", ns), target)
        if deployment is None:
            yield f"deployment {target} does not exist"
        else:
            desired = _get(deployment, "spec", "replicas")
            available = _get(deployment, "status", "availableReplicas") or 0
            if desired != 1 or available != 1:
                yield f"deployment {target} has {available} available of {desired} desired, not 1"
    if MitigationCheck.TARGET_POD_EXISTS in checks:
        pods = view.objects("Pod", ns)
        if not any(_is_pod_of(pod, target, task.pod_label) for pod in pods):
            yield f"no pod of {target} exists"
    if MitigationCheck.BINARY_COMMAND in checks:
        binary = task.params.get("binary", target)
        deployment = _named(view.objects("Deployment", ns), target)
        containers = _get(deployment, "spec", "template", "spec", "containers")
        if deployment is None:
            yield f"deployment {target} does not exist"
        for container in containers or []:
            command = _get(container, "command") or []
            if not isinstance(command, list) or binary not in command:
                yield f"container {_get(container, 'name')} of {target} runs {command}, not {binary}"


def _is_pod_of(pod: dict[str, Any], service: str, label: str) -> bool:
    labels = _get(pod, "metadata", "labels") or {}
    return labels.get(label) == service or _name(pod).startswith(f"{service}-")


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _strict_problems(
    view: ClusterView,
    namespace: str,
    baseline_replicas: Mapping[str, int],
    traffic_healthy: bool | None,
) -> Iterator[str]:
    deployments = view.objects("Deployment", namespace)
    for name, want in sorted(baseline_replicas.items()):
        deployment = _named(deployments, name)
        if deployment is None:
            yield f"deployment {name} is gone (baseline {want} replicas)"
            continue
        desired = _count(_get(deployment, "spec", "replicas"))
        available = _count(_get(deployment, "status", "availableReplicas"))
        if desired < want or available < want:
            yield f"deployment {name} has {available} available of {desired}, baseline {want}"
    if traffic_healthy is not True:
        state = "unknown" if traffic_healthy is None else "failing"
        yield f"traffic through the application is {state}"


def mitigation_problems(
    task: Task,
    view: ClusterView,
    *,
    strict: bool = False,
    baseline_replicas: Mapping[str, int] | None = None,
    traffic_healthy: bool | None = None,
) -> list[str]:
    """Every reason the mitigation fails; an empty list means success.

    In ``strict`` mode each deployment of ``baseline_replicas`` must still have
    at least that many desired and available replicas, and ``traffic_healthy``
    (measured by the environment) must be True: deleting or scaling away the
    broken workload then fails, as it does not under AIOpsLab's rule.
    """
    if strict and baseline_replicas is None:
        raise ValueError("strict mitigation scoring needs baseline_replicas")
    image_errors = MitigationCheck.IMAGE_ERRORS in task.mitigation_checks
    problems = list(pod_problems(view.objects("Pod", task.namespace), image_errors=image_errors))
    problems.extend(_extra_problems(task, view))
    if strict:
        assert baseline_replicas is not None
        problems.extend(_strict_problems(view, task.namespace, baseline_replicas, traffic_healthy))
    return problems
