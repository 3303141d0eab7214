"""The Evolver's six-dimension reward, each dimension a plain function, checked by execution.

effectiveness 0.30, completeness 0.20, diversity 0.20, validity 0.10,
correctness 0.10, format 0.10 (the paper's weights). Validity and effectiveness
are measured, not judged: the plan's commands run through the gate on a fresh
twin of the task and seed (`aoi.loop.replay`), resolution commands as the
Executor and the rest as the Probe. Validity is the share the gate allowed and
that exited 0; effectiveness is, for mitigation, the task's own evaluation after
the plan ran and, for the other types, whether the evidence reader
(`aoi.loop.evidence`) reaches the true answer from the plan's outputs.

The same functions are the GRPO reward of `aoi train evolver`
(`aoi.train.rewards.evolver`); an execution is cached per command list, a whole
reward per completion.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from aoi.catalog import Task, TaskType, get_task, parse_action, score
from aoi.loop.evidence import Output, read_task
from aoi.loop.evolve.schema import Plan, PlanDraft, PlanPhase, read_plan
from aoi.loop.replay import ReplayCommand, replay

WEIGHTS: dict[str, float] = {
    "effectiveness": 0.30,
    "completeness": 0.20,
    "diversity": 0.20,
    "validity": 0.10,
    "correctness": 0.10,
    "format": 0.10,
}
#: more than this share of the plan's commands copied from the seed: diversity is -1
COPY_LIMIT = 0.60
# The paper's rule for a resolution: a command that changes the cluster.
_WRITE = re.compile(
    r"\b(apply|patch|scale|delete|rollout|restart|set|edit|replace|create|label|annotate|"
    r"uncordon|cordon|upgrade|rollback|install|grantRolesToUser|createUser|updateUser|"
    r"dropUser|revokeRolesFromUser)\b"
)
# ... and for a verification: a pod check among the last three commands.
_POD_CHECK = re.compile(r"\bkubectl\s+(?:\S+\s+)*?(get|describe|top)\s+(pods?|po)\b")
VERIFY_WINDOW = 3


@dataclass(frozen=True)
class RewardBreakdown:
    """The weighted total and every dimension's score (what TRL logs per dimension)."""

    total: float
    scores: dict[str, float]
    reason: str = ""


@dataclass(frozen=True)
class Execution:
    """What running a plan's commands on a fresh twin showed."""

    ran: int
    ok: int
    success: bool
    reached: str | None = None
    errors: tuple[str, ...] = field(default_factory=tuple)

    @property
    def valid_share(self) -> float:
        return self.ok / self.ran if self.ran else 0.0


def normalise(command: str) -> str:
    """A command with its whitespace collapsed, for comparing plans with seeds."""
    return " ".join(command.split())


# --- the six dimensions -----------------------------------------------------------------
def format_score(draft: PlanDraft | None, plan: Plan | None) -> float:
    """1 for a well-formed plan, 0.5 for a plan that breaks the format, 0 for no plan."""
    if plan is not None:
        return 1.0
    return 0.5 if draft is not None else 0.0


def completeness(draft: PlanDraft, task_type: TaskType) -> float:
    """Share of the plan's required parts present, a quarter each.

    Every plan needs discovery and diagnosis commands and a verification (a pod
    check among its last three commands). A mitigation also needs a resolution
    that changes the cluster; the other types need a submission instead.
    """
    lines = draft.command_lines()
    parts = [
        bool(draft.phase(PlanPhase.DISCOVERY)),
        bool(draft.phase(PlanPhase.DIAGNOSIS)),
        bool(draft.phase(PlanPhase.VERIFICATION))
        and any(_POD_CHECK.search(c) for c in lines[-VERIFY_WINDOW:]),
    ]
    if task_type is TaskType.MITIGATION:
        parts.append(any(_WRITE.search(c.command) for c in draft.phase(PlanPhase.RESOLUTION)))
    else:
        parts.append(bool((draft.submission or "").strip()))
    return sum(parts) / len(parts)


def diversity(commands: Sequence[str], seed_commands: Sequence[str]) -> float:
    """1 - the share of the plan's commands copied from the seed; -1 past COPY_LIMIT."""
    if not commands:
        return 0.0
    seed = {normalise(c) for c in seed_commands}
    copied = sum(1 for c in commands if normalise(c) in seed) / len(commands)
    if copied > COPY_LIMIT:
        return -1.0
    return 1.0 - copied


