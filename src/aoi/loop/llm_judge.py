"""The optional second judge: a language model with a rubric, at temperature 0.

The rubric is a data file (rubric/judge.j2). Any ChatModel will do. A call that
fails, or an answer that is not the rubric's JSON, scores 5 on every dimension
and labels nothing, as the paper's judge does; `agreement` compares two
judgements (outcome, patterns, scores).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from aoi.catalog import UnknownTaskError, get_task, render_problem
from aoi.llm import LLMError, Message, extract_json
from aoi.loop.judge import DIMENSIONS, PATTERNS, Judgement, PatternHit, outcome_of
from aoi.loop.path import command_path, submission_call
from aoi.trajectories import Trajectory

OUTPUT_CHARS = 400
MAX_COMMANDS = 60
FAILED_SCORE = 5


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("aoi.loop", "rubric"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def rubric_prompt(trajectory: Trajectory) -> str:
    """The rubric filled in for one trajectory (outputs cut to OUTPUT_CHARS each)."""
    task_type: str | None
    try:
        task = get_task(trajectory.task_id)
        description = render_problem(task).description
        reference = (
            f"fault {task.fault} on {task.target or 'the namespace'}; detection {task.truth.detection}; "
            f"faulty components {list(task.truth.localization)}; analysis {task.truth.analysis}"
        )
        task_type = task.type.value
    except UnknownTaskError:
        description, reference, task_type = "", "unknown (not a catalog task)", trajectory.task_type
    commands = [
        {
            "role": c.role,
            "verdict": c.verdict,
            "exit_code": c.exit_code,
            "command": c.command,
            "output": " ".join(c.output[-OUTPUT_CHARS:].split()),
        }
        for c in command_path(trajectory)[-MAX_COMMANDS:]
    ]
    outcome = trajectory.outcome or {}
    return (
        _env()
        .get_template("judge.j2")
        .render(
            task_id=trajectory.task_id,
            task_type=task_type or "unknown",
            description=description,
            reference=reference,
            commands=commands,
            submission=submission_call(trajectory),
            grade=f"success={outcome.get('success')} ({outcome.get('reason', '')})",
        )
    )


def _failed(trajectory: Trajectory, name: str, why: str) -> Judgement:
    return Judgement(
        attempt_id=trajectory.attempt_id,
        run_id=trajectory.run_id,
        task_id=trajectory.task_id,
        task_type=trajectory.task_type,
        judge=name,
        outcome=outcome_of(trajectory),
        scores=dict.fromkeys(DIMENSIONS, FAILED_SCORE),
        reason=f"judge call failed: {why}"[:300],
    )


def llm_judge(trajectory: Trajectory, model: Any, *, name: str | None = None) -> Judgement:
    """The model's judgement by the rubric; never raises for a failed call or a bad answer."""
    name = name or f"llm:{getattr(model, 'name', None) or type(model).__name__}"
    prompt = rubric_prompt(trajectory)
    try:
        completion = model.complete([Message.user(prompt)], n=1, temperature=0.0)[0]
        data = extract_json(completion.text)
    except (LLMError, ValueError) as exc:
        return _failed(trajectory, name, f"{type(exc).__name__}: {exc}")
    try:
        outcome = str(data.get("outcome", "")).lower()
        if outcome not in ("success", "failure", "error"):
            raise ValueError(f"outcome {outcome!r}")
        raw_scores = data.get("scores") or {}
        scores = {d: max(0, min(10, int(raw_scores.get(d, FAILED_SCORE)))) for d in DIMENSIONS}
        patterns = []
        for item in data.get("patterns") or []:
            code = str(item.get("code", "")).upper()[:1]
            if code in PATTERNS:
                evidence = item.get("evidence") or []
                if isinstance(evidence, str):
                    evidence = [evidence]
                patterns.append(
                    PatternHit(code=code, name=PATTERNS[code], evidence=[str(e) for e in evidence])  # type: ignore[arg-type]
                )
    except (TypeError, ValueError, AttributeError) as exc:
        return _failed(trajectory, name, f"answer not in the rubric's form: {exc}")
    return Judgement(
        attempt_id=trajectory.attempt_id,
        run_id=trajectory.run_id,
        task_id=trajectory.task_id,
        task_type=trajectory.task_type,
        judge=name,
        outcome=outcome,  # type: ignore[arg-type]
        patterns=patterns,
        scores=scores,
        reason=str(data.get("reason", ""))[:300],
    )


def agreement(a: Judgement, b: Judgement) -> dict[str, Any]:
    """How far two judgements agree: outcome, pattern sets (Jaccard) and scores (mean |diff|)."""
    codes_a, codes_b = set(a.codes), set(b.codes)
    union = codes_a | codes_b
    diffs = [abs(a.scores.get(d, 0) - b.scores.get(d, 0)) for d in DIMENSIONS]
    return {
        "outcome": a.outcome == b.outcome,
        "patterns_jaccard": 1.0 if not union else round(len(codes_a & codes_b) / len(union), 3),
        "score_mean_abs_diff": round(sum(diffs) / len(diffs), 3),
        "scores_within_2": sum(1 for d in diffs if d <= 2),
    }
