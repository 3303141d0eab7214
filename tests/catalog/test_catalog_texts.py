"""The problem text an agent starts from."""

import pytest

from aoi.catalog import Task, TaskType, api_docs, get_task, list_tasks, parse_action, render_problem

ALL = list_tasks()
SUBMIT_FORMS = {
    TaskType.DETECTION: 'submit("Yes")',
    TaskType.LOCALIZATION: 'submit(["service-name"])',
    TaskType.ANALYSIS: "submit({",
    TaskType.MITIGATION: "submit()",
}


@pytest.mark.parametrize("task", ALL, ids=lambda t: t.id)
def test_every_task_renders(task: Task) -> None:
    problem = render_problem(task)
    assert task.namespace in problem.description
    assert task.namespace in problem.instructions
    assert SUBMIT_FORMS[task.type] in problem.instructions
    assert [api.name for api in problem.apis] == [
        "get_logs",
        "get_metrics",
        "read_metrics",
        "get_traces",
        "read_traces",
        "exec_shell",
        "submit",
    ]
    assert "$" not in problem.text()


def test_text_depends_only_on_app_type_and_hint() -> None:
    """No fault, target or parameter reaches the agent through the text."""
    seen: dict[tuple[str, str, str | None], str] = {}
    for task in ALL:
        key = (task.app.value, task.type.value, task.hint)
        text = render_problem(task).text()
        assert seen.setdefault(key, text) == text
        assert task.fault not in text
        for key in ("flag", "image", "tls_mode", "container"):
            if key in task.params:
                assert task.params[key] not in text, (task.id, key)


def test_the_submit_example_parses() -> None:
    for kind in TaskType:
        task = next(t for t in ALL if t.type is kind)
        block = render_problem(task).instructions.split("When you are done:")[1]
        action = parse_action(block)
        assert action.ok and action.api == "submit"


def test_submit_signature_per_type() -> None:
    assert api_docs(TaskType.LOCALIZATION)[-1].signature.startswith("submit(faulty_components")
    assert api_docs(TaskType.MITIGATION)[-1].signature.startswith("submit()")
    assert [a.kind for a in api_docs(TaskType.DETECTION)].count("read") == 5


def test_aiopslab_hint_on_social_network_tasks() -> None:
    hinted = render_problem(get_task("k8s_target_port-misconfig-localization-1")).description
    assert "compose-post-service" in hinted.split("\n")[-1]
    assert render_problem(get_task("k8s_target_port-misconfig-detection-1")).description.endswith(
        '"No" if there is none.'
    )
    assert get_task("k8s_target_port-misconfig/user-service/localization").hint is None
