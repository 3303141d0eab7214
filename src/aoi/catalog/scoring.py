"""AIOpsLab's scoring rules, one pure function per task type.

A solution is what a submit call hands over (``ParsedAction.solution``): the
single positional argument, or the list of them. Each function returns a
``Grade`` whose ``results`` carry AIOpsLab's own field names. No input makes
them raise: a solution of the wrong shape is graded, as AIOpsLab grades it or,
where AIOpsLab would crash, as a failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aoi.catalog.mitigation import ClusterView, mitigation_problems
from aoi.catalog.models import Task, TaskType

CORRECT = "Correct"
INCORRECT = "Incorrect"
INVALID_FORMAT = "Invalid Format"


@dataclass(frozen=True)
class Grade:
    """The verdict on one submission: success, AIOpsLab's result fields, and why."""

    success: bool
    results: dict[str, Any]
    reason: str
    problems: tuple[str, ...] = field(default=())


def score_detection(task: Task, solution: Any) -> Grade:
    """Correct when the stripped, lower-cased string equals the truth ("yes" / "no")."""
    if not isinstance(solution, str):
        verdict, reason = INVALID_FORMAT, f"expected a string, got {type(solution).__name__}"
    elif solution.strip().lower() == task.truth.detection.lower():
        verdict, reason = CORRECT, f"answered {solution!r}"
    else:
        verdict, reason = INCORRECT, f"answered {solution!r}, truth {task.truth.detection!r}"
    success = verdict == CORRECT
    return Grade(success, {"Detection Accuracy": verdict, "success": success}, reason)


def score_localization(task: Task, solution: Any) -> Grade:
    """Exact match, or a one-element answer holding the truth; accuracy 100 / len for subsets.

    As in AIOpsLab, an alias (``geo`` for ``mongodb-geo``) is accepted as the
    whole answer, ``submit("geo")``; the subset rule looks at the truth only,
    so ``submit(["geo"])`` does not pass while ``submit(["mongodb-geo"])`` does.
    """
    truth = list(task.truth.localization)
    if solution is None:
        results = {"Localization Accuracy": 0.0, "success": False, "is_subset": False}
        return Grade(False, results, "no answer")
    exact_answers: list[Any] = [*task.truth.aliases, truth]
    if len(truth) == 1:
        exact_answers.insert(0, truth[0])
    is_exact = any(_equal(solution, answer) for answer in exact_answers)
    is_sub = bool(truth) and _covers(solution, truth)
    size = _size(solution)
    if is_exact:
        accuracy = 100.0
    elif is_sub and size:
        accuracy = len(truth) / size * 100.0
    else:
        accuracy = 0.0
    success = is_exact or (is_sub and size == 1)
    results = {"Localization Accuracy": accuracy, "success": success, "is_subset": is_sub}
    if success:
        reason = f"answered {solution!r}"
    elif is_sub:
        reason = f"answer {solution!r} holds the truth {truth} among {size} names"
    else:
        reason = f"answered {solution!r}, truth {truth}"
    return Grade(success, results, reason)


def _equal(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # a literal's == never fails; an array's truth value does
        return False


def _covers(solution: Any, truth: list[str]) -> bool:
    """AIOpsLab's is_subset(truth, solution): set(truth) <= set(solution)."""
    try:
        return set(truth).issubset(set(solution))
    except TypeError:  # not iterable, or unhashable items: AIOpsLab would crash
        return False


def _size(solution: Any) -> int:
    try:
        return len(solution)
    except TypeError:
        return 0


def score_analysis(task: Task, solution: Any) -> Grade:
    """Both system_level and fault_type must match the truth, case-insensitively."""
    truth = task.truth.analysis
    if not isinstance(solution, dict) or truth is None:
        results = {"system_level_correct": False, "fault_type_correct": False, "success": False}
        why = "no analysis truth for this task" if truth is None else "expected a dict"
        return Grade(False, results, why)
    level_ok = _same_text(solution.get("system_level", ""), truth.system_level)
    type_ok = _same_text(solution.get("fault_type", ""), truth.fault_type)
    success = level_ok and type_ok
    results = {"system_level_correct": level_ok, "fault_type_correct": type_ok, "success": success}
    wrong = [name for name, ok in (("system_level", level_ok), ("fault_type", type_ok)) if not ok]
    reason = "both fields right" if success else f"wrong {', '.join(wrong)}"
    return Grade(success, results, reason)


def _same_text(given: Any, want: str) -> bool:
    return isinstance(given, str) and given.strip().lower() == want.strip().lower()


def score_mitigation(
    task: Task,
    cluster: ClusterView,
    *,
    strict: bool = False,
    baseline_replicas: Mapping[str, int] | None = None,
    traffic_healthy: bool | None = None,
) -> Grade:
    """Success when the cluster is healthy by AIOpsLab's rule plus the task's extras.

    ``strict`` also needs ``baseline_replicas`` (deployment -> replicas before
    the fault) and ``traffic_healthy`` from the environment; see
    ``aoi.catalog.mitigation.mitigation_problems``.
    """
    problems = mitigation_problems(
        task,
        cluster,
        strict=strict,
        baseline_replicas=baseline_replicas,
        traffic_healthy=traffic_healthy,
    )
    success = not problems
    mode = "strict" if strict else "AIOpsLab"
    if success:
        reason = f"namespace {task.namespace} healthy ({mode} rule)"
    else:
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        reason = "; ".join(problems[:3]) + more
    return Grade(success, {"success": success}, reason, tuple(problems))


def score(
    task: Task,
    solution: Any,
    cluster: ClusterView | None = None,
    *,
    strict: bool = False,
    baseline_replicas: Mapping[str, int] | None = None,
    traffic_healthy: bool | None = None,
) -> Grade:
    """Grade a submission by the task's type; mitigation needs ``cluster``."""
    if task.type is TaskType.DETECTION:
        return score_detection(task, solution)
    if task.type is TaskType.LOCALIZATION:
        return score_localization(task, solution)
    if task.type is TaskType.ANALYSIS:
        return score_analysis(task, solution)
    if cluster is None:
        raise ValueError(f"task {task.id} is a mitigation task: scoring needs a cluster view")
    return score_mitigation(
        task,
        cluster,
        strict=strict,
        baseline_replicas=baseline_replicas,
        traffic_healthy=traffic_healthy,
    )
