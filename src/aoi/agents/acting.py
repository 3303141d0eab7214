"""The acting agents: the Probe (read only) and the Executor (the only writer).

Both act on the world only through the gate: the Probe through `ProbeTools` (its
read-only view: shell reads and the read APIs, all judged and audited by the
gate's Probe channel, and nothing that writes or submits), the Executor through
the gate's Executor channel. Both work with a language model, or
scripted: following the commands the Observer suggested, which is how the
rule-based expert drives the very same pipeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from aoi.agents.memory import AgentRole, MemoryView, RawRecord
from aoi.agents.prompts import render
from aoi.agents.schema import (
    ExecutorContext,
    ExecutorReply,
    ProbeContext,
    ProbeReply,
    choose_object,
)
from aoi.envs.base import to_action
from aoi.envs.probe_tools import ProbeTools
from aoi.gate import Channel, Role
from aoi.llm import Message

TELEMETRY_CHARS = 6_000
TELEMETRY_READS = ("read_metrics", "read_traces")

JsonParser = Callable[[str], dict[str, Any]]


@dataclass
class CommandRun:
    command: str
    role: str
    verdict: str
    allowed: bool
    exit_code: int
    output: str


@dataclass
class DispatchResult:
    runs: list[CommandRun] = field(default_factory=list)
    analysis: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    errors: list[str] = field(default_factory=list)


def _ask(
    model: Any,
    prompt: str,
    parse: JsonParser,
    result: DispatchResult,
    temperature: float,
    schema: type[BaseModel] | None = None,
) -> dict[str, Any]:
    completion = model.complete([Message.user(prompt)], n=1, temperature=temperature)[0]
    usage = getattr(completion, "usage", None)
    result.tokens_in += int(getattr(usage, "prompt_tokens", 0) or 0)
    result.tokens_out += int(getattr(usage, "completion_tokens", 0) or 0)
    if schema is None:
        return parse(completion.text)
    return choose_object(completion.text, schema, parse)


class Probe:
    """Investigates with read-only commands: up to `rounds` rounds, `retries` new tries per failure."""

    def __init__(
        self,
        tools: ProbeTools,
        memory: MemoryView,
        *,
        model: Any = None,
        parse: JsonParser | None = None,
        rounds: int = 3,
        retries: int = 3,
        temperature: float = 0.7,
        telemetry_chars: int = TELEMETRY_CHARS,
    ) -> None:
        if not isinstance(tools, ProbeTools):
            raise TypeError("the Probe must be given ProbeTools (its read-only view)")
        if memory.role is not AgentRole.PROBE:
            raise ValueError("the Probe must be given the Probe's memory view")
        self.tools = tools
        self.memory = memory
        self.model = model
        self.parse = parse
        self.rounds = rounds
        self.retries = retries
        self.temperature = temperature
        self.telemetry_chars = telemetry_chars

    def run_command(self, iteration: int, command: str) -> CommandRun:
        """One read: a shell command, or a read API call, through the Probe's tools (the gate)."""
        result = self.tools.call(command)
        output = result.output
        if command.strip().startswith(TELEMETRY_READS) and len(output) > self.telemetry_chars:
            dropped = len(output) - self.telemetry_chars
            output = (
                output[: self.telemetry_chars]
                + f"\n... [telemetry truncated: {dropped} more characters]"
            )
        run = CommandRun(
            _shown(command),
            "probe",
            result.verdict.kind.value.upper(),
            result.verdict.allowed,
            result.exit_code,
            output,
        )
        self.memory.write_raw(
            RawRecord(iteration, "probe", run.command, run.output, run.exit_code, run.verdict)
        )
        return run

    def dispatch(
        self,
        iteration: int,
        instruction: str,
        context: ProbeContext | None = None,
        suggested: list[str] | None = None,
    ) -> DispatchResult:
        result = DispatchResult()
        suggested = [c for c in (suggested or []) if c.strip()]
        if self.model is None or self.parse is None:
            for command in suggested[: self.rounds * 4]:
                result.runs.append(self.run_command(iteration, command))
            if not suggested:
                result.errors.append("the Probe was given nothing to run")
            return result
        tried: set[str] = set()
        error = ""
        failures = 0
        for round_no in range(1, self.rounds + 1 + self.retries):
            if round_no - failures > self.rounds:
                break
            prompt = render(
                "probe.j2",
                instruction=instruction,
                context=context.model_dump_json(indent=1) if context else "",
                suggested=suggested,
                history=[
                    {"command": r.command, "exit_code": r.exit_code, "output": r.output[-1500:]}
                    for r in result.runs
                ],
                error=error,
                round=round_no - failures,
                rounds=self.rounds,
            )
            try:
                reply = ProbeReply.model_validate(
                    _ask(self.model, prompt, self.parse, result, self.temperature, ProbeReply)
                )
            except ValueError as exc:  # a malformed reply (bad JSON, bad fields) is a failed round
                result.errors.append(f"probe reply unusable: {exc}")
                failures += 1
                if failures > self.retries:
                    break
                error = "your answer was not one JSON object with a command"
                continue
            result.analysis = reply.analysis or result.analysis
            if reply.status == "COMPLETE" and not reply.command.strip():
                break
            command = reply.command.strip()
            if not command or command in tried:
                failures += 1
                error = (
                    "you repeated a command you already ran" if command else "no command was given"
                )
                if failures > self.retries:
                    break
                continue
            tried.add(command)
            run = self.run_command(iteration, command)
            result.runs.append(run)
            if run.exit_code != 0 or not run.allowed:
                failures += 1
                error = (
                    run.output.strip().splitlines()[-1]
                    if run.output.strip()
                    else f"exit {run.exit_code}"
                )
                if failures > self.retries:
                    break
                continue
            error = ""
            if reply.status == "COMPLETE":
                break
        return result


