"""Replay: run a command list on a fresh twin of the same task and seed, through the gate.

This is the loop's one way to check a claim about commands by execution. The
commands go through the very Probe and Executor the runtime uses, each bound to
its gate channel (classify, approve, run, redact), on a `TwinEnvironment` reset
to the task and seed; then the task is evaluated as a run would be (mitigation:
`submit()` and the cluster's state, strict mode on request).

>>> result = replay("k8s_target_port-misconfig-mitigation-1", 0, [
...     ("executor", "kubectl patch service user-service -n test-social-network --type=json "
...      "-p '[{\\"op\\":\\"replace\\",\\"path\\":\\"/spec/ports/0/targetPort\\",\\"value\\":9090}]'"),
... ])
>>> result.outcome.success
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from aoi.agents.acting import CommandRun, Executor, Probe
from aoi.agents.memory import AgentRole, Memory
from aoi.catalog import TaskType, get_task, parse_action
from aoi.envs.base import Action, Outcome
from aoi.envs.probe_tools import ProbeTools
from aoi.envs.twin import APP_KEYS, TwinEnvironment
from aoi.gate import Gate, Policy, Role, SecretValues
from aoi.loop.credentials import known_passwords, unmask

ReplayRole = Literal["probe", "executor"]
_SUBMIT = re.compile(r"^\s*submit\s*\(")


@dataclass(frozen=True)
class ReplayCommand:
    """One command to replay and the agent that runs it (writes need the Executor)."""

    role: ReplayRole
    command: str


CommandLike = ReplayCommand | tuple[str, str] | str


@dataclass
class ReplayResult:
    """What a replay did: each command's run (gate verdict, exit status, output) and the evaluation.

    `env` is the environment after evaluation: its twin is the final cluster state;
    `memory` holds the raw records, one iteration per command. `errors` lists, per command that failed or was refused, "INDEX: reason".
    """

    task_id: str
    seed: int
    runs: list[CommandRun]
    outcome: Outcome
    env: TwinEnvironment
    memory: Memory
    submitted: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def outputs(self) -> list[str]:
        return [run.output for run in self.runs]

    @property
    def verdicts(self) -> list[str]:
        return [run.verdict for run in self.runs]

    @property
    def allowed_share(self) -> float:
        """Share of the commands the gate allowed and that exited 0 (1.0 for no commands)."""
        if not self.runs:
            return 1.0
        return sum(1 for r in self.runs if r.allowed and r.exit_code == 0) / len(self.runs)

    @property
    def success(self) -> bool:
        return bool(self.outcome.success)


def as_command(item: CommandLike) -> ReplayCommand:
    """A ReplayCommand from a (role, command) pair or a bare command (a Probe read)."""
    if isinstance(item, ReplayCommand):
        return item
    if isinstance(item, str):
        return ReplayCommand("probe", item)
    role, command = item
    if role not in ("probe", "executor"):
        raise ValueError(f"a replayed command runs as probe or executor, not {role!r}")
    return ReplayCommand("executor" if role == "executor" else "probe", command)


@lru_cache(maxsize=64)
def _passwords(app_key: str, seed: int) -> dict[str, str]:
    return known_passwords(app_key, seed)


def replay(
    task_id: str,
    seed: int,
    commands: Iterable[CommandLike],
    *,
    submit: str | None = None,
    strict: bool = False,
    policy: Policy | None = None,
    step_seconds: float = 10.0,
) -> ReplayResult:
    """Run `commands` in order on a fresh twin of `task_id` and `seed`, then evaluate.

    `submit` is the submit(...) call to make after the commands; mitigation tasks
    submit `submit()` when it is None, other tasks then end unsubmitted (their
    outcome says "no submission"). `strict` grades mitigation strictly (the
    original replicas, traffic healthy). Masked credentials are filled from the
    healthy twin (see aoi.loop.credentials). A command that fails is recorded and
    the replay goes on, as the runtime would. Raises UnknownTaskError.
    """
    task = get_task(task_id)
    env = TwinEnvironment(strict=strict, step_seconds=step_seconds)
    env.reset(task_id, seed)
    gate = Gate(
        env.run_command, policy=policy, approval="auto", secrets=SecretValues(env.secret_values())
    )
    memory = Memory()
    probe = Probe(ProbeTools(env, gate.channel(Role.PROBE)), memory.view(AgentRole.PROBE))
    executor = Executor(gate.channel(Role.EXECUTOR), memory.view(AgentRole.EXECUTOR))
    passwords = _passwords(APP_KEYS[task.app.value], seed)
    runs: list[CommandRun] = []
    errors: list[str] = []
    for index, item in enumerate(as_command(c) for c in commands):
        if _SUBMIT.match(item.command):
            errors.append(f"{index}: submit is not a command; pass it as submit=")
            continue
        text = unmask(item.command, passwords)
        agent = executor if item.role == "executor" else probe
        # one iteration per command: the raw records stay in order for the evidence reader
        run = agent.run_command(index + 1, text)
        run.command = item.command  # the record keeps what was asked, never a credential
        runs.append(run)
        if not run.allowed or run.exit_code != 0:
            last = run.output.strip().splitlines()[-1:] or [f"exit {run.exit_code}"]
            errors.append(f"{index}: {run.verdict} exit {run.exit_code}: {last[0][:200]}")
    call = submit
    if call is None and task.type is TaskType.MITIGATION:
        call = "submit()"
    submitted = None
    if call is not None:
        parsed = parse_action(call if call.strip().startswith("```") else f"```\n{call}\n```")
        if not parsed.ok or parsed.api != "submit":
            errors.append(f"submit: {call!r} is not one submit(...) call")
        else:
            env.act(Action(api="submit", args=tuple(parsed.args)))
            submitted = call
    outcome = env.evaluate()
    env.close()
    return ReplayResult(task_id, seed, runs, outcome, env, memory, submitted, errors)
