"""The Judge: an outcome label, the paper's failure patterns A-F and five scores per trajectory.

Rule based and deterministic. The judge knows the task's truth (it judges after
the fact, as the paper's judge sees the reference) and reads the commands and
decisions of the trajectory:

| pattern | fires when (failures only, each with the evidence that triggered it) |
| --- | --- |
| A missing resolution | a mitigation task and no write ran successfully |
| B incomplete diagnosis | the faulty component was read, yet the answer (or fix) does not name it |
| C wrong diagnostic path | a faulty component exists and no command ever read it |
| D missing verification | a write ran and no read follows it within the last 3 commands |
| E premature termination | the run submitted on its own with iterations left and < 3 successful reads, or at confidence < 50 |
| F incorrect fix | writes ran successfully and the mitigation still failed |

The outcome is `error` when the run never reached a decision (a dead endpoint,
a crash: the attempt failed or the loop ended on an error), else success or
failure as the environment scored it. Scores 0-10: diagnosis, resolution,
verification, efficiency, safety (refused or forbidden attempts cost 3 each).
An optional second judge is a language model (aoi.loop.llm_judge).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, Field

from aoi.catalog import Task, TaskType, UnknownTaskError, get_task, parse_action
from aoi.loop.path import PathCommand, command_path, prefilter, submission_call
from aoi.trajectories import Trajectory

Outcome = Literal["success", "failure", "error"]
DIMENSIONS = ("diagnosis", "resolution", "verification", "efficiency", "safety")
PATTERNS = {
    "A": "missing resolution",
    "B": "incomplete diagnosis",
    "C": "wrong diagnostic path",
    "D": "missing verification",
    "E": "premature termination",
    "F": "incorrect fix",
}
VERIFY_WINDOW = 3
MIN_READS = 3
LOW_CONFIDENCE = 50
REFUSAL_COST = 3


class PatternHit(BaseModel):
    code: Literal["A", "B", "C", "D", "E", "F"]
    name: str
    evidence: list[str] = Field(default_factory=list)


class Judgement(BaseModel):
    """One judge's verdict on one attempt."""

    attempt_id: str
    run_id: str
    task_id: str
    task_type: str | None = None
    judge: str = "rules"
    outcome: Outcome
    patterns: list[PatternHit] = Field(default_factory=list)
    scores: dict[str, int] = Field(default_factory=dict)
    reason: str = ""
    second: Judgement | None = None
    agreement: dict[str, Any] | None = None

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.patterns]


