"""KubectlView: the catalog's ClusterView read through kubectl, as scoring on a live cluster sees it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aoi.envs.runner import ProcessResult
from aoi.errors import AOIError

_RESOURCES = {
    "Pod": "pods",
    "Deployment": "deployments",
    "Service": "services",
    "PersistentVolumeClaim": "persistentvolumeclaims",
}


class ClusterReadError(AOIError, RuntimeError):
    """kubectl could not read objects the scoring needs."""


class KubectlView:
    """The catalog's ClusterView over `kubectl get <kind> -n NS -o json`.

    `kubectl(args)` runs kubectl with those arguments in the pinned context; any
    failure to read (error, time-out, output cut short) raises ClusterReadError
    rather than looking like an empty namespace.
    """

    def __init__(self, kubectl: Callable[[list[str]], ProcessResult]) -> None:
        self._kubectl = kubectl

    def objects(self, kind: str, namespace: str) -> list[dict[str, Any]]:
        resource = _RESOURCES.get(kind, kind.lower())
        result = self._kubectl(["get", resource, "-n", namespace, "-o", "json"])
        what = f"kubectl get {resource} -n {namespace}"
        if result.timed_out or result.exit_code != 0:
            raise ClusterReadError(f"{what} failed: {result.stderr.strip() or result.exit_code}")
        if result.truncated:
            raise ClusterReadError(f"{what} printed more than the output cap")
        try:
            items = json.loads(result.stdout).get("items")
        except (ValueError, AttributeError) as exc:
            raise ClusterReadError(f"{what} did not print a JSON list") from exc
        return [i for i in items or [] if isinstance(i, dict)]
