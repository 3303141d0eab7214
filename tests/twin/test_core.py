"""The twin as an SRE sees it: state, behaviour over time, writes and their consequences."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aoi.twin.core import Twin

HOTEL = "test-hotel-reservation"
SOCIAL = "test-social-network"

LIST_MODELS = {
    "pods": "V1PodList",
    "deployments": "V1DeploymentList",
    "replicasets": "V1ReplicaSetList",
    "statefulsets": "V1StatefulSetList",
    "daemonsets": "V1DaemonSetList",
    "services": "V1ServiceList",
    "endpoints": "V1EndpointsList",
    "configmaps": "V1ConfigMapList",
    "secrets": "V1SecretList",
    "persistentvolumes": "V1PersistentVolumeList",
    "persistentvolumeclaims": "V1PersistentVolumeClaimList",
    "events": "CoreV1EventList",
    "jobs": "V1JobList",
    "nodes": "V1NodeList",
    "namespaces": "V1NamespaceList",
    "serviceaccounts": "V1ServiceAccountList",
    "storageclasses": "V1StorageClassList",
}


def _drop_empty(value: object) -> object:
    """What the client drops on re-serialisation: None values and empty containers it never set."""
    if isinstance(value, dict):
        out = {k: _drop_empty(v) for k, v in value.items() if v is not None}
        return {
            k: v
            for k, v in out.items()
            if v not in ({},) or k in ("lastState", "state", "securityContext", "emptyDir")
        }
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    if isinstance(value, str) and value.endswith("+00:00") and "T" in value:
        return value[: -len("+00:00")].split(".")[0] + "Z"
    return value


@pytest.fixture(scope="module")
def hotel() -> Twin:
    return Twin.fresh("hotel-reservation", seed=7)


@pytest.mark.parametrize("resource", sorted(LIST_MODELS))
def test_get_json_deserializes_with_the_official_client_with_no_field_lost(
    hotel: Twin, resource: str, round_trip
) -> None:
    result = hotel.run(f"kubectl get {resource} -A -o json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["kind"] == "List" and doc["items"], resource
    doc["kind"] = LIST_MODELS[resource].replace("V1", "").replace("CoreV1", "")
    again = round_trip(doc, LIST_MODELS[resource])
    for mine, theirs in zip(doc["items"], again["items"], strict=True):
        assert _drop_empty(theirs) == _drop_empty(json.loads(json.dumps(mine))), mine["metadata"][
            "name"
        ]


def test_same_seed_same_cluster_other_seed_other_names() -> None:
    a = Twin("social-network", seed=3).run(f"kubectl get pods -n {SOCIAL} -o wide").stdout
    b = Twin("social-network", seed=3).run(f"kubectl get pods -n {SOCIAL} -o wide").stdout
    c = Twin("social-network", seed=4).run(f"kubectl get pods -n {SOCIAL} -o wide").stdout
    assert a == b
    assert a != c


def test_fresh_clone_equals_a_build_and_shares_nothing() -> None:
    built = Twin("hotel-reservation", seed=11)
    one = Twin.fresh("hotel-reservation", seed=11)
    two = Twin.fresh("hotel-reservation", seed=11)
    command = f"kubectl get pods -n {HOTEL} -o json"
    assert one.run(command).stdout == built.run(command).stdout
    one.store.delete("Deployment", HOTEL, "geo")
    one.changed()
    assert not _lines_starting(one.run(f"kubectl get pods -n {HOTEL}").stdout, "geo-")
    assert _lines_starting(two.run(f"kubectl get pods -n {HOTEL}").stdout, "geo-")


def _lines_starting(text: str, prefix: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(prefix)]


def test_healthy_app_is_running_and_ready() -> None:
    twin = Twin.fresh("hotel-reservation", seed=1)
    pods = json.loads(twin.run(f"kubectl get pods -n {HOTEL} -o json").stdout)["items"]
    assert len(pods) == 19
    for pod in pods:
        assert pod["status"]["phase"] == "Running", pod["metadata"]["name"]
        assert all(c["ready"] for c in pod["status"]["containerStatuses"])


def test_crash_loop_restart_count_grows_with_back_off() -> None:
    twin = Twin.fresh("hotel-reservation", seed=2)
    twin.mongo[(HOTEL, "mongodb-geo")].users.pop(("admin", "admin"))
    pod = twin.store.list("Pod", HOTEL, {"io.kompose.service": "geo"})[0]
    twin.controller.delete_pod(pod, twin.clock.now())
    twin.changed()
    twin.tick(60)
    first = _geo(twin)
    twin.tick(600)
    later = _geo(twin)
    # somewhere in its cycle: running, dead and shown as Error, or waiting out the back-off
    assert (
        first["state"].get("waiting", {}).get("reason") == "CrashLoopBackOff"
        or first["state"].get("running")
        or first["state"].get("terminated", {}).get("reason") == "Error"
    )
    assert later["restartCount"] > first["restartCount"] >= 1
    assert later["lastState"]["terminated"]["exitCode"] != 0
    events = twin.run(f"kubectl get events -n {HOTEL} --field-selector reason=BackOff").stdout
    assert "Back-off restarting failed container hotel-reserv-geo" in events
    listing = twin.run(f"kubectl get pods -n {HOTEL}").stdout
    assert any(
        "CrashLoopBackOff" in line and line.startswith("geo-") for line in listing.splitlines()
    )


def _geo(twin: Twin) -> dict:
    pods = json.loads(
        twin.run(f"kubectl get pods -n {HOTEL} -l io.kompose.service=geo -o json").stdout
    )
    return pods["items"][0]["status"]["containerStatuses"][0]


def test_repairing_the_cause_lets_the_crash_loop_recover_at_the_next_restart() -> None:
    twin = Twin.fresh("hotel-reservation", seed=2)
    state = twin.mongo[(HOTEL, "mongodb-geo")]
    saved = state.users.pop(("admin", "admin"))
    pod = twin.store.list("Pod", HOTEL, {"io.kompose.service": "geo"})[0]
    twin.controller.delete_pod(pod, twin.clock.now())
    twin.changed()
    twin.tick(120)
    assert not _geo(twin)["ready"]
    state.users[("admin", "admin")] = saved
    twin.tick(400)  # at most one back-off of five minutes
    status = _geo(twin)
    assert status["ready"] and "running" in status["state"]


def test_unschedulable_pod_stays_pending_with_the_scheduler_event() -> None:
    twin = Twin.fresh("social-network", seed=1)
    dep = twin.store.get("Deployment", SOCIAL, "user-service")
    dep["spec"]["template"]["spec"]["nodeSelector"] = {"kubernetes.io/hostname": "extra-node"}
    twin.store.touch(dep)
    twin.changed()
    twin.tick(30)
    listing = twin.run(f"kubectl get pods -n {SOCIAL} -l app=user-service").stdout
    assert "Pending" in listing
    described = twin.run(f"kubectl describe pods -n {SOCIAL} -l app=user-service").stdout
    assert "FailedScheduling" in described
    assert "didn't match Pod's node affinity/selector" in described


def test_service_target_port_shows_in_endpoints_and_breaks_callers() -> None:
    twin = Twin.fresh("social-network", seed=1)
    before = twin.run(f"kubectl get endpoints user-service -n {SOCIAL}").stdout
    assert ":9090" in before
    svc = twin.store.get("Service", SOCIAL, "user-service")
    svc["spec"]["ports"][0]["targetPort"] = 9999
    twin.store.touch(svc)
    twin.changed()
    after = twin.run(f"kubectl get endpoints user-service -n {SOCIAL}").stdout
    assert ":9999" in after
    pods = twin.run(f"kubectl get pods -n {SOCIAL} -l app=user-service").stdout
    assert "Running" in pods
    health = twin.oracle.health(SOCIAL, "compose-post-service")
    assert any(
        dep.service == "user-service" and edge.kind == "refused" for dep, edge in health.failures
    )


def test_clock_moves_with_commands_and_ages_follow() -> None:
    twin = Twin.fresh("hotel-reservation", seed=1)
    start = twin.clock.now()
    for _ in range(5):
        twin.run("kubectl get nodes")
    assert (twin.clock.now() - start).total_seconds() >= 5


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_any_string_gives_output_or_an_error_never_an_exception(text: str) -> None:
    twin = _FUZZ
    result = twin.run(text)
    assert isinstance(result.stdout, str) and isinstance(result.stderr, str)
    assert twin.internal_errors == []


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "kubectl",
                "get",
                "describe",
                "logs",
                "pods",
                "svc",
                "-n",
                HOTEL,
                "-o",
                "json",
                "yaml",
                "wide",
                "-A",
                "-l",
                "app=x",
                "--tail",
                "5",
                "geo",
                "deploy/geo",
                "|",
                "grep",
                "-c",
                "head",
                "--previous",
                "top",
                "pod",
                "events",
                "exec",
                "--",
                "env",
                "cat",
                "jsonpath={.items[0]}",
                "rollout",
                "status",
                "history",
                "helm",
                "list",
                "--show-labels",
                "-p",
                "x",
                "'",
            ]
        ),
        min_size=1,
        max_size=9,
    )
)
def test_kubectl_like_word_salad_never_raises(words: list[str]) -> None:
    twin = _FUZZ
    twin.run(" ".join(words))
    assert twin.internal_errors == []


_FUZZ = Twin.fresh("hotel-reservation", seed=5)


def test_bare_dry_run_never_swallows_the_next_word_as_kubectl_parses_it() -> None:
    twin = Twin.fresh("hotel-reservation", seed=1)
    result = twin.run(f"kubectl delete deploy search --dry-run none -n {HOTEL}")
    assert "(dry run)" in result.output
    assert twin.store.get("Deployment", HOTEL, "search") is not None


def test_out_of_range_numbers_get_kubectls_error() -> None:
    twin = Twin.fresh("hotel-reservation", seed=1)
    result = twin.run(f"kubectl scale deploy/geo --replicas=99999999999999999999 -n {HOTEL}")
    assert result.exit_code == 1 and "value out of range" in result.stderr


def test_a_write_the_api_server_would_refuse_changes_nothing() -> None:
    twin = Twin.fresh("hotel-reservation", seed=1)
    before = twin.run(f"kubectl get deploy geo -n {HOTEL} -o json").stdout
    bad = twin.run(
        f"""kubectl patch deploy geo -n {HOTEL} --type merge -p '{{"spec":{{"template":{{"spec":{{"nodeSelector":[1]}}}}}}}}'"""
    )
    assert bad.exit_code == 1 and "cannot unmarshal array" in bad.stderr
    assert twin.run(f"kubectl get deploy geo -n {HOTEL} -o json").stdout.count(
        '"generation"'
    ) == before.count('"generation"')
    assert twin.internal_errors == []