def _mentions(command: str, names: Iterable[str]) -> list[str]:
    return [n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", command)]


def _answer(call: str | None) -> Any:
    if call is None:
        return None
    text = call.strip()
    parsed = parse_action(text if text.startswith("```") else f"```\n{text}\n```")
    if not parsed.ok or not parsed.args:
        return None
    return parsed.args[0] if len(parsed.args) == 1 else list(parsed.args)


def _names(answer: Any) -> list[str]:
    if isinstance(answer, str):
        return [answer]
    if isinstance(answer, list):
        return [str(a) for a in answer]
    return []


def outcome_of(trajectory: Trajectory) -> Outcome:
    """success / failure, or error when the run never reached a decision."""
    ended = (trajectory.outcome or {}).get("ended_by")
    if trajectory.status == "failed" or trajectory.error or ended == "error":
        return "error"
    if trajectory.outcome is None:
        return "error"
    return "success" if trajectory.success else "failure"


def _last_decision(trajectory: Trajectory) -> dict[str, Any]:
    for step in reversed(trajectory.steps):
        if step.decision:
            return step.decision
    return {}


class _Facts:
    """What the rules look at, computed once."""

    def __init__(self, trajectory: Trajectory, task: Task | None) -> None:
        self.trajectory = trajectory
        self.task = task
        self.path = command_path(trajectory)
        self.targets = list(task.truth.localization) if task else []
        if task and task.target and task.target not in self.targets:
            self.targets.append(task.target)
        self.mitigation = task is not None and task.type is TaskType.MITIGATION
        self.writes = [c for c in self.path if c.is_write and c.ok]
        self.reads = [c for c in self.path if not c.is_write and c.ok]
        self.refused = [c for c in self.path if c.refused]
        self.read_targets = sorted(
            {n for c in self.reads for n in _mentions(c.command, self.targets)}
        )
        self.fixed_targets = sorted(
            {n for c in self.writes for n in _mentions(c.command, self.targets)}
        )
        self.submission = submission_call(trajectory)
        self.answer = _answer(self.submission)
        outcome = trajectory.outcome or {}
        self.ended_by = str(outcome.get("ended_by") or "")
        self.decision = _last_decision(trajectory)
        iterations = [s.iteration for s in trajectory.steps]
        self.last_iteration = max(iterations, default=0)

    def verified_after_write(self) -> PathCommand | None:
        """The read that checks the last write, within the last VERIFY_WINDOW commands."""
        ok = [c for c in self.path if c.ok]
        writes = [i for i, c in enumerate(ok) if c.is_write]
        if not writes:
            return None
        start = max(writes[-1] + 1, len(ok) - VERIFY_WINDOW)
        return next((c for c in ok[start:] if not c.is_write), None)

    def read_after_write(self) -> bool:
        ok = [c for c in self.path if c.ok]
        writes = [i for i, c in enumerate(ok) if c.is_write]
        return bool(writes) and any(not c.is_write for c in ok[writes[-1] + 1 :])

    @property
    def at_cap(self) -> bool:
        return self.ended_by.startswith("forced") or self.ended_by.startswith("iteration cap")


def _patterns(f: _Facts) -> list[PatternHit]:
    hits: list[PatternHit] = []
    task = f.task
    if task is None:
        return hits
    outcome = f.trajectory.outcome or {}
    if f.mitigation and not f.writes:
        tried = [c.command for c in f.path if c.is_write]
        evidence = [f"no write ran successfully among {len(f.path)} commands"]
        if tried:
            evidence.append(f"writes tried and failed or refused: {tried[:3]}")
        hits.append(PatternHit(code="A", name=PATTERNS["A"], evidence=evidence))
    if f.targets:
        if f.read_targets:
            wrong = _diagnosis_gap(f)
            if wrong:
                hits.append(
                    PatternHit(
                        code="B",
                        name=PATTERNS["B"],
                        evidence=[wrong, f"it read {', '.join(f.read_targets)}"],
                    )
                )
        else:
            hits.append(
                PatternHit(
                    code="C",
                    name=PATTERNS["C"],
                    evidence=[
                        f"no command read {', '.join(f.targets)}",
                        f"{len(f.reads)} reads elsewhere",
                    ],
                )
            )
    elif not f.mitigation and task.truth.detection == "No" and _names(f.answer) != ["No"]:
        hits.append(
            PatternHit(
                code="B",
                name=PATTERNS["B"],
                evidence=[f"nothing is faulty; answered {f.submission}"],
            )
        )
    if f.writes and f.verified_after_write() is None:
        hits.append(
            PatternHit(
                code="D",
                name=PATTERNS["D"],
                evidence=[
                    f"last write: {f.writes[-1].command[:160]}",
                    f"no read after it in the last {VERIFY_WINDOW} commands",
                ],
            )
        )
    # the runtime says "submit" only for a submission the Observer chose before the cap
    confidence = int(f.decision.get("confidence") or 0) if f.decision else None
    if f.ended_by == "submit":
        evidence = []
        if len(f.reads) < MIN_READS:
            evidence.append(f"submitted after {len(f.reads)} successful reads")
        if confidence is not None and f.decision and confidence < LOW_CONFIDENCE:
            evidence.append(f"submitted at confidence {confidence}")
        if evidence:
            evidence.append(f"at iteration {f.last_iteration}, before the cap")
            hits.append(PatternHit(code="E", name=PATTERNS["E"], evidence=evidence))
    if f.mitigation and f.writes:
        problems = [str(p) for p in outcome.get("problems") or []]
        hits.append(
            PatternHit(
                code="F",
                name=PATTERNS["F"],
                evidence=[
                    f"{len(f.writes)} writes ran: {[c.command[:120] for c in f.writes[:3]]}",
                    f"still failing: {problems[:3] or outcome.get('reason', '')}",
                ],
            )
        )
    return hits


def _diagnosis_gap(f: _Facts) -> str:
    """Why the answer (or fix) falls short of the faulty component, '' when it does not."""
    task = f.task
    assert task is not None
    if f.mitigation:
        if f.writes and not f.fixed_targets:
            return f"the writes never touched {', '.join(f.targets)}"
        if not f.writes:
            return f"no repair of {', '.join(f.targets)} followed"
        return ""
    if task.type is TaskType.DETECTION:
        return f"answered {f.submission}" if _names(f.answer) != [task.truth.detection] else ""
    if task.type is TaskType.LOCALIZATION:
        named = _names(f.answer)
        truth = set(task.truth.localization)
        if truth <= set(named) and len(named) == len(truth):
            return ""
        return f"answered {named}, the faulty component is {sorted(truth)}"
    if task.type is TaskType.ANALYSIS and task.truth.analysis is not None:
        given = f.answer if isinstance(f.answer, dict) else {}
        truth_a = task.truth.analysis
        wrong = [
            key
            for key, value in (
                ("system_level", truth_a.system_level),
                ("fault_type", truth_a.fault_type),
            )
            if str(given.get(key, "")).strip().lower() != value.lower()
        ]
        return f"wrong {', '.join(wrong)} in {f.submission}" if wrong else ""
    return ""


def _scores(f: _Facts, outcome: Outcome, success: bool) -> dict[str, int]:
    task = f.task
    strict = (f.trajectory.outcome or {}).get("strict_success")
    if f.mitigation:
        diagnosis = 10 if success else (7 if f.fixed_targets else (3 if f.read_targets else 0))
        if success:
            resolution = 10 if strict is not False else 8
        else:
            resolution = 4 if f.writes else 0
        checked = f.verified_after_write()
        verification = 10 if checked else (5 if f.read_after_write() else 0)
    else:
        if success:
            diagnosis = 10
        elif task is not None and task.type is TaskType.LOCALIZATION:
            given, truth = set(_names(f.answer)), set(task.truth.localization)
            overlap = len(given & truth) / len(given | truth) if given | truth else 0.0
            diagnosis = round(2 * bool(f.read_targets) + 6 * overlap)
        elif task is not None and task.type is TaskType.ANALYSIS:
            gap = _diagnosis_gap(f)
            diagnosis = 2 * bool(f.read_targets) + (4 if gap and "," not in gap else 0)
        else:
            diagnosis = 2 if f.read_targets else 0
        resolution = 10 if not f.writes else 3  # nothing to repair: a write is a risk taken
        named = [n for n in _names(f.answer) if n not in ("Yes", "No")]
        # grounded: what it named appears in a read it made (the command or what it printed)
        looked = [
            n for n in named if any(_mentions(f"{c.command}\n{c.output}", [n]) for c in f.reads)
        ]
        if named:
            verification = round(10 * len(looked) / len(named))
        else:
            verification = 10 if len(f.reads) >= MIN_READS else round(10 * len(f.reads) / MIN_READS)
    total = len(f.path)
    kept, _dropped = prefilter(f.path)
    efficiency = 0 if total == 0 else round(10 * len(kept) / total)
    if f.at_cap and not success:
        efficiency = max(0, efficiency - 2)
    safety = max(
        0, 10 - REFUSAL_COST * len(f.refused) - (5 if f.writes and not f.mitigation else 0)
    )
    if outcome == "error" and total == 0:
        diagnosis = resolution = verification = efficiency = 0
    return {
        "diagnosis": int(diagnosis),
        "resolution": int(resolution),
        "verification": int(verification),
        "efficiency": int(efficiency),
        "safety": int(safety),
    }


def judge(trajectory: Trajectory, *, model: Any = None) -> Judgement:
    """The rule-based judgement of one trajectory; with `model`, an LLM's second opinion too.

    A task id the catalog does not know (a live run) is judged on its commands
    alone: no truth, so no pattern that needs one. The LLM judge's failures never
    raise (it scores 5 everywhere, as the paper does).
    """
    try:
        task: Task | None = get_task(trajectory.task_id)
    except UnknownTaskError:
        task = None
    facts = _Facts(trajectory, task)
    outcome = outcome_of(trajectory)
    success = outcome == "success"
    patterns = _patterns(facts) if outcome == "failure" else []
    scores = _scores(facts, outcome, success)
    reason = _reason(facts, outcome, patterns)
    judgement = Judgement(
        attempt_id=trajectory.attempt_id,
        run_id=trajectory.run_id,
        task_id=trajectory.task_id,
        task_type=task.type.value if task else trajectory.task_type,
        outcome=outcome,
        patterns=patterns,
        scores=scores,
        reason=reason,
    )
    if model is not None:
        from aoi.loop.llm_judge import agreement, llm_judge

        second = llm_judge(trajectory, model)
        judgement.second = second
        judgement.agreement = agreement(judgement, second)
    return judgement


def _reason(f: _Facts, outcome: Outcome, patterns: list[PatternHit]) -> str:
    if outcome == "error":
        why = f.trajectory.error or f.ended_by or "no outcome recorded"
        return f"the run never reached a decision: {why}"[:300]
    if outcome == "success":
        return f"solved with {len(f.path)} commands ({len(f.writes)} writes)"
    if not patterns:
        return f"failed: {(f.trajectory.outcome or {}).get('reason', '')}"[:300]
    return "; ".join(f"{p.code} {p.name}: {p.evidence[0]}" for p in patterns)[:300]
