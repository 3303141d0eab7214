"""A deterministic workload for store tests: steps, outcomes, and worker processes.

Workers run in child processes (spawn), so everything here is importable and
takes only picklable arguments.
"""

from __future__ import annotations

import time
from typing import Any

from aoi.trajectories import CommandRecord, Step, TrajectoryStore

TASKS = (
    "revoke_auth_mongodb-localization-2",
    "k8s_target_port-misconfig-detection-1",
    "misconfig_app_hotel_res-mitigation-1",
    "user_unregistered_mongodb-analysis-1",
    "noop_detection_social_network-1",
    "pod_failure_hotel_res-localization-1",
)


def make_step(index: int, agent: str = "probe") -> Step:
    """A realistic step; Observer steps carry a decision, others run one command."""
    if agent == "observer":
        return Step(
            index=index,
            iteration=index // 2 + 1,
            phase="surface_scan",
            agent="observer",
            decision={
                "phase": "surface_scan",
                "confidence": 30 + index,
                "next_action": "probe",
                "instruction": "list pods and their restarts",
                "context": {"targets": ["user-service"], "namespace": "test-social-network"},
            },
            tokens_in=900 + index,
            tokens_out=120,
            seconds=1.25,
        )
    command = "kubectl get pods -n test-social-network"
    raw = "NAME                             READY   STATUS    RESTARTS   AGE\n" + (
        "user-service-6d5c8c7f9b-x2x7q    0/1     CrashLoopBackOff   5 (32s ago)   4m12s\n"
    )
    return Step(
        index=index,
        iteration=index // 2 + 1,
        phase="surface_scan",
        agent=agent,  # type: ignore[arg-type]
        commands=[
            CommandRecord(
                command=command,
                role=agent,
                verdict="read",
                allowed=True,
                exit_code=0,
                output_raw=raw,
                output_compressed="user-service: CrashLoopBackOff, 5 restarts — ✗",
            )
        ],
        api_call=f'exec_shell("{command}")',
        observation=raw,
        tokens_in=400 + index,
        tokens_out=60,
        seconds=0.05,
    )


def steps_for(task_id: str, attempt_index: int, n_steps: int) -> list[Step]:
    agents = ("observer", "probe")
    return [make_step(i, agents[i % 2]) for i in range(n_steps)]


def outcome_for(task_id: str, attempt_index: int) -> dict[str, Any]:
    """A deterministic outcome, so a resumed run can be compared with a clean one."""
    success = (TASKS.index(task_id) + attempt_index) % 2 == 0
    return {
        "success": success,
        "results": {"Detection Accuracy": "Correct" if success else "Incorrect"},
        "reason": "",
        "submission": ["user-service"],
        "strict_success": success,
        "steps": 4,
        "tokens": 1234,
        "seconds_to_submit": 12.5,
    }


def run_attempt(store: TrajectoryStore, run_id: str, task_id: str, index: int, n_steps: int) -> str:
    attempt = store.start_attempt(run_id, task_id, index, agent="expert", seed=index, model="m")
    for step in steps_for(task_id, index, n_steps):
        store.append_step(attempt, step)
    store.finish_attempt(attempt, outcome_for(task_id, index))
    return attempt


def worker(
    url: str,
    run_id: str,
    work: list[tuple[str, int]],
    n_steps: int,
    start: Any = None,
    skip: frozenset[tuple[str, int]] = frozenset(),
) -> None:
    """Run every (task, attempt index) of `work` not in `skip`, after `start` is set."""
    store = TrajectoryStore(url)
    if start is not None:
        start.wait(30)
    for task_id, index in work:
        if (task_id, index) not in skip:
            run_attempt(store, run_id, task_id, index, n_steps)
    store.close()


def hang_mid_attempt(
    url: str, run_id: str, work: list[tuple[str, int]], n_steps: int, ready: Any
) -> None:
    """Finish all but the last attempt, write half of the last one, then wait to be killed."""
    store = TrajectoryStore(url)
    for task_id, index in work[:-1]:
        run_attempt(store, run_id, task_id, index, n_steps)
    task_id, index = work[-1]
    attempt = store.start_attempt(run_id, task_id, index, agent="expert", seed=index, model="m")
    for step in steps_for(task_id, index, n_steps)[: n_steps // 2]:
        store.append_step(attempt, step)
    ready.set()
    time.sleep(600)
