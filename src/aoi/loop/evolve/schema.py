"""The Evolver's plan, the paper's JSON: a task, a four-part state summary and 15-40 commands.

The commands run through Discovery -> Diagnosis -> Resolution -> Verification, in
that order. `submission` is AOI's one addition to the paper's format: the
submit(...) call the plan ends with, which diagnosis tasks are scored on.

`Plan` is the strict form (what a well-formed answer must be); `PlanDraft`
accepts any command count and order, so that a plan that breaks the format can
still be executed and scored on the other dimensions.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from aoi.llm import JSONExtractionError, extract_json

MIN_COMMANDS = 15
MAX_COMMANDS = 40


class PlanPhase(StrEnum):
    """The four phases of a plan, in the order they must come."""

    DISCOVERY = "discovery"
    DIAGNOSIS = "diagnosis"
    RESOLUTION = "resolution"
    VERIFICATION = "verification"


PHASE_ORDER = {phase: i for i, phase in enumerate(PlanPhase)}


class PlanCommand(BaseModel):
    """One command of a plan: its phase, the command line, and why it is there."""

    model_config = ConfigDict(extra="ignore")

    phase: PlanPhase
    command: str = Field(min_length=1)
    purpose: str = ""

    @field_validator("phase", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def role(self) -> str:
        """Who runs it: the Executor for resolution, the Probe otherwise."""
        return "executor" if self.phase is PlanPhase.RESOLUTION else "probe"


class StateSummary(BaseModel):
    """The paper's four-part state summary."""

    model_config = ConfigDict(extra="ignore")

    root_cause_and_symptoms: str = ""
    affected_resources: list[str] = Field(default_factory=list)
    errors_and_logs: str = ""
    cluster_status: str = ""


class PlanDraft(BaseModel):
    """A plan as it was written: any number of commands, in any phase order."""

    model_config = ConfigDict(extra="ignore")

    task_id: str = ""
    description: str = ""
    state_summary: StateSummary = Field(default_factory=StateSummary)
    commands: list[PlanCommand] = Field(default_factory=list)
    submission: str | None = None

    def phase(self, phase: PlanPhase) -> list[PlanCommand]:
        return [c for c in self.commands if c.phase is phase]

    def command_lines(self) -> list[str]:
        return [c.command for c in self.commands]


class Plan(PlanDraft):
    """A well-formed plan: 15-40 commands whose phases never go backwards."""

    commands: list[PlanCommand] = Field(min_length=MIN_COMMANDS, max_length=MAX_COMMANDS)
    task_id: str = Field(min_length=1)
    description: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Plan:
        ranks = [PHASE_ORDER[c.phase] for c in self.commands]
        if ranks != sorted(ranks):
            raise ValueError(
                "commands must go discovery -> diagnosis -> resolution -> verification"
            )
        return self


def read_plan(text: str) -> tuple[PlanDraft | None, Plan | None, str]:
    """(the draft, the strict plan or None, why not) from a model's answer.

    The draft is None when the text holds no JSON object with commands.
    """
    try:
        data = extract_json(text)
    except (JSONExtractionError, ValueError, TypeError):
        return None, None, "no JSON object in the answer"
    if not isinstance(data, dict) or not isinstance(data.get("commands"), list):
        return None, None, "the JSON object has no command list"
    try:
        draft = PlanDraft.model_validate(data)
    except ValidationError as exc:
        return None, None, f"not a plan: {_first(exc)}"
    if not draft.commands:
        return None, None, "the plan has no commands"
    try:
        return draft, Plan.model_validate(data), ""
    except ValidationError as exc:
        return draft, None, _first(exc)


def _first(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error.get("loc", ()))
    return f"{where}: {error.get('msg', '')}".strip(": ")
