"""AOI as an AIOpsLab agent: `async get_action(state) -> str`.

AIOpsLab drives the conversation: it hands the agent a state (first the task,
then each observation) and expects one fenced call back. Our runtime drives its
own loop, so it runs in a worker thread against a proxy environment whose
`act` hands each call out through `get_action` and waits for the next state.
"""

from __future__ import annotations

import asyncio
import queue
import re
import threading
from typing import Any

from aoi.agents.runtime import Runtime
from aoi.catalog import Problem, TaskType, get_task, render_problem
from aoi.envs.base import Action, Environment, Observation, Outcome, to_action
from aoi.gate import Judged
from aoi.shell.quote import DOUBLE_QUOTE_SPECIAL, escape_for_double_quotes


class AIOpsLabSetupError(ValueError):
    """The agent was not told which task it is working on."""


class _ProxyEnvironment(Environment):
    """Forwards every call to AIOpsLab through two queues."""

    def __init__(self, k8s_host: str | None = None) -> None:
        self.calls: queue.Queue[str | None] = queue.Queue()
        self.states: queue.Queue[str] = queue.Queue()
        self.k8s_host = k8s_host

    def shell_line(self, command: Judged) -> tuple[str | None, str]:
        text, refusal = super().shell_line(command)
        if text is None:
            return None, refusal
        return aiopslab_command(text, self.k8s_host)

    def reset(self, task_id: str, seed: int = 0) -> Problem:  # pragma: no cover - AIOpsLab resets
        raise NotImplementedError("AIOpsLab sets up the task")

    def act(self, call: str | Action | Any) -> Observation:
        action, error = to_action(call)
        if action is None:
            return Observation(text=error, verdict="invalid")
        self.calls.put(action.render())
        text = _observation(self.states.get())
        failed = text.startswith(("[ERROR]", "Error:"))
        return Observation(
            text=text,
            api=action.api,
            done=action.api == "submit",
            exit_code=1 if failed else 0,
            verdict="error" if failed else "ok",
        )

    def evaluate(self) -> Outcome:  # pragma: no cover - AIOpsLab evaluates
        raise NotImplementedError("AIOpsLab evaluates the run")


class AIOpsLabAgent:
    """Wraps a Runtime so that AIOpsLab's orchestrator can drive it.

    The task's type and namespace are read from fields, never from the wording of
    AIOpsLab's text: give `problem` (a `Problem`, as any environment's reset
    returns), or `task_id` (AIOpsLab's problem id, resolved through the catalog),
    or `task_type` and `namespace` (a problem outside the catalog, as read from
    AIOpsLab's own problem object).

    `k8s_host` is AIOpsLab's own setting of that name (config.yml): "kind",
    "localhost" or the control node's host name. It decides how commands are
    quoted for AIOpsLab's shell; left out, commands holding `$`, backticks or
    backslashes are refused, since the two shells read them differently.
    """

    def __init__(
        self,
        runtime: Runtime,
        *,
        problem: Problem | None = None,
        task_id: str | None = None,
        task_type: str | TaskType | None = None,
        namespace: str | None = None,
        k8s_host: str | None = None,
    ) -> None:
        self.runtime = runtime
        self.problem = _task_problem(problem, task_id, task_type, namespace)
        self._env = _ProxyEnvironment(k8s_host)
        self._thread: threading.Thread | None = None
        self.record: Any = None
        self.error: BaseException | None = None

    def _start(self, problem_text: str) -> None:
        # what the runtime reads is AIOpsLab's text; the task's fields are the ones given
        problem = self.problem.model_copy(
            update={"description": problem_text, "instructions": "", "apis": ()}
        )

        def work() -> None:
            try:
                self.record = self.runtime.run(
                    self._env,
                    problem,
                    task_type=problem.task_type.value,
                    namespace=problem.namespace,
                )
            except BaseException as exc:  # noqa: BLE001 - reported through get_action
                self.error = exc
            finally:
                self._env.calls.put(None)

        self._thread = threading.Thread(target=work, name="aoi-runtime", daemon=True)
        self._thread.start()

    async def get_action(self, state: str) -> str:
        """The next call for AIOpsLab, as one fenced block."""
        if self._thread is None:
            self._start(state)
        else:
            self._env.states.put(state)
        call = await asyncio.to_thread(self._env.calls.get)
        if call is None:
            # the runtime ended without submitting (or failed): AIOpsLab still needs an answer
            return "```\nsubmit()\n```"
        return call


def aiopslab_command(text: str, k8s_host: str | None) -> tuple[str | None, str]:
    """What to hand AIOpsLab's exec_shell so that its shell runs `text` (a quoted tree) as
    it is, or (None, why no text can do that).

    AIOpsLab runs the command with `shell=True` where the cluster is local or over
    ssh, so the text reaches `sh -c` unchanged. On kind it runs
    `docker exec kind-control-plane sh -c "COMMAND"` through the host's shell with
    only `"` escaped, so inside those double quotes the host would expand `$`,
    backticks and backslashes of the text, single-quoted or not: they get a
    backslash each. With the host unknown, only a text the two read alike is sent.
    """
    if "```" in text:
        return (
            None,
            "refused: three backticks end AIOpsLab's code block; write the command without them",
        )
    if k8s_host == "kind":
        return escape_for_double_quotes(text, escape_quote=False), ""
    if k8s_host is not None:
        return text, ""
    if any(c in DOUBLE_QUOTE_SPECIAL for c in text):
        return None, (
            "refused: AIOpsLab's shell differs by cluster host (kind wraps the command in "
            '"..."), and this one is not known, so $, backticks and backslashes cannot be '
            "sent; pass AIOpsLabAgent(k8s_host=...) as in AIOpsLab's config.yml"
        )
    return text, ""


_NEXT = re.compile(r"\s*Please take the next action\.?\s*$")


def _observation(state: str) -> str:
    """AIOpsLab appends a prompt to every observation; the agents read the output alone."""
    return _NEXT.sub("\n", state) if _NEXT.search(state) else state


def _task_problem(
    problem: Problem | None,
    task_id: str | None,
    task_type: str | TaskType | None,
    namespace: str | None,
) -> Problem:
    """The task's fields from what the caller gave; AIOpsLabSetupError when it gave too little."""
    if problem is not None:
        return problem
    if task_type is not None and namespace is not None:
        try:
            kind = TaskType(task_type)
        except ValueError:
            choices = ", ".join(t.value for t in TaskType)
            raise AIOpsLabSetupError(
                f"unknown task_type {task_type!r}; choose one of: {choices}"
            ) from None
        return Problem(
            description="",
            instructions="",
            apis=(),
            task_type=kind,
            namespace=namespace,
            task_id=task_id or "",
        )
    if task_id is not None:
        return render_problem(get_task(task_id))
    raise AIOpsLabSetupError(
        "AIOpsLabAgent needs the task: pass problem=..., task_id=... (AIOpsLab's problem id) "
        "or task_type=... and namespace=..."
    )
