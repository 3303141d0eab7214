"""On every expert success over the 86 tasks (and parametric ones) the purified path passes its oracle."""

from __future__ import annotations

import pytest

from aoi.catalog import list_parametric, list_tasks
from aoi.loop.purify import purify
from aoi.loop.solve import expert_trajectory

PARAMETRIC = [t.id for t in list_parametric()][::15][:8]


@pytest.mark.slow
@pytest.mark.parametrize("task_id", [t.id for t in list_tasks()] + PARAMETRIC)
def test_every_expert_success_purifies_to_a_verified_shorter_path(task_id: str) -> None:
    source = expert_trajectory(task_id)
    if not source.success:
        pytest.skip(f"the expert does not solve {task_id}")
    result = purify(source)
    assert result.verified, result.reason
    assert result.after <= result.prefiltered <= result.before
    assert result.after >= 1
