"""LiveClusterEnvironment end to end against a served twin, with the real kubectl.

The twin of a mitigation task (its fault injected) is served; the live environment reaches
it only through kubectl and a kubeconfig, and must see the fault, repair it and score the
repair as the twin environment scores the same repair in-process.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aoi.apiserver.clients import kubectl_path
from aoi.apiserver.serve import serving, write_kubeconfig
from aoi.envs.base import Action
from aoi.envs.live import LiveClusterEnvironment
from aoi.envs.runner import kubeconfig_runner
from aoi.envs.twin import TwinEnvironment

pytestmark = pytest.mark.skipif(kubectl_path() is None, reason="the kubectl binary is not on PATH")
TASK = "scale_pod_zero_social_net-mitigation-1"
NS = "test-social-network"
FIX = f"kubectl scale deployment user-service -n {NS} --replicas=1"


def _served_task(seed: int = 0) -> TwinEnvironment:
    env = TwinEnvironment(step_seconds=0)
    env.reset(TASK, seed)
    return env


@pytest.mark.parametrize("repair", [False, True])
def test_live_env_sees_repairs_and_scores_like_the_twin(repair: bool, tmp_path: Path) -> None:
    source = _served_task()
    assert source.twin is not None
    # "wall" with a high speed: the seconds the live environment waits to let the cluster
    # settle after a submit become the minute the twin environment lets pass.
    with serving(source.twin, clock="wall", speed=120.0) as served:
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", served.port)
        live = LiveClusterEnvironment(
            context="kind-kind", runner=kubeconfig_runner(kubeconfig), settle_s=1.0
        )
        try:
            live.reset(TASK)
            pods = live.act(Action.exec_shell(f"kubectl get deploy user-service -n {NS}"))
            assert pods.exit_code == 0 and "0/0" in pods.text
            logs = live.act(Action(api="get_logs", args=(NS, "compose-post-service")))
            assert logs.verdict == "ok"
            if repair:
                fixed = live.act(Action.exec_shell(FIX))
                assert fixed.text.strip() == "deployment.apps/user-service scaled"
            live.act(Action.submit())
            verdict = live.evaluate()
        finally:
            live.close()
    local = _served_task()
    local.step_seconds = 10.0
    if repair:
        local.act(Action.exec_shell(FIX))
    local.act(Action.submit())
    expected = local.evaluate()
    local.close()
    assert verdict.success is expected.success is repair
