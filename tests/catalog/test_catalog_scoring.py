"""AIOpsLab's scoring of detection, localization and analysis answers."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aoi.catalog import (
    CORRECT,
    INCORRECT,
    INVALID_FORMAT,
    TaskType,
    get_task,
    list_tasks,
    score,
    score_analysis,
    score_detection,
    score_localization,
)

FAULTY = get_task("k8s_target_port-misconfig-detection-1")
NOOP = get_task("noop_detection_social_network-1")
USER_SERVICE = get_task("k8s_target_port-misconfig-localization-1")
GEO_DB = get_task("revoke_auth_mongodb-localization-1")
RATE_DB = get_task("user_unregistered_mongodb-localization-2")
ANALYSIS = get_task("revoke_auth_mongodb-analysis-2")


@pytest.mark.parametrize(
    ("task", "answer", "verdict"),
    [
        (FAULTY, "Yes", CORRECT),
        (FAULTY, " yes\n", CORRECT),
        (FAULTY, "YES", CORRECT),
        (FAULTY, "No", INCORRECT),
        (FAULTY, "yes, definitely", INCORRECT),
        (NOOP, "No", CORRECT),
        (NOOP, "Yes", INCORRECT),
        (FAULTY, ["Yes"], INVALID_FORMAT),
        (FAULTY, None, INVALID_FORMAT),
        (FAULTY, True, INVALID_FORMAT),
        (FAULTY, [], INVALID_FORMAT),
    ],
)
def test_detection(task: Any, answer: Any, verdict: str) -> None:
    grade = score_detection(task, answer)
    assert grade.results["Detection Accuracy"] == verdict
    assert grade.success is (verdict == CORRECT) is grade.results["success"]


@pytest.mark.parametrize(
    ("task", "answer", "success", "accuracy", "is_subset"),
    [
        (USER_SERVICE, ["user-service"], True, 100.0, True),
        (USER_SERVICE, "user-service", True, 100.0, False),
        (USER_SERVICE, ["user-service", "compose-post-service"], False, 50.0, True),
        (USER_SERVICE, ["a", "b", "user-service", "c"], False, 25.0, True),
        (USER_SERVICE, ["compose-post-service"], False, 0.0, False),
        (USER_SERVICE, ["User-Service"], False, 0.0, False),
        (USER_SERVICE, [], False, 0.0, False),
        (USER_SERVICE, None, False, 0.0, False),
        (USER_SERVICE, 7, False, 0.0, False),
        (USER_SERVICE, [["user-service"]], False, 0.0, False),
        (USER_SERVICE, {"user-service": 1}, True, 100.0, True),
        # The mongodb- alias is a whole-answer match, as in AIOpsLab.
        (GEO_DB, ["mongodb-geo"], True, 100.0, True),
        (GEO_DB, "geo", True, 100.0, False),
        (GEO_DB, ["geo"], False, 0.0, False),
        (GEO_DB, "mongodb-rate", False, 0.0, False),
        (RATE_DB, "rate", True, 100.0, False),
        (RATE_DB, "geo", False, 0.0, False),
    ],
)
def test_localization(
    task: Any, answer: Any, success: bool, accuracy: float, is_subset: bool
) -> None:
    grade = score_localization(task, answer)
    assert grade.success is success
    assert grade.results == {
        "Localization Accuracy": accuracy,
        "success": success,
        "is_subset": is_subset,
    }


def test_alias_only_for_mongodb_auth_faults() -> None:
    assert not score_localization(USER_SERVICE, "user").success
    target_port_on_mongo = get_task("auth_miss_mongodb-localization-1")
    assert not score_localization(target_port_on_mongo, "url-shorten").success


@pytest.mark.parametrize(
    ("answer", "level", "kind"),
    [
        ({"system_level": "Application", "fault_type": "Authentication Issue"}, True, True),
        ({"system_level": " application ", "fault_type": "AUTHENTICATION ISSUE"}, True, True),
        ({"system_level": "Virtualization", "fault_type": "Authentication Issue"}, False, True),
        ({"system_level": "Application", "fault_type": "Misconfiguration"}, True, False),
        ({"system_level": "Application"}, True, False),
        ({"system_level": 1, "fault_type": None}, False, False),
        ({}, False, False),
    ],
)
def test_analysis(answer: Any, level: bool, kind: bool) -> None:
    grade = score_analysis(ANALYSIS, answer)
    assert grade.results == {
        "system_level_correct": level,
        "fault_type_correct": kind,
        "success": level and kind,
    }


@pytest.mark.parametrize("answer", ["Application", ["Application"], None, []])
def test_analysis_needs_a_dict(answer: Any) -> None:
    grade = score_analysis(ANALYSIS, answer)
    assert not grade.success and grade.results["system_level_correct"] is False


def test_every_task_passes_its_own_truth_and_fails_a_wrong_one() -> None:
    for task in list_tasks():
        if task.type is TaskType.MITIGATION:
            continue
        right: Any = task.expected
        if task.type is TaskType.ANALYSIS:
            assert task.truth.analysis is not None
            right = task.truth.analysis.model_dump()
            wrong: Any = {**right, "fault_type": "Code Defect"}
            if right["fault_type"] == "Code Defect":
                wrong["fault_type"] = "Misconfiguration"
        elif task.type is TaskType.DETECTION:
            wrong = "No" if right == "Yes" else "Yes"
        else:
            wrong = ["jaeger"]
        assert score(task, right).success, task.id
        assert not score(task, wrong).success, task.id


def test_mitigation_needs_a_cluster() -> None:
    with pytest.raises(ValueError, match="cluster view"):
        score(get_task("wrong_bin_usage-mitigation-1"), [])


SOLUTIONS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=12) | st.integers(), inner, max_size=4)
    ),
    max_leaves=12,
)
GRADED = [t for t in list_tasks() if t.type is not TaskType.MITIGATION]


@given(st.sampled_from(GRADED), SOLUTIONS)
def test_scoring_never_raises_and_success_is_consistent(task: Any, solution: Any) -> None:
    grade = score(task, solution)
    assert grade.success is grade.results["success"]
    if task.type is TaskType.LOCALIZATION:
        accuracy = grade.results["Localization Accuracy"]
        assert 0.0 <= accuracy <= 100.0
        if grade.success:
            assert accuracy == 100.0
    if task.type is TaskType.DETECTION:
        assert grade.success is (grade.results["Detection Accuracy"] == CORRECT)


@given(st.lists(st.sampled_from(["user-service", "a", "b", "c", "d"]), min_size=1, max_size=6))
def test_localization_subset_accuracy(answer: list[str]) -> None:
    grade = score_localization(USER_SERVICE, answer)
    if "user-service" in answer:
        assert grade.results["is_subset"]
        assert grade.results["Localization Accuracy"] == pytest.approx(100.0 / len(answer))
        assert grade.success is (answer == ["user-service"])
    else:
        assert not grade.success and grade.results["Localization Accuracy"] == 0.0
