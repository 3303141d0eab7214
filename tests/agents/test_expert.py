"""The rule-based expert end to end on the twin: the 86 tasks, parametric tasks, and proof
that it learns nothing from the task's truth."""

from __future__ import annotations

from typing import Any

import pytest

import aoi.envs.twin as twin_env
from aoi.agents.expert import ExpertObserver
from aoi.agents.run import TaskRun, run_task
from aoi.catalog import Task, Truth, get_task, list_parametric, list_tasks
from aoi.catalog.models import AnalysisTruth
from aoi.gate import Role, classify

ALL = [t.id for t in list_tasks("all")]
# The twin shows no symptom of a delay on the frontend (no caller logs it, traces are
# unchanged): see the expert's issue note. Everything else must pass.
TWIN_GAPS = {
    "network_delay_hotel_res/frontend/detection",
    "network_delay_hotel_res/frontend/localization",
}


def _sample_parametric() -> list[str]:
    """Every family, several targets outside the 86, every task type: about one task in five."""
    tasks = list_parametric()
    return [t.id for i, t in enumerate(tasks) if i % 5 == 0 or t.id in TWIN_GAPS]


@pytest.mark.parametrize("task_id", ALL)
def test_expert_solves_the_aiopslab_tasks(task_id: str) -> None:
    run = run_task(task_id)
    assert run.record.submitted, run.record.ended_by
    assert run.outcome.success, (run.record.submission, run.outcome.reason, run.outcome.problems)
    assert run.record.tokens_in == 0 and run.record.tokens_out == 0


@pytest.mark.parametrize("task_id", _sample_parametric())
def test_expert_solves_parametric_tasks(task_id: str) -> None:
    if task_id in TWIN_GAPS:
        pytest.xfail("twin gap: a frontend network delay leaves no trace in logs or traces")
    run = run_task(task_id)
    assert run.outcome.success, (run.record.submission, run.outcome.reason, run.outcome.problems)


@pytest.mark.parametrize("task_id", [t.id for t in list_tasks("mitigation")])
def test_mitigation_repairs_for_real(task_id: str) -> None:
    """Strict scoring: the original replicas are back and traffic works (deleting is no repair)."""
    run = run_task(task_id)
    assert run.outcome.strict_success, run.outcome.problems
    writes = [c for step in run.record.steps for c in step["commands"] if c["role"] == "executor"]
    assert writes, "a mitigation must go through the Executor"
    assert all(c["allowed"] and c["exit_code"] == 0 for c in writes), writes


def _decoy(task: Task) -> Task:
    """The same fault with a different recorded truth."""
    analysis = AnalysisTruth(system_level="Hardware", fault_type="Code Defect")
    truth = Truth(
        detection="No" if task.truth.detection == "Yes" else "Yes",
        localization=("decoy-service",),
        analysis=analysis,
    )
    return task.model_copy(update={"truth": truth})


def _run_with(task_id: str, monkeypatch: pytest.MonkeyPatch, decoy: bool) -> TaskRun:
    if decoy:
        real = get_task(task_id)
        monkeypatch.setattr(
            twin_env, "get_task", lambda tid: _decoy(real) if tid == task_id else get_task(tid)
        )
    return run_task(task_id)


_FAMILIES = {
    t.fault: t.id
    for t in reversed(list_tasks("all"))
    if t.type.value in ("localization", "analysis")
}
ONE_PER_FAMILY = [
    *_FAMILIES.values(),
    "noop_detection_social_network-1",
    "k8s_target_port-misconfig/media-service/mitigation",
]


@pytest.mark.parametrize("task_id", ONE_PER_FAMILY)
def test_expert_learns_nothing_from_the_truth(
    task_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    honest = _run_with(task_id, monkeypatch, decoy=False)
    swapped = _run_with(task_id, monkeypatch, decoy=True)
    assert swapped.outcome.task == task_id
    assert honest.record.submission == swapped.record.submission
    commands = [[c["command"] for c in s["commands"]] for s in honest.record.steps]
    assert commands == [[c["command"] for c in s["commands"]] for s in swapped.record.steps]
    if get_task(task_id).type.value != "mitigation":
        assert not swapped.outcome.success  # the decoy truth really differs


def test_decisions_follow_the_schema_and_phases() -> None:
    run = run_task("revoke_auth_mongodb-mitigation-1")
    phases = [s["phase"] for s in run.record.steps]
    assert phases[0] == "surface_scan"
    assert "ready_to_fix" in phases and phases[-1] == "ready_to_submit"
    executor_steps = [s for s in run.record.steps if s["agent"] == "executor"]
    context: dict[str, Any] = executor_steps[0]["decision"]["next_action"]["executor_context"]
    assert context["root_cause"]["component"] == "mongodb-geo"
    assert context["verification"], "a repair is verified through the Probe"
    final = run.record.steps[-1]["decision"]["submission"]
    assert final["ready"] and final["call"] == "submit()" and final["justification"]


def test_probe_commands_are_reads_and_repairs_pass_the_allow_list() -> None:
    for task_id in ("k8s_target_port-misconfig-mitigation-1", "redeploy_without_PV-mitigation-1"):
        run = run_task(task_id)
        for step in run.record.steps:
            for c in step["commands"]:
                role = Role.EXECUTOR if c["role"] == "executor" else Role.PROBE
                assert classify(c["command"], role).allowed, c["command"]


def test_observer_protocol_surface() -> None:
    expert = ExpertObserver()
    queue = expert.plan("problem", "mitigation", 15)
    assert len(queue.items) == 15 and queue.items[-1].agent.value == "submit"
    assert any(item.agent.value == "executor" for item in queue.items)
    assert (expert.tokens_in, expert.tokens_out) == (0, 0)
