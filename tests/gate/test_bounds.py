"""Bounded work: Go durations as kubectl reads them, and the bounds on waits and container scripts."""

from __future__ import annotations

import pytest

from aoi.gate import Role, VerdictKind, classify
from aoi.gate.inner import MAX_SCRIPT_SLEEP_S
from aoi.gate.kubectl import MAX_WAIT_S
from aoi.kube.flags import parse_go_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30s", 30.0),
        ("1m30s", 90.0),
        ("1.5h", 5400.0),
        ("500ms", 0.5),
        ("-1s", -1.0),
        ("0", 0.0),
        ("+2m", 120.0),
        ("1h2m3s", 3723.0),
        (".5s", 0.5),
    ],
)
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_go_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "30", "1..2s", "5x", "s", "-", "1h 2m", "1d"])
def test_what_go_refuses_is_not_a_duration(text: str) -> None:
    assert parse_go_duration(text) is None


def _probe(command: str) -> VerdictKind:
    verdict = classify(command, Role.PROBE)
    assert verdict.reason
    return verdict.kind


def test_a_wait_is_a_read_up_to_the_bound_and_refused_past_it() -> None:
    ok = f"kubectl wait --for=condition=Ready pod/a -n x --timeout={MAX_WAIT_S}s"
    over = f"kubectl wait --for=condition=Ready pod/a -n x --timeout={MAX_WAIT_S + 1}s"
    assert _probe(ok) is VerdictKind.READ
    assert _probe(over) is VerdictKind.FORBIDDEN
    status = "kubectl rollout status deploy/a -n x"
    assert _probe(f"{status} --timeout={MAX_WAIT_S}s") is VerdictKind.READ
    assert _probe(f"{status} --timeout={MAX_WAIT_S + 1}s") is VerdictKind.FORBIDDEN
    assert _probe(status) is VerdictKind.FORBIDDEN  # it watches until the rollout ends


def test_a_computed_timeout_is_judged_when_it_runs() -> None:
    assert _probe("T=30s; kubectl wait --for=delete pod/a -n x --timeout=$T") is VerdictKind.READ


def test_container_sleeps_add_up_across_loops() -> None:
    rounds = MAX_SCRIPT_SLEEP_S // 10
    words = " ".join(str(i) for i in range(rounds))
    at_bound = f"kubectl exec a -n x -- sh -c 'for i in {words}; do sleep 10; done'"
    past = f"kubectl exec a -n x -- sh -c 'for i in {words} x; do sleep 10; done'"
    assert _probe(at_bound) is VerdictKind.READ
    assert _probe(past) is VerdictKind.FORBIDDEN
