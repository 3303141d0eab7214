"""AIOpsLab's mitigation checks, written here the way its problems call the cluster, run
against served twins: their verdicts must equal our scoring's, before and after a repair.

AIOpsLab's evaluations read the cluster through the official Python client (its KubeCtl
wrapper: `list_namespaced_pod`, `read_namespaced_deployment`) and, for services, through
`kubectl get service NAME -n NS -o json`; so do these checks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

kubernetes = pytest.importorskip("kubernetes")
from kubernetes import client  # noqa: E402

from aoi.apiserver.clients import Kubectl, kubectl_path  # noqa: E402
from aoi.apiserver.serve import Served, serving  # noqa: E402
from aoi.catalog import MitigationCheck, get_task, score  # noqa: E402
from aoi.envs.base import Action  # noqa: E402
from aoi.envs.twin import TwinEnvironment, TwinView  # noqa: E402

pytestmark = pytest.mark.skipif(kubectl_path() is None, reason="the kubectl binary is not on PATH")

# Tasks whose AIOpsLab evaluation is the pod-health rule plus at most these extras.
TASKS = [
    "k8s_target_port-misconfig-mitigation-1",
    "k8s_target_port-misconfig-mitigation-2",
    "scale_pod_zero_social_net-mitigation-1",
    "revoke_auth_mongodb-mitigation-1",
    "user_unregistered_mongodb-mitigation-2",
    "auth_miss_mongodb-mitigation-1",
    "redeploy_without_PV-mitigation-1",
]


def _pods_normal(core: client.CoreV1Api, namespace: str) -> bool:
    """AIOpsLab's rule: no container in CrashLoopBackOff, terminated (not Completed) or unready."""
    for pod in core.list_namespaced_pod(namespace).items:
        for status in pod.status.container_statuses or []:
            state = status.state
            if state.waiting and state.waiting.reason == "CrashLoopBackOff":
                return False
            if state.terminated and state.terminated.reason != "Completed":
                return False
            if not status.ready:
                return False
    return True


def aiopslab_verdict(task_id: str, served: Served, kubectl: Kubectl) -> bool:
    task = get_task(task_id)
    with client.ApiClient(client.Configuration(host=served.url)) as api:
        core, apps = client.CoreV1Api(api), client.AppsV1Api(api)
        ns, target = task.namespace, task.target or ""
        if MitigationCheck.TARGET_PORT_RESTORED in task.mitigation_checks:
            reply = kubectl("get", "service", target, "-n", ns, "-o", "json")
            if json.loads(reply.stdout)["spec"]["ports"][0]["targetPort"] != 9090:
                return False
        if MitigationCheck.SINGLE_REPLICA in task.mitigation_checks:
            deployment = apps.read_namespaced_deployment(target, ns)
            if deployment.spec.replicas != 1 or deployment.status.available_replicas != 1:
                return False
        return _pods_normal(core, ns)


REPAIRS = {
    "k8s_target_port-misconfig-mitigation-1": 'kubectl patch svc user-service -n test-social-network --type json -p \'[{"op":"replace","path":"/spec/ports/0/targetPort","value":9090}]\'',
    "k8s_target_port-misconfig-mitigation-2": 'kubectl patch svc text-service -n test-social-network --type json -p \'[{"op":"replace","path":"/spec/ports/0/targetPort","value":9090}]\'',
    "scale_pod_zero_social_net-mitigation-1": "kubectl scale deploy user-service -n test-social-network --replicas=1",
}


@pytest.mark.parametrize("task_id", TASKS)
def test_aiopslab_checks_agree_with_our_scoring(task_id: str, tmp_path: Path) -> None:
    env = TwinEnvironment(step_seconds=0)
    env.reset(task_id, 0)
    twin = env.twin
    assert twin is not None
    task = get_task(task_id)
    repair = REPAIRS.get(task_id)
    twin.tick(60)  # the fault takes hold (a crash loop needs a few restarts)
    with serving(twin, clock="still") as served:
        kubectl = Kubectl(served, tmp_path)
        ours = score(task, None, TwinView(twin)).success
        assert aiopslab_verdict(task_id, served, kubectl) is ours
        if repair is None:
            return
        assert ours is False
        env.act(Action.exec_shell(repair))
        twin.tick(60)
        ours = score(task, None, TwinView(twin)).success
        assert aiopslab_verdict(task_id, served, kubectl) is ours is True
    env.close()
