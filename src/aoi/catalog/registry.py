"""The task registry: the 86 AIOpsLab tasks, parametric tasks and splits, loaded from data."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from aoi.catalog.models import AnalysisTruth, App, MitigationCheck, Task, TaskType, Truth
from aoi.errors import UnknownNameError

# The C loader when libyaml is present: a tenth of the load time.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

NOOP = "noop"
PARAMETRIC_SEP = "/"
TYPE_SPLITS = tuple(t.value for t in TaskType)
SPLITS = ("all", "observer-train", "observer-test", *TYPE_SPLITS)


class UnknownTaskError(UnknownNameError):
    """A task id that names no task; carries the reason and close matches."""

    def __init__(self, task_id: str, reason: str, matches: list[str] | None = None) -> None:
        self.task_id = task_id
        self.reason = reason
        self.matches = list(matches or [])
        hint = f"; did you mean {', '.join(self.matches)}?" if self.matches else ""
        super().__init__(f"unknown task {task_id!r}: {reason}{hint}")


class UnknownSplitError(UnknownNameError):
    """A split name that is not one of SPLITS."""

    def __init__(self, split: str) -> None:
        self.split = split
        self.matches = difflib.get_close_matches(split, SPLITS, n=3)
        hint = f"; did you mean {', '.join(self.matches)}?" if self.matches else ""
        super().__init__(f"unknown split {split!r} (splits: {', '.join(SPLITS)}){hint}")


class AppInfo(BaseModel):
    """Where an application runs and how its pods name their service."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    namespace: str
    pod_label: str


class Hint(BaseModel):
    """A sentence AIOpsLab appends to some task descriptions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    types: tuple[TaskType, ...]


class FaultFamily(BaseModel):
    """One fault type: where it applies, its analysis truth, its parameters and targets."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    app: App | None = None
    summary: str
    analysis: AnalysisTruth | None = None
    alias_rule: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    target_params: dict[str, dict[str, Any]] = Field(default_factory=dict)
    mitigation_checks: tuple[MitigationCheck, ...] = ()
    hint: Hint | None = None
    types: tuple[TaskType, ...]
    targets: tuple[str, ...] = ()

    def params_for(self, target: str | None) -> dict[str, Any]:
        """The injector parameters for one target, `{target}` filled in."""
        merged = {**self.params, **self.target_params.get(target or "", {})}
        return _fill(merged, target) if target else merged


def _fill(value: Any, target: str) -> Any:
    if isinstance(value, str):
        return value.replace("{target}", target)
    if isinstance(value, dict):
        return {k: _fill(v, target) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, target) for v in value]
    return value


@dataclass(frozen=True)
class _Catalog:
    apps: dict[App, AppInfo]
    families: dict[str, FaultFamily]
    tasks: dict[str, Task]
    splits: dict[str, tuple[str, ...]]
    reasons: dict[str, dict[str, str]]


def _read_yaml(name: str) -> Any:
    text = resources.files("aoi.catalog").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_LOADER)


def _aliases(family: FaultFamily, target: str | None) -> tuple[str, ...]:
    if family.alias_rule == "strip_mongodb_prefix" and target and target.startswith("mongodb-"):
        return (target.removeprefix("mongodb-"),)
    if family.alias_rule not in (None, "strip_mongodb_prefix"):
        raise ValueError(f"fault {family.name}: unknown alias_rule {family.alias_rule!r}")
    return ()


def _build_task(
    apps: dict[App, AppInfo],
    family: FaultFamily,
    task_id: str,
    task_type: TaskType,
    target: str | None,
    app: App | None = None,
    parametric: bool = False,
) -> Task:
    app = app or family.app
    if app is None:
        raise ValueError(f"task {task_id}: fault {family.name} needs an app")
    if task_type not in family.types:
        raise ValueError(f"task {task_id}: fault {family.name} offers no {task_type} task")
    truth = Truth(
        detection="No" if family.name == NOOP else "Yes",
        localization=(target,) if target else (),
        aliases=_aliases(family, target),
        analysis=family.analysis,
    )
    hint = family.hint
    return Task(
        id=task_id,
        type=task_type,
        app=app,
        namespace=apps[app].namespace,
        fault=family.name,
        target=target,
        params=family.params_for(target),
        truth=truth,
        mitigation_checks=family.mitigation_checks if task_type is TaskType.MITIGATION else (),
        hint=hint.text if hint and not parametric and task_type in hint.types else None,
        pod_label=apps[app].pod_label,
        parametric=parametric,
    )


