"""The catalog's data model: tasks, their truths and the problem an agent is shown."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class TaskType(StrEnum):
    """The four AIOpsLab task types."""

    DETECTION = "detection"
    LOCALIZATION = "localization"
    ANALYSIS = "analysis"
    MITIGATION = "mitigation"


class App(StrEnum):
    """The three applications the 86 tasks run on."""

    HOTEL_RESERVATION = "HotelReservation"
    SOCIAL_NETWORK = "SocialNetwork"
    ASTRONOMY_SHOP = "AstronomyShop"


class MitigationCheck(StrEnum):
    """Per-fault extras a mitigation must pass on top of healthy pods.

    - ``target_port_restored``: the target Service's first port has targetPort 9090.
    - ``single_replica``: the target Deployment has replicas == 1 and 1 available.
    - ``target_pod_exists``: at least one pod of the target exists.
    - ``image_errors``: waiting containers fail on CrashLoopBackOff, Error,
      ImagePullBackOff or ErrImagePull (AIOpsLab's rollout-aware pod rule).
    - ``binary_command``: every container of the target Deployment runs the
      target's own binary (``params["binary"]`` is an element of ``command``).
    """

    TARGET_PORT_RESTORED = "target_port_restored"
    SINGLE_REPLICA = "single_replica"
    TARGET_POD_EXISTS = "target_pod_exists"
    IMAGE_ERRORS = "image_errors"
    BINARY_COMMAND = "binary_command"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AnalysisTruth(_Frozen):
    """The expected root-cause analysis, compared case-insensitively."""

    system_level: str
    fault_type: str


class Truth(_Frozen):
    """Everything scoring needs to know about the injected fault.

    ``localization`` is empty for tasks with no faulty component (noop and the
    namespace-level redeploy fault); ``aliases`` are further whole answers a
    localization accepts (AIOpsLab's mongodb- prefix rule).
    """

    detection: Literal["Yes", "No"]
    localization: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    analysis: AnalysisTruth | None = None


class Task(_Frozen):
    """One task: a fault on an application and the question asked about it."""

    id: str
    type: TaskType
    app: App
    namespace: str
    fault: str = Field(description="fault family name, as in AIOpsLab ids")
    target: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    truth: Truth
    mitigation_checks: tuple[MitigationCheck, ...] = ()
    hint: str | None = None
    pod_label: str = Field(description="pod label key that names a service in this app")
    parametric: bool = False

    @property
    def expected(self) -> str | list[str] | AnalysisTruth | None:
        """The answer this task's type expects (None for mitigation)."""
        if self.type is TaskType.DETECTION:
            return self.truth.detection
        if self.type is TaskType.LOCALIZATION:
            return list(self.truth.localization)
        if self.type is TaskType.ANALYSIS:
            return self.truth.analysis
        return None


class ApiDoc(_Frozen):
    """One API an agent may call, as documented to it."""

    name: str
    signature: str
    doc: str
    kind: Literal["read", "write", "action"]


class Problem(_Frozen):
    """What an agent is shown at reset (description, instructions, the API list), and
    what the environment knows about the task it was reset on.

    Every environment fills the task's fields: `task_type` and `namespace` (where
    the incident is) always; `app` when the application is one of the three
    (None for a live namespace running something else); `task_id` is the id the
    environment was reset with (AIOpsLab's problem id for its tasks). The runtime
    reads these fields and never the wording; `text()` shows none of them beyond
    what the description says.
    """

    description: str
    instructions: str
    apis: tuple[ApiDoc, ...]
    task_type: TaskType
    namespace: str
    app: App | None = None
    task_id: str = ""

    def api_text(self) -> str:
        """The API list as AIOpsLab-style text, one signature and doc line per API."""
        return "\n".join(f"{api.signature}\n    {api.doc}" for api in self.apis)

    def text(self) -> str:
        """The first state handed to an agent: description, APIs, then instructions."""
        return f"{self.description}\n\nAvailable APIs:\n{self.api_text()}\n\n{self.instructions}"
