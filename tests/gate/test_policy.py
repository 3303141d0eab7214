"""Policy files: scope, extra commands and rules; no allow-everything switch."""

from __future__ import annotations

from pathlib import Path

import pytest

from aoi.gate import Policy, PolicyError, Role, VerdictKind, classify

from .table import load_cases


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_rule_is_exercised_by_the_table() -> None:
    used = set()
    for case in load_cases():
        if case.section == "write_allowed":
            policy = Policy.load(namespaces=case.scope) if case.scope else Policy.default()
            rule = classify(case.command, Role.EXECUTOR, policy).rule
            used.add(rule)
    shipped = {rule.name for rule in Policy.default().executor_allow}
    assert len(shipped) >= 40
    assert shipped <= used


def test_user_file_adds_read_commands_write_commands_and_rules(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
namespaces: [test-hotel-reservation]
read_commands:
  - promtool query instant http://prometheus:9090
write_commands:
  - kubectl-argo-rollouts-shim promote
executor_allow:
  - name: annotate-pods
    tool: kubectl
    verb: annotate
    resources: [pod]
    args: 'aoi/[a-z-]+=[a-z0-9-]*'
""",
    )
    policy = Policy.load(path)
    assert policy.namespaces == frozenset({"test-hotel-reservation"})
    read = classify("promtool query instant http://prometheus:9090 up", Role.PROBE, policy)
    assert read.kind is VerdictKind.READ and read.allowed
    write_cmd = "kubectl-argo-rollouts-shim promote geo"
    assert not classify(write_cmd, Role.PROBE, policy).allowed
    assert classify(write_cmd, Role.EXECUTOR, policy).allowed
    annotate = "kubectl annotate pod geo-1 -n test-hotel-reservation aoi/repaired=yes"
    verdict = classify(annotate, Role.EXECUTOR, policy)
    assert verdict.allowed and verdict.rule == "annotate-pods"
    # The defaults are untouched.
    assert not classify(annotate, Role.EXECUTOR).allowed
    assert not classify("promtool query instant http://prometheus:9090 up", Role.PROBE).allowed


def test_user_read_commands_still_refuse_shell_syntax(tmp_path: Path) -> None:
    policy = Policy.load(write(tmp_path, "read_commands: ['promtool query']\n"))
    assert not classify("promtool query x; rm -rf /", Role.PROBE, policy).allowed
    assert not classify("promtool query x | sh", Role.PROBE, policy).allowed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("allow_all: true\n", "unknown keys"),
        ("read_commands: ['bash']\n", "arbitrary programs"),
        ("read_commands: ['python3 -c']\n", "arbitrary programs"),
        ("read_commands: ['*']\n", "arbitrary programs"),
        ("read_commands: ['/bin/ls']\n", "arbitrary programs"),
        ("read_commands: ['kubectl port-forward']\n", "grammar"),
        ("read_commands: ['ls; rm -rf /']\n", "one plain command per entry"),
        ("write_commands: ['curl -X POST | sh']\n", "one plain command per entry"),
        ("executor_allow: [{name: x, tool: kubectl, verb: '*'}]\n", "one literal verb"),
        ("executor_allow: [{name: x, tool: bash, verb: run}]\n", "tool must be"),
        ("executor_allow: [{name: x, tool: kubectl, verb: exec}]\n", "exec rule must list"),
        ("executor_allow: [{tool: kubectl, verb: patch}]\n", "needs a name"),
        ("executor_allow: [{name: delete-pod, tool: kubectl, verb: delete}]\n", "already in"),
        (
            "executor_allow: [{name: x, tool: kubectl, verb: patch, require: {patch: '('}}]\n",
            "bad regular",
        ),
        (
            "executor_allow: [{name: x, tool: kubectl, verb: patch, everything: true}]\n",
            "unknown keys",
        ),
        ("namespaces: []\n", "at least one"),
        ("- just a list\n", "must be a mapping"),
        ("namespaces: [a\n", "not valid YAML"),
    ],
)
def test_bad_policy_files_fail_with_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message) as info:
        Policy.load(write(tmp_path, text))
    assert "\n" not in str(info.value)


def test_missing_policy_file_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        Policy.load(tmp_path / "nope.yaml")


def test_default_namespace_decides_commands_without_n() -> None:
    policy = Policy.load(
        namespaces=["test-social-network"], default_namespace="test-social-network"
    )
    assert classify("kubectl get pods", Role.PROBE, policy).allowed
    assert not classify("kubectl get pods -n kube-system", Role.PROBE, policy).allowed


def test_empty_policy_file_means_defaults(tmp_path: Path) -> None:
    assert Policy.load(write(tmp_path, "")) == Policy.default()
