"""Parametric tasks: every fault family injects on targets beyond the 86, with visible effects."""

from __future__ import annotations

import pytest

from aoi.catalog import get_task, list_parametric, list_tasks
from aoi.envs.twin import TwinEnvironment

BREAKS_TRAFFIC = [
    "k8s_target_port-misconfig/compose-post-service/localization",
    "k8s_target_port-misconfig/social-graph-service/detection",
    "auth_miss_mongodb/post-storage-mongodb/localization",
    "misconfig_app_hotel_res/frontend/localization",
    "misconfig_app_hotel_res/search/analysis",
    "scale_pod_zero_social_net/compose-post-service/localization",
    "assign_to_non_existent_node_social_net/home-timeline-service/mitigation",
    "wrong_bin_usage/recommendation/localization",
    "network_loss_hotel_res/search/localization",
    "network_delay_hotel_res/frontend/localization",
]


def test_parametric_ids_do_not_clash_with_aiopslab_ids_and_are_many() -> None:
    aiopslab = {t.id for t in list_tasks("all")}
    parametric = {t.id for t in list_parametric()}
    assert not aiopslab & parametric
    assert len(parametric) > 300
    assert all(t.id.count("/") == 2 for t in list_parametric())


@pytest.mark.parametrize("task_id", BREAKS_TRAFFIC)
def test_the_fault_breaks_traffic_on_a_new_target(task_id: str) -> None:
    env = TwinEnvironment(step_seconds=5)
    env.reset(task_id, seed=2)
    assert not env.traffic_healthy()
    env.close()


@pytest.mark.parametrize("target", ["frontend", "reservation"])
def test_container_kill_restarts_the_target(target: str) -> None:
    env = TwinEnvironment()
    task = get_task(f"container_kill/{target}/detection")
    env.reset(task.id, seed=2)
    assert env.twin is not None
    pod = env.twin.store.list("Pod", task.namespace, {"io.kompose.service": target})[0]
    assert pod["status"]["containerStatuses"][0]["restartCount"] >= 1


def test_pod_failure_swaps_the_target_image_and_restores_it_after_the_experiment() -> None:
    env = TwinEnvironment()
    task = get_task("pod_failure_hotel_res/profile/detection")
    env.reset(task.id, seed=2)
    assert env.twin is not None
    pod = env.twin.store.list("Pod", task.namespace, {"io.kompose.service": "profile"})[0]
    assert "pause" in pod["spec"]["containers"][0]["image"]
    env.twin.tick(120)  # the experiment lasts 100 s
    pod = env.twin.store.list("Pod", task.namespace, {"io.kompose.service": "profile"})[0]
    assert pod["spec"]["containers"][0]["image"] == "yinfangchen/hotelreservation:latest"
