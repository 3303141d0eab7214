"""Metric definitions on hand-made outcomes."""

from __future__ import annotations

import pytest

from aoi.bench.metrics import AttemptResult, compute


def attempt(
    task: str, index: int, success: bool, kind: str = "detection", fault: str = "f"
) -> AttemptResult:
    return AttemptResult(
        task_id=task, attempt=index, success=success, task_type=kind, fault=fault, steps=index + 1
    )


def test_best_and_avg_at_k_follow_their_definitions() -> None:
    results = [
        attempt("a", 0, True),
        attempt("a", 1, False),
        attempt("a", 2, False),  # solved once in 3
        attempt("b", 0, False),
        attempt("b", 1, False),
        attempt("b", 2, False),  # never
        attempt("c", 0, True),
        attempt("c", 1, True),
        attempt("c", 2, True),  # always
        attempt("d", 0, False),
        attempt("d", 1, True),
        attempt("d", 2, True),  # 2 of 3
    ]
    fig = compute(results)
    assert fig.tasks == 4 and fig.k == 3 and fig.attempts == 12
    assert fig.best_at_k == 75.0  # a, c, d solved at least once
    assert fig.avg_at_k == pytest.approx(round((1 / 3 + 0 + 1 + 2 / 3) / 4 * 100, 2))
    assert fig.gap == pytest.approx(fig.best_at_k - fig.avg_at_k, abs=0.01)


def test_k_of_one_makes_best_equal_avg() -> None:
    fig = compute([attempt("a", 0, True), attempt("b", 0, False)])
    assert fig.best_at_k == fig.avg_at_k == 50.0 and fig.gap == 0


def test_groups_by_type_and_fault() -> None:
    results = [
        attempt("a", 0, True, "detection", "x"),
        attempt("b", 0, False, "mitigation", "x"),
        attempt("c", 0, True, "mitigation", "y"),
    ]
    fig = compute(results)
    assert fig.by_type["detection"]["best_at_k"] == 100.0
    assert fig.by_type["mitigation"]["best_at_k"] == 50.0
    assert fig.by_fault["x"]["tasks"] == 2 and fig.by_fault["x"]["avg_at_k"] == 50.0
    assert fig.per_task["b"] == {
        "type": "mitigation",
        "fault": "x",
        "attempts": 1,
        "successes": 0,
        "solved": False,
    }


def test_empty_results_give_zeros() -> None:
    fig = compute([])
    assert fig.tasks == 0 and fig.best_at_k == 0.0 and fig.k == 0