def validity(execution: Execution) -> float:
    """Share of the plan's commands the gate allowed and that ran without error."""
    return execution.valid_share


def effectiveness(execution: Execution, task: Task) -> float:
    """Mitigation: the task succeeds after the plan ran. Otherwise: the reader reaches the truth."""
    if task.type is TaskType.MITIGATION:
        return 1.0 if execution.success else 0.0
    return 1.0 if execution.reached and _correct(task, execution.reached) else 0.0


def correctness(draft: PlanDraft, task: Task) -> float:
    """Whether the plan's own diagnosis is right.

    Diagnosis tasks: its submission, graded as the task grades one. Mitigation:
    its state summary names the faulty component (any one of the truth's), or
    the fault has no single component.
    """
    if task.type is not TaskType.MITIGATION:
        return 1.0 if draft.submission and _correct(task, draft.submission) else 0.0
    truth = {*task.truth.localization, *task.truth.aliases}
    if not truth:
        return 1.0
    summary = draft.state_summary
    named = " ".join([*summary.affected_resources, summary.root_cause_and_symptoms])
    return (
        1.0 if any(re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", named) for t in truth) else 0.0
    )


def _correct(task: Task, call: str) -> bool:
    text = call.strip()
    parsed = parse_action(text if text.startswith("```") else f"```\n{text}\n```")
    if not parsed.ok or parsed.api != "submit":
        return False
    return bool(score(task, parsed.solution).success)


# --- execution ----------------------------------------------------------------------------
def plan_commands(draft: PlanDraft) -> tuple[ReplayCommand, ...]:
    """The plan as replayable commands: resolution by the Executor, the rest by the Probe."""
    return tuple(
        ReplayCommand("executor" if c.role == "executor" else "probe", c.command)
        for c in draft.commands
    )


@lru_cache(maxsize=4096)
def execute(
    task_id: str, seed: int, commands: tuple[ReplayCommand, ...], strict: bool = False
) -> Execution:
    """Run the commands on a fresh twin of the task and seed, through the gate; never raises."""
    task = get_task(task_id)
    result = replay(task_id, seed, commands, strict=strict)
    ok = sum(1 for run in result.runs if run.allowed and run.exit_code == 0)
    reached = None
    if task.type is not TaskType.MITIGATION:
        outputs = [
            Output(run.command, run.output, run.exit_code, run.verdict, run.role)
            for run in result.runs
        ]
        reached = read_task(task_id, outputs).submission
    return Execution(
        ran=len(commands),
        ok=ok,
        success=bool(result.outcome.success),
        reached=reached,
        errors=tuple(result.errors),
    )


def clear_caches() -> None:
    """Forget cached executions and rewards (benchmarks measure the cold cost with this)."""
    execute.cache_clear()
    _reward.cache_clear()


def evolver_reward(
    completion_text: str,
    *,
    task_id: str,
    seed: int,
    seed_commands: Sequence[str],
    strict: bool = False,
) -> RewardBreakdown:
    """The six-dimension reward of one completion for a task and seed (cached per completion).

    A completion with no plan in it scores 0 everywhere. Raises UnknownTaskError.
    """
    return _reward(completion_text, task_id, int(seed), tuple(seed_commands), bool(strict))


@lru_cache(maxsize=4096)
def _reward(
    text: str, task_id: str, seed: int, seed_commands: tuple[str, ...], strict: bool
) -> RewardBreakdown:
    task = get_task(task_id)
    draft, plan, why = read_plan(text)
    if draft is None:
        return RewardBreakdown(0.0, dict.fromkeys(WEIGHTS, 0.0), why)
    execution = execute(task_id, seed, plan_commands(draft), strict)
    scores = {
        "effectiveness": effectiveness(execution, task),
        "completeness": completeness(draft, task.type),
        "diversity": diversity(draft.command_lines(), seed_commands),
        "validity": validity(execution),
        "correctness": correctness(draft, task),
        "format": format_score(draft, plan),
    }
    total = round(sum(WEIGHTS[k] * v for k, v in scores.items()), 6)
    return RewardBreakdown(total, scores, why)
