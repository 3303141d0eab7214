"""Channels: the Probe reads, the Executor writes through the allow-list and approval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aoi.gate import REFUSED_EXIT, Gate, Judged, Role, Verdict, VerdictKind
from aoi.shell import Sequence

PATCH = 'kubectl patch svc user-service -n x -p \'{"spec":{"ports":[{"port":9090,"targetPort":9090}]}}\''


class FakeRunner:
    """Records what reached it and answers with canned output."""

    def __init__(self, output: str = "ok\n", code: int = 0) -> None:
        self.calls: list[str] = []
        self.trees: list[Sequence] = []
        self.output = output
        self.code = code

    def __call__(self, judged: Judged) -> tuple[str, int]:
        self.calls.append(judged.text)
        self.trees.append(judged.tree)
        return self.output, self.code


def test_probe_runs_reads_and_refuses_writes_without_calling_the_runner() -> None:
    runner = FakeRunner("NAME READY\ngeo 1/1\n")
    probe = Gate(runner).channel(Role.PROBE)
    result = probe.run("kubectl get pods -n x")
    assert result.exit_code == 0 and result.output.startswith("NAME")
    assert result.verdict.kind is VerdictKind.READ and result.approved is None
    refused = probe.run(PATCH)
    assert refused.exit_code == REFUSED_EXIT
    assert "Probe may only read" in refused.output
    assert runner.calls == ["kubectl get pods -n x"]


def test_forbidden_commands_never_reach_the_runner() -> None:
    runner = FakeRunner()
    gate = Gate(runner)
    for role in Role:
        result = gate.channel(role).run("kubectl get pods; rm -rf /")
        assert result.exit_code == REFUSED_EXIT
        assert result.output.startswith("refused: ")
    assert runner.calls == []


def test_executor_runs_allow_listed_writes_with_auto_approval() -> None:
    runner = FakeRunner("service/user-service patched\n")
    result = Gate(runner).channel(Role.EXECUTOR).run(PATCH)
    assert result.exit_code == 0 and result.approved is True
    assert result.verdict.rule == "patch-service-ports"
    assert runner.calls == [PATCH]


def test_executor_refuses_writes_off_the_allow_list() -> None:
    runner = FakeRunner()
    result = Gate(runner).channel(Role.EXECUTOR).run("kubectl delete deployment x -n y")
    assert result.exit_code == REFUSED_EXIT and result.approved is None
    assert "allow-list" in result.output
    assert runner.calls == []


def test_deny_policy_refuses_every_write_but_allows_reads() -> None:
    runner = FakeRunner()
    executor = Gate(runner, approval="deny").channel(Role.EXECUTOR)
    denied = executor.run(PATCH)
    assert denied.exit_code == REFUSED_EXIT and denied.approved is False
    assert "approval policy declined" in denied.output
    assert executor.run("kubectl get svc -n x").exit_code == 0
    assert runner.calls == ["kubectl get svc -n x"]


@pytest.mark.parametrize(
    ("answer", "runs"), [("y", True), ("yes", True), ("", False), ("n", False)]
)
def test_ask_shows_command_and_reason_and_waits_for_yes(answer: str, runs: bool) -> None:
    shown: list[str] = []
    prompts: list[str] = []

    def fake_input(prompt: str) -> str:
        prompts.append(prompt)
        return answer

    runner = FakeRunner()
    gate = Gate(runner, approval="ask", input_fn=fake_input, output_fn=shown.append)
    result = gate.channel(Role.EXECUTOR).run(PATCH)
    assert result.approved is runs
    assert (runner.calls == [PATCH]) is runs
    assert PATCH in shown[0] and "patch-service-ports" in shown[0]
    assert "[y/N]" in prompts[0]
    # Reads never ask.
    gate.channel(Role.EXECUTOR).run("kubectl get pods -n x")
    assert len(prompts) == 1


def test_ask_treats_end_of_input_as_no() -> None:
    def closed(prompt: str) -> str:
        raise EOFError

    runner = FakeRunner()
    gate = Gate(runner, approval="ask", input_fn=closed, output_fn=lambda s: None)
    assert gate.channel(Role.EXECUTOR).run(PATCH).approved is False
    assert runner.calls == []


def test_callback_approval_sees_command_and_verdict() -> None:
    seen: list[tuple[str, Verdict]] = []

    def only_restarts(command: str, verdict: Verdict) -> bool:
        seen.append((command, verdict))
        return verdict.rule == "rollout-restart"

    runner = FakeRunner()
    executor = Gate(runner, approval=only_restarts).channel(Role.EXECUTOR)
    assert executor.run("kubectl rollout restart deployment/geo -n x").approved is True
    assert executor.run(PATCH).approved is False
    assert [c for c, _ in seen] == ["kubectl rollout restart deployment/geo -n x", PATCH]
    assert runner.calls == ["kubectl rollout restart deployment/geo -n x"]


def test_unknown_approval_name_is_an_error() -> None:
    with pytest.raises(ValueError, match="auto, deny, ask"):
        Gate(FakeRunner(), approval="sometimes")


def test_output_is_redacted_before_it_is_returned() -> None:
    runner = FakeRunner("MONGO_PASSWORD=hunter2\nHOME=/root\n")
    result = Gate(runner).channel(Role.PROBE).run("kubectl exec -n x geo-1 -- env")
    assert result.redacted
    assert "hunter2" not in result.output and "HOME=/root" in result.output


def test_runner_exit_status_is_passed_through() -> None:
    runner = FakeRunner('Error from server (NotFound): pods "nope" not found\n', 1)
    result = Gate(runner).channel(Role.PROBE).run("kubectl get pod nope -n x")
    assert result.exit_code == 1 and "NotFound" in result.output


def test_audit_log_has_one_line_per_command_and_no_raw_output(tmp_path: Path) -> None:
    log = tmp_path / "runs" / "audit.jsonl"
    runner = FakeRunner("password: aHVudGVyMg==\nMONGO_PASSWORD=hunter2\n")
    gate = Gate(runner, audit_path=log, approval="deny")
    gate.channel(Role.PROBE).run("kubectl exec -n x geo-1 -- env")
    gate.channel(Role.PROBE).run(PATCH)
    gate.channel(Role.EXECUTOR).run(PATCH)
    gate.channel(Role.EXECUTOR).run(
        "kubectl exec -n x mongodb-geo-1 -- mongo -u admin -p hunter2 --eval 'db.getUsers()'"
    )
    lines = log.read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    assert len(entries) == 4
    assert {"time", "role", "command", "verdict", "reason", "approval", "exit_code"} <= set(
        entries[0]
    )
    assert [e["role"] for e in entries] == ["probe", "probe", "executor", "executor"]
    assert [e["verdict"] for e in entries] == ["read", "write", "write", "read"]
    assert [e["exit_code"] for e in entries] == [0, REFUSED_EXIT, REFUSED_EXIT, 0]
    assert entries[2]["approval"].startswith("denied")
    assert entries[1]["approval"] == "refused by policy"
    assert entries[0]["redacted"] is True
    text = log.read_text(encoding="utf-8")
    assert "hunter2" not in text and "aHVudGVyMg==" not in text


def test_audit_records_a_runner_crash(tmp_path: Path) -> None:
    def broken(judged: Judged) -> tuple[str, int]:
        raise TimeoutError("kubectl timed out")

    log = tmp_path / "audit.jsonl"
    with pytest.raises(TimeoutError):
        Gate(broken, audit_path=log).channel(Role.PROBE).run("kubectl get pods -n x")
    entry = json.loads(log.read_text(encoding="utf-8"))
    assert entry["error"] == "TimeoutError" and entry["exit_code"] is None


def test_channel_role_is_fixed() -> None:
    channel = Gate(FakeRunner()).channel(Role.PROBE)
    assert channel.role is Role.PROBE
    with pytest.raises(AttributeError):
        channel.role = Role.EXECUTOR  # type: ignore[misc]
