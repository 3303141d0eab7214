"""The closed loop between attempts: guidance per task, and `--evolve` (the paper's Figure 5).

With a guidance library, every attempt of a task is given the library's best
entry for it from the allowed source (`any`, `same-task`, `other-targets`).
With `--evolve`, the attempts of a task run in order: when attempt k fails, the
Evolver (the teacher, or G candidates from a model, scored by execution) turns
its trajectory into a plan, and attempt k+1 is given that plan as guidance.
Guidance made from the task's own trajectory is leakage and is marked so in the
guidance text, the store (each attempt keeps the text it was given) and reports.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aoi.loop.guidance import (
    GuidanceEntry,
    GuidanceLibrary,
    GuidanceSource,
    Match,
    lookup,
    render_guidance,
)

TEACHER = "teacher"


@dataclass(frozen=True)
class LoopSettings:
    """How a bench closes the loop: a library to read (and write), its source, the Evolver."""

    library: str | None = None
    source: GuidanceSource = "any"
    evolve: bool = False
    evolver: str = TEACHER
    candidates: int = 4


def guidance_text(settings: LoopSettings, task_id: str) -> str | None:
    """The library's guidance for a task from the allowed source, rendered, or None."""
    if not settings.library:
        return None
    match = GuidanceLibrary(settings.library).lookup(task_id, settings.source)
    return render_guidance(match) if match else None


@dataclass
class Chain:
    """The attempts of one task in order, for --evolve; `done` are attempts already stored."""

    jobs: list[Any]
    settings: LoopSettings
    done: set[int] = field(default_factory=set)


def run_chain(
    chain: Chain, run_attempt: Callable[[Any], Any], store_for: Callable[[str], Any]
) -> list[Any]:
    """Run a task's attempts in order, evolving guidance after each failure.

    `run_attempt` runs one job (and never raises); `store_for` opens the store of a URL.
    """
    results = []
    entries: list[GuidanceEntry] = []
    guidance = guidance_text(chain.settings, chain.jobs[0].task_id) if chain.jobs else None
    for job in chain.jobs:
        store = store_for(job.store_url)
        if job.attempt in chain.done:
            trajectory = _stored(store, job)
            failed = trajectory is not None and not trajectory.success
            if trajectory is not None and trajectory.guidance:
                guidance = trajectory.guidance
        else:
            result = run_attempt(dataclasses.replace(job, guidance=guidance))
            results.append(result)
            failed = not result.success
            trajectory = _stored(store, job) if failed else None
        if failed and trajectory is not None and chain.settings.evolve:
            entry = _evolve(trajectory, chain.settings)
            if entry is not None:
                entries.append(entry)
                if chain.settings.library:
                    GuidanceLibrary(chain.settings.library).add(entry)
                match = lookup(entries, job.task_id, chain.settings.source)
                if match is not None:
                    guidance = render_guidance(match)
    return results


def _stored(store: Any, job: Any) -> Any:
    found = [
        t
        for t in store.query(task=job.task_id, run_id=job.run_id)
        if t.attempt_index == job.attempt
    ]
    return found[-1] if found else None


def _evolve(trajectory: Any, settings: LoopSettings) -> GuidanceEntry | None:
    """The Evolver's best plan for a failed trajectory, or None when it has none."""
    from aoi.loop.evolve.candidates import evolve
    from aoi.loop.evolve.teacher import TeacherError

    try:
        if settings.evolver == TEACHER:
            evolution = evolve(trajectory)
        else:
            from aoi.llm import LLMError, make_model

            try:
                evolution = evolve(
                    trajectory,
                    model=make_model(settings.evolver),
                    model_name=settings.evolver,
                    candidates=settings.candidates,
                )
            except LLMError:
                return None
    except TeacherError:
        return None
    return evolution.entry()


def label_of(match: Match | None) -> str | None:
    return match.label() if match else None
