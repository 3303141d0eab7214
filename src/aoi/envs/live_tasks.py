"""Live incidents as tasks: `live/<type>/<namespace>` ids and the problem an agent is shown.

No catalog task, no known application and no truth: the description comes from
data (data/live_problem.yaml), the instructions and API list from the catalog.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from string import Template
from typing import Any

import yaml

from aoi.catalog import Problem, TaskType, api_docs, list_tasks, render_problem
from aoi.errors import AOIError

LIVE_PREFIX = "live/"
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


class LiveClusterError(AOIError, RuntimeError):
    """The live cluster cannot be used as configured (no kube context, bad task id, ...)."""


def parse_live_id(task_id: str, default_namespace: str | None = None) -> tuple[TaskType, str]:
    """The task type and namespace of `live/<type>/<namespace>` (or `live/<type>`)."""
    parts = task_id.split("/")
    usage = f"a live task id has the form live/<{'|'.join(t.value for t in TaskType)}>/<namespace>"
    if len(parts) not in (2, 3) or parts[1] not in {t.value for t in TaskType}:
        raise LiveClusterError(f"{task_id!r}: {usage}")
    namespace = parts[2] if len(parts) == 3 else (default_namespace or "")
    if not namespace:
        raise LiveClusterError(f"{task_id!r} names no namespace: {usage}, or pass namespace=...")
    if not _NAMESPACE.match(namespace):
        raise LiveClusterError(f"{namespace!r} is not a Kubernetes namespace name")
    return TaskType(parts[1]), namespace


@cache
def _live_texts() -> dict[str, Any]:
    text = resources.files("aoi.envs").joinpath("data", "live_problem.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def live_problem(task_type: TaskType, namespace: str, task_id: str = "") -> Problem:
    """What an agent is shown for a live incident of this type in this namespace.

    The application is not known (`app` is None): a live namespace may run anything.
    """
    description = Template(_live_texts()["descriptions"][task_type.value]).substitute(
        namespace=namespace
    )
    # The instructions are the catalog's, shown for this namespace.
    model = next(t for t in list_tasks() if t.type is task_type)
    instructions = render_problem(
        model.model_copy(update={"namespace": namespace, "hint": None})
    ).instructions
    return Problem(
        description=description,
        instructions=instructions,
        apis=api_docs(task_type),
        task_type=task_type,
        namespace=namespace,
        task_id=task_id or f"{LIVE_PREFIX}{task_type.value}/{namespace}",
    )
