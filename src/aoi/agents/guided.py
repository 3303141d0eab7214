"""The guidance follower: a model-free Observer that carries out the plan its guidance gives.

An LLM Observer reads guidance in its prompt (the guidance slot of observer.j2).
The expert has no model to read it with, so this wrapper reads the very same
text: the numbered commands of the rendered plan (`N. [phase] \\`command\\``)
and, where the guidance is for this very task, its `Submit:` line. It runs the
commands through the runtime's Probe (reads) and Executor (resolution), a batch
per iteration, then submits that answer; guidance without an answer for this
task (another target's plan) hands the decision back to the wrapped Observer
after its commands. It is labelled a follower wherever it acts (decisions say
"following the guidance"); it is not a model reading a prompt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aoi.agents.observer import Observer, ObserverState
from aoi.agents.schema import (
    Decision,
    ExecutorContext,
    NextAction,
    NextAgent,
    Phase,
    ProbeContext,
    RootCause,
    Submission,
)
from aoi.agents.subtasks import Subtask, SubtaskQueue

_COMMAND = re.compile(
    r"^\s*\d+\.\s+\[(?P<phase>[a-z]+)\]\s+`(?P<command>.+)`(?:\s+--\s+[^`]*)?\s*$"
)
_SUBMIT = re.compile(r"^\s*Submit:\s+`(?P<call>submit\(.*\))`\s*$")
#: the scripted Probe runs at most this many suggested commands per dispatch
PROBE_BATCH = 12
LABEL = "guidance follower (no model)"


@dataclass
class GuidedPlan:
    """What the follower reads from guidance text: (phase, command) pairs and the answer."""

    commands: list[tuple[str, str]] = field(default_factory=list)
    submission: str | None = None

    def batches(self) -> list[tuple[NextAgent, list[str]]]:
        """Consecutive commands of one agent, probe batches cut to PROBE_BATCH."""
        out: list[tuple[NextAgent, list[str]]] = []
        for phase, command in self.commands:
            agent = NextAgent.EXECUTOR if phase == "resolution" else NextAgent.PROBE
            if (
                out
                and out[-1][0] is agent
                and (agent is NextAgent.EXECUTOR or len(out[-1][1]) < PROBE_BATCH)
            ):
                out[-1][1].append(command)
            else:
                out.append((agent, [command]))
        return out


def read_guidance(text: str | None) -> GuidedPlan:
    """The commands and the answer in rendered guidance (empty for text without a plan)."""
    plan = GuidedPlan()
    for line in (text or "").splitlines():
        command = _COMMAND.match(line)
        if command:
            plan.commands.append((command["phase"], command["command"]))
            continue
        submit = _SUBMIT.match(line)
        if submit:
            plan.submission = submit["call"]
    return plan


class GuidedObserver:
    """Follows the guidance's plan, then submits its answer or hands over to `inner`."""

    def __init__(self, inner: Observer, guidance: str | None) -> None:
        self.inner = inner
        self.plan_read = read_guidance(guidance)
        self._batches = self.plan_read.batches()
        self._next = 0
        self._handed_over = False
        # the follower spends no tokens; the wrapped Observer's are counted after a hand-over
        self.tokens_in = 0
        self.tokens_out = 0

    def plan(self, problem: str, task_type: str, iterations: int) -> SubtaskQueue:
        own = self.inner.plan(problem, task_type, iterations)
        self._next, self._handed_over = 0, False
        if not self._batches:
            return own
        items = [
            Subtask(agent, f"follow the guidance: {len(commands)} {agent.value} command(s)")
            for agent, commands in self._batches
        ]
        if self.plan_read.submission is None:
            # no answer in the guidance: the wrapped Observer's own queue follows
            items += [i for i in own.items if i.agent is not NextAgent.SUBMIT]
        body = max(1, iterations - 1)
        return SubtaskQueue(items=[*items[:body], Subtask(NextAgent.SUBMIT, "submit the answer")])

    def decide(self, state: ObserverState) -> Decision:
        if self._handed_over or not self._batches:
            return self._inner_decides(state)
        if self._next < len(self._batches) and not state.must_submit:
            agent, commands = self._batches[self._next]
            self._next += 1
            return _follow(agent, commands, state, self._next, len(self._batches))
        if self.plan_read.submission is not None:
            return Decision(
                previous_summary="the guidance's plan has been carried out",
                phase=Phase.READY_TO_SUBMIT,
                phase_change_reason="following the guidance: its plan is done, submit its answer",
                root_cause_analysis="as the guidance states",
                confidence=80,
                next_action=NextAction(agent=NextAgent.SUBMIT, instruction="submit the answer"),
                submission=Submission(
                    ready=True,
                    call=self.plan_read.submission,
                    justification="the answer of the guidance, after running its plan",
                ),
            )
        self._handed_over = True
        return self._inner_decides(state)

    def _inner_decides(self, state: ObserverState) -> Decision:
        try:
            return self.inner.decide(state)
        finally:
            self.tokens_in, self.tokens_out = self.inner.tokens_in, self.inner.tokens_out


def _follow(
    agent: NextAgent, commands: list[str], state: ObserverState, index: int, total: int
) -> Decision:
    reason = f"following the guidance: batch {index} of {total}"
    if agent is NextAgent.EXECUTOR:
        return Decision(
            previous_summary="",
            phase=Phase.READY_TO_FIX,
            phase_change_reason=reason,
            root_cause_analysis="as the guidance states",
            confidence=70,
            suggested_commands=commands,
            next_action=NextAction(
                agent=NextAgent.EXECUTOR,
                instruction="apply the guidance's resolution commands",
                executor_context=ExecutorContext(
                    root_cause=RootCause(issue="as the guidance states"),
                    namespace=state.namespace,
                    fix_strategy="the guidance's resolution",
                    commands=commands,
                ),
            ),
        )
    return Decision(
        previous_summary="",
        phase=Phase.POINT_INVESTIGATION if index > 1 else Phase.SURFACE_SCAN,
        phase_change_reason=reason,
        root_cause_analysis="following the guidance's plan",
        confidence=50,
        suggested_commands=commands,
        next_action=NextAction(
            agent=NextAgent.PROBE,
            instruction="run the guidance's reads",
            probe_context=ProbeContext(targets=[state.namespace], investigation_type="guidance"),
        ),
    )