def _shown(command: str) -> str:
    """The command as recorded: an exec_shell("...") call is recorded as the line it ran."""
    stripped = command.strip()
    if re.match(r"exec_shell\s*\(", stripped):
        action, _ = to_action(f"```\n{stripped}\n```")
        if action is not None and action.args:
            return str(action.args[0])
    return command


class Executor:
    """Makes the change: one round per dispatch, look before leaping, two-stage recovery."""

    def __init__(
        self,
        channel: Channel,
        memory: MemoryView,
        *,
        model: Any = None,
        parse: JsonParser | None = None,
        temperature: float = 0.7,
    ) -> None:
        if channel.role is not Role.EXECUTOR:
            raise ValueError("the Executor must be given the gate's Executor channel")
        if memory.role is not AgentRole.EXECUTOR:
            raise ValueError("the Executor must be given the Executor's memory view")
        self.channel = channel
        self.memory = memory
        self.model = model
        self.parse = parse
        self.temperature = temperature

    def run_command(self, iteration: int, command: str) -> CommandRun:
        result = self.channel.run(command)
        run = CommandRun(
            command,
            "executor",
            result.verdict.kind.value.upper(),
            result.verdict.allowed,
            result.exit_code,
            result.output,
        )
        self.memory.write_raw(
            RawRecord(iteration, "executor", command, run.output, run.exit_code, run.verdict)
        )
        return run

    def dispatch(
        self,
        iteration: int,
        instruction: str,
        context: ExecutorContext | None,
        probe: Probe,
        suggested: list[str] | None = None,
    ) -> DispatchResult:
        context = context or ExecutorContext()
        result = DispatchResult()
        if self.model is None or self.parse is None:
            return self._scripted(iteration, context, probe, suggested or [], result)
        verification = ""
        prompt = render(
            "executor.j2",
            instruction=instruction,
            context=context.model_dump_json(indent=1),
            verification="",
        )
        try:
            reply = ExecutorReply.model_validate(
                _ask(self.model, prompt, self.parse, result, self.temperature, ExecutorReply)
            )
            if reply.needs_probe or not reply.command.strip():
                # look before you leap: the Probe reads the current state first
                look = probe.dispatch(
                    iteration,
                    f"Before a change, show the current state: {instruction}",
                    suggested=(reply.verification and [reply.verification])
                    or context.verification[:2],
                )
                verification = "\n".join(f"$ {r.command}\n{r.output[-1500:]}" for r in look.runs)
                result.runs.extend(look.runs)
                prompt = render(
                    "executor.j2",
                    instruction=instruction,
                    context=context.model_dump_json(indent=1),
                    verification=verification,
                )
                reply = ExecutorReply.model_validate(
                    _ask(self.model, prompt, self.parse, result, self.temperature, ExecutorReply)
                )
        except ValueError as exc:  # a malformed reply is a failed dispatch
            result.errors.append(f"executor reply unusable: {exc}")
            return result
        result.analysis = reply.analysis
        if not reply.command.strip():
            result.errors.append("the Executor gave no command")
            return result
        run = self.run_command(iteration, reply.command.strip())
        result.runs.append(run)
        if run.exit_code != 0:
            self._recover(iteration, run, result)
        elif reply.verification.strip():
            result.runs.append(probe.run_command(iteration, reply.verification.strip()))
        return result

    def _recover(self, iteration: int, failed: CommandRun, result: DispatchResult) -> None:
        """Stage one: analyse the error. Stage two: produce a different command."""
        assert self.model is not None and self.parse is not None
        try:
            analysis = _ask(
                self.model,
                render(
                    "executor_recover.j2",
                    stage="analyse",
                    command=failed.command,
                    error=failed.output[-1500:],
                    analysis="",
                ),
                self.parse,
                result,
                self.temperature,
            ).get("analysis", "")
            reply = ExecutorReply.model_validate(
                _ask(
                    self.model,
                    render(
                        "executor_recover.j2",
                        stage="command",
                        command=failed.command,
                        error=failed.output[-1500:],
                        analysis=analysis,
                    ),
                    self.parse,
                    result,
                    self.temperature,
                )
            )
        except ValueError as exc:
            result.errors.append(f"recovery failed: {exc}")
            return
        command = reply.command.strip()
        if command and command != failed.command:
            result.runs.append(self.run_command(iteration, command))

    def _scripted(
        self,
        iteration: int,
        context: ExecutorContext,
        probe: Probe,
        suggested: list[str],
        result: DispatchResult,
    ) -> DispatchResult:
        commands = context.commands or suggested
        if not commands:
            result.errors.append("the Executor was given no command")
            return result
        for command in commands:
            run = self.run_command(iteration, command)
            result.runs.append(run)
            if run.exit_code != 0:
                for fallback in context.fallback:
                    retry = self.run_command(iteration, fallback)
                    result.runs.append(retry)
                    if retry.exit_code == 0:
                        break
                break
        for check in context.verification:
            result.runs.append(probe.run_command(iteration, check))
        return result
