"""The 86 AIOpsLab tasks, their truths, and parametric tasks."""

from collections import Counter

import pytest

from aoi.catalog import (
    App,
    MitigationCheck,
    Task,
    TaskType,
    UnknownSplitError,
    UnknownTaskError,
    get_family,
    get_task,
    list_families,
    list_parametric,
    list_tasks,
)

ALL = list_tasks()
SYSTEM_LEVELS = {"Hardware", "Operating System", "Virtualization", "Application"}
FAULT_TYPES = {
    "Misconfiguration",
    "Code Defect",
    "Authentication Issue",
    "Network/Storage Issue",
    "Operation Error",
    "Dependency Problem",
}
NAMESPACES = {
    App.HOTEL_RESERVATION: "test-hotel-reservation",
    App.SOCIAL_NETWORK: "test-social-network",
    App.ASTRONOMY_SHOP: "astronomy-shop",
}
HOTEL_GO = {"frontend", "search", "geo", "profile", "rate", "recommendation", "reservation", "user"}
SOCIAL_THRIFT = {
    "compose-post-service",
    "home-timeline-service",
    "user-timeline-service",
    "post-storage-service",
    "social-graph-service",
    "user-service",
    "user-mention-service",
    "text-service",
    "url-shorten-service",
    "unique-id-service",
    "media-service",
}


def test_exactly_86_unique_ids_with_aiopslab_counts() -> None:
    assert len(ALL) == 86
    assert len({t.id for t in ALL}) == 86
    counts = Counter(t.type for t in ALL)
    assert counts == {
        TaskType.DETECTION: 32,
        TaskType.LOCALIZATION: 28,
        TaskType.ANALYSIS: 13,
        TaskType.MITIGATION: 13,
    }


@pytest.mark.parametrize(
    "task_id",
    [
        "k8s_target_port-misconfig-detection-1",
        "k8s_target_port-misconfig-mitigation-3",
        "auth_miss_mongodb-detection-1",
        "revoke_auth_mongodb-localization-2",
        "user_unregistered_mongodb-analysis-2",
        "misconfig_app_hotel_res-mitigation-1",
        "scale_pod_zero_social_net-analysis-1",
        "assign_to_non_existent_node_social_net-localization-1",
        "wrong_bin_usage-detection-1",
        "redeploy_without_PV-analysis-1",
        "container_kill-detection",
        "container_kill-localization",
        "pod_failure_hotel_res-detection-1",
        "pod_kill_hotel_res-localization-1",
        "network_loss_hotel_res-localization-1",
        "network_delay_hotel_res-detection-1",
        "noop_detection_hotel_reservation-1",
        "noop_detection_social_network-1",
        "noop_detection_astronomy_shop-1",
        "astronomy_shop_ad_service_failure-detection-1",
        "astronomy_shop_recommendation_service_cache_failure-localization-1",
    ],
)
def test_aiopslab_ids_as_spelled(task_id: str) -> None:
    assert get_task(task_id).id == task_id


def test_ids_that_aiopslab_does_not_have_are_absent() -> None:
    ids = {t.id for t in ALL}
    assert "container_kill-detection-1" not in ids
    assert "redeploy_without_PV-localization-1" not in ids
    assert "astronomy_shop_kafka_queue_problems-mitigation-1" not in ids


@pytest.mark.parametrize("task", ALL, ids=lambda t: t.id)
def test_truth_is_consistent_with_type(task: Task) -> None:
    assert task.type.value in task.id
    assert task.namespace == NAMESPACES[task.app]
    assert not task.parametric
    if task.fault == "noop":
        assert task.truth.detection == "No"
        assert task.target is None and task.truth.localization == ()
    else:
        assert task.truth.detection == "Yes"
    if task.type is TaskType.DETECTION:
        assert task.expected in ("Yes", "No")
    if task.type is TaskType.LOCALIZATION:
        assert task.expected == [task.target]
    if task.type is TaskType.ANALYSIS:
        assert task.truth.analysis is not None
        assert task.truth.analysis.system_level in SYSTEM_LEVELS
        assert task.truth.analysis.fault_type in FAULT_TYPES
    if task.type is not TaskType.MITIGATION:
        assert task.mitigation_checks == ()
    if task.target is not None:
        assert task.target in get_family(task.fault).targets


@pytest.mark.parametrize(
    ("instance", "service"), [(1, "user-service"), (2, "text-service"), (3, "post-storage-service")]
)
def test_target_port_instances(instance: int, service: str) -> None:
    for kind in TaskType:
        task = get_task(f"k8s_target_port-misconfig-{kind.value}-{instance}")
        assert task.target == service
        assert task.app is App.SOCIAL_NETWORK


@pytest.mark.parametrize("fault", ["revoke_auth_mongodb", "user_unregistered_mongodb"])
def test_mongodb_instances_and_aliases(fault: str) -> None:
    geo = get_task(f"{fault}-localization-1")
    rate = get_task(f"{fault}-localization-2")
    assert (geo.target, geo.truth.aliases) == ("mongodb-geo", ("geo",))
    assert (rate.target, rate.truth.aliases) == ("mongodb-rate", ("rate",))
    assert geo.params["database"] == "geo-db" and rate.params["client"] == "rate"


def test_only_the_mongodb_auth_faults_have_aliases() -> None:
    with_aliases = {t.fault for t in ALL if t.truth.aliases}
    assert with_aliases == {"revoke_auth_mongodb", "user_unregistered_mongodb"}


