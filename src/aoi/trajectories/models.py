"""The record of one attempt: its steps, the commands each step ran, and how it ended."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

AgentName = Literal["observer", "probe", "executor", "compressor", "expert", "agent"]
#: The verdicts a command record holds; "none" means no gate was consulted.
VERDICTS: tuple[str, ...] = ("READ", "WRITE", "FORBIDDEN", "none")
Status = Literal["running", "finished", "failed", "killed"]

#: Statuses an attempt never leaves; `running` is the only one a resume redoes.
TERMINAL_STATUSES: frozenset[str] = frozenset({"finished", "failed", "killed"})


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """`value` as an aware UTC datetime; naive values (SQLite returns them) are read as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class CommandRecord(_Model):
    """One command an agent asked to run, the gate's verdict on it and what it printed.

    `verdict` is one of VERDICTS; the gate's kinds (`VerdictKind.READ`, "read") are
    accepted and stored upper-case, and "none" means no gate was consulted (a
    non-shell API call). `output_raw` is kept verbatim; `output_compressed` is
    what the Compressor made of it, if anything.
    """

    command: str
    role: str = "probe"
    verdict: str = "none"
    allowed: bool = True
    exit_code: int | None = None
    output_raw: str = ""
    output_compressed: str | None = None

    @field_validator("verdict", mode="before")
    @classmethod
    def _normalise_verdict(cls, value: object) -> object:
        text = "none" if value is None else str(value)
        verdict = "none" if text.lower() == "none" else text.upper()
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be read, write, forbidden or none, not {text!r}")
        return verdict


class CompletionRecord(_Model):
    """One raw completion of a model call, exactly as the backend returned it."""

    text: str
    finish_reason: str = "stop"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = False


class ModelCall(_Model):
    """One call of one role's chat model: the rendered messages, the sampling, what came back.

    `role` is planner, observer, probe, executor or compressor (later judge,
    evolver); `messages` are the rendered prompt as OpenAI-style dicts; `usage`
    holds `prompt_tokens` and `completion_tokens` summed over the completions.
    A call that failed has `error` and no completions.
    """

    role: str
    model: str = ""
    messages: list[dict[str, str]] = Field(default_factory=list)
    sampling: dict[str, Any] = Field(default_factory=dict)
    completions: list[CompletionRecord] = Field(default_factory=list)
    usage: dict[str, int] = Field(default_factory=dict)
    latency_s: float = 0.0
    error: str | None = None

    @property
    def tokens(self) -> tuple[int, int]:
        return (
            int(self.usage.get("prompt_tokens", 0)),
            int(self.usage.get("completion_tokens", 0)),
        )


class Step(_Model):
    """One step of an attempt: who acted, what was decided, what ran and what came back.

    `index` counts steps within the attempt from 0 and is unique there; `iteration`
    is the loop iteration the step belongs to (several steps, e.g. Observer then
    Probe then Compressor, share one). `decision` is the Observer's validated
    decision and `decision_raw` the text the model wrote; `calls` are every model
    call made in the step, and `tokens_in` / `tokens_out` are their sum.
    """

    index: int = Field(ge=0)
    iteration: int = 0
    phase: str | None = None
    agent: AgentName
    decision: dict[str, Any] | None = None
    decision_raw: str | None = None
    #: no usable decision: the loop followed the queue's own goal
    fallback_decision: bool = False
    #: the submission was derived by a heuristic, not written by the model
    heuristic_submission: bool = False
    #: times the Observer's prompt did not fit the model and was compressed harder
    harder_compressions: int = 0
    commands: list[CommandRecord] = Field(default_factory=list)
    calls: list[ModelCall] = Field(default_factory=list)
    api_call: str | None = None
    observation: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    dispatch_tokens_in: int = 0
    dispatch_tokens_out: int = 0
    seconds: float = 0.0
    error: str | None = None
    started_at: datetime = Field(default_factory=utcnow)

    @field_validator("started_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return as_utc(value)


class Trajectory(_Model):
    """One attempt at one task: identity, settings, steps in order and the outcome.

    `outcome` holds the environment's evaluation (AIOpsLab's fields plus ours:
    success, results, reason, submission, strict_success, steps, tokens,
    seconds_to_submit); it is None until the attempt finishes.
    """

    run_id: str
    attempt_id: str
    task_id: str
    attempt_index: int = 0
    task_type: str | None = None
    fault: str | None = None
    app: str | None = None
    seed: int | None = None
    agent: str
    model: str | None = None
    guidance: str | None = None
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    steps: list[Step] = Field(default_factory=list)
    outcome: dict[str, Any] | None = None
    status: Status = "running"
    error: str | None = None

    @field_validator("started_at", "finished_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else as_utc(value)

    @property
    def success(self) -> bool | None:
        """The outcome's success flag, or None while there is no outcome."""
        if self.outcome is None:
            return None
        return bool(self.outcome.get("success"))

    @property
    def tokens(self) -> tuple[int, int]:
        """Tokens in and out, summed over the steps."""
        return (sum(s.tokens_in for s in self.steps), sum(s.tokens_out for s in self.steps))

    def calls(self, role: str | None = None) -> list[ModelCall]:
        """Every model call of every step, in order (only `role`'s when given)."""
        return [c for s in self.steps for c in s.calls if role is None or c.role == role]

    def commands(self) -> list[CommandRecord]:
        """Every command of every step, in order."""
        return [c for s in self.steps for c in s.commands]