@cache
def _catalog() -> _Catalog:
    data = _read_yaml("tasks.yaml")
    apps = {App(name): AppInfo(**info) for name, info in data["apps"].items()}
    families = {name: FaultFamily(name=name, **spec) for name, spec in data["families"].items()}
    tasks: dict[str, Task] = {}
    for entry in data["tasks"]:
        task_id = entry["id"]
        if task_id in tasks:
            raise ValueError(f"duplicate task id {task_id}")
        app = App(entry["app"]) if entry.get("app") else None
        tasks[task_id] = _build_task(
            apps, families[entry["fault"]], task_id, TaskType(entry["type"]), entry["target"], app
        )

    reasons: dict[str, dict[str, str]] = _read_yaml("splits.yaml")
    splits: dict[str, tuple[str, ...]] = {"all": tuple(tasks)}
    for t in TaskType:
        splits[t.value] = tuple(i for i, task in tasks.items() if task.type is t)
    for name in ("observer-train", "observer-test"):
        unknown = set(reasons[name]) - set(families)
        if unknown:
            raise ValueError(f"split {name} names unknown faults {sorted(unknown)}")
        splits[name] = tuple(i for i, task in tasks.items() if task.fault in reasons[name])
    overlap = set(reasons["observer-train"]) & set(reasons["observer-test"])
    if overlap or set(reasons["observer-train"]) | set(reasons["observer-test"]) != set(families):
        raise ValueError("observer-train and observer-test must partition the fault types")
    return _Catalog(apps, families, tasks, splits, reasons)


def get_task(task_id: str) -> Task:
    """The task with this id: an AIOpsLab id or a parametric `<fault>/<target>/<type>`.

    Raises UnknownTaskError, with the reason and close matches, for any other id.
    """
    catalog = _catalog()
    task = catalog.tasks.get(task_id)
    if task is not None:
        return task
    if PARAMETRIC_SEP in task_id:
        return _parametric(task_id)
    matches = difflib.get_close_matches(task_id, list(catalog.tasks), n=3, cutoff=0.6)
    raise UnknownTaskError(task_id, "no AIOpsLab task has this id", matches)


@cache
def _parametric(task_id: str) -> Task:
    catalog = _catalog()
    parts = task_id.split(PARAMETRIC_SEP)
    if len(parts) != 3:
        raise UnknownTaskError(task_id, "a parametric id has the form <fault>/<target>/<type>")
    fault, target, type_name = parts
    family = catalog.families.get(fault)
    if family is None:
        matches = [
            PARAMETRIC_SEP.join((m, target, type_name))
            for m in difflib.get_close_matches(fault, list(catalog.families), n=3)
        ]
        raise UnknownTaskError(task_id, f"no fault family named {fault!r}", matches)
    if not family.targets:
        raise UnknownTaskError(task_id, f"fault {fault} has no target and no parametric tasks")
    if target not in family.targets:
        matches = [
            PARAMETRIC_SEP.join((fault, m, type_name))
            for m in difflib.get_close_matches(target, family.targets, n=3)
        ]
        raise UnknownTaskError(
            task_id,
            f"{target!r} is not a target of {fault} (targets: {', '.join(family.targets)})",
            matches,
        )
    if type_name not in {t.value for t in family.types}:
        offered = ", ".join(t.value for t in family.types)
        matches = [
            PARAMETRIC_SEP.join((fault, target, m))
            for m in difflib.get_close_matches(type_name, [t.value for t in family.types], n=3)
        ]
        raise UnknownTaskError(
            task_id, f"{fault} offers no {type_name!r} task (types: {offered})", matches
        )
    return _build_task(catalog.apps, family, task_id, TaskType(type_name), target, parametric=True)


def list_tasks(split: str = "all") -> list[Task]:
    """The AIOpsLab tasks of a split, in registry order; see SPLITS for the names."""
    catalog = _catalog()
    ids = catalog.splits.get(split)
    if ids is None:
        raise UnknownSplitError(split)
    return [catalog.tasks[i] for i in ids]


def split_reasons(split: str) -> dict[str, str]:
    """For observer-train / observer-test: fault type -> why it sits on that side."""
    reasons = _catalog().reasons
    if split not in reasons:
        raise UnknownSplitError(split)
    return dict(reasons[split])


def list_parametric(fault: str | None = None) -> list[Task]:
    """Every parametric task (or those of one fault family), one per target and type."""
    catalog = _catalog()
    if fault is not None and fault not in catalog.families:
        matches = difflib.get_close_matches(fault, list(catalog.families), n=3)
        raise UnknownTaskError(fault, f"no fault family named {fault!r}", matches)
    families = [catalog.families[fault]] if fault else list(catalog.families.values())
    return [
        get_task(PARAMETRIC_SEP.join((family.name, target, task_type.value)))
        for family in families
        for target in family.targets
        for task_type in family.types
    ]


def get_family(name: str) -> FaultFamily:
    """One fault family by name; UnknownTaskError with close matches otherwise."""
    families = _catalog().families
    if name not in families:
        matches = difflib.get_close_matches(name, list(families), n=3)
        raise UnknownTaskError(name, f"no fault family named {name!r}", matches)
    return families[name]


def list_families() -> list[FaultFamily]:
    """All 26 fault families in catalog order."""
    return list(_catalog().families.values())


def app_info(app: App) -> AppInfo:
    """Namespace and pod label of an application."""
    return _catalog().apps[app]
