"""Mitigation scoring over hand-made Kubernetes objects."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aoi.catalog import Task, get_task, pod_problems, score, score_mitigation

HOTEL = "test-hotel-reservation"
SOCIAL = "test-social-network"


class View:
    """A ClusterView over fixed lists of objects."""

    def __init__(self, namespace: str, **objects: list[dict[str, Any]]) -> None:
        self.namespace = namespace
        self.by_kind = {kind: list(items) for kind, items in objects.items()}

    def objects(self, kind: str, namespace: str) -> list[dict[str, Any]]:
        return self.by_kind.get(kind, []) if namespace == self.namespace else []


def container(
    name: str = "main",
    *,
    ready: bool = True,
    waiting: str | None = None,
    terminated: str | None = None,
) -> dict[str, Any]:
    state: dict[str, Any] = {"running": {"startedAt": "2024-01-01T00:00:00Z"}}
    if waiting:
        state = {"waiting": {"reason": waiting}}
    if terminated:
        state = {"terminated": {"reason": terminated, "exitCode": 1}}
    return {"name": name, "ready": ready, "restartCount": 0, "state": state}


def pod(service: str, label: str = "io.kompose.service", **status: Any) -> dict[str, Any]:
    return {
        "kind": "Pod",
        "metadata": {"name": f"{service}-7d9f8b6c5-x2k4p", "labels": {label: service}},
        "status": {"phase": "Running", "containerStatuses": [container(service, **status)]},
    }


def deployment(
    name: str, replicas: int = 1, available: int | None = None, command: list[str] | None = None
) -> dict[str, Any]:
    available = replicas if available is None else available
    spec_container: dict[str, Any] = {"name": f"hotel-reserv-{name}", "image": "x"}
    if command is not None:
        spec_container["command"] = command
    return {
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {"replicas": replicas, "template": {"spec": {"containers": [spec_container]}}},
        "status": {"replicas": replicas, "availableReplicas": available}
        if available
        else {"replicas": replicas},
    }


def service(name: str, target_port: int = 9090) -> dict[str, Any]:
    return {
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"ports": [{"port": 9090, "targetPort": target_port}]},
    }


HOTEL_SERVICES = ["frontend", "geo", "profile", "rate", "mongodb-geo", "mongodb-rate"]
SOCIAL_SERVICES = ["nginx-thrift", "compose-post-service", "user-service", "text-service"]


def hotel_view(**overrides: Any) -> View:
    pods = [pod(s) for s in HOTEL_SERVICES]
    deployments = [deployment(s, command=[s]) for s in HOTEL_SERVICES]
    return View(
        HOTEL, Pod=overrides.get("Pod", pods), Deployment=overrides.get("Deployment", deployments)
    )


def social_view(**overrides: Any) -> View:
    pods = [pod(s, label="app") for s in SOCIAL_SERVICES]
    return View(
        SOCIAL,
        Pod=overrides.get("Pod", pods),
        Deployment=overrides.get("Deployment", [deployment(s) for s in SOCIAL_SERVICES]),
        Service=overrides.get("Service", [service(s) for s in SOCIAL_SERVICES]),
    )


REVOKE = get_task("revoke_auth_mongodb-mitigation-1")
BASELINE_HOTEL = dict.fromkeys(HOTEL_SERVICES, 1)


def test_healthy_namespace_succeeds() -> None:
    grade = score(REVOKE, [], hotel_view())
    assert grade.success and grade.results == {"success": True}


def test_other_namespace_is_not_read() -> None:
    crashed = View("elsewhere", Pod=[pod("geo", waiting="CrashLoopBackOff", ready=False)])
    assert score_mitigation(REVOKE, crashed).success


@pytest.mark.parametrize(
    ("status", "needle"),
    [
        ({"waiting": "CrashLoopBackOff", "ready": False}, "CrashLoopBackOff"),
        ({"terminated": "Error", "ready": False}, "terminated: Error"),
        ({"terminated": "OOMKilled", "ready": True}, "terminated: OOMKilled"),
        ({"ready": False}, "not ready"),
        ({"waiting": "ContainerCreating", "ready": False}, "not ready"),
        ({"terminated": "Completed", "ready": False}, "not ready"),
    ],
)
def test_unhealthy_pods_fail(status: dict[str, Any], needle: str) -> None:
    pods = [pod(s) for s in HOTEL_SERVICES[:-1]] + [pod("geo", **status)]
    grade = score_mitigation(REVOKE, hotel_view(Pod=pods))
    assert not grade.success and needle in grade.reason


def test_completed_and_ready_passes() -> None:
    pods = [pod(s) for s in HOTEL_SERVICES] + [pod("init-job", terminated="Completed")]
    assert score_mitigation(REVOKE, hotel_view(Pod=pods)).success


def test_pending_pod_without_statuses_fails() -> None:
    pending = {"metadata": {"name": "geo-1", "labels": {}}, "status": {"phase": "Pending"}}
    grade = score_mitigation(REVOKE, hotel_view(Pod=[*hotel_view().by_kind["Pod"], pending]))
    assert not grade.success and "phase Pending" in grade.reason


def test_target_port_extra() -> None:
    task = get_task("k8s_target_port-misconfig-mitigation-2")
    services = [service(s, 9999 if s == "text-service" else 9090) for s in SOCIAL_SERVICES]
    grade = score_mitigation(task, social_view(Service=services))
    assert not grade.success and "text-service has targetPort 9999" in grade.reason
    assert score_mitigation(task, social_view()).success
    missing = [service(s) for s in SOCIAL_SERVICES if s != "text-service"]
    assert not score_mitigation(task, social_view(Service=missing)).success


def test_target_port_extra_follows_a_parametric_target() -> None:
    task = get_task("k8s_target_port-misconfig/compose-post-service/mitigation")
    services = [service(s, 9999 if s == "compose-post-service" else 9090) for s in SOCIAL_SERVICES]
    assert not score_mitigation(task, social_view(Service=services)).success


@pytest.mark.parametrize(
    ("replicas", "available", "ok"), [(0, 0, False), (1, 1, True), (2, 2, False), (1, 0, False)]
)
def test_scale_zero_extra(replicas: int, available: int, ok: bool) -> None:
    task = get_task("scale_pod_zero_social_net-mitigation-1")
    deployments = [deployment(s) for s in SOCIAL_SERVICES if s != "user-service"]
    deployments.append(deployment("user-service", replicas, available))
    assert score_mitigation(task, social_view(Deployment=deployments)).success is ok


def test_scale_zero_missing_deployment_fails() -> None:
    task = get_task("scale_pod_zero_social_net-mitigation-1")
    deployments = [deployment(s) for s in SOCIAL_SERVICES if s != "user-service"]
    assert (
        "user-service does not exist"
        in score_mitigation(task, social_view(Deployment=deployments)).reason
    )


def test_non_existent_node_extra() -> None:
    task = get_task("assign_to_non_existent_node_social_net-mitigation-1")
    without = [pod(s, label="app") for s in SOCIAL_SERVICES if s != "user-service"]
    grade = score_mitigation(task, social_view(Pod=without))
    assert not grade.success and "no pod of user-service" in grade.reason
    assert score_mitigation(task, social_view()).success
    pending = {
        "metadata": {"name": "user-service-5f-abc", "labels": {"app": "user-service"}},
        "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False"}]},
    }
    assert not score_mitigation(task, social_view(Pod=[*without, pending])).success


def test_wrong_bin_extra() -> None:
    task = get_task("wrong_bin_usage-mitigation-1")
    wrong = [deployment(s, command=["geo"] if s == "profile" else [s]) for s in HOTEL_SERVICES]
    grade = score_mitigation(task, hotel_view(Deployment=wrong))
    assert not grade.success and "not profile" in grade.reason
    assert score_mitigation(task, hotel_view()).success
    path_only = [
        deployment(s, command=["/go/bin/profile"] if s == "profile" else [s])
        for s in HOTEL_SERVICES
    ]
    assert not score_mitigation(task, hotel_view(Deployment=path_only)).success


@pytest.mark.parametrize(
    ("reason", "ok"),
    [
        ("ImagePullBackOff", False),
        ("ErrImagePull", False),
        ("Error", False),
        ("CrashLoopBackOff", False),
        ("ContainerCreating", True),
    ],
)
def test_image_error_rule_for_rollout_faults(reason: str, ok: bool) -> None:
    pods = [pod(s) for s in HOTEL_SERVICES if s != "geo"] + [
        pod("geo", waiting=reason, ready=False)
    ]
    for task_id in ("misconfig_app_hotel_res-mitigation-1", "wrong_bin_usage-mitigation-1"):
        assert score_mitigation(get_task(task_id), hotel_view(Pod=pods)).success is ok, task_id


def test_deleting_the_workload_passes_aiopslab_but_not_strict() -> None:
    pods = [pod(s) for s in HOTEL_SERVICES if s != "geo"]
    deployments = [deployment(s, command=[s]) for s in HOTEL_SERVICES if s != "geo"]
    view = hotel_view(Pod=pods, Deployment=deployments)
    assert score_mitigation(REVOKE, view).success
    grade = score_mitigation(
        REVOKE, view, strict=True, baseline_replicas=BASELINE_HOTEL, traffic_healthy=True
    )
    assert not grade.success and "deployment geo is gone" in grade.reason


def test_strict_rejects_scaled_to_zero() -> None:
    pods = [pod(s) for s in HOTEL_SERVICES if s != "geo"]
    deployments = [deployment(s, 0 if s == "geo" else 1, command=[s]) for s in HOTEL_SERVICES]
    view = hotel_view(Pod=pods, Deployment=deployments)
    assert score_mitigation(REVOKE, view).success
    strict = score_mitigation(
        REVOKE, view, strict=True, baseline_replicas=BASELINE_HOTEL, traffic_healthy=True
    )
    assert not strict.success and "baseline 1" in strict.reason


@pytest.mark.parametrize(("traffic", "ok"), [(True, True), (False, False), (None, False)])
def test_strict_needs_healthy_traffic(traffic: bool | None, ok: bool) -> None:
    grade = score_mitigation(
        REVOKE, hotel_view(), strict=True, baseline_replicas=BASELINE_HOTEL, traffic_healthy=traffic
    )
    assert grade.success is ok


def test_strict_needs_a_baseline() -> None:
    with pytest.raises(ValueError, match="baseline"):
        score_mitigation(REVOKE, hotel_view(), strict=True, traffic_healthy=True)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3)
    ),
    max_leaves=15,
)
STATES = st.fixed_dictionaries(
    {
        "name": st.text(max_size=5),
        "ready": st.booleans(),
        "state": st.one_of(
            st.builds(
                lambda r: {"waiting": {"reason": r}},
                st.sampled_from(["CrashLoopBackOff", "ContainerCreating", "Error"]),
            ),
            st.builds(
                lambda r: {"terminated": {"reason": r}},
                st.sampled_from(["Completed", "Error", "OOMKilled"]),
            ),
            st.just({"running": {}}),
        ),
    }
)


@given(st.lists(JSON, max_size=4))
def test_pod_rule_never_raises_on_odd_json(pods: list[Any]) -> None:
    assert all(isinstance(p, str) for p in pod_problems(pods))  # type: ignore[arg-type]


@given(st.lists(STATES, min_size=1, max_size=5))
def test_pod_rule_matches_aiopslab(statuses: list[dict[str, Any]]) -> None:
    pods = [{"metadata": {"name": "p"}, "status": {"containerStatuses": statuses}}]

    def bad(s: dict[str, Any]) -> bool:
        waiting, terminated = s["state"].get("waiting"), s["state"].get("terminated")
        if waiting and waiting["reason"] == "CrashLoopBackOff":
            return True
        if terminated and terminated["reason"] != "Completed":
            return True
        return not s["ready"]

    assert bool(list(pod_problems(pods))) is any(bad(s) for s in statuses)


@given(st.sampled_from(["revoke_auth_mongodb-mitigation-2", "redeploy_without_PV-mitigation-1"]))
def test_a_crash_loop_always_fails(task_id: str) -> None:
    task: Task = get_task(task_id)
    view = hotel_view(
        Pod=[*hotel_view().by_kind["Pod"], pod("rate", waiting="CrashLoopBackOff", ready=False)]
    )
    assert not score_mitigation(task, view).success
