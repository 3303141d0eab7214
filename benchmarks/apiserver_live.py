"""The expert through the live path (LiveClusterEnvironment -> real kubectl -> served twin)
against the in-process twin, task by task: the same verdicts, and the wall time of each.

Run: python benchmarks/apiserver_live.py [--tasks all] [--seed 0] [--speed 60]
Each task's twin is built and its fault injected as the twin environment does; the served
copy runs on the "wall" clock at --speed simulated seconds per second, so the second the
live environment waits after a mitigation submit is the minute the twin environment lets
pass. Needs kubectl on PATH.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from aoi.agents.run import AgentSpec, run_task
from aoi.apiserver.serve import serving, write_kubeconfig
from aoi.bench import select_tasks
from aoi.envs.live import LiveClusterEnvironment
from aoi.envs.runner import kubeconfig_runner
from aoi.envs.twin import TwinEnvironment


def live_run(task_id: str, seed: int, speed: float, folder: Path) -> tuple[bool, float]:
    source = TwinEnvironment(step_seconds=0)
    source.reset(task_id, seed)
    assert source.twin is not None
    started = time.perf_counter()
    with serving(source.twin, clock="wall", speed=speed) as served:
        kubeconfig = write_kubeconfig(folder / f"{task_id}.kubeconfig", served.port)
        env = LiveClusterEnvironment(
            context="kind-kind", runner=kubeconfig_runner(kubeconfig), settle_s=60.0 / speed
        )
        try:
            result = run_task(task_id, agent=AgentSpec(), seed=seed, env=env)
        finally:
            env.close()
    source.close()
    return result.outcome.success, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", default="all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--speed", type=float, default=60.0)
    args = parser.parse_args()
    tasks = select_tasks(args.tasks)
    same = live_ok = local_ok = 0
    live_s = local_s = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for task_id in tasks:
            started = time.perf_counter()
            local = run_task(task_id, agent=AgentSpec(), seed=args.seed).outcome.success
            local_s += time.perf_counter() - started
            live, seconds = live_run(task_id, args.seed, args.speed, Path(tmp))
            live_s += seconds
            same += live == local
            live_ok += live
            local_ok += local
            mark = "same" if live == local else "DIFFERENT"
            print(f"{task_id:<60} in-process {local!s:<5} live {live!s:<5} {mark}", flush=True)
    n = len(tasks)
    print(
        f"{n} tasks: in-process {local_ok}/{n} ({100 * local_ok / n:.1f} %) in {local_s:.1f} s; "
        f"live {live_ok}/{n} ({100 * live_ok / n:.1f} %) in {live_s:.1f} s; same verdict on {same}/{n}"
    )


if __name__ == "__main__":
    main()
