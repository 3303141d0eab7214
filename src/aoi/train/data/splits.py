"""Which tasks a trainer may learn from and which it is tested on.

- by fault type, from the catalog: `observer-train` and `observer-test` (no test task
  shares its fault with a training task);
- by target: `unseen-target` are the parametric tasks on services that none of the
  86 AIOpsLab tasks uses, `seen-target` the parametric tasks on the others.
"""

from __future__ import annotations

from functools import cache

from aoi.catalog import get_task, list_parametric, list_tasks
from aoi.errors import UnknownNameError

SPLITS = ("observer-train", "observer-test", "seen-target", "unseen-target")


class UnknownTrainSplitError(UnknownNameError, ValueError):
    """A split name that is not one of SPLITS."""


@cache
def _aiopslab_targets() -> frozenset[str]:
    return frozenset(t.target for t in list_tasks("all") if t.target)


def split_task_ids(split: str) -> list[str]:
    """The task ids of a split, in catalog order."""
    if split in ("observer-train", "observer-test"):
        return [t.id for t in list_tasks(split)]
    if split in ("seen-target", "unseen-target"):
        seen = _aiopslab_targets()
        want_seen = split == "seen-target"
        return [t.id for t in list_parametric() if (t.target in seen) == want_seen]
    raise UnknownTrainSplitError(f"unknown split {split!r}; choose one of: {', '.join(SPLITS)}")


def in_split(task_id: str, split: str) -> bool:
    """Whether a task belongs to a split."""
    if split in ("observer-train", "observer-test"):
        return task_id in set(split_task_ids(split))
    task = get_task(task_id)
    if not task.parametric:
        return False
    return (task.target in _aiopslab_targets()) == (split == "seen-target")
