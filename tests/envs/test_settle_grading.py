"""A mitigation grade does not depend on where a crash cycle happens to be when the agent submits.

Evaluation reads the cluster at a defined settle time after the submission
(`MITIGATION_SETTLE_SECONDS`), so a container that is Running for the 10 s of
its dial time-out, then Error, then in CrashLoopBackOff, grades the same at
every phase of its cycle; and a repaired cluster grades the same however soon
after the repair the agent submits.
"""

from __future__ import annotations

import pytest

from aoi.catalog import TaskType, list_tasks
from aoi.envs.base import Action
from aoi.envs.twin import APP_KEYS, TwinEnvironment
from aoi.loop.credentials import known_passwords, unmask
from aoi.loop.solve import expert_trajectory

MITIGATION = [t for t in list_tasks() if t.type is TaskType.MITIGATION]
# offsets spread over a 10 s dial time-out and the first back-off steps (10 s, 20 s, 40 s)
PHASES = (0.0, 4.0, 11.0, 23.0, 37.0)


def _fix(task_id: str) -> list[str]:
    """The expert's writes for the task (masked credentials filled in)."""
    task = next(t for t in MITIGATION if t.id == task_id)
    passwords = known_passwords(APP_KEYS[task.app.value], 0)
    return [
        unmask(c.command, passwords)
        for c in expert_trajectory(task_id).commands()
        if c.role == "executor"
    ]


def _grade(task_id: str, writes: list[str], wait: float) -> tuple[bool, bool | None]:
    env = TwinEnvironment()
    try:
        env.reset(task_id, 0)
        for command in writes:
            _output, status = env.run_command(command)
            assert status == 0, command
        env.twin.tick(wait)  # the agent looks around a while longer before it submits
        env.act(Action(api="submit", args=()))
        outcome = env.evaluate()
        return outcome.success, outcome.strict_success
    finally:
        env.close()


@pytest.mark.parametrize("task_id", [t.id for t in MITIGATION])
def test_the_grade_is_the_same_at_every_phase_of_the_crash_cycle(task_id: str) -> None:
    broken = {_grade(task_id, [], wait) for wait in PHASES}
    assert len(broken) == 1, f"unrepaired {task_id} grades differently by phase: {broken}"
    assert broken.pop()[1] is False  # strict: the cause is still there
    writes = _fix(task_id)
    assert writes
    repaired = {_grade(task_id, writes, wait) for wait in PHASES}
    assert repaired == {(True, True)}, f"repaired {task_id} grades by phase: {repaired}"
