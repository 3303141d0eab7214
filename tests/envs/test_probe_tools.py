"""ProbeTools, the Probe's read-only view: nothing on it writes or submits, every call goes
through the gate (refused writes never reach the environment), and API reads are audited."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

from aoi.agents.acting import Probe
from aoi.agents.memory import AgentRole, Memory
from aoi.catalog import ParsedAction, Problem, TaskType, api_docs
from aoi.envs import Action, Environment, Observation, Outcome, ProbeTools, to_action
from aoi.envs.base import READ_APIS
from aoi.gate import REFUSED_EXIT, Gate, Judged, Policy, Role, SecretValues

NS = "payments"
READS = {"exec_shell", *READ_APIS, "call", "role"}
WRITE_WORDS = (
    "submit", "act", "run_command", "write", "apply", "delete", "patch", "scale", "create",
    "edit", "exec", "reset", "evaluate", "close", "env", "executor",
)  # fmt: skip


class RecordingEnv(Environment):
    """Answers every call with a fixed text and records what reached it."""

    def __init__(self, answer: str = "ok\n") -> None:
        self.answer = answer
        self.calls: list[Action] = []
        self.commands: list[str] = []

    def reset(self, task_id: str, seed: int = 0) -> Problem:
        return Problem(
            description="d",
            instructions="i",
            apis=api_docs(TaskType.DETECTION),
            task_type=TaskType.DETECTION,
            namespace=NS,
            task_id=task_id,
        )

    def act(self, call: str | Action | ParsedAction) -> Observation:
        action, error = to_action(call)
        assert action is not None, error
        self.calls.append(action)
        return Observation(text=self.answer, api=action.api)

    def run_command(self, command: Judged | str) -> tuple[str, int]:
        self.commands.append(command if isinstance(command, str) else command.text)
        return self.answer, 0

    def evaluate(self) -> Outcome:
        raise AssertionError("the Probe never evaluates")


def tools_for(
    env: RecordingEnv, tmp_path: Path, policy: Policy | None = None, secrets: tuple[str, ...] = ()
) -> tuple[ProbeTools, Path]:
    audit = tmp_path / "audit.jsonl"
    gate = Gate(env.run_command, policy=policy, audit_path=audit, secrets=SecretValues(secrets))
    return ProbeTools(env, gate.channel(Role.PROBE)), audit


def audited(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_interface_has_no_method_that_writes_or_submits(tmp_path: Path) -> None:
    tools, _ = tools_for(RecordingEnv(), tmp_path)
    public = {name for name in dir(tools) if not name.startswith("_")}
    assert public == READS
    for word in WRITE_WORDS:
        assert not any(word in name.split("_") for name in public - {"exec_shell"}), word
        with pytest.raises(AttributeError):
            getattr(tools, word)
    with pytest.raises(AttributeError):  # nothing can be bolted on
        tools.submit = lambda *a: None  # type: ignore[attr-defined]
    # every public method is a read: its parameters name what it reads, none takes a callable
    for name in public - {"role"}:
        params = inspect.signature(getattr(tools, name)).parameters
        assert set(params) <= {"command", "namespace", "service", "duration", "file_path", "text"}


@pytest.mark.parametrize(
    "attempt",
    [
        lambda t: t.exec_shell(f"kubectl delete pod api-1 -n {NS}"),
        lambda t: t.exec_shell(f"kubectl scale deploy api --replicas=0 -n {NS}"),
        lambda t: t.call(f'exec_shell("kubectl patch svc api -n {NS} -p {{}}")'),
        lambda t: t.call(f"kubectl apply -f /tmp/x.yaml -n {NS}"),
        lambda t: t.call('submit("Yes")'),
        lambda t: t.call("submit()"),
    ],
)
def test_writes_and_submits_asked_through_it_are_refused_and_never_reach_the_env(
    attempt: object, tmp_path: Path
) -> None:
    env = RecordingEnv()
    tools, audit = tools_for(env, tmp_path)
    result = attempt(tools)  # type: ignore[operator]
    assert result.exit_code == REFUSED_EXIT and not result.verdict.allowed
    assert result.output.startswith("refused:")
    assert env.calls == [] and env.commands == []
    (line,) = audited(audit)
    assert line["role"] == "probe" and line["allowed"] is False


def test_read_api_calls_reach_the_env_and_appear_in_the_audit(tmp_path: Path) -> None:
    env = RecordingEnv()
    tools, audit = tools_for(env, tmp_path)
    results = [
        tools.get_logs(NS, "api"),
        tools.get_metrics(NS, 2),
        tools.read_metrics("metrics_output/m/cpu.csv"),
        tools.get_traces(NS),
        tools.read_traces("trace_output/t.csv"),
        tools.call(f'get_logs("{NS}", "db")'),
        tools.call(f"kubectl get pods -n {NS}"),
    ]
    assert all(r.exit_code == 0 and r.verdict.allowed for r in results)
    assert [(a.api, a.args) for a in env.calls] == [
        ("get_logs", (NS, "api")),
        ("get_metrics", (NS, 2)),
        ("read_metrics", ("metrics_output/m/cpu.csv",)),
        ("get_traces", (NS, 5)),
        ("read_traces", ("trace_output/t.csv",)),
        ("get_logs", (NS, "db")),
    ]
    assert env.commands == [f"kubectl get pods -n {NS}"]
    lines = audited(audit)
    assert [line["command"] for line in lines] == [
        f"get_logs('{NS}', 'api')",
        f"get_metrics('{NS}', 2)",
        "read_metrics('metrics_output/m/cpu.csv')",
        f"get_traces('{NS}', 5)",
        "read_traces('trace_output/t.csv')",
        f"get_logs('{NS}', 'db')",
        f"kubectl get pods -n {NS}",
    ]
    assert all(line["verdict"] == "read" and line["role"] == "probe" for line in lines)


def test_the_gates_namespace_scope_applies_to_api_reads(tmp_path: Path) -> None:
    env = RecordingEnv()
    tools, audit = tools_for(env, tmp_path, policy=Policy.default().scoped([NS]))
    assert tools.get_logs(NS, "api").exit_code == 0
    for outside in (
        tools.get_logs("kube-system", "coredns"),
        tools.get_metrics("kube-system"),
        tools.call('get_traces("default", 5)'),
        tools.exec_shell("kubectl get secrets -n kube-system"),
    ):
        assert outside.exit_code == REFUSED_EXIT and "outside this run's scope" in outside.output
    assert len(env.calls) == 1 and env.commands == []
    assert [line["allowed"] for line in audited(audit)] == [True, False, False, False, False]


def test_api_output_is_redacted_as_command_output_is(tmp_path: Path) -> None:
    env = RecordingEnv(answer="connecting with password Hunter2-Sekret-99\n")
    tools, audit = tools_for(env, tmp_path, secrets=("Hunter2-Sekret-99",))
    for result in (tools.get_logs(NS, "api"), tools.exec_shell(f"kubectl logs api -n {NS}")):
        assert "Hunter2-Sekret-99" not in result.output and result.redacted
    assert all(line["redacted"] for line in audited(audit))


def test_the_probe_takes_only_probe_tools(tmp_path: Path) -> None:
    env = RecordingEnv()
    gate = Gate(env.run_command)
    memory = Memory().view(AgentRole.PROBE)
    with pytest.raises(TypeError):
        Probe(gate.channel(Role.PROBE), memory)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ProbeTools(env, gate.channel(Role.EXECUTOR))
    probe = Probe(ProbeTools(env, gate.channel(Role.PROBE)), memory)
    run = probe.run_command(1, 'submit("Yes")')
    assert not run.allowed and run.verdict == "FORBIDDEN" and env.calls == []
    run = probe.run_command(1, f'exec_shell("kubectl get pods -n {NS}")')
    assert run.allowed and run.command == f"kubectl get pods -n {NS}"
