"""Splits: by type, and the Observer's split by fault type."""

import pytest

from aoi.catalog import SPLITS, TaskType, list_families, list_tasks, split_reasons

ALL_IDS = {t.id for t in list_tasks("all")}


def test_observer_split_partitions_tasks_and_faults() -> None:
    train, test = list_tasks("observer-train"), list_tasks("observer-test")
    train_ids, test_ids = {t.id for t in train}, {t.id for t in test}
    assert not train_ids & test_ids
    assert train_ids | test_ids == ALL_IDS
    assert (len(train), len(test)) == (23, 63)
    train_faults, test_faults = {t.fault for t in train}, {t.fault for t in test}
    assert (len(train_faults), len(test_faults)) == (11, 15)
    assert not train_faults & test_faults
    assert "noop" in train_faults


def test_every_fault_has_a_reason_on_its_side() -> None:
    train, test = split_reasons("observer-train"), split_reasons("observer-test")
    assert set(train) | set(test) == {f.name for f in list_families()}
    assert all(len(reason) > 40 for reason in [*train.values(), *test.values()])
    assert set(train) == {t.fault for t in list_tasks("observer-train")}


@pytest.mark.parametrize("kind", list(TaskType))
def test_type_splits(kind: TaskType) -> None:
    tasks = list_tasks(kind.value)
    assert tasks and all(t.type is kind for t in tasks)


def test_type_splits_are_disjoint_and_cover_all() -> None:
    seen: set[str] = set()
    for kind in TaskType:
        ids = {t.id for t in list_tasks(kind.value)}
        assert not ids & seen
        seen |= ids
    assert seen == ALL_IDS
    assert set(SPLITS) == {"all", "observer-train", "observer-test", *(t.value for t in TaskType)}
