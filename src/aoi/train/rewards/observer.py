"""The Observer's step reward, as the paper defines it, as a plain TRL reward function.

R = sum_d w_d * s_d / 10 with s_d in 0..10 and the paper's weights: format 0.10,
summary 0.15, action 0.10, instruction 0.30, namespace/targets 0.30, confidence
0.05. An answer with no usable decision gets 0.09. At step 1 (nothing to sum up)
and at the submit step the summary term is dropped and the others rescaled to sum
to one; the submit step is scored by rule: the exact normalised submit call, or
one the task's own scoring accepts, earns full marks on instruction and targets.

Every dimension is rule based by default (word overlap with the reference
decision, commands matched against the reference's, targets against the
reference and the task's truth, confidence against the step's position in the
trajectory). Pass a `ChatModel` as `judge` to have summary, instruction and
targets judged by a model against the reference instead (temperature 0; a failed
judge call scores 5 on each, as the paper does).

The dataset columns a call reads (see `aoi.train.data.observer`): `step`,
`n_steps`, `task_id`, `task_type`, `namespace`, `reference` (the reference decision
as JSON), `reference_call`, `truth_targets`, `is_submit`.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aoi.agents.schema import Decision, NextAgent
from aoi.catalog import get_task, parse_action, score
from aoi.errors import ModelError
from aoi.llm import Message
from aoi.llm.json_extract import extract_json, extract_json_objects
from aoi.train.prompts import render
from aoi.train.rewards.text import commands_match, completion_text, f1, namespaces

WEIGHTS: dict[str, float] = {
    "format": 0.10,
    "summary": 0.15,
    "action": 0.10,
    "instruction": 0.30,
    "targets": 0.30,
    "confidence": 0.05,
}
UNPARSEABLE = 0.09
JUDGED = ("summary", "instruction", "targets")
JUDGE_FAILED = 5.0


@dataclass(frozen=True)
class StepScore:
    """One completion's scores: the reward and each dimension's 0..10 (None when dropped)."""

    reward: float
    dimensions: dict[str, float | None]
    parsed: bool


def parse_decision(text: str) -> tuple[Decision | None, int]:
    """The first JSON object in `text` that reads as a decision, and how many objects there were."""
    objects = extract_json_objects(text)
    if not objects:
        try:
            objects = [extract_json(text)]
        except ValueError:
            return None, 0
    for obj in objects:
        if "next_action" not in obj:
            continue
        try:
            return Decision.model_validate(obj), len(objects)
        except ValueError:
            continue
    return None, len(objects)


def _targets(decision: Decision) -> list[str]:
    action = decision.next_action
    found: list[str] = []
    if action.probe_context is not None:
        found += action.probe_context.targets
    if action.executor_context is not None and action.executor_context.root_cause.component:
        found.append(action.executor_context.root_cause.component)
    return [t.strip().lower() for t in found if t and t.strip()]


def _commands(decision: Decision) -> list[str]:
    commands = list(decision.suggested_commands)
    if decision.next_action.executor_context is not None:
        commands += decision.next_action.executor_context.commands
    return [c for c in commands if c.strip()]


def _same_name(a: str, b: str) -> bool:
    if min(len(a), len(b)) < 3:
        return a == b
    return a == b or a in b or b in a


def _normalise_call(call: str) -> str:
    return re.sub(r"\s+", "", call.strip().strip("`")).replace("'", '"').lower()


class ObserverReward:
    """The paper's Observer reward; call it as TRL calls a reward function."""

    def __init__(self, judge: Any = None, *, cache_size: int = 4096) -> None:
        self.judge = judge
        self.__name__ = "observer_reward"
        self._cache: OrderedDict[tuple[str, str, int], StepScore] = OrderedDict()
        self._cache_size = cache_size

    # TRL's signature
    def __call__(
        self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
    ) -> list[float | None]:
        return [s.reward for s in self.score_batch(prompts, completions, **columns)]

    def dimension(self, name: str) -> Callable[..., list[float | None]]:
        """A reward function returning one dimension (0..1), None where it is dropped.

        Give these to TRL with weight 0 to log each dimension next to the reward."""
        if name not in WEIGHTS:
            raise ValueError(f"unknown dimension {name!r}; choose one of: {', '.join(WEIGHTS)}")

        def one(prompts: Sequence[Any], completions: Sequence[Any], **columns: Any) -> list[Any]:
            out: list[float | None] = []
            for s in self.score_batch(prompts, completions, **columns):
                value = s.dimensions.get(name)
                out.append(None if value is None else value / 10)
            return out

        one.__name__ = f"observer_{name}"
        return one

    def score_batch(
        self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
    ) -> list[StepScore]:
        out = []
        for i, completion in enumerate(completions):
            row = {k: v[i] for k, v in columns.items() if isinstance(v, list | tuple)}
            text = completion_text(completion)
            key = (str(row.get("reference", "")), text, int(row.get("step", 1) or 1))
            cached = self._cache.get(key)
            if cached is None:
                cached = self.score_one(text, row)
                self._cache[key] = cached
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
            out.append(cached)
        return out

    def score_one(self, text: str, row: dict[str, Any]) -> StepScore:
        """Score one completion against one dataset row."""
        decision, objects = parse_decision(text)
        if decision is None:
            return StepScore(UNPARSEABLE, dict.fromkeys(WEIGHTS), False)
        reference = _reference(row.get("reference"))
        step = int(row.get("step", 1) or 1)
        n_steps = max(1, int(row.get("n_steps", step) or step))
        submit_step = bool(row.get("is_submit")) or reference.next_action.agent is NextAgent.SUBMIT
        dims: dict[str, float | None] = {
            "format": _format(text, objects),
            "summary": None,
            "action": _action(decision, reference, str(row.get("task_type", "")), submit_step),
            "confidence": _confidence(decision.confidence, step, n_steps),
        }
        if submit_step:
            call = _call_score(decision, row, reference)
            dims["instruction"] = dims["targets"] = call
        else:
            judged = self._judge(decision, reference, row) if self.judge is not None else None
            if judged is not None:
                dims.update({k: judged[k] for k in JUDGED})
            else:
                dims["instruction"] = _instruction(decision, reference)
                dims["targets"] = _namespace_targets(decision, reference, row)
                dims["summary"] = 10 * f1(decision.previous_summary, reference.previous_summary)
            if step <= 1:
                dims["summary"] = None
        used = {k: v for k, v in dims.items() if v is not None}
        total = sum(WEIGHTS[k] for k in used)
        reward = sum(WEIGHTS[k] * v / 10 for k, v in used.items()) / total
        return StepScore(round(reward, 6), dims, True)

    def score_online(self, text: str, row: dict[str, Any]) -> StepScore:
        """A step score with no reference decision (online episodes): format, namespace and
        targets against the task's truth, confidence against the position, and at a
        submission the call against the truth; the other dimensions are dropped."""
        decision, objects = parse_decision(text)
        if decision is None:
            return StepScore(UNPARSEABLE, dict.fromkeys(WEIGHTS), False)
        step = int(row.get("step", 1) or 1)
        n_steps = max(1, int(row.get("n_steps", step) or step))
        dims: dict[str, float | None] = dict.fromkeys(WEIGHTS)
        dims["format"] = _format(text, objects)
        dims["confidence"] = _confidence(decision.confidence, step, n_steps)
        if decision.next_action.agent is NextAgent.SUBMIT or decision.submission.ready:
            dims["instruction"] = dims["targets"] = _call_score(decision, row, Decision())
        else:
            dims["targets"] = _namespace_targets(decision, Decision(), row)
        used = {k: v for k, v in dims.items() if v is not None}
        total = sum(WEIGHTS[k] for k in used)
        reward = sum(WEIGHTS[k] * v / 10 for k, v in used.items()) / total
        return StepScore(round(reward, 6), dims, True)

    def _judge(
        self, decision: Decision, reference: Decision, row: dict[str, Any]
    ) -> dict[str, float] | None:
        prompt = render(
            "observer_judge.j2",
            reference=json.dumps(reference.model_dump(mode="json"), indent=1),
            candidate=json.dumps(decision.model_dump(mode="json"), indent=1),
            namespace=row.get("namespace", ""),
            truth=", ".join(row.get("truth_targets") or []) or "(none)",
        )
        try:
            reply = self.judge.complete([Message.user(prompt)], n=1, temperature=0.0)[0].text
            data = extract_json(reply)
            return {k: max(0.0, min(10.0, float(data[k]))) for k in JUDGED}
        # a failed judge call or an unreadable verdict scores 5 everywhere, as the paper does
        except (ModelError, ValueError, KeyError, TypeError):
            return dict.fromkeys(JUDGED, JUDGE_FAILED)


