"""Replay runs commands through the gate on a fresh twin and evaluates the task."""

from __future__ import annotations

import pytest

from aoi.catalog import UnknownTaskError
from aoi.loop.credentials import known_passwords, unmask
from aoi.loop.replay import ReplayCommand, as_command, replay

NS = "test-social-network"
FIX = (
    f"kubectl patch service user-service -n {NS} --type=json "
    """-p '[{"op":"replace","path":"/spec/ports/0/targetPort","value":9090}]'"""
)
TASK = "k8s_target_port-misconfig-mitigation-1"


def test_the_fix_replayed_mitigates_and_nothing_does_not() -> None:
    fixed = replay(TASK, 0, [("executor", FIX)])
    assert fixed.outcome.success and fixed.outcome.strict_success
    assert fixed.submitted == "submit()"
    assert fixed.verdicts == ["WRITE"]
    assert not replay(TASK, 0, []).outcome.success


def test_reads_go_through_the_probe_channel_and_writes_there_are_refused() -> None:
    result = replay(TASK, 0, [f"kubectl get pods -n {NS}", ("probe", FIX)])
    assert result.verdicts == ["READ", "WRITE"]
    assert "NAME" in result.outputs[0]
    assert not result.runs[1].allowed and result.errors and result.errors[0].startswith("1:")
    assert not result.outcome.success  # the refused write changed nothing


def test_diagnosis_tasks_end_unsubmitted_unless_told_what_to_submit() -> None:
    task = "k8s_target_port-misconfig-detection-1"
    assert replay(task, 0, []).outcome.reason == "no submission"
    assert replay(task, 0, [], submit='submit("Yes")').outcome.success
    assert not replay(task, 0, [], submit='submit("No")').outcome.success


def test_a_submit_among_the_commands_is_not_run() -> None:
    result = replay("k8s_target_port-misconfig-detection-1", 0, ['submit("Yes")'])
    assert result.runs == [] and "submit" in result.errors[0]


def test_commands_are_probe_reads_unless_said_otherwise() -> None:
    assert as_command("kubectl get pods") == ReplayCommand("probe", "kubectl get pods")
    with pytest.raises(ValueError, match="probe or executor"):
        as_command(("observer", "x"))


def test_unknown_task_raises() -> None:
    with pytest.raises(UnknownTaskError):
        replay("no-such-task", 0, [])


def test_masked_credentials_are_filled_from_the_healthy_twin() -> None:
    passwords = known_passwords("hotel-reservation", 0)
    assert passwords["root"] == "root"
    masked = "kubectl exec deploy/mongodb-geo -n ns -- mongo admin -u root -p **** --eval 'x'"
    assert unmask(masked, passwords) == masked.replace("****", "root")
    created = "db.createUser({user: 'admin', pwd: ****, roles: []})"
    assert unmask(created, passwords) == "db.createUser({user: 'admin', pwd: 'admin', roles: []})"
    assert unmask("mongo -u nobody -p ****", passwords) == "mongo -u nobody -p ****"
