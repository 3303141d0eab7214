"""Shared inputs: what kubectl prints, and objects shaped like `kubectl get -o json`."""

from __future__ import annotations

from typing import Any

import pytest

PODS_TABLE = """NAME                      READY   STATUS             RESTARTS   AGE
frontend-7d9c8b6f5-abcde  1/1     Running            0          5d
cart-5f6d7c8b9-xyz12      0/1     CrashLoopBackOff   12         5d
redis-cart-6b9c5d-qwert   1/1     Running            0          5d
payment-abc               1/1     Error              3          2h
checkout-1                1/1     Running            10         1Gi
"""


def pod(name: str, phase: str, *, ready: bool = True, image: str = "nginx:1.25") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": "default",
            "labels": {"app": name.split("-")[0], "app.kubernetes.io/name": name.split("-")[0]},
        },
        "spec": {"containers": [{"name": "main", "image": image}]},
        "status": {
            "phase": phase,
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "containerStatuses": [{"name": "main", "restartCount": 0 if ready else 7}],
        },
    }


def make_pod_list() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            pod("frontend-7d9c8b6f5-abcde", "Running"),
            pod("cart-5f6d7c8b9-xyz12", "Pending", ready=False, image="cart:v2"),
            pod("redis-cart-6b9c5d-qwert", "Running", image="redis:alpine"),
        ],
        "metadata": {"resourceVersion": ""},
    }


@pytest.fixture
def pods_table() -> str:
    return PODS_TABLE


@pytest.fixture
def pod_list() -> dict[str, Any]:
    return make_pod_list()
