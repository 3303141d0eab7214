"""The command table: every command's verdict for the Probe and the Executor."""

from __future__ import annotations

import functools

import pytest

from aoi.gate import Policy, Role, VerdictKind, classify

from .table import SECTIONS, Case, load_cases

CASES = load_cases()

EXPECTED: dict[str, tuple[VerdictKind, bool, bool]] = {
    # section: (kind, allowed for the Probe, allowed for the Executor)
    "read": (VerdictKind.READ, True, True),
    "write_allowed": (VerdictKind.WRITE, False, True),
    "write_refused": (VerdictKind.WRITE, False, False),
    "forbidden": (VerdictKind.FORBIDDEN, False, False),
}


@functools.cache
def _policy(scope: tuple[str, ...] | None) -> Policy:
    return Policy.load(namespaces=scope) if scope else Policy.default()


def test_table_is_large_and_covers_every_section() -> None:
    assert len(CASES) >= 800
    for section in SECTIONS:
        assert sum(c.section == section for c in CASES) >= 20, section
    assert any(c.scope for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_command_verdicts(case: Case) -> None:
    kind, probe_ok, executor_ok = EXPECTED[case.section]
    policy = _policy(case.scope)
    probe = classify(case.command, Role.PROBE, policy)
    executor = classify(case.command, Role.EXECUTOR, policy)
    assert (probe.kind, probe.allowed) == (kind, probe_ok), probe.reason
    assert (executor.kind, executor.allowed) == (kind, executor_ok), executor.reason
    # Every decision carries a reason the model can act on.
    assert probe.reason and executor.reason
    if executor.allowed and kind is VerdictKind.WRITE:
        assert executor.rule is not None