def _reference(value: Any) -> Decision:
    if isinstance(value, Decision):
        return value
    if isinstance(value, dict):
        return Decision.model_validate(value)
    if isinstance(value, str) and value.strip():
        return Decision.model_validate(json.loads(value))
    return Decision()


def _format(text: str, objects: int) -> float:
    if objects > 1:
        return 5.0
    body = text.strip()
    fenced = re.fullmatch(r"```[a-zA-Z]*\s*(.*?)\s*```", body, re.DOTALL)
    if fenced:
        body = fenced.group(1).strip()
    return 10.0 if body.startswith("{") and body.endswith("}") else 7.0


def _action(decision: Decision, reference: Decision, task_type: str, submit_step: bool) -> float:
    chosen, wanted = decision.next_action.agent, reference.next_action.agent
    if submit_step:
        wanted = NextAgent.SUBMIT
    if chosen is wanted:
        return 10.0
    # reasonable alternatives: look before you leap, or verify once more before answering
    if chosen is NextAgent.PROBE and wanted in (NextAgent.EXECUTOR, NextAgent.SUBMIT):
        return 5.0
    if chosen is NextAgent.EXECUTOR and wanted is NextAgent.PROBE and task_type == "mitigation":
        return 5.0
    return 0.0


def _confidence(confidence: int, step: int, n_steps: int) -> float:
    # calibrated: low early, high late, rising with the step's position in a successful run
    expected = 100.0 * step / n_steps
    return max(0.0, 10.0 * (1.0 - abs(confidence - expected) / 100.0))


