"""The Observer's decision and the Probe's and Executor's replies, as pydantic models.

The fields are the paper's: a summary of the previous iteration, the phase and the
reason for a change, a root-cause analysis, a confidence, suggested commands, the
next action with an instruction and a structured context for the chosen agent, and
a submission that only the Observer may make.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class Phase(StrEnum):
    SURFACE_SCAN = "surface_scan"
    POINT_INVESTIGATION = "point_investigation"
    DEPTH_ANALYSIS = "depth_analysis"
    VERIFICATION = "verification"
    READY_TO_FIX = "ready_to_fix"
    READY_TO_SUBMIT = "ready_to_submit"


class NextAgent(StrEnum):
    PROBE = "probe"
    EXECUTOR = "executor"
    SUBMIT = "submit"


class _Lenient(BaseModel):
    """Models fed by language models: unknown keys are ignored, not fatal."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class ProbeContext(_Lenient):
    targets: list[str] = Field(default_factory=list)
    investigation_type: str = ""
    specific_checks: list[str] = Field(default_factory=list)
    suspected_cause: str = ""
    symptoms: list[str] = Field(default_factory=list)


class RootCause(_Lenient):
    component: str = ""
    issue: str = ""
    evidence: str = ""


class ExecutorContext(_Lenient):
    root_cause: RootCause = Field(default_factory=RootCause)
    symptoms: list[str] = Field(default_factory=list)
    namespace: str = ""
    fix_strategy: str = ""
    commands: list[str] = Field(default_factory=list)
    verification: list[str] = Field(default_factory=list)
    fallback: list[str] = Field(default_factory=list)


class NextAction(_Lenient):
    agent: NextAgent = NextAgent.PROBE
    instruction: str = ""
    probe_context: ProbeContext | None = None
    executor_context: ExecutorContext | None = None

    @field_validator("agent", mode="before")
    @classmethod
    def _agent(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value


class Submission(_Lenient):
    ready: bool = False
    # the submit call exactly as AIOpsLab parses it, e.g. 'submit(["geo"])'
    call: str = ""
    justification: str = ""


class PlannedSubtask(_Lenient):
    agent: NextAgent
    goal: str


class Decision(_Lenient):
    """One Observer decision per iteration."""

    previous_summary: str = ""
    phase: Phase = Phase.SURFACE_SCAN
    phase_change_reason: str = ""
    root_cause_analysis: str = ""
    confidence: int = Field(default=0, ge=0, le=100)
    suggested_commands: list[str] = Field(default_factory=list)
    next_action: NextAction = Field(default_factory=NextAction)
    submission: Submission = Field(default_factory=Submission)
    # a new plan for the rest of the queue; honoured in the middle iterations only
    subtasks: list[PlannedSubtask] | None = None

    @field_validator("phase", mode="before")
    @classmethod
    def _phase(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("confidence", mode="before")
    @classmethod
    def _confidence(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().rstrip("%")
        try:
            return max(0, min(100, int(float(value))))
        except (TypeError, ValueError):
            return 0

    @property
    def wants_submit(self) -> bool:
        return self.next_action.agent is NextAgent.SUBMIT or self.submission.ready


class ProbeReply(_Lenient):
    """One Probe round: what it concluded, the next command, and whether it is done."""

    analysis: str = ""
    command: str = ""
    status: Literal["CONTINUE", "COMPLETE"] = "CONTINUE"
    reasoning: str = ""
    focus: str = ""

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value


class ExecutorReply(_Lenient):
    """The Executor's one write (and how to check it)."""

    analysis: str = ""
    command: str = ""
    verification: str = ""
    needs_probe: bool = False


def choose_object(
    text: str, schema: type[BaseModel], parse: Callable[[str], dict[str, Any]]
) -> dict[str, Any]:
    """The JSON object in a model's answer that is meant as a `schema`.

    An answer may hold several objects (an example, a draft, the answer): the
    first that carries at least one of the schema's keys and validates wins. An
    answer whose objects carry none of its keys raises ValueError, never a
    silent default (every field of these models has one).
    """
    from aoi.llm.json_extract import extract_json_objects

    keys = set(schema.model_fields)
    expected = ", ".join(sorted(keys)[:5])
    objects = extract_json_objects(text)
    if len(objects) <= 1:
        data = parse(text)
        if not keys & set(data):
            raise ValueError(
                f"the answer's JSON object has none of the keys of a {schema.__name__} "
                f"({expected}, ...); it has: {', '.join(sorted(data)[:5]) or 'no keys'}"
            )
        return data
    problems = []
    for data in objects:
        if not keys & set(data):
            continue
        try:
            schema.model_validate(data)
        except ValidationError as exc:
            problems.append(str(exc).splitlines()[0])
            continue
        return data
    why = f"; {problems[0]}" if problems else ""
    raise ValueError(
        f"none of the {len(objects)} JSON objects in the answer is a {schema.__name__} "
        f"(expected keys {expected}, ...){why}"
    )
