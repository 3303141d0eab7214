"""The AOI loop: plan the queue, then for t = 1..T the Observer decides, the Probe or the
Executor acts, the Compressor compresses; it ends at a submission or at the cap.

At the cap the Observer is told it must submit now. If it still gives no submit
call, the attempt ends unsubmitted and is scored as AIOpsLab scores a missing
submission; a heuristic answer is given only with `RuntimeConfig.heuristic_submit`
(off by default), and the step and the record say so.

Every model call of every role is recorded (see `aoi.agents.calls`) on the step
it belongs to (the planner's on the first iteration's step); a step's tokens are
the sum over its calls, and the record's are the sum over its steps.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aoi.agents.acting import CommandRun, DispatchResult, Executor, Probe
from aoi.agents.calls import CallLog, RecordedModel, call_tokens
from aoi.agents.compressor import Compressor, extractive
from aoi.agents.memory import AgentRole, Memory, MemoryView
from aoi.agents.observer import LongTermMemory, Observer, ObserverState
from aoi.agents.schema import Decision, NextAgent
from aoi.catalog import Problem, parse_action
from aoi.envs.base import Action, Environment
from aoi.envs.probe_tools import ProbeTools
from aoi.errors import ContextTooLongError, InvalidDecisionError, ModelError
from aoi.gate import Gate, Policy, Role, SecretValues

StepCallback = Callable[[dict[str, Any]], None]

#: below this many tokens for the previous iteration, compressing harder no longer helps
MIN_CONTEXT_TOKENS = 128


@dataclass
class RuntimeConfig:
    """Defaults from the paper: 15 iterations, 4,096 tokens of context per iteration, 10 summaries."""

    max_iterations: int = 15
    context_tokens: int = 4096
    summaries: int = 10
    probe_rounds: int = 3
    probe_retries: int = 3
    temperature: float = 0.7
    approval: Any = "auto"
    audit_path: str | Path | None = None
    policy: Policy | None = None
    guidance: str | None = None
    #: at the cap, submit an answer derived from the evidence when the Observer gives none
    #: (a pattern match, not the model's answer: off by default, and recorded when used)
    heuristic_submit: bool = False


@dataclass
class RunRecord:
    """What the loop did: its steps (also streamed to `on_step`), the submission, and why it ended."""

    steps: list[dict[str, Any]] = field(default_factory=list)
    submitted: bool = False
    submission: str = ""
    ended_by: str = ""
    error: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    #: Observer answers that were no usable decision (each a failed step)
    invalid_decisions: int = 0


class Runtime:
    """Observer + Probe + Executor + Compressor over one environment, through one gate."""

    def __init__(
        self,
        observer: Observer,
        *,
        probe_model: Any = None,
        executor_model: Any = None,
        compressor_model: Any = None,
        parse: Callable[[str], dict[str, Any]] | None = None,
        config: RuntimeConfig | None = None,
    ) -> None:
        self.observer = observer
        self.probe_model = probe_model
        self.executor_model = executor_model
        self.compressor_model = compressor_model
        self.parse = parse
        self.config = config or RuntimeConfig()

    def run(
        self,
        env: Environment,
        problem: Problem,
        *,
        task_type: str,
        namespace: str,
        on_step: StepCallback | None = None,
    ) -> RunRecord:
        cfg = self.config
        record = RunRecord()
        memory = Memory()
        # the namespace scope is given once, here: the gate applies it to every
        # command and API read, and the environment learns the secrets of those namespaces
        scope = cfg.policy.namespaces if cfg.policy is not None else None
        gate = Gate(
            env.run_command,
            policy=cfg.policy,
            approval=cfg.approval,
            audit_path=cfg.audit_path,
            secrets=SecretValues(env.secret_values(scope or ())),
        )
        log = CallLog()
        attach = getattr(self.observer, "attach", None)
        if callable(attach):
            attach(log)

        def recorded(model: Any, role: str) -> Any:
            return None if model is None else RecordedModel(model, role, log)

        probe = Probe(
            ProbeTools(env, gate.channel(Role.PROBE)),
            memory.view(AgentRole.PROBE),
            model=recorded(self.probe_model, "probe"),
            parse=self.parse,
            rounds=cfg.probe_rounds,
            retries=cfg.probe_retries,
            temperature=cfg.temperature,
        )
        executor = Executor(
            gate.channel(Role.EXECUTOR),
            memory.view(AgentRole.EXECUTOR),
            model=recorded(self.executor_model, "executor"),
            parse=self.parse,
            temperature=cfg.temperature,
        )
        compressor = Compressor(
            model=recorded(self.compressor_model, "compressor"), budget_tokens=cfg.context_tokens
        )
        observer_view = memory.view(AgentRole.OBSERVER)
        compressor_view = memory.view(AgentRole.COMPRESSOR)
        long_term = LongTermMemory(limit=cfg.summaries)
        problem_text = problem.text()

        def emit(step: dict[str, Any]) -> None:
            # no secret value, and no credential typed on a command line, reaches the record
            step["calls"] = [*step.get("calls", []), *log.take()]
            step["tokens_in"], step["tokens_out"] = call_tokens(step["calls"])
            keys = ("decision", "decision_raw", "calls", "commands", "api_call", "observation")
            for key in (*keys, "error"):
                step[key] = gate.scrub(step.get(key))
            step["index"] = len(record.steps)
            record.steps.append(step)
            if on_step is not None:
                on_step(step)

        try:
            queue = self.observer.plan(problem_text, task_type, cfg.max_iterations)
        except ModelError as exc:  # the endpoint failed while planning: the attempt ends
            planning: dict[str, Any] = {
                "iteration": 0,
                "agent": "observer",
                "phase": "plan",
                "decision": None,
                "commands": [],
                "api_call": None,
                "observation": "",
                "error": None,
                "started_at": datetime.now(UTC).isoformat(),
            }
            self._abort(record, planning, exc, emit)
            return record
        observer_queue = observer_view.subtasks()
        observer_queue.items, observer_queue.cursor = queue.items, queue.cursor

        for iteration in range(1, cfg.max_iterations + 1):
            started = time.perf_counter()
            # the queue reaching Submit, or the cap, forces a submission
            must_submit = iteration == cfg.max_iterations or observer_view.subtasks().at_submit()
            previous = observer_view.read_compressed(iteration - 1)
            state = ObserverState(
                iteration=iteration,
                max_iterations=cfg.max_iterations,
                problem=problem_text,
                task_type=task_type,
                namespace=namespace,
                queue=observer_view.subtasks().render(),
                summaries=long_term.before(iteration - 1),
                previous=previous[-1].text if previous else "",
                guidance=cfg.guidance,
                must_submit=must_submit,
            )
            step: dict[str, Any] = {
                "iteration": iteration,
                "agent": "observer",
                "phase": "",
                "decision": None,
                "commands": [],
                "api_call": None,
                "observation": "",
                "error": None,
                "started_at": datetime.now(UTC).isoformat(),
            }
            decision: Decision | None = None
            try:
                decision = self._decide(state, step, compressor, compressor_view, long_term)
            except (
                InvalidDecisionError
            ) as exc:  # a malformed decision fails the step; the loop goes on
                step["error"] = str(exc)[:500]
                record.invalid_decisions += 1
            except ModelError as exc:  # a dead model endpoint and the like end the attempt
                self._abort(record, step, exc, emit)
                break
            current = observer_view.subtasks().current()
            if decision is None:
                # the loop goes on: follow the queue with its own goal
                agent = current.agent if current else NextAgent.SUBMIT
                if agent is NextAgent.SUBMIT and not must_submit and iteration < cfg.max_iterations:
                    agent = NextAgent.PROBE
                decision = Decision()
                decision.next_action.agent = agent
                decision.next_action.instruction = (
                    current.goal if current else "investigate the namespace"
                )
                used_fallback = True
            else:
                used_fallback = False
                step["decision"] = decision.model_dump(mode="json")
            # the decision as the model wrote it, beside the validated one
            asked = [c for c in log.calls if c["role"] == "observer" and c["completions"]]
            step["decision_raw"] = asked[-1]["completions"][0]["text"] if asked else None
            if decision is not None and not used_fallback:
                step["phase"] = decision.phase.value
                if decision.subtasks and 2 <= iteration <= cfg.max_iterations - 2:
                    # the Observer re-plans the rest of the queue (never the first or last steps)
                    observer_queue.replace_remaining(decision.subtasks)
                if iteration > 1:
                    long_term.add(iteration - 1, decision.previous_summary)
            agent = decision.next_action.agent
            at_cap = iteration == cfg.max_iterations
            call = decision.submission.call.strip() if not used_fallback else ""
            heuristic = False
            if at_cap and not call and cfg.heuristic_submit:
                call = _heuristic_call(task_type, observer_view.read_compressed())
                heuristic = True
            if at_cap and not call:
                # asked to submit and did not: the attempt ends unsubmitted
                step["agent"] = "observer"
                step["error"] = (step["error"] or "") + " no submission at the iteration cap"
                record.ended_by = "iteration cap without a submission"
            elif call and (agent is NextAgent.SUBMIT or at_cap or heuristic):
                observation = self._submit(env, call)
                step["agent"] = "observer"
                step["api_call"] = call
                step["observation"] = observation
                step["heuristic_submission"] = heuristic
                if observation.startswith("Error") or observation.startswith("invalid"):
                    step["error"] = observation
                else:
                    record.submitted, record.submission, record.ended_by = True, call, "submit"
                    if heuristic:
                        record.ended_by = "heuristic submit at the cap (not the model's answer)"
                    elif at_cap and agent is not NextAgent.SUBMIT:
                        record.ended_by = "submit at the cap"
            elif agent is NextAgent.EXECUTOR:
                try:
                    result = executor.dispatch(
                        iteration,
                        decision.next_action.instruction,
                        decision.next_action.executor_context,
                        probe,
                        decision.suggested_commands,
                    )
                except ModelError as exc:
                    self._abort(record, step, exc, emit)
                    break
                self._fill(step, "executor", result)
            else:
                if agent is NextAgent.SUBMIT:
                    step["error"] = (
                        step["error"] or ""
                    ) + " submit asked without a call; probing instead"
                try:
                    result = probe.dispatch(
                        iteration,
                        decision.next_action.instruction,
                        decision.next_action.probe_context,
                        decision.suggested_commands,
                    )
                except ModelError as exc:
                    self._abort(record, step, exc, emit)
                    break
                self._fill(step, "probe", result)
            if not record.submitted and not at_cap:
                context = compressor.compress_iteration(compressor_view, iteration)
                step["observation"] = context.text
            step["fallback_decision"] = used_fallback
            step["dispatch_tokens_in"] = step.pop("_tin", 0)
            step["dispatch_tokens_out"] = step.pop("_tout", 0)
            step["seconds"] = round(time.perf_counter() - started, 4)
            observer_queue.advance()
            emit(step)
            if record.submitted:
                break
        # the record's tokens are its steps' (each the sum over the step's calls)
        record.tokens_in = sum(s["tokens_in"] for s in record.steps)
        record.tokens_out = sum(s["tokens_out"] for s in record.steps)
        env.record_tokens(record.tokens_in, record.tokens_out)
        if not record.submitted and record.error is None:
            record.ended_by = record.ended_by or "iteration cap without a submission"
        return record

    def _decide(
        self,
        state: ObserverState,
        step: dict[str, Any],
        compressor: Compressor,
        view: MemoryView,
        long_term: LongTermMemory,
    ) -> Decision:
        """The Observer's decision; a prompt too long for the model is compressed harder and asked again.

        Each retry halves the budget the previous iteration is compressed to and
        keeps only the newer half of the summaries; when nothing is left to cut,
        the `ContextTooLongError` ends the attempt like any model error.
        """
        while True:
            try:
                return self.observer.decide(state)
            except ContextTooLongError:
                budget = compressor.budget_tokens // 2
                if budget < MIN_CONTEXT_TOKENS or (not state.previous and not state.summaries):
                    raise
                # the model's window stays what it is: later iterations keep the harder setting
                compressor.budget_tokens = budget
                step["harder_compressions"] = step.get("harder_compressions", 0) + 1
                previous = state.previous
                if state.iteration > 1 and view.read_raw(state.iteration - 1):
                    previous = compressor.compress_iteration(view, state.iteration - 1).text
                elif previous:
                    previous = extractive(previous, budget, compressor.count_tokens)
                keep = len(state.summaries) // 2
                long_term.shrink(keep)
                summaries = state.summaries[len(state.summaries) - keep :]
                state = replace(state, previous=previous, summaries=summaries)

    @staticmethod
    def _abort(
        record: RunRecord,
        step: dict[str, Any],
        exc: Exception,
        emit: Callable[[dict[str, Any]], None],
    ) -> None:
        """End the run on an error no retry can fix (a dead endpoint): the record says why."""
        record.error = f"{type(exc).__name__}: {exc}"[:1000]
        record.ended_by = "error"
        step["error"] = record.error
        emit(step)

    @staticmethod
    def _fill(step: dict[str, Any], agent: str, result: DispatchResult) -> None:
        step["agent"] = agent
        step["commands"] = [_command_dict(r) for r in result.runs]
        if result.errors:
            step["error"] = "; ".join(filter(None, [step["error"], *result.errors]))
        step["_tin"] = result.tokens_in
        step["_tout"] = result.tokens_out

    @staticmethod
    def _submit(env: Environment, call: str) -> str:
        text = call.strip()
        if not text.startswith("```"):
            text = f"```\n{text}\n```"
        parsed = parse_action(text)
        if not parsed.ok or parsed.api != "submit":
            return f"Error: the submission {call!r} is not one submit(...) call: {parsed.error or parsed.api}"
        obs = env.act(Action(api="submit", args=tuple(parsed.args)))
        return obs.text


def _command_dict(run: CommandRun) -> dict[str, Any]:
    return {
        "command": run.command,
        "role": run.role,
        "verdict": run.verdict,
        "allowed": run.allowed,
        "exit_code": run.exit_code,
        "output_raw": run.output,
    }


_ERRORS = re.compile(r"error|crashloop|backoff|pending|refused|timeout|fail", re.IGNORECASE)


def _heuristic_call(task_type: str, contexts: list[Any]) -> str:
    """A pattern-matched answer from the evidence: only with `heuristic_submit`, never the default."""
    seen_trouble = any(_ERRORS.search(c.text) for c in contexts)
    if task_type == "detection":
        return 'submit("Yes")' if seen_trouble else 'submit("No")'
    if task_type == "localization":
        return "submit([])"
    if task_type == "analysis":
        return 'submit({"system_level": "Application", "fault_type": "Misconfiguration"})'
    return "submit()"