def _instruction(decision: Decision, reference: Decision) -> float:
    said = f1(decision.next_action.instruction, reference.next_action.instruction)
    ran = commands_match(_commands(decision), _commands(reference))
    return 10.0 * (0.5 * said + 0.5 * ran)


def _namespace_targets(decision: Decision, reference: Decision, row: dict[str, Any]) -> float:
    namespace = str(row.get("namespace", "") or "")
    named = namespaces(_commands(decision))
    if decision.next_action.executor_context is not None:
        named |= {decision.next_action.executor_context.namespace} - {""}
    if not named:
        # naming no namespace is right where the reference names none (cluster-wide reads)
        ns_score = 10.0 if not namespaces(_commands(reference)) else 5.0
    else:
        ns_score = 10.0 * sum(1 for n in named if n == namespace) / len(named)
    wanted = set(_targets(reference)) | {str(t).lower() for t in row.get("truth_targets") or []}
    mine = _targets(decision)
    if not wanted:
        target_score = 10.0 if not mine else 5.0
    elif not mine:
        target_score = 0.0
    else:
        hits = sum(1 for t in mine if any(_same_name(t, w) for w in wanted))
        target_score = 10.0 * hits / len(mine)
    return 0.5 * ns_score + 0.5 * target_score


def _call_score(decision: Decision, row: dict[str, Any], reference: Decision) -> float:
    if decision.next_action.agent is not NextAgent.SUBMIT and not decision.submission.ready:
        return 0.0
    call = decision.submission.call.strip()
    if not call:
        return 0.0
    wanted = str(row.get("reference_call") or reference.submission.call or "")
    if wanted and _normalise_call(call) == _normalise_call(wanted):
        return 10.0
    text = call if call.startswith("```") else f"```\n{call}\n```"
    parsed = parse_action(text)
    if not parsed.ok or parsed.api != "submit":
        return 0.0
    task_id = row.get("task_id")
    if task_id:
        task = get_task(str(task_id))
        if task.type.value == "mitigation":
            return 10.0 if not parsed.args else 2.0
        if score(task, parsed.solution).success:
            return 10.0
    return 2.0
