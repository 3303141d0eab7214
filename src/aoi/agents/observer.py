"""The Observer: plans the subtask queue and decides, each iteration, who acts next.

`LLMObserver` asks a chat model, with the prompt rebuilt each iteration from the
long-term summaries, the previous iteration's compressed context and the queue.
Any object with the same `plan` / `decide` methods can take its place: the
rule-based expert does.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Protocol

from aoi.agents.calls import CallLog, RecordedModel
from aoi.agents.prompts import render
from aoi.agents.schema import Decision, PlannedSubtask, choose_object
from aoi.agents.subtasks import SubtaskQueue
from aoi.errors import InvalidDecisionError
from aoi.llm import Message

SUBMIT_FORMATS = {
    "detection": ('submit("Yes") if there is a fault, else submit("No")', 'submit("Yes")'),
    "localization": (
        'submit(["<faulty service>"]) naming only the root-cause service(s)',
        'submit(["user-service"])',
    ),
    "analysis": (
        'submit({"system_level": "<Hardware|Operating System|Virtualization|Application>", "fault_type": '
        '"<Misconfiguration|Code Defect|Authentication Issue|Network/Storage Issue|Operation Error|Dependency Problem>"})',
        'submit({"system_level": "Application", "fault_type": "Misconfiguration"})',
    ),
    "mitigation": ("submit() once the fault is repaired and verified", "submit()"),
}


class DecisionError(InvalidDecisionError):
    """The Observer's answer could not be turned into a decision."""


@dataclass
class Summary:
    iteration: int
    text: str


@dataclass
class ObserverState:
    """Everything the Observer may see at one iteration (never raw output, never the truth)."""

    iteration: int
    max_iterations: int
    problem: str
    task_type: str
    namespace: str
    queue: str
    summaries: list[Summary]
    previous: str
    guidance: str | None = None
    must_submit: bool = False


class Observer(Protocol):
    tokens_in: int
    tokens_out: int

    def plan(self, problem: str, task_type: str, iterations: int) -> SubtaskQueue: ...

    def decide(self, state: ObserverState) -> Decision: ...


@dataclass
class LongTermMemory:
    """One short summary per past iteration; at most `limit` kept (oldest dropped)."""

    limit: int = 10
    items: deque[Summary] = field(default_factory=deque)

    def add(self, iteration: int, text: str) -> None:
        if not text.strip():
            return
        self.items.append(Summary(iteration, text.strip()))
        while len(self.items) > self.limit:
            self.items.popleft()

    def shrink(self, limit: int) -> None:
        """Keep at most `limit` summaries from now on (the prompt did not fit the model)."""
        self.limit = max(0, limit)
        while len(self.items) > self.limit:
            self.items.popleft()

    def before(self, iteration: int) -> list[Summary]:
        return [s for s in self.items if s.iteration < iteration]


class LLMObserver:
    """An Observer backed by a chat model (a local model in production, as the paper trains)."""

    def __init__(
        self, model: Any, parse: Any, *, temperature: float = 0.7, max_tokens: int | None = 2048
    ) -> None:
        self.model = model
        self.parse = parse
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.tokens_in = 0
        self.tokens_out = 0
        self.last_prompt = ""
        self.last_text = ""
        self._log: CallLog | None = None

    def attach(self, log: CallLog) -> None:
        """Record every later call in `log` (the planner's as role `planner`)."""
        self._log = log

    def _ask(self, prompt: str, role: str = "observer") -> str:
        self.last_prompt = prompt
        model = self.model if self._log is None else RecordedModel(self.model, role, self._log)
        completion = model.complete(
            [Message.user(prompt)],
            n=1,
            temperature=self.temperature,
            max_tokens=self.max_tokens,
        )[0]
        usage = getattr(completion, "usage", None)
        self.tokens_in += int(getattr(usage, "prompt_tokens", 0) or 0)
        self.tokens_out += int(getattr(usage, "completion_tokens", 0) or 0)
        self.last_text = str(completion.text)
        return self.last_text

    def plan(self, problem: str, task_type: str, iterations: int) -> SubtaskQueue:
        mitigation = task_type == "mitigation"
        # The endpoint failing (an LLMError) ends the attempt; only an unusable plan falls back.
        text = self._ask(
            render("planner.j2", problem=problem, iterations=iterations, mitigation=mitigation),
            "planner",
        )
        try:
            data = self.parse(text)
            plan = [PlannedSubtask.model_validate(item) for item in data.get("subtasks", [])]
        except (ValueError, TypeError, AttributeError):
            return SubtaskQueue.default(iterations, mitigation)
        return SubtaskQueue.from_plan(plan, iterations, mitigation)

    def decide(self, state: ObserverState) -> Decision:
        fmt, example = SUBMIT_FORMATS.get(state.task_type, SUBMIT_FORMATS["detection"])
        prompt = render(
            "observer.j2",
            problem=state.problem,
            guidance=state.guidance,
            queue=state.queue,
            summaries=state.summaries,
            previous=state.previous,
            iteration=state.iteration,
            max_iterations=state.max_iterations,
            must_submit=state.must_submit,
            submit_format=fmt,
            submit_example=example,
        )
        text = self._ask(prompt)
        try:
            data = choose_object(text, Decision, self.parse)
            decision = Decision.model_validate(data)
        except (ValueError, TypeError, AttributeError) as exc:
            raise DecisionError(f"unusable decision: {exc}") from exc
        # returned as the model gave it: at the cap, the runtime decides what a
        # decision without a submission means (it is not turned into one here)
        return decision
