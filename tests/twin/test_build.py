"""The builder's objects: what the API server would return, readable by the official client."""

from __future__ import annotations

import inspect
import ipaddress
import json
import shutil
import subprocess
from collections import Counter
from datetime import datetime
from typing import Any

import pytest

from aoi.twin.apps import APP_KEYS, load_app, load_cluster
from aoi.twin.apps.build import build_app, build_cluster
from aoi.twin.apps.helmrecord import decode_helm_release
from aoi.twin.cluster.clock import SimClock
from aoi.twin.cluster.store import Store

kubernetes = pytest.importorskip("kubernetes")

CLUSTER_CREATED = "2026-11-26T08:00:00Z"
APP_CREATED = "2026-11-26T08:40:00Z"

MODELS = {
    "Deployment": "V1Deployment",
    "StatefulSet": "V1StatefulSet",
    "DaemonSet": "V1DaemonSet",
    "Job": "V1Job",
    "Service": "V1Service",
    "Endpoints": "V1Endpoints",
    "ConfigMap": "V1ConfigMap",
    "Secret": "V1Secret",
    "PersistentVolume": "V1PersistentVolume",
    "PersistentVolumeClaim": "V1PersistentVolumeClaim",
    "Node": "V1Node",
    "Namespace": "V1Namespace",
    "ServiceAccount": "V1ServiceAccount",
    "StorageClass": "V1StorageClass",
}

# What `kubectl create deployment geo --image=yinfangchen/hotelreservation:latest
# --dry-run=client -o json` prints (kubectl v1.32), for machines without kubectl.
KUBECTL_CREATE_DEPLOYMENT = {
    "kind": "Deployment",
    "apiVersion": "apps/v1",
    "metadata": {"name": "geo", "creationTimestamp": None, "labels": {"app": "geo"}},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "geo"}},
        "template": {
            "metadata": {"creationTimestamp": None, "labels": {"app": "geo"}},
            "spec": {
                "containers": [
                    {
                        "name": "hotelreservation",
                        "image": "yinfangchen/hotelreservation:latest",
                        "resources": {},
                    }
                ]
            },
        },
        "strategy": {},
    },
    "status": {},
}


def twin(app_key: str, seed: int = 7) -> Store:
    store = Store(SimClock(), seed)
    build_cluster(store, load_cluster(), created=CLUSTER_CREATED)
    build_app(store, load_app(app_key), created=APP_CREATED)
    return store


class _Response:
    def __init__(self, obj: dict[str, Any]) -> None:
        self.data = json.dumps(obj)


