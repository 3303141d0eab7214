"""The Environment contract: what every place an agent can work in offers.

Gymnasium-like and synchronous: `reset(task_id, seed) -> Problem`, `act(call) ->
Observation`, `evaluate() -> Outcome`, `close()`. A call is one AIOpsLab API call,
given either as the agent's raw answer (a fenced block holding one call, parsed by
AIOpsLab's rules) or as an already parsed `Action`. The same agent code runs on
the twin, on a live cluster and inside AIOpsLab.
"""

from __future__ import annotations

import inspect
import re
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from aoi import agent_api
from aoi.catalog import ParsedAction, Problem, TaskType, parse_action
from aoi.envs.telemetry import read_exported_csv
from aoi.errors import AOIError
from aoi.gate import REFUSED_EXIT, Judged

APIS = (
    "exec_shell",
    "get_logs",
    "get_metrics",
    "read_metrics",
    "get_traces",
    "read_traces",
    "submit",
)
READ_APIS = frozenset(APIS) - {"exec_shell", "submit"}


class Action(BaseModel):
    """One API call: the name and its positional arguments."""

    model_config = ConfigDict(frozen=True)

    api: str
    args: tuple[Any, ...] = ()

    @classmethod
    def exec_shell(cls, command: str) -> Action:
        return cls(api="exec_shell", args=(command,))

    @classmethod
    def submit(cls, *args: Any) -> Action:
        return cls(api="submit", args=args)

    def render(self) -> str:
        """The call as an agent would write it, inside one fenced block.

        AIOpsLab reads exec_shell's argument as raw text between the outer quotes (it
        strips every quote at both ends, then unescapes \\" and \\'), not as a Python
        literal: the command is quoted so that this gives it back unchanged.
        """
        if self.api == "exec_shell" and len(self.args) == 1 and isinstance(self.args[0], str):
            return f"```\n{self.api}({_shell_quote(self.args[0])})\n```"
        inner = ", ".join(repr(a) for a in self.args)
        return f"```\n{self.api}({inner})\n```"


def _shell_quote(command: str) -> str:
    """Quote a command so that AIOpsLab's exec_shell parsing returns it as it was.

    AIOpsLab strips every `"` at both ends, then turns each `\\"` into `"` and each
    `\\'` into `'`. So every `"` gets a backslash, and so does every `'` that follows
    a backslash: each of those replacements then removes exactly the backslash
    added here. A trailing `"` is kept from the strip by a space after it.
    """
    body = _QUOTE_TO_ESCAPE.sub(lambda m: "\\" + m.group(), command)
    if body.endswith('"'):
        body += " "
    return f'"{body}"'


# a double quote anywhere, a single quote right after a backslash
_QUOTE_TO_ESCAPE = re.compile(r"\"|(?<=\\)'")


class Observation(BaseModel):
    """What an API call returned: the text the agent reads, and facts about it."""

    text: str
    api: str = ""
    exit_code: int = 0
    truncated: bool = False
    done: bool = False
    verdict: Literal["ok", "error", "refused", "invalid"] = "ok"


class Outcome(BaseModel):
    """How a run ended: AIOpsLab's fields (results, TTx, steps, tokens) and ours."""

    task: str
    task_type: str
    success: bool
    results: dict[str, Any] = Field(default_factory=dict)
    reason: str = ""
    submitted: bool = False
    submission: Any = None
    strict_success: bool | None = None
    steps: int = 0
    in_tokens: int = 0
    out_tokens: int = 0
    seconds_to_submit: float | None = None  # simulated (twin) or wall (live) seconds
    wall_seconds: float = 0.0
    problems: list[str] = Field(default_factory=list)


class EnvironmentStateError(AOIError, RuntimeError):
    """An environment used out of order (act before reset, ...)."""


TIME_KEYS = {"detection": "TTD", "localization": "TTL", "analysis": "TTA", "mitigation": "TTM"}


