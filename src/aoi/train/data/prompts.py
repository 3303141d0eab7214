"""The Observer's prompt at each step of a recorded run, rebuilt exactly as the runtime builds it.

The runtime (aoi.agents.runtime) builds iteration n's prompt from the subtask queue
as it stands, the long-term summaries of iterations 1..n-2 (each written by the
decision of the iteration after it), and the compressed context of iteration n-1.
`rebuild_prompts` replays that bookkeeping over a trajectory's steps: the queue is
advanced and re-planned where the runtime did, the summaries are kept with the same
limit, and the text is rendered by the Observer itself (`observer_prompt`), so the
result is byte-identical to what the model was sent.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aoi.agents.observer import LLMObserver, LongTermMemory, ObserverState
from aoi.agents.schema import Decision, PlannedSubtask
from aoi.agents.subtasks import SubtaskQueue
from aoi.catalog import get_task, render_problem
from aoi.trajectories import Step, Trajectory

DEFAULT_MAX_ITERATIONS = 15
DEFAULT_SUMMARIES = 10


@dataclass(frozen=True)
class StepPrompt:
    """The Observer prompt of one iteration, and what the run decided there."""

    iteration: int
    prompt: str
    decision: dict[str, Any] | None
    step: Step
    must_submit: bool


class _Capture:
    """A stand-in chat model that keeps the prompt the Observer renders and answers nothing."""

    def __init__(self) -> None:
        self.prompt = ""

    def complete(self, messages: Any, **_: Any) -> Any:
        self.prompt = messages[-1].content
        raise _Rendered


class _Rendered(Exception):
    pass


def observer_prompt(state: ObserverState) -> str:
    """The exact text `LLMObserver.decide` sends for `state` (rendered by the Observer itself)."""
    capture = _Capture()
    observer = LLMObserver(capture, lambda text: {})
    with contextlib.suppress(_Rendered):
        observer.decide(state)
    return capture.prompt


def initial_queue(trajectory: Trajectory, problem: str, max_iterations: int) -> SubtaskQueue:
    """The queue the run started from: its stored plan, the expert's (deterministic) plan,
    or the runtime's default queue (what a failed planning call leaves)."""
    task_type = trajectory.task_type or get_task(trajectory.task_id).type.value
    mitigation = task_type == "mitigation"
    plan = stored_plan(trajectory)
    if plan is not None:
        return SubtaskQueue.from_plan(plan, max_iterations, mitigation)
    if trajectory.agent == "expert":
        from aoi.agents.expert import ExpertObserver

        return ExpertObserver().plan(problem, task_type, max_iterations)
    return SubtaskQueue.default(max_iterations, mitigation)


def stored_plan(trajectory: Trajectory) -> list[PlannedSubtask] | None:
    """The planner's subtasks if the record holds them (a step of agent 'planner'), else None."""
    for step in trajectory.steps:
        if step.iteration == 0 and step.decision and "subtasks" in step.decision:
            try:
                return [PlannedSubtask.model_validate(s) for s in step.decision["subtasks"]]
            except ValueError:
                return None
    return None


def iteration_steps(trajectory: Trajectory) -> list[Step]:
    """One step per loop iteration (the one the Observer's decision was recorded on), in order."""
    chosen: dict[int, Step] = {}
    for step in trajectory.steps:
        if step.iteration < 1:
            continue
        if step.iteration not in chosen or (
            chosen[step.iteration].decision is None and step.decision is not None
        ):
            chosen[step.iteration] = step
    return [chosen[i] for i in sorted(chosen)]


def rebuild_prompts(
    trajectory: Trajectory,
    *,
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
    summaries: int = DEFAULT_SUMMARIES,
    queue: SubtaskQueue | None = None,
    steps: Sequence[Step] | None = None,
) -> list[StepPrompt]:
    """The Observer prompt of every iteration of `trajectory` (or of `steps`, e.g. a purified path).

    `max_iterations` and `summaries` must be the run's RuntimeConfig values."""
    task = get_task(trajectory.task_id)
    problem = render_problem(task).text()
    queue = (queue or initial_queue(trajectory, problem, max_iterations)).copy()
    memory = LongTermMemory(limit=summaries)
    previous = ""
    out: list[StepPrompt] = []
    for iteration, step in enumerate(steps or iteration_steps(trajectory), start=1):
        must_submit = iteration == max_iterations or queue.at_submit()
        state = ObserverState(
            iteration=iteration,
            max_iterations=max_iterations,
            problem=problem,
            task_type=task.type.value,
            namespace=task.namespace,
            queue=queue.render(),
            summaries=memory.before(iteration - 1),
            previous=previous,
            guidance=trajectory.guidance,
            must_submit=must_submit,
        )
        out.append(StepPrompt(iteration, observer_prompt(state), step.decision, step, must_submit))
        if step.decision is not None:
            decision = Decision.model_validate(step.decision)
            if decision.subtasks and 2 <= iteration <= max_iterations - 2:
                queue.replace_remaining(decision.subtasks)
            if iteration > 1:
                memory.add(iteration - 1, decision.previous_summary)
        queue.advance()
        previous = step.observation
    return out