def _normalise(value: Any) -> Any:
    """The client writes datetimes in isoformat; bring them back to Kubernetes' form."""
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, str) and value.endswith("+00:00") and "T" in value:
        return datetime.fromisoformat(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def round_trip(obj: dict[str, Any]) -> Any:
    client = kubernetes.client.ApiClient()
    if "response_text" in inspect.signature(client.deserialize).parameters:
        # kubernetes >= 35 takes the body text and a content type.
        model = client.deserialize(json.dumps(obj), MODELS[obj["kind"]], "application/json")
    else:
        model = client.deserialize(_Response(obj), MODELS[obj["kind"]])
    return _normalise(client.sanitize_for_serialization(model))


@pytest.mark.parametrize("key", APP_KEYS)
def test_every_object_round_trips_through_the_official_client(key: str) -> None:
    store = twin(key)
    kinds: Counter[str] = Counter()
    for obj in store.all():
        kinds[obj["kind"]] += 1
        assert round_trip(obj) == json.loads(json.dumps(obj)), (
            obj["kind"],
            obj["metadata"]["name"],
        )
    for kind in (
        "Deployment",
        "Service",
        "ConfigMap",
        "Namespace",
        "Node",
        "DaemonSet",
        "Job",
        "StorageClass",
    ):
        assert kinds[kind] > 0, kind
    if key == "hotel-reservation":
        assert kinds["PersistentVolume"] == kinds["PersistentVolumeClaim"] == 6
    if key in ("social-network", "astronomy-shop"):
        assert kinds["Secret"] >= 1
    if key == "astronomy-shop":
        assert store.get("StatefulSet", "astronomy-shop", "opensearch") is not None


def test_builder_leaves_pods_and_derived_objects_to_the_controller() -> None:
    store = twin("hotel")
    assert store.list("Pod") == [] and store.list("ReplicaSet") == [] and store.list("Event") == []
    assert [e["metadata"]["name"] for e in store.list("Endpoints")] == ["kubernetes"]
    geo = store.get("Deployment", "test-hotel-reservation", "geo")
    assert geo is not None and geo["status"] == {}


def test_builds_are_deterministic_per_seed() -> None:
    first = json.dumps(list(twin("social", 3).all()), sort_keys=True)
    again = json.dumps(list(twin("social", 3).all()), sort_keys=True)
    other = json.dumps(list(twin("social", 4).all()), sort_keys=True)
    assert first == again
    assert first != other


def test_namespaces_accounts_and_root_ca() -> None:
    store = twin("astronomy")
    names: set[str] = set(store.namespaces())
    assert names == {
        "default",
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "local-path-storage",
        "observe",
        "astronomy-shop",
    }
    for ns in names:
        namespace = store.get("Namespace", None, ns)
        assert namespace is not None
        assert namespace["metadata"]["labels"]["kubernetes.io/metadata.name"] == ns
        assert namespace["status"] == {"phase": "Active"}
        assert store.get("ServiceAccount", ns, "default") is not None
        ca = store.get("ConfigMap", ns, "kube-root-ca.crt")
        assert ca is not None and ca["data"]["ca.crt"].startswith("-----BEGIN CERTIFICATE-----")
    assert store.get("ServiceAccount", "astronomy-shop", "astronomy-shop") is not None
    sc = store.get("StorageClass", None, "standard")
    assert sc is not None and sc["provisioner"] == "rancher.io/local-path"
    assert sc["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] == "true"


def test_nodes() -> None:
    store = twin("hotel")
    nodes = {n["metadata"]["name"]: n for n in store.list("Node")}
    assert set(nodes) == {"kind-control-plane", "kind-worker"}
    control = nodes["kind-control-plane"]
    assert control["spec"]["taints"] == [
        {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
    ]
    assert control["spec"]["podCIDR"] == "10.244.0.0/24"
    assert control["status"]["addresses"][0] == {"address": "172.18.0.2", "type": "InternalIP"}
    ready = [c for c in control["status"]["conditions"] if c["type"] == "Ready"]
    assert ready[0]["status"] == "True"
    assert nodes["kind-worker"]["status"]["nodeInfo"]["kubeletVersion"].startswith("v1.32.")


def test_services_have_unique_cluster_ips_in_range() -> None:
    store = twin("social")
    network = ipaddress.ip_network("10.96.0.0/16")
    ips = [s["spec"]["clusterIP"] for s in store.list("Service")]
    assert len(ips) == len(set(ips))
    assert all(ipaddress.ip_address(ip) in network for ip in ips)
    kube_dns = store.get("Service", "kube-system", "kube-dns")
    api = store.get("Service", "default", "kubernetes")
    assert kube_dns is not None and kube_dns["spec"]["clusterIP"] == "10.96.0.10"
    assert api is not None and api["spec"]["clusterIP"] == "10.96.0.1"
    prom = store.get("Service", "observe", "prometheus-server")
    assert prom is not None and prom["spec"]["type"] == "NodePort"
    assert prom["spec"]["ports"][0] == {
        "name": "http",
        "nodePort": 32000,
        "port": 80,
        "protocol": "TCP",
        "targetPort": 9090,
    }
    compose = store.get("Service", "test-social-network", "compose-post-service")
    assert compose is not None
    assert compose["spec"]["selector"] == {"service": "compose-post-service"}
    assert compose["spec"]["ports"] == [
        {"name": "9090", "port": 9090, "protocol": "TCP", "targetPort": 9090}
    ]


def test_hotel_objects_carry_kompose_and_kubectl_apply_bookkeeping() -> None:
    store = twin("hotel")
    geo = store.get("Deployment", "test-hotel-reservation", "geo")
    assert geo is not None
    annotations = geo["metadata"]["annotations"]
    assert annotations["kompose.cmd"] == "kompose convert"
    assert annotations["deployment.kubernetes.io/revision"] == "1"
    applied = json.loads(annotations["kubectl.kubernetes.io/last-applied-configuration"])
    assert applied["spec"]["template"]["spec"]["containers"][0]["command"] == ["geo"]
    assert "status" not in applied and "progressDeadlineSeconds" not in applied["spec"]
    assert "app.kubernetes.io/managed-by" not in geo["metadata"]["labels"]
    mongo = store.get("Deployment", "test-hotel-reservation", "mongodb-geo")
    assert mongo is not None
    pod = mongo["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["geo"]["persistentVolumeClaim"] == {"claimName": "geo-pvc"}
    assert volumes["init-script"]["configMap"] == {"name": "mongo-geo-script", "defaultMode": 420}
    assert volumes["failure-script"]["configMap"]["name"] == "failure-admin-geo"
    assert pod["containers"][0]["args"] == ["--auth"]
    assert mongo["spec"]["strategy"] == {"type": "Recreate"}


def test_volumes_are_bound_to_their_claims() -> None:
    store = twin("hotel")
    for pv in store.list("PersistentVolume"):
        ref = pv["spec"]["claimRef"]
        claim = store.get("PersistentVolumeClaim", ref["namespace"], ref["name"])
        assert claim is not None
        assert ref["uid"] == claim["metadata"]["uid"]
        assert claim["spec"]["volumeName"] == pv["metadata"]["name"]
        assert pv["status"]["phase"] == claim["status"]["phase"] == "Bound"
        assert pv["spec"]["capacity"] == {"storage": "1Gi"}
        assert pv["spec"]["hostPath"]["path"] == f"/data/volumes/{pv['metadata']['name']}"


def test_helm_apps_carry_release_metadata_and_secret() -> None:
    store = twin("social")
    ns = "test-social-network"
    dep = store.get("Deployment", ns, "compose-post-service")
    assert dep is not None
    assert dep["metadata"]["labels"] == {
        "service": "compose-post-service",
        "app.kubernetes.io/managed-by": "Helm",
    }
    assert dep["metadata"]["annotations"]["meta.helm.sh/release-name"] == "social-network"
    assert dep["metadata"]["annotations"]["meta.helm.sh/release-namespace"] == ns
    container = dep["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["ComposePostService"]
    assert container["imagePullPolicy"] == "Always"
    mounts = {m["subPath"]: m["mountPath"] for m in container["volumeMounts"]}
    assert (
        mounts["service-config.json"] == "/social-network-microservices/config/service-config.json"
    )
    secret = store.get("Secret", ns, "sh.helm.release.v1.social-network.v1")
    assert secret is not None and secret["type"] == "helm.sh/release.v1"
    assert secret["metadata"]["labels"]["owner"] == "helm"
    release = decode_helm_release(secret)
    assert release["config"]["url-shorten-mongodb"]["tls"]["mode"] == "disabled"
    assert release["chart"]["metadata"]["name"] == "social-network"
    tls = store.get("Secret", ns, "mongodb-tls")
    assert tls is not None and set(tls["data"]) == {"tls.pem", "ca.crt"}
    assert store.get("Secret", "observe", "sh.helm.release.v1.prometheus.v1") is not None


def test_completed_load_generator_job() -> None:
    store = twin("hotel")
    job = store.get("Job", "default", "wrk2-job")
    assert job is not None
    assert job["status"]["succeeded"] == 1
    assert {c["type"] for c in job["status"]["conditions"]} == {"Complete", "SuccessCriteriaMet"}
    uid = job["metadata"]["uid"]
    assert job["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def _kubectl_create_deployment() -> dict[str, Any]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        return KUBECTL_CREATE_DEPLOYMENT
    argv = [
        kubectl,
        "create",
        "deployment",
        "geo",
        "--image=yinfangchen/hotelreservation:latest",
        "--dry-run=client",
        "-o",
        "json",
    ]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return KUBECTL_CREATE_DEPLOYMENT
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> set[tuple[Any, ...]]:
    """Key paths of the fields kubectl fills (nulls and empty objects are not filled)."""
    if isinstance(value, dict):
        out: set[tuple[Any, ...]] = set()
        for key, item in value.items():
            if item is None or item == {}:
                continue
            out |= _paths(item, (*prefix, key))
        return out or {prefix}
    if isinstance(value, list):
        return set().union(*(_paths(item, (*prefix, i)) for i, item in enumerate(value)))
    return {prefix}


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


def test_deployment_matches_kubectl_for_the_fields_kubectl_fills() -> None:
    expected = _kubectl_create_deployment()
    store = twin("hotel")
    ours = store.get("Deployment", "test-hotel-reservation", "geo")
    assert ours is not None
    # Labels and the container name are chosen by kompose, not by `kubectl create`.
    app_specific = {"labels", "matchLabels", "name"}
    for path in _paths(expected):
        assert _at(ours, path[:-1]) is not None, path
        if path[-1] in app_specific or any(p in ("labels", "matchLabels") for p in path):
            continue
        if path[-2:] == (0, "name") or path == ("metadata", "name"):
            continue
        assert _at(ours, path) == _at(expected, path), path
    assert ours["metadata"]["name"] == expected["metadata"]["name"]
    assert ours["status"] == expected["status"] == {}
    # kubectl leaves strategy empty; the API server defaults it.
    assert expected["spec"]["strategy"] == {}
    assert ours["spec"]["strategy"]["type"] == "RollingUpdate"
