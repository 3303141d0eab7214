"""`aoi gate check`: one command or a stream, text or JSON, exit 0 / 3."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from aoi.cli.gate import app

runner = CliRunner()


def test_allowed_read_exits_zero_with_verdict_and_reason() -> None:
    result = runner.invoke(app, ["check", "--role", "probe", "--", "kubectl get pods -n x"])
    assert result.exit_code == 0
    assert result.output.startswith("READ allowed: read-only: kubectl get")


def test_refused_write_exits_three() -> None:
    result = runner.invoke(app, ["check", "--role", "probe", "--", "kubectl delete pod geo-1 -n x"])
    assert result.exit_code == 3
    assert result.output.startswith("WRITE refused:")


def test_executor_write_on_the_allow_list_is_allowed() -> None:
    result = runner.invoke(
        app,
        ["check", "--role", "executor", "--json", "--", "kubectl rollout restart deploy/geo -n x"],
    )
    assert result.exit_code == 0
    record = json.loads(result.output)
    assert record == {
        "command": "kubectl rollout restart deploy/geo -n x",
        "verdict": "write",
        "allowed": True,
        "reason": record["reason"],
    }
    assert "rollout-restart" in record["reason"]


def test_stdin_stream_prints_one_json_object_per_line() -> None:
    commands = ["kubectl get pods -n x", "kubectl get pods; ls", "", "helm list -n x"]
    result = runner.invoke(
        app, ["check", "--role", "probe", "--json", "-"], input="\n".join(commands) + "\n"
    )
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["command"] for r in records] == [
        "kubectl get pods -n x",
        "kubectl get pods; ls",
        "helm list -n x",
    ]
    assert [r["verdict"] for r in records] == ["read", "forbidden", "read"]
    assert [r["allowed"] for r in records] == [True, False, True]
    assert all(set(r) == {"command", "verdict", "allowed", "reason"} for r in records)
    assert result.exit_code == 3


def test_stdin_stream_of_allowed_commands_exits_zero() -> None:
    result = runner.invoke(
        app, ["check", "--role", "executor", "--json", "-"], input="kubectl get pods\n"
    )
    assert result.exit_code == 0


def test_namespace_scope_and_policy_file(tmp_path: Path) -> None:
    scoped = runner.invoke(
        app, ["check", "--role", "probe", "-n", "a", "--", "kubectl get pods -n b"]
    )
    assert scoped.exit_code == 3 and "outside this run's scope" in scoped.output
    policy = tmp_path / "policy.yaml"
    policy.write_text("read_commands: ['promtool query']\n", encoding="utf-8")
    extra = runner.invoke(
        app, ["check", "--role", "probe", "--policy", str(policy), "--", "promtool query up"]
    )
    assert extra.exit_code == 0


def test_bad_policy_file_is_one_line_and_exit_two(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("allow_all: true\n", encoding="utf-8")
    result = runner.invoke(
        app, ["check", "--role", "probe", "--policy", str(policy), "--", "kubectl get pods"]
    )
    assert result.exit_code == 2
    assert "unknown keys" in result.output
