"""Guidance: the Evolver's best plan, rendered for the Observer and kept in a library.

The library is a JSON-lines file (one `GuidanceEntry` a line; default
`guidance.jsonl` beside the default store), keyed by task, fault family, app
and service, so it can be read, diffed and shipped without a database. A
lookup says where its entry came from: from the same task (leakage, marked so
in the rendered text and in reports) or from another target of the same fault
family (`other-targets`, what held-out evaluation may be restricted to).

The rendered text (templates/guidance.j2) fills the guidance slot of the
Observer's prompt; its numbered `N. [phase] \\`command\\`` lines and its
`Submit:` line are also what the model-free follower (aoi.agents.guided) reads.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Literal

from jinja2 import Environment, PackageLoader, StrictUndefined
from pydantic import BaseModel, Field

from aoi.catalog import get_task
from aoi.loop.evolve.schema import Plan
from aoi.trajectories.store import default_store_url

GuidanceSource = Literal["any", "same-task", "other-targets"]
SOURCES: tuple[str, ...] = ("any", "same-task", "other-targets")
Leakage = Literal["same-task", "other-target"]


class GuidanceEntry(BaseModel):
    """One plan in the library, with where it came from and how it scored when executed."""

    id: str = ""
    task_id: str
    task_type: str
    fault: str
    app: str
    service: str | None = None
    author: str = Field(description='"teacher" (model-free) or "model:NAME"')
    mode: str = "repair"
    source_task: str = ""
    source_run: str | None = None
    source_attempt: str | None = None
    seed: int = 0
    reward: float = 0.0
    scores: dict[str, float] = Field(default_factory=dict)
    plan: Plan
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def make(cls, plan: Plan, *, author: str, **fields: object) -> GuidanceEntry:
        """An entry for a plan, keyed from the catalog's facts about its task."""
        task = get_task(plan.task_id)
        entry = cls(
            task_id=task.id,
            task_type=task.type.value,
            fault=task.fault,
            app=task.app.value,
            service=task.target,
            author=author,
            plan=plan,
            **fields,  # type: ignore[arg-type]
        )
        digest = hashlib.sha1(
            f"{entry.task_id}|{entry.author}|{entry.source_attempt}|{plan.model_dump_json()}".encode()
        )
        entry.id = digest.hexdigest()[:10]
        return entry


@dataclass(frozen=True)
class Match:
    """The entry a lookup found for a task, and whether it leaks the task itself."""

    entry: GuidanceEntry
    task_id: str
    leakage: Leakage

    @property
    def same_task(self) -> bool:
        return self.leakage == "same-task"

    def label(self) -> str:
        """How reports name the guidance used: author, entry id, provenance."""
        return f"{self.entry.author} {self.entry.id} {self.leakage}"


def default_library() -> Path:
    """guidance.jsonl beside the default store (or the working folder for other stores)."""
    url = default_store_url()
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).parent / "guidance.jsonl"
    return Path("guidance.jsonl")


class GuidanceLibrary:
    """Guidance entries in a JSON-lines file; `add` replaces an entry of the same id."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_library()

    def entries(self) -> list[GuidanceEntry]:
        if not self.path.is_file():
            return []
        out = []
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                out.append(GuidanceEntry.model_validate_json(line))
            except ValueError as exc:
                raise ValueError(f"{self.path}:{number}: not a guidance entry: {exc}") from None
        return out

    def add(self, *new: GuidanceEntry) -> None:
        """Write entries (an entry with the same id is replaced), safe across processes."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(self.path):
            ids = {e.id for e in new}
            kept = [e for e in self.entries() if e.id not in ids]
            text = "".join(e.model_dump_json() + "\n" for e in [*kept, *new])
            tmp = self.path.with_suffix(self.path.suffix + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.path)

    def get(self, key: str) -> list[GuidanceEntry]:
        """Entries by id, or every entry for a task id."""
        return [e for e in self.entries() if key in (e.id, e.task_id)]

    def lookup(self, task_id: str, source: GuidanceSource = "any") -> Match | None:
        """The best entry for a task from the allowed source, or None (see `lookup`)."""
        return lookup(self.entries(), task_id, source)


def lookup(
    entries: Iterable[GuidanceEntry], task_id: str, source: GuidanceSource = "any"
) -> Match | None:
    """The best entry for a task from the allowed source, or None.

    same-task: an entry made for this task (or its fault on the same service
    and type). other-targets: an entry of the same fault family and task type
    on another service. any: same-task first, then other targets. Ties go to
    the highest reward, then the newest.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown guidance source {source!r}; choose one of: {', '.join(SOURCES)}")
    task = get_task(task_id)
    same: list[GuidanceEntry] = []
    other: list[GuidanceEntry] = []
    for entry in entries:
        if entry.fault != task.fault or entry.task_type != task.type.value:
            continue
        if entry.task_id == task.id or (task.target is not None and entry.service == task.target):
            same.append(entry)
        else:
            other.append(entry)
    pools: list[tuple[Leakage, list[GuidanceEntry]]] = []
    if source in ("any", "same-task"):
        pools.append(("same-task", same))
    if source in ("any", "other-targets"):
        pools.append(("other-target", other))
    for leakage, pool in pools:
        if pool:
            best = max(pool, key=lambda e: (e.reward, e.created_at))
            return Match(best, task.id, leakage)
    return None


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("aoi.loop", "templates"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def render_guidance(match: Match) -> str:
    """The structured prompt that fills the Observer's guidance slot."""
    entry = match.entry
    return (
        _env()
        .get_template("guidance.j2")
        .render(
            entry=entry,
            plan=entry.plan,
            author=entry.author,
            same_task=match.same_task,
            label=match.label(),
        )
    )


_LABEL = re.compile(r"^Guidance \[(?P<label>[^\]]+)\]")


def guidance_label(text: str | None) -> str | None:
    """The label in rendered guidance's first line ("teacher 91c9... (same-task)"), or None."""
    match = _LABEL.match(text or "")
    return match["label"] if match else None


def guidance_for(
    library: GuidanceLibrary, task_id: str, source: GuidanceSource = "any"
) -> tuple[str, Match] | None:
    """(the rendered guidance, the match) for a task, or None when the library has none."""
    match = library.lookup(task_id, source)
    if match is None:
        return None
    return render_guidance(match), match


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path.with_suffix(path.suffix + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def dump(entries: list[GuidanceEntry]) -> str:
    """Entries as a JSON list (for --json)."""
    return json.dumps([e.model_dump(mode="json") for e in entries], indent=2)
