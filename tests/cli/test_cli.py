"""The `aoi` command as a newcomer meets it: clear output, clear errors, exit codes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from aoi.cli import app

runner = CliRunner()


def test_twin_exec_prints_what_kubectl_prints_and_exits_with_its_status() -> None:
    ok = runner.invoke(
        app,
        [
            "twin",
            "exec",
            "--app",
            "hotel-reservation",
            "--",
            "kubectl get pods -n test-hotel-reservation",
        ],
    )
    assert ok.exit_code == 0
    assert ok.stdout.startswith("NAME ") and "geo-" in ok.stdout
    missing = runner.invoke(
        app,
        ["twin", "exec", "--app", "hotel", "--", "kubectl get pod nope -n test-hotel-reservation"],
    )
    assert missing.exit_code == 1
    assert 'Error from server (NotFound): pods "nope" not found' in missing.output


def test_twin_exec_on_a_task_sees_its_fault() -> None:
    result = runner.invoke(
        app,
        [
            "twin",
            "exec",
            "--task",
            "scale_pod_zero_social_net-detection-1",
            "--",
            "kubectl get deploy user-service -n test-social-network",
        ],
    )
    assert result.exit_code == 0 and "0/0" in result.stdout


def test_unknown_app_is_one_line_and_exit_2() -> None:
    result = runner.invoke(app, ["twin", "exec", "--app", "nosuch", "--", "kubectl get pods"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "hotel-reservation" in result.output


def test_unknown_task_names_close_matches() -> None:
    result = runner.invoke(app, ["tasks", "show", "revoke_auth_mongodb-localisation-1"])
    assert result.exit_code == 2
    assert "revoke_auth_mongodb-localization-1" in result.output


def test_tasks_list_json() -> None:
    result = runner.invoke(app, ["tasks", "list", "--json"])
    rows = json.loads(result.stdout)
    assert len(rows) == 86 and set(rows[0]) == {"id", "type", "app", "fault"}
    split = json.loads(
        runner.invoke(app, ["tasks", "list", "--split", "observer-test", "--json"]).stdout
    )
    assert len(split) == 63


def test_tasks_show_never_reveals_the_truth() -> None:
    result = runner.invoke(app, ["tasks", "show", "revoke_auth_mongodb-localization-1"])
    assert result.exit_code == 0 and "submit" in result.output
    assert "mongodb-geo" not in result.output


def test_run_aoi_without_a_model_says_what_to_pass() -> None:
    result = runner.invoke(app, ["run", "noop_detection_hotel_reservation-1", "--agent", "aoi"])
    assert result.exit_code == 2
    assert "--model" in result.output and "--base-url" in result.output


def test_shell_reads_commands_until_exit() -> None:
    result = runner.invoke(
        app,
        ["twin", "shell", "--app", "social-network"],
        input="kubectl get svc -n test-social-network | grep -c 9090\nexit\n",
    )
    assert result.exit_code == 0
    assert "11" in result.output or "12" in result.output or "13" in result.output


def test_run_json_has_the_documented_fields() -> None:
    result = runner.invoke(
        app, ["run", "scale_pod_zero_social_net-mitigation-1", "--agent", "expert", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("task", "success", "scores", "steps", "tokens", "seconds", "trajectory"):
        assert key in data
    assert data["success"] is True
    assert any(c["verdict"] == "WRITE" for s in data["trajectory"] for c in s["commands"])
