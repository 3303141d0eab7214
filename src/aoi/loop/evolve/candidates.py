"""Evolver candidates: G plans from any ChatModel (or the teacher), each scored by execution.

Repair mode turns a failed trajectory into a corrected plan for the same task;
augmentation mode turns a success into a plan for the same fault on another
target of the parametric catalog (`fault/target/type`), whose twin makes the
new plan checkable too. Prompts are data files (prompts/*.j2). The best
candidate by reward is kept; ties go to the first sampled.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined

from aoi.catalog import TaskType, get_task, list_parametric, render_problem
from aoi.llm import ChatModel, Message
from aoi.loop.evolve.schema import PlanDraft, read_plan
from aoi.loop.evolve.teacher import AUTHOR as TEACHER
from aoi.loop.evolve.teacher import teacher_plan
from aoi.loop.guidance import GuidanceEntry
from aoi.loop.rewards import RewardBreakdown, evolver_reward
from aoi.trajectories import Trajectory

Mode = Literal["repair", "augmentation"]
SUBMIT_FORMATS = {
    "detection": 'submit(\\"Yes\\") or submit(\\"No\\")',
    "localization": 'submit([\\"<the faulty service>\\"])',
    "analysis": 'submit({\\"system_level\\": \\"...\\", \\"fault_type\\": \\"...\\"})',
    "mitigation": "submit()",
}


@dataclass
class Candidate:
    """One Evolver answer, its plan (if any) and its reward on the target task's twin."""

    author: str
    text: str
    task_id: str
    seed: int
    reward: RewardBreakdown
    draft: PlanDraft | None = None

    @property
    def verified(self) -> bool:
        """Effective when executed: the plan repairs the twin or its reads reach the truth."""
        return self.reward.scores.get("effectiveness", 0.0) == 1.0


@dataclass
class Evolution:
    """The G candidates for one seed trajectory, best first."""

    mode: Mode
    source: Trajectory
    task_id: str
    prompt: str
    candidates: list[Candidate] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    def entry(self) -> GuidanceEntry | None:
        """The best candidate as a library entry, when it parses as a well-formed plan."""
        from aoi.loop.evolve.schema import Plan

        best = self.best
        if best is None or best.draft is None:
            return None
        try:
            plan = Plan.model_validate(best.draft.model_dump())
        except ValueError:
            return None
        plan.task_id = self.task_id
        return GuidanceEntry.make(
            plan,
            author=best.author,
            mode=self.mode,
            source_task=self.source.task_id,
            source_run=self.source.run_id,
            source_attempt=self.source.attempt_id,
            seed=best.seed,
            reward=best.reward.total,
            scores=dict(best.reward.scores),
        )


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("aoi.loop.evolve", "prompts"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def _commands(trajectory: Trajectory) -> list[dict[str, Any]]:
    return [
        {"role": c.role, "verdict": c.verdict, "exit_code": c.exit_code, "command": c.command}
        for c in trajectory.commands()
    ]


def seed_commands(trajectory: Trajectory) -> list[str]:
    """The seed's command lines (what diversity compares a plan with)."""
    return [c.command for c in trajectory.commands()]


def repair_prompt(trajectory: Trajectory, *, patterns: Sequence[str] = ()) -> str:
    """The repair-mode prompt for a failed trajectory (prompts/repair.j2)."""
    task = get_task(trajectory.task_id)
    outcome = trajectory.outcome or {}
    return (
        _env()
        .get_template("repair.j2")
        .render(
            problem=render_problem(task).description,
            commands=_commands(trajectory),
            submission=outcome.get("submission") or "",
            outcome=outcome.get("reason")
            or ("error: " + trajectory.error if trajectory.error else "failed"),
            patterns=list(patterns),
            **_format(task.id),
        )
    )


def augment_prompt(trajectory: Trajectory, target_task: str) -> str:
    """The augmentation-mode prompt: a success seed onto another task (prompts/augment.j2)."""
    seed_task = get_task(trajectory.task_id)
    task = get_task(target_task)
    outcome = trajectory.outcome or {}
    return (
        _env()
        .get_template("augment.j2")
        .render(
            seed_problem=render_problem(seed_task).description,
            problem=render_problem(task).description,
            commands=_commands(trajectory),
            submission=outcome.get("submission") or "",
            fault=task.fault,
            target=task.target or "(no single target)",
            task_type=task.type.value,
            **_format(task.id),
        )
    )


def _format(task_id: str) -> dict[str, Any]:
    task = get_task(task_id)
    return {
        "task_id": task.id,
        "namespace": task.namespace,
        "mitigation": task.type is TaskType.MITIGATION,
        "submit_format": SUBMIT_FORMATS[task.type.value],
    }


def other_targets(task_id: str, limit: int | None = None) -> list[str]:
    """Parametric tasks of the same fault and type on other targets (augmentation's scenarios)."""
    task = get_task(task_id)
    out = [
        t.id for t in list_parametric(task.fault) if t.type is task.type and t.target != task.target
    ]
    return out[:limit] if limit is not None else out


def score(text: str, *, author: str, task_id: str, seed: int, seeds: Sequence[str]) -> Candidate:
    """One answer scored by the six-dimension reward (executed on the task's twin)."""
    draft, _plan, _why = read_plan(text)
    reward = evolver_reward(text, task_id=task_id, seed=seed, seed_commands=list(seeds))
    return Candidate(author, text, task_id, seed, reward, draft)


def evolve(
    source: Trajectory,
    *,
    model: ChatModel | None = None,
    model_name: str = "model",
    candidates: int = 4,
    mode: Mode = "repair",
    target_task: str | None = None,
    temperature: float = 0.9,
    max_tokens: int | None = 4096,
    patterns: Sequence[str] = (),
) -> Evolution:
    """G candidates for a seed trajectory, scored by execution, best first.

    With no model the teacher answers (one candidate: the expert's purified solve
    of the target task, labelled "teacher"). Repair mode plans for the source's
    own task; augmentation needs `target_task` (see `other_targets`).
    """
    started = time.perf_counter()
    task_id = source.task_id if mode == "repair" else target_task
    if task_id is None:
        raise ValueError("augmentation mode needs a target task (another target of the fault)")
    seed = int(source.seed or 0)
    seeds = seed_commands(source)
    if mode == "repair":
        prompt = repair_prompt(source, patterns=patterns)
    else:
        prompt = augment_prompt(source, task_id)
    scored: list[Candidate] = []
    if model is None:
        text = teacher_plan(task_id, seed).model_dump_json()
        scored.append(score(text, author=TEACHER, task_id=task_id, seed=seed, seeds=seeds))
    else:
        answers = model.complete(
            [Message.user(prompt)], n=candidates, temperature=temperature, max_tokens=max_tokens
        )
        for answer in answers:
            scored.append(
                score(
                    answer.text,
                    author=f"model:{model_name}",
                    task_id=task_id,
                    seed=seed,
                    seeds=seeds,
                )
            )
    # stable: equal rewards keep the sampling order
    scored.sort(key=lambda c: -c.reward.total)
    return Evolution(mode, source, task_id, prompt, scored, time.perf_counter() - started)