def add_aiopslab_fields(
    results: dict[str, Any],
    task_type: str,
    submitted_after: float | None,
    steps: int,
    tokens: list[int] | tuple[int, int],
) -> None:
    """AIOpsLab's secondary figures: time to detect/localise/analyse/mitigate, steps, tokens."""
    if submitted_after is not None:
        results[TIME_KEYS[task_type]] = submitted_after
    results["steps"] = steps
    results["in_tokens"], results["out_tokens"] = tokens[0], tokens[1]


def to_action(call: str | Action | ParsedAction) -> tuple[Action | None, str]:
    """An Action from raw agent text or a parsed call, or None and AIOpsLab's error text."""
    if isinstance(call, Action):
        return call, ""
    parsed = parse_action(call) if isinstance(call, str) else call
    if not parsed.ok:
        return None, parsed.error or "Error parsing the action."
    return Action(api=parsed.api, args=tuple(parsed.args)), ""


class Environment(ABC):
    """Where an agent works: a twin, a live cluster, or AIOpsLab itself."""

    max_observation_chars: int = 20_000

    @abstractmethod
    def reset(self, task_id: str, seed: int = 0) -> Problem:
        """Start a task: build or select the cluster, inject the fault, return the problem."""

    @abstractmethod
    def act(self, call: str | Action | ParsedAction) -> Observation:
        """Run one API call and return what it printed."""

    @abstractmethod
    def evaluate(self) -> Outcome:
        """Score the run (the submission if any, the cluster's state for mitigation)."""

    def run_command(self, command: Judged | str) -> tuple[str, int]:
        """Run one command tree the gate accepted (the gate's runner): (output, exit status).

        A plain string is a direct, trusted call, exactly as act(exec_shell(command)).

        The tree runs, never the agent's text. By default it goes to act(exec_shell)
        written for a shell that can expand nothing the tree does not (AIOpsLab runs
        exec_shell through `sh -c`); a tree whose words get their values at run time
        is refused, since that shell would compute them unchecked. The twin and the
        live cluster override this and evaluate the tree themselves.
        """
        if isinstance(command, str):
            obs = self.act(Action.exec_shell(command))
            return obs.text, obs.exit_code
        text, refusal = self.shell_line(command)
        if text is None:
            return refusal, REFUSED_EXIT
        obs = self.act(Action.exec_shell(text))
        return obs.text, obs.exit_code

    def shell_line(self, command: Judged) -> tuple[str | None, str]:
        """The text exec_shell gets for a judged tree, or (None, why it cannot be sent).

        The default is the tree quoted for a POSIX shell that reads the text as it
        is (`sh -c TEXT`); an environment whose shell wraps the text again (AIOpsLab
        on kind) overrides this.
        """
        text = command.shell_text()
        if text is None:
            return None, (
                "refused: this environment runs commands through a shell, so $VAR, $(...) and "
                "backticks are not available; write the values out"
            )
        return text, ""

    def record_tokens(self, in_tokens: int, out_tokens: int) -> None:  # noqa: B027 - optional hook
        """Agents report the tokens their models used; the outcome carries the totals."""

    def secret_values(self, namespaces: Iterable[str] = ()) -> set[str]:
        """Secret values this environment knows of (in its task's namespace and `namespaces`),
        so that the gate masks them by value; none by default."""
        return set()

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release what the environment holds."""

    def __enter__(self) -> Environment:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _truncate(self, text: str) -> tuple[str, bool]:
        limit = self.max_observation_chars
        if len(text) <= limit:
            return text, False
        head = text[: limit - 200]
        dropped = len(text) - len(head)
        return head + f"\n... [output truncated: {dropped} more characters]\n", True


UNKNOWN_API = (
    "Error: Unknown API {api!r}. Available: exec_shell, get_logs, get_metrics, read_metrics, "
    "get_traces, read_traces, submit."
)
ALREADY_SUBMITTED = "The task has already been submitted."


class EpisodeEnvironment(Environment):
    """One task at a time, as the twin and the live cluster both run it.

    What every such environment does alike lives here once: parsing the call,
    dispatching it to the API, counting steps, truncating output, the submission
    and its time, the tokens, the run folder the telemetry files go to, and the
    frame of `evaluate`. An environment supplies only what differs: how a task
    starts (`_begin`), how each API reads its cluster (`_exec_shell`, `_get_logs`,
    `_get_metrics`, `_get_traces`), its clock (`_clock`), what a turn costs
    (`_before_call`), the masking of files it reads (`_mask`) and the grade (`_grade`).

    The documented answers: a call that does not parse, names no API or gives
    the wrong arguments is an `invalid` observation (the step counts, nothing
    else changes); a call after the submission is `invalid` with `done` (no step);
    act, run_command or evaluate before reset raise `EnvironmentStateError`.
    """

    run_dir_prefix = "aoi-run-"

    def __init__(self, run_dir: str | Path | None = None) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if run_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix=self.run_dir_prefix)
            run_dir = self._tmp.name
        self.run_dir = Path(run_dir)
        self.problem: Problem | None = None
        self._steps = 0
        self._submission: Any = None
        self._submitted = False
        self._submit_at: float | None = None
        self._start_clock = 0.0
        self._start_wall = 0.0
        self._tokens = [0, 0]

    # --- what each environment supplies ----------------------------------------------
    @abstractmethod
    def _begin(self, task_id: str, seed: int) -> Problem:
        """Start the task on the cluster (build, select, inject) and return its problem."""

    @abstractmethod
    def _exec_shell(self, command: str | Judged, timeout: Any = None) -> Observation:
        """Run one command line (a `Judged` tree when it came through the gate)."""

    @abstractmethod
    def _get_logs(self, namespace: Any, service: Any) -> Observation:
        """AIOpsLab's get_logs: the service's pod log, repeated lines folded."""

    @abstractmethod
    def _get_metrics(self, namespace: Any, duration: Any = 5) -> Observation:
        """AIOpsLab's get_metrics: export the namespace's metrics as CSV files under run_dir."""

    @abstractmethod
    def _get_traces(self, namespace: Any, duration: Any = 5) -> Observation:
        """AIOpsLab's get_traces: export the namespace's traces as a CSV file under run_dir."""

    @abstractmethod
    def _grade(self, outcome: Outcome) -> None:
        """Fill success, results, reason and problems of a submitted (or mitigation) run."""

    def _clock(self) -> float:
        """The seconds time-to-submit is counted in (wall seconds unless overridden)."""
        return time.perf_counter()

    def _before_call(self) -> None:
        """What a parsed call costs before it runs (the twin lets its clock move)."""

    def _mask(self, text: str) -> str:
        """Mask secrets in a telemetry table read back from run_dir (none by default)."""
        return text

    # --- the contract -----------------------------------------------------------------
    def reset(self, task_id: str, seed: int = 0) -> Problem:
        problem = self._begin(task_id, seed)
        self.problem = problem
        self._steps = 0
        self._submission, self._submitted, self._submit_at = None, False, None
        self._start_clock = self._clock()
        self._start_wall = time.perf_counter()
        self._tokens = [0, 0]
        return problem

    def act(self, call: str | Action | ParsedAction) -> Observation:
        return self._act(call, None)

    def run_command(self, command: Judged | str) -> tuple[str, int]:
        """Run the tree the gate judged (never its text) as one exec_shell step.

        A plain string is a direct, trusted call, as act(exec_shell(command)).
        """
        if isinstance(command, str):
            obs = self.act(Action.exec_shell(command))
        else:
            obs = self._act(Action.exec_shell(command.text), command)
        return obs.text, obs.exit_code

    def evaluate(self) -> Outcome:
        problem = self._require()
        outcome = Outcome(
            task=problem.task_id,
            task_type=problem.task_type.value,
            success=False,
            submitted=self._submitted,
            submission=self._submission,
            steps=self._steps,
            in_tokens=self._tokens[0],
            out_tokens=self._tokens[1],
            seconds_to_submit=self._submit_at,
            wall_seconds=round(time.perf_counter() - self._start_wall, 4),
        )
        if not self._submitted and problem.task_type is not TaskType.MITIGATION:
            outcome.reason = "no submission"
            return outcome
        self._grade(outcome)
        add_aiopslab_fields(
            outcome.results, problem.task_type.value, self._submit_at, self._steps, self._tokens
        )
        return outcome

    def record_tokens(self, in_tokens: int, out_tokens: int) -> None:
        self._tokens[0] += in_tokens
        self._tokens[1] += out_tokens

    def close(self) -> None:
        """Remove the run folder this environment made (a given run_dir stays); idempotent."""
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    @property
    def done(self) -> bool:
        """Whether the task has been submitted (every later call is refused)."""
        return self._submitted

    @property
    def steps(self) -> int:
        """The calls counted so far in this episode."""
        return self._steps

    # --- one call -----------------------------------------------------------------------
    def _act(self, call: str | Action | ParsedAction, judged: Judged | None) -> Observation:
        self._require()
        if self._submitted:
            return Observation(text=ALREADY_SUBMITTED, verdict="invalid", done=True)
        self._steps += 1
        action, error = to_action(call)
        if action is None:
            return Observation(text=error, verdict="invalid")
        handler = self._handlers().get(action.api)
        if handler is None and action.api != "submit":
            return Observation(
                text=UNKNOWN_API.format(api=action.api),
                api=action.api,
                exit_code=1,
                verdict="invalid",
            )
        self._before_call()
        if handler is None:
            return self._submit(action)
        args: tuple[Any, ...] = action.args
        if judged is not None:
            args = (judged,)
        try:
            inspect.signature(handler).bind(*args)
        except TypeError as exc:
            return Observation(
                text=f"Error: {action.api}(): {exc}", api=action.api, verdict="invalid"
            )
        try:
            obs = handler(*args)
        except TypeError as exc:  # an argument of the wrong type (a number for a name, ...)
            return Observation(
                text=f"Error: {action.api}(): {exc}", api=action.api, verdict="invalid"
            )
        text, truncated = self._truncate(obs.text)
        return obs.model_copy(
            update={"text": text, "truncated": obs.truncated or truncated, "api": action.api}
        )

    def _handlers(self) -> dict[str, Callable[..., Observation]]:
        return {
            "exec_shell": self._shell_call,
            "get_logs": self._get_logs,
            "get_metrics": self._get_metrics,
            "read_metrics": self._read_metrics,
            "get_traces": self._get_traces,
            "read_traces": self._read_traces,
        }

    def _shell_call(self, command: Any, timeout: Any = None) -> Observation:
        if not isinstance(command, str | Judged):
            return Observation(
                text="Error: exec_shell() needs the command as a string.", verdict="invalid"
            )
        return self._exec_shell(command, timeout)

    def _submit(self, action: Action) -> Observation:
        self._submitted = True
        self._submission = action.args[0] if len(action.args) == 1 else list(action.args)
        self._submit_at = round(self._clock() - self._start_clock, 3)
        return Observation(text="Submission received.", api="submit", done=True)

    def _read_metrics(self, file_path: Any) -> Observation:
        return self._read_csv(file_path, agent_api.read_metrics, "Metrics")

    def _read_traces(self, file_path: Any) -> Observation:
        return self._read_csv(file_path, agent_api.read_traces, "Traces")

    def _read_csv(self, file_path: Any, read: Callable[[str], str], title: str) -> Observation:
        # Only files this run exported: a path elsewhere could be any file on this machine.
        text, code = read_exported_csv(self.run_dir, file_path, read, title)
        if code:
            return Observation(text=text, exit_code=code, verdict="error")
        return Observation(text=self._mask(text))

    def _require(self) -> Problem:
        if self.problem is None:
            raise EnvironmentStateError("call reset(task_id) before act() or evaluate()")
        return self.problem


def observed(text: str, exit_code: int) -> Observation:
    """An API's (output, exit status) as an observation: `ok` when it exited 0, else `error`."""
    return Observation(text=text, exit_code=exit_code, verdict="ok" if exit_code == 0 else "error")
