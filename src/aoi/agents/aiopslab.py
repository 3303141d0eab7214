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
from aoi.catalog import Problem
from aoi.envs.base import Action, Environment, Observation, Outcome, to_action

_NAMESPACE = re.compile(r"namespace[:\s`'\"]+([a-z0-9][-a-z0-9]*)", re.IGNORECASE)


class _ProxyEnvironment(Environment):
    """Forwards every call to AIOpsLab through two queues."""

    def __init__(self) -> None:
        self.calls: queue.Queue[str | None] = queue.Queue()
        self.states: queue.Queue[str] = queue.Queue()

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
    """Wraps a Runtime so that AIOpsLab's orchestrator can drive it."""

    def __init__(
        self, runtime: Runtime, *, task_type: str | None = None, namespace: str | None = None
    ) -> None:
        self.runtime = runtime
        self.task_type = task_type
        self.namespace = namespace
        self._env = _ProxyEnvironment()
        self._thread: threading.Thread | None = None
        self.record: Any = None
        self.error: BaseException | None = None

    def _start(self, problem_text: str) -> None:
        task_type = self.task_type or _guess_type(problem_text)
        match = _NAMESPACE.search(problem_text)
        namespace = self.namespace or (match.group(1) if match else "default")
        problem = Problem(description=problem_text, instructions="", apis=())

        def work() -> None:
            try:
                self.record = self.runtime.run(
                    self._env, problem, task_type=task_type, namespace=namespace
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


_NEXT = re.compile(r"\s*Please take the next action\.?\s*$")


def _observation(state: str) -> str:
    """AIOpsLab appends a prompt to every observation; the agents read the output alone."""
    return _NEXT.sub("\n", state) if _NEXT.search(state) else state


def _guess_type(text: str) -> str:
    """The task type from AIOpsLab's problem text: most specific wording first."""
    lowered = text.lower()
    if "mitigat" in lowered:
        return "mitigation"
    if "system_level" in lowered or "fault_type" in lowered:
        return "analysis"
    if "localiz" in lowered or "localis" in lowered:
        return "localization"
    return "detection"
