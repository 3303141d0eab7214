"""The Environment contract: what every place an agent can work in offers.

Gymnasium-like and synchronous: `reset(task_id, seed) -> Problem`, `act(call) ->
Observation`, `evaluate() -> Outcome`, `close()`. A call is one AIOpsLab API call,
given either as the agent's raw answer (a fenced block holding one call, parsed by
AIOpsLab's rules) or as an already parsed `Action`. The same agent code runs on
the twin, on a live cluster and inside AIOpsLab.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from aoi.catalog import ParsedAction, Problem, parse_action
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
