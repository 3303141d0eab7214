"""`aoi run --env live` and `aoi diagnose`, end to end against the twin behind the process runner."""

from __future__ import annotations

import shlex

import pytest
import yaml
from typer.testing import CliRunner

import aoi.cli.live as live_cli
from aoi.catalog import get_task
from aoi.cli import app
from aoi.envs.runner import ProcessResult
from aoi.twin.core import Twin
from aoi.twin.faults import inject

CTX = "kind-aoi"
runner = CliRunner()


class TwinKubectl:
    """kubectl on a twin: checks that the context is pinned on every call, records the calls."""

    def __init__(self, twin: Twin) -> None:
        self.twin = twin
        self.calls: list[list[str]] = []

    def __call__(self, argv: list[str], timeout: float, max_bytes: int) -> ProcessResult:
        self.calls.append(list(argv))
        if argv == ["kubectl", "config", "current-context"]:
            return ProcessResult(CTX + "\n")
        flag = {"kubectl": "--context", "helm": "--kube-context"}[argv[0]]
        assert argv[1:3] == [flag, CTX], argv
        result = self.twin.run(shlex.join([argv[0], *argv[3:]]))
        return ProcessResult(result.stdout[:max_bytes], result.stderr, result.exit_code)


@pytest.fixture
def cluster(monkeypatch: pytest.MonkeyPatch) -> TwinKubectl:
    task = get_task("scale_pod_zero_social_net-mitigation-1")
    twin = Twin.fresh("social-network", 0)
    inject(twin, task)
    fake = TwinKubectl(twin)
    monkeypatch.setattr(live_cli, "RUNNER", fake)
    return fake


def test_run_on_live_with_auto_approval_repairs_and_exits_0(cluster: TwinKubectl) -> None:
    result = runner.invoke(
        app,
        ["run", "scale_pod_zero_social_net-mitigation-1", "--env", "live", "--approval", "auto"],
    )
    assert result.exit_code == 0, result.output
    assert "SUCCESS" in result.output
    writes = [c for c in cluster.calls if "scale" in c or "patch" in c]
    assert writes and all(c[1:3] == ["--context", CTX] for c in cluster.calls[1:])


def test_live_asks_before_a_write_and_a_no_leaves_the_cluster_alone(
    cluster: TwinKubectl,
) -> None:
    result = runner.invoke(
        app,
        ["run", "scale_pod_zero_social_net-mitigation-1", "--env", "live", "--max-iterations", "6"],
        input="n\n" * 20,
    )
    assert "The Executor wants to run:" in result.output and "because:" in result.output
    assert not [c for c in cluster.calls if "scale" in c]
    assert result.exit_code == 1  # not repaired


def test_free_text_problem_on_a_namespace(cluster: TwinKubectl) -> None:
    result = runner.invoke(
        app,
        [
            "run",
            "the timeline is empty for every user",
            "--env",
            "live",
            "--context",
            CTX,
            "--namespace",
            "test-social-network",
            "--approval",
            "auto",
        ],
    )
    assert result.exit_code == 0, result.output
    assert cluster.calls[0][1:3] == ["--context", CTX]


def test_free_text_needs_a_namespace(cluster: TwinKubectl) -> None:
    result = runner.invoke(app, ["run", "something is slow", "--env", "live"])
    assert result.exit_code == 2 and "--namespace" in result.output


def test_diagnose_reads_only_and_reports(cluster: TwinKubectl, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "diag.md"
    result = runner.invoke(
        app, ["diagnose", "-n", "test-social-network", "--context", CTX, "--report", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "# Diagnosis of test-social-network" in result.output
    assert "## What was read" in result.output and "kubectl" in result.output
    assert out.read_text().startswith("# Diagnosis")
    verbs = {c[3] for c in cluster.calls if len(c) > 3}
    assert not verbs & {"scale", "patch", "delete", "apply", "set", "rollout", "create", "edit"}


def test_live_rbac_is_read_only_and_never_reads_secrets() -> None:
    result = runner.invoke(app, ["live", "rbac"])
    assert result.exit_code == 0
    docs = [d for d in yaml.safe_load_all(result.stdout) if d]
    kinds = [d["kind"] for d in docs]
    assert kinds == ["ServiceAccount", "ClusterRole", "ClusterRoleBinding"]
    rules = docs[1]["rules"]
    assert all(set(r["verbs"]) <= {"get", "list", "watch"} for r in rules)
    assert not any("secrets" in r["resources"] for r in rules)
    config = yaml.safe_load(runner.invoke(app, ["live", "rbac", "--kubeconfig"]).stdout)
    assert config["kind"] == "Config" and config["current-context"] == "aoi-probe@live"
