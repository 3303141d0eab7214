"""The official `kubernetes` Python client against served twins: every kind of the three apps.

Lists, reads, patches and deletes go through the client's typed APIs (its models parse
every object the server returns), then the twin's store is checked for the effect.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

kubernetes = pytest.importorskip("kubernetes")
from kubernetes import client  # noqa: E402
from kubernetes.client.rest import ApiException  # noqa: E402

from aoi.apiserver.serve import Served, serving  # noqa: E402
from aoi.twin.cluster.store import KINDS  # noqa: E402
from aoi.twin.core import Twin  # noqa: E402

APPS = {
    "hotel-reservation": "test-hotel-reservation",
    "social-network": "test-social-network",
    "astronomy-shop": "astronomy-shop",
}
API_CLASSES = {"v1": client.CoreV1Api, "apps/v1": client.AppsV1Api, "batch/v1": client.BatchV1Api}
API_CLASSES["storage.k8s.io/v1"] = client.StorageV1Api


def _snake(kind: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower()


@pytest.fixture(params=sorted(APPS))
def served_app(request: pytest.FixtureRequest) -> Iterator[tuple[Served, client.ApiClient, str]]:
    twin = Twin.fresh(request.param, 0)
    with serving(twin, clock="still") as served:
        config = client.Configuration(host=served.url)
        with client.ApiClient(config) as api:
            yield served, api, APPS[request.param]


def _calls(api: client.ApiClient, kind: str) -> tuple[Any, str]:
    info = KINDS[kind]
    target = API_CLASSES[info.api_version](api)
    scope = "namespaced_" if info.namespaced else ""
    return target, f"{scope}{_snake(kind)}"


def test_every_kind_lists_reads_patches_and_deletes(
    served_app: tuple[Served, client.ApiClient, str],
) -> None:
    served, api, ns = served_app
    twin = served.api.twin
    kinds = sorted(
        {o["kind"] for o in twin.store.all() if o["metadata"].get("namespace") == ns}
        | {"Node", "PersistentVolume", "StorageClass", "Namespace"}
    )
    kinds = [k for k in kinds if KINDS[k].api_version in API_CLASSES]
    assert {"Deployment", "Pod", "Service", "ConfigMap"} <= set(kinds)
    for kind in kinds:
        target, suffix = _calls(api, kind)
        namespaced = KINDS[kind].namespaced
        args: tuple[str, ...] = (ns,) if namespaced else ()
        listed = getattr(target, f"list_{suffix}")(*args)
        stored = twin.store.list(kind, ns if namespaced else None)
        assert [i.metadata.name for i in listed.items] == [o["metadata"]["name"] for o in stored]
        if not stored:
            continue  # a cluster-scoped kind this app has none of (volumes)
        name = stored[-1]["metadata"]["name"]
        read = getattr(target, f"read_{suffix}")(name, *args)
        assert read.metadata.uid == stored[-1]["metadata"]["uid"]
        patched = getattr(target, f"patch_{suffix}")(
            name, *args, {"metadata": {"labels": {"checked-by": "python-client"}}}
        )
        assert patched.metadata.labels["checked-by"] == "python-client"
        live = twin.store.get(kind, ns if namespaced else None, name)
        assert live is not None and live["metadata"]["labels"]["checked-by"] == "python-client"
    for kind in ("Service", "ConfigMap", "Deployment"):
        target, suffix = _calls(api, kind)
        name = twin.store.list(kind, ns)[0]["metadata"]["name"]
        getattr(target, f"delete_{suffix}")(name, ns)
        assert twin.store.get(kind, ns, name) is None
        with pytest.raises(ApiException) as missing:
            getattr(target, f"read_{suffix}")(name, ns)
        assert missing.value.status == 404


def test_deleting_a_deployment_cascades_unless_orphaned(
    served_app: tuple[Served, client.ApiClient, str],
) -> None:
    served, api, ns = served_app
    twin = served.api.twin
    apps = client.AppsV1Api(api)
    first, second = (d["metadata"]["name"] for d in twin.store.list("Deployment", ns)[:2])
    owned = [
        rs["metadata"]["name"]
        for rs in twin.store.list("ReplicaSet", ns)
        if rs["metadata"]["name"].startswith(f"{second}-")
    ]
    apps.delete_namespaced_deployment(first, ns, propagation_policy="Background")
    assert not [
        rs
        for rs in twin.store.list("ReplicaSet", ns)
        if rs["metadata"]["name"].startswith(f"{first}-")
    ]
    apps.delete_namespaced_deployment(second, ns, propagation_policy="Orphan")
    kept = [rs for rs in twin.store.list("ReplicaSet", ns) if rs["metadata"]["name"] in owned]
    assert kept and all("ownerReferences" not in rs["metadata"] for rs in kept)


def test_scale_status_and_logs_subresources(
    served_app: tuple[Served, client.ApiClient, str],
) -> None:
    served, api, ns = served_app
    twin = served.api.twin
    apps, core = client.AppsV1Api(api), client.CoreV1Api(api)
    name = twin.store.list("Deployment", ns)[0]["metadata"]["name"]
    scale = apps.read_namespaced_deployment_scale(name, ns)
    assert scale.spec.replicas == twin.store.get("Deployment", ns, name)["spec"]["replicas"]
    apps.patch_namespaced_deployment_scale(name, ns, {"spec": {"replicas": 3}})
    assert twin.store.get("Deployment", ns, name)["spec"]["replicas"] == 3
    status = apps.read_namespaced_deployment_status(name, ns)
    assert status.status is not None
    pod = next(
        p
        for p in twin.store.list("Pod", ns)
        if len(p["spec"]["containers"]) == 1 and p["status"].get("phase") == "Running"
    )
    text = core.read_namespaced_pod_log(pod["metadata"]["name"], ns, tail_lines=3)
    assert 0 < len(text.splitlines()) <= 3
    with pytest.raises(ApiException) as bad:
        core.read_namespaced_pod_log(pod["metadata"]["name"], ns, container="nope")
    assert bad.value.status == 400