def test_known_truths() -> None:
    assert (
        get_task("astronomy_shop_payment_service_unreachable-localization-1").target == "checkout"
    )
    assert get_task("astronomy_shop_loadgenerator_flood_homepage-localization-1").target == (
        "frontend"
    )
    assert get_task("container_kill-localization").target == "geo"
    assert get_task("wrong_bin_usage-localization-1").target == "profile"
    analysis = get_task("user_unregistered_mongodb-analysis-1").truth.analysis
    assert analysis is not None and analysis.fault_type == "Network/Storage Issue"
    assert get_task("astronomy_shop_image_slow_load-detection-1").params == {
        "flag": "imageSlowLoad",
        "variant": "10sec",
    }
    assert get_task("container_kill-detection").params["container"] == "hotel-reserv-geo"


def test_mitigation_checks_per_fault() -> None:
    checks = {t.fault: set(t.mitigation_checks) for t in list_tasks("mitigation")}
    assert checks["k8s_target_port-misconfig"] == {MitigationCheck.TARGET_PORT_RESTORED}
    assert checks["scale_pod_zero_social_net"] == {MitigationCheck.SINGLE_REPLICA}
    assert checks["assign_to_non_existent_node_social_net"] == {MitigationCheck.TARGET_POD_EXISTS}
    assert checks["wrong_bin_usage"] == {
        MitigationCheck.IMAGE_ERRORS,
        MitigationCheck.BINARY_COMMAND,
    }
    assert checks["misconfig_app_hotel_res"] == {MitigationCheck.IMAGE_ERRORS}
    for fault in ("auth_miss_mongodb", "revoke_auth_mongodb", "redeploy_without_PV"):
        assert checks[fault] == set()


def test_26_fault_families_cover_the_tasks() -> None:
    names = {f.name for f in list_families()}
    assert len(names) == 26
    assert names == {t.fault for t in ALL}


def test_unknown_id_names_close_matches() -> None:
    with pytest.raises(UnknownTaskError) as err:
        get_task("k8s_target_port-misconfig-detection-4")
    assert "k8s_target_port-misconfig-detection-3" in err.value.matches
    assert "k8s_target_port-misconfig-detection-3" in str(err.value)


def test_unknown_split() -> None:
    with pytest.raises(UnknownSplitError) as err:
        list_tasks("observer-tran")
    assert err.value.matches[0] == "observer-train"


# Parametric tasks


def test_parametric_id_resolves() -> None:
    task = get_task("k8s_target_port-misconfig/compose-post-service/localization")
    assert task.parametric and task.target == "compose-post-service"
    assert task.type is TaskType.LOCALIZATION and task.app is App.SOCIAL_NETWORK
    assert task.expected == ["compose-post-service"]
    assert task.hint is None


def test_parametric_mitigation_carries_checks_and_params() -> None:
    task = get_task("wrong_bin_usage/geo/mitigation")
    assert MitigationCheck.BINARY_COMMAND in task.mitigation_checks
    assert task.params == {"binary": "geo", "wrong_binary": "profile"}
    assert get_task("misconfig_app_hotel_res/rate/detection").params["image"] == (
        "yinfangchen/rate:app3"
    )
    assert get_task("revoke_auth_mongodb/mongodb-rate/localization").truth.aliases == ("rate",)


@pytest.mark.parametrize(
    ("task_id", "needle"),
    [
        ("k8s_target_port-misconfig/redis/localization", "not a target"),
        ("container_kill/geo/analysis", "offers no 'analysis'"),
        ("revoke_auth/mongodb-geo/detection", "no fault family"),
        ("revoke_auth_mongodb/mongodb-user/detection", "not a target"),
        ("noop/frontend/detection", "no target"),
        ("redeploy_without_PV/geo/analysis", "no target"),
        ("a/b", "<fault>/<target>/<type>"),
        ("a/b/c/d", "<fault>/<target>/<type>"),
    ],
)
def test_bad_parametric_ids_say_why(task_id: str, needle: str) -> None:
    with pytest.raises(UnknownTaskError) as err:
        get_task(task_id)
    assert needle in err.value.reason


def test_bad_parametric_target_suggests_ids() -> None:
    with pytest.raises(UnknownTaskError) as err:
        get_task("k8s_target_port-misconfig/user-servce/mitigation")
    assert "k8s_target_port-misconfig/user-service/mitigation" in err.value.matches


def test_eligible_targets() -> None:
    assert set(get_family("k8s_target_port-misconfig").targets) == SOCIAL_THRIFT
    assert set(get_family("revoke_auth_mongodb").targets) == {"mongodb-geo", "mongodb-rate"}
    assert set(get_family("user_unregistered_mongodb").targets) == {"mongodb-geo", "mongodb-rate"}
    assert set(get_family("scale_pod_zero_social_net").targets) >= SOCIAL_THRIFT
    for fault in ("misconfig_app_hotel_res", "wrong_bin_usage", "container_kill"):
        assert set(get_family(fault).targets) == HOTEL_GO
    assert all(t.endswith("mongodb") for t in get_family("auth_miss_mongodb").targets)
    assert get_family("astronomy_shop_payment_service_unreachable").targets == ("checkout",)


def test_list_parametric_enumerates_every_target_and_type() -> None:
    tasks = list_parametric()
    expected = sum(len(f.targets) * len(f.types) for f in list_families())
    assert len(tasks) == expected > 300
    ids = [t.id for t in tasks]
    assert len(set(ids)) == len(ids)
    assert not set(ids) & {t.id for t in ALL}
    assert all(t.parametric and get_task(t.id) == t for t in tasks)
    assert {t.type for t in list_parametric("container_kill")} == {
        TaskType.DETECTION,
        TaskType.LOCALIZATION,
    }
    with pytest.raises(UnknownTaskError):
        list_parametric("container_kil")
