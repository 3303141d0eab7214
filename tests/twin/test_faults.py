"""One test per fault type: what an SRE sees after the injection, through commands only."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from aoi.catalog import list_families
from aoi.envs import Action
from aoi.envs.twin import TwinEnvironment
from aoi.twin.faults import INJECTORS

HR = "test-hotel-reservation"
SN = "test-social-network"
AS = "astronomy-shop"


class SRE:
    """A twin with one task's fault injected, seen only through commands and AIOpsLab's APIs."""

    def __init__(self, task_id: str, tmp_path: Path, seed: int = 4) -> None:
        self.env = TwinEnvironment(run_dir=tmp_path, step_seconds=5)
        self.env.max_observation_chars = 10**8
        self.env.reset(task_id, seed)

    def sh(self, command: str) -> str:
        obs = self.env.act(Action.exec_shell(command))
        return obs.text

    def api(self, name: str, *args: object) -> str:
        return self.env.act(Action(api=name, args=args)).text

    def pods(self, ns: str) -> dict[str, dict]:
        items = json.loads(self.sh(f"kubectl get pods -n {ns} -o json"))["items"]
        return {p["metadata"]["name"]: p for p in items}

    def traces(self, ns: str) -> list[dict[str, str]]:
        message = self.api("get_traces", ns, 5)
        path = re.search(r"(/\S+\.csv)", message)
        assert path, message
        with open(path.group(1)) as handle:
            return list(csv.DictReader(handle))


def pod_of(pods: dict[str, dict], service: str) -> dict:
    found = [
        p
        for name, p in pods.items()
        if re.match(rf"^{re.escape(service)}-[a-z0-9]+-[a-z0-9]+$", name)
    ]
    assert found, f"no pod of {service}"
    return found[0]


def state(pod: dict) -> dict:
    return pod["status"]["containerStatuses"][0]


def test_every_catalog_fault_family_has_an_injector() -> None:
    assert {f.name for f in list_families()} <= set(INJECTORS)


def test_target_port(tmp_path: Path) -> None:
    sre = SRE("k8s_target_port-misconfig-detection-1", tmp_path)
    assert (
        sre.sh(f"kubectl get svc user-service -n {SN} -o jsonpath={{.spec.ports[0].targetPort}}")
        == "9999"
    )
    assert ":9999" in sre.sh(f"kubectl get endpoints user-service -n {SN}")
    assert state(pod_of(sre.pods(SN), "user-service"))["ready"]
    callers = sre.sh(f"kubectl logs deploy/compose-post-service -n {SN} --tail 200")
    # kube-proxy forwards to a closed port: the pod's kernel refuses at once
    assert "<Host: user-service Port: 9090>: Connection refused" in callers


def test_auth_miss_mongodb(tmp_path: Path) -> None:
    sre = SRE("auth_miss_mongodb-detection-1", tmp_path)
    assert "requireTLS" in sre.sh(f"helm get values social-network -n {SN}")
    assert "2" in sre.sh(f"helm history social-network -n {SN} | tail -1")
    logs = sre.sh(f"kubectl logs deploy/url-shorten-service -n {SN} --tail 100")
    assert re.search(r"tls|ssl|handshake|mongo", logs, re.I)


@pytest.mark.parametrize(
    ("task", "words"),
    [
        ("revoke_auth_mongodb-detection-1", "not authorized on geo-db"),
        ("user_unregistered_mongodb-detection-1", "Authentication failed"),
    ],
)
def test_mongodb_auth_faults_crash_the_client(tmp_path: Path, task: str, words: str) -> None:
    sre = SRE(task, tmp_path)
    geo = pod_of(sre.pods(HR), "geo")
    assert state(geo)["restartCount"] >= 1 and not state(geo)["ready"]
    listing = sre.sh(f"kubectl get pods -n {HR}")
    assert re.search(r"^geo-\S+\s+0/1\s+(CrashLoopBackOff|Error|Running)", listing, re.M)
    previous = sre.sh(f"kubectl logs {geo['metadata']['name']} -n {HR} --previous")
    assert words in previous
    assert state(pod_of(sre.pods(HR), "mongodb-geo"))["ready"]


def test_buggy_image(tmp_path: Path) -> None:
    sre = SRE("misconfig_app_hotel_res-detection-1", tmp_path)
    geo = pod_of(sre.pods(HR), "geo")
    assert geo["spec"]["containers"][0]["image"] == "yinfangchen/geo:app3"
    # the build is not on the kind node: the kubelet pulls its 448 MB first
    assert "Pulling image" in sre.sh(f"kubectl get events -n {HR}")
    assert sre.env.twin is not None
    sre.env.twin.tick(90)
    geo = pod_of(sre.pods(HR), "geo")
    assert state(geo)["restartCount"] >= 1 and not state(geo)["ready"]


def test_scale_to_zero(tmp_path: Path) -> None:
    sre = SRE("scale_pod_zero_social_net-detection-1", tmp_path)
    assert re.search(
        r"^user-service\s+0/0\s+0\s+0", sre.sh(f"kubectl get deploy user-service -n {SN}"), re.M
    )
    assert "No resources found" in sre.sh(f"kubectl get pods -n {SN} -l app=user-service")
    assert "<none>" in sre.sh(f"kubectl get endpoints user-service -n {SN}")


def test_non_existent_node(tmp_path: Path) -> None:
    sre = SRE("assign_to_non_existent_node_social_net-detection-1", tmp_path)
    pod = pod_of(sre.pods(SN), "user-service")
    assert pod["status"]["phase"] == "Pending"
    described = sre.sh(f"kubectl describe pod {pod['metadata']['name']} -n {SN}")
    assert "FailedScheduling" in described and "extra-node" in described


def test_wrong_binary(tmp_path: Path) -> None:
    sre = SRE("wrong_bin_usage-detection-1", tmp_path)
    assert (
        sre.sh(
            f"kubectl get deploy profile -n {HR} -o jsonpath={{.spec.template.spec.containers[0].command}}"
        )
        == '["geo"]'
    )
    profile = pod_of(sre.pods(HR), "profile")
    assert profile["status"]["phase"] == "Running"
    frontend = sre.sh(f"kubectl logs deploy/frontend -n {HR} --tail 300")
    assert "profile" in frontend.lower()


def test_redeploy_without_pv(tmp_path: Path) -> None:
    sre = SRE("redeploy_without_PV-detection-1", tmp_path)
    assert "Pending" in sre.sh(f"kubectl get pvc geo-pvc -n {HR}")
    assert "Released" in sre.sh("kubectl get pv geo-pv")
    assert pod_of(sre.pods(HR), "mongodb-geo")["status"]["phase"] == "Pending"
    described = sre.sh(f"kubectl describe pods -n {HR} -l io.kompose.service=mongodb-geo")
    assert "unbound immediate PersistentVolumeClaims" in described


def test_container_kill(tmp_path: Path) -> None:
    sre = SRE("container_kill-detection", tmp_path)
    geo = pod_of(sre.pods(HR), "geo")
    assert state(geo)["restartCount"] >= 1
    assert state(geo)["lastState"]["terminated"]["exitCode"] == 137


@pytest.mark.parametrize(
    "task", ["pod_failure_hotel_res-detection-1", "pod_kill_hotel_res-detection-1"]
)
def test_pod_failure(tmp_path: Path, task: str) -> None:
    sre = SRE(task, tmp_path)
    user = pod_of(sre.pods(HR), "user")
    assert "pause" in user["spec"]["containers"][0]["image"]
    assert state(user)["restartCount"] >= 1


def test_network_loss_shows_in_callers_and_traces_not_in_pod_status(tmp_path: Path) -> None:
    sre = SRE("network_loss_hotel_res-detection-1", tmp_path)
    assert state(pod_of(sre.pods(HR), "user"))["ready"]
    # the user service gets a small share of the mixed workload: its callers' logs show it first
    frontend = sre.sh(f"kubectl logs deploy/frontend -n {HR} --tail 400")
    assert re.search(r"User/CheckUser: .*i/o timeout", frontend)
    assert "networkchaos.chaos-mesh.org/network-loss" in sre.sh(
        "kubectl get networkchaos -A -o name"
    )


def test_network_delay_shows_in_latency_not_in_pod_status(tmp_path: Path) -> None:
    sre = SRE("network_delay_hotel_res/frontend/detection", tmp_path)
    assert state(pod_of(sre.pods(HR), "frontend"))["ready"]
    spans = sre.traces(HR)
    roots = [s for s in spans if s["parent_span"] == "ROOT"]
    assert roots and max(int(s["duration"]) for s in roots) >= 10_000_000  # µs: 10 s added


@pytest.mark.parametrize(
    ("task", "flag", "service"),
    [
        ("astronomy_shop_ad_service_failure-detection-1", "adFailure", "ad"),
        ("astronomy_shop_ad_service_high_cpu-detection-1", "adHighCpu", "ad"),
        ("astronomy_shop_ad_service_manual_gc-detection-1", "adManualGc", "ad"),
        ("astronomy_shop_cart_service_failure-detection-1", "cartFailure", "cart"),
        ("astronomy_shop_image_slow_load-detection-1", "imageSlowLoad", "image-provider"),
        ("astronomy_shop_kafka_queue_problems-detection-1", "kafkaQueueProblems", "kafka"),
        (
            "astronomy_shop_loadgenerator_flood_homepage-detection-1",
            "loadGeneratorFloodHomepage",
            "frontend",
        ),
        ("astronomy_shop_payment_service_failure-detection-1", "paymentFailure", "payment"),
        (
            "astronomy_shop_payment_service_unreachable-detection-1",
            "paymentUnreachable",
            "checkout",
        ),
        (
            "astronomy_shop_product_catalog_service_failure-detection-1",
            "productCatalogFailure",
            "product-catalog",
        ),
        (
            "astronomy_shop_recommendation_service_cache_failure-detection-1",
            "recommendationCacheFailure",
            "recommendation",
        ),
    ],
)
def test_flag_faults_show_in_the_configmap_and_the_flagged_service(
    tmp_path: Path, task: str, flag: str, service: str
) -> None:
    sre = SRE(task, tmp_path)
    flags = json.loads(
        sre.sh(
            f"kubectl get configmap flagd-config -n {AS} -o jsonpath='{{.data.demo\\.flagd\\.json}}'"
        )
    )
    assert flags["flags"][flag]["defaultVariant"] != "off"
    history = sre.sh(f"kubectl rollout history deployment/flagd -n {AS}")
    assert "2" in history
    logs = sre.sh(f"kubectl logs deploy/{service} -n {AS} --tail 300")
    assert logs.strip()


@pytest.mark.parametrize(
    "task",
    [
        "noop_detection_hotel_reservation-1",
        "noop_detection_social_network-1",
        "noop_detection_astronomy_shop-1",
    ],
)
def test_noop_shows_nothing_but_noise(tmp_path: Path, task: str) -> None:
    sre = SRE(task, tmp_path)
    ns = sre.env.task.namespace if sre.env.task else ""
    for name, pod in sre.pods(ns).items():
        assert pod["status"]["phase"] == "Running", name
        assert all(c["ready"] for c in pod["status"]["containerStatuses"]), name
    warnings = sre.sh(f"kubectl get events -n {ns} --field-selector type=Warning")
    recent = [line for line in warnings.splitlines()[1:] if re.match(r"^\d+s\s", line)]
    assert not recent, recent
    assert (
        sre.env.twin is not None
        and sre.env.twin.oracle.health(
            ns, sre.env.twin.apps[ns].components_by_service()[sre.env.twin.apps[ns].frontend].name
        ).ok
    )
