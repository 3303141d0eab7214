"""The Purifier: ddmin against an oracle that replays every candidate on a fresh twin."""

from __future__ import annotations

import pytest

from aoi.loop.evidence import reach_submission
from aoi.loop.path import same_submission
from aoi.loop.purify import NotPurifiableError, Purified, ddmin, purify
from aoi.loop.replay import ReplayCommand, replay
from aoi.loop.solve import expert_trajectory


def _replayable(p: Purified) -> list[ReplayCommand]:
    return [ReplayCommand(c.role, c.command) for c in p.commands]


def test_ddmin_finds_a_one_minimal_subset() -> None:
    calls: list[list[int]] = []

    def needs_2_and_5(items: list[int]) -> bool:
        calls.append(items)
        return 2 in items and 5 in items

    assert ddmin(list(range(10)), needs_2_and_5) == [2, 5]
    assert ddmin([3], lambda items: True) == []
    assert ddmin([3], lambda items: bool(items)) == [3]


def test_a_mitigation_path_shrinks_and_every_command_left_is_needed() -> None:
    source = expert_trajectory("k8s_target_port-misconfig-mitigation-1")
    purified = purify(source)
    assert purified.verified and purified.oracle == "mitigation" and purified.strict
    assert purified.after < purified.before == len(source.commands())
    assert purified.tokens_after < purified.tokens_before
    assert purified.source_attempt_id == source.attempt_id
    commands = _replayable(purified)
    assert replay(source.task_id, 0, commands, strict=True).outcome.strict_success
    # the fix itself is needed: without the write the cluster stays broken
    writes = [c for c in commands if c.role == "executor"]
    assert writes
    without_fix = [c for c in commands if c.role != "executor"]
    assert not replay(source.task_id, 0, without_fix).outcome.success


def test_a_detection_path_keeps_exactly_the_evidence_for_its_answer() -> None:
    source = expert_trajectory("k8s_target_port-misconfig-localization-1")
    purified = purify(source)
    assert purified.verified and purified.oracle == "evidence"
    assert purified.after < purified.before
    commands = _replayable(purified)
    assert same_submission(reach_submission(source.task_id, 0, commands), purified.submission)
    for index in range(len(commands)):
        shorter = commands[:index] + commands[index + 1 :]
        reached = reach_submission(source.task_id, 0, shorter)
        assert not same_submission(reached, purified.submission), commands[index].command


def test_failures_are_not_purified() -> None:
    failed = expert_trajectory("k8s_target_port-misconfig-localization-1", without=["network"])
    assert not failed.success
    with pytest.raises(NotPurifiableError, match="did not succeed"):
        purify(failed)
