"""Task texts: the description, instructions and API list an agent starts from."""

from __future__ import annotations

from functools import cache
from importlib import resources
from string import Template
from typing import Any

import yaml

from aoi.catalog.models import ApiDoc, Problem, Task, TaskType

# The C loader when libyaml is present: a tenth of the load time.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def _texts() -> dict[str, Any]:
    text = resources.files("aoi.catalog").joinpath("data", "problem.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=_LOADER)
    return data


def api_docs(task_type: TaskType) -> tuple[ApiDoc, ...]:
    """The APIs offered for a task type: the six shared ones, then its submit."""
    data = _texts()
    shared = tuple(ApiDoc(**api) for api in data["apis"])
    submit = data["submit_apis"][task_type.value]
    return (*shared, ApiDoc(name="submit", kind="action", **submit))


def render_problem(task: Task) -> Problem:
    """The problem an agent is shown for this task; never mentions the truth."""
    data = _texts()
    hint = f"\n\n{task.hint}" if task.hint else ""
    values = {
        "app": task.app.value,
        "namespace": task.namespace,
        "app_summary": data["apps"][task.app.value],
        "hint": hint,
        "submit_example": data["submit_examples"][task.type.value],
    }
    description = Template(data["descriptions"][task.type.value]).substitute(values)
    instructions = Template(data["instructions"]).substitute(values)
    return Problem(
        description=description,
        instructions=instructions,
        apis=api_docs(task.type),
        task_type=task.type,
        namespace=task.namespace,
        app=task.app,
        task_id=task.id,
    )
