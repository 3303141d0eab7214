"""LiveClusterEnvironment end to end, with the twin's command surface standing in for kubectl.

The injected runner turns each argv back into a command line for the twin, after
checking that the session's context is pinned; a second style serves a recorded
transcript (argv -> output).
"""

from __future__ import annotations

import json
import shlex
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from aoi.agents import run_task
from aoi.catalog import App, Task, TaskType, get_task, render_problem
from aoi.envs.base import Action, EnvironmentStateError, Observation
from aoi.envs.live import NOT_FOUND, LiveClusterEnvironment, LiveClusterError
from aoi.envs.runner import TIMEOUT_EXIT, ProcessResult
from aoi.gate import REFUSED_EXIT, Gate, Policy, Role
from aoi.twin.core import Twin
from aoi.twin.faults import inject

CTX = "kind-aoi"
HOTEL = "test-hotel-reservation"
SOCIAL = "test-social-network"
CONTEXT_FLAG = {"kubectl": "--context", "helm": "--kube-context"}


class TwinRunner:
    """A ProcessRunner over a twin: checks the pinned context, strips it, runs the rest."""

    def __init__(self, twin: Twin, context: str = CTX) -> None:
        self.twin = twin
        self.context = context
        self.calls: list[list[str]] = []

    def __call__(self, argv: list[str], timeout: float, max_bytes: int) -> ProcessResult:
        self.calls.append(list(argv))
        if argv == ["kubectl", "config", "current-context"]:
            return ProcessResult(self.context + "\n")
        flag = CONTEXT_FLAG[argv[0]]
        assert argv[1:3] == [flag, self.context], f"context not pinned first: {argv}"
        assert flag not in argv[3:], f"a second context flag: {argv}"
        assert "|" not in argv, "pipes must never reach the runner"
        result = self.twin.run(shlex.join([argv[0], *argv[3:]]))
        out = result.stdout.encode()
        return ProcessResult(
            out[:max_bytes].decode(errors="ignore"),
            result.stderr,
            result.exit_code,
            truncated=len(out) > max_bytes,
        )


class Transcript:
    """A ProcessRunner that answers from recorded argv -> output pairs."""

    def __init__(self, recorded: Mapping[Any, ProcessResult]) -> None:
        self.recorded: Mapping[tuple[str, ...], ProcessResult] = recorded
        self.calls: list[tuple[str, ...]] = []

    def __call__(self, argv: list[str], timeout: float, max_bytes: int) -> ProcessResult:
        key = tuple(argv)
        self.calls.append(key)
        if key not in self.recorded:
            return ProcessResult("", f"not in the transcript: {shlex.join(argv)}\n", 1)
        return self.recorded[key]


def shell(env: LiveClusterEnvironment, command: str) -> Observation:
    return env.act(Action.exec_shell(command))


@pytest.fixture
def hotel(tmp_path: Path) -> tuple[LiveClusterEnvironment, TwinRunner, Twin]:
    """A hotel twin with mongodb-geo's role revoked, served through kubectl argv lists."""
    task = get_task("revoke_auth_mongodb-localization-1")
    twin = Twin.fresh("hotel-reservation", 0)
    inject(twin, task)
    runner = TwinRunner(twin)
    env = LiveClusterEnvironment(runner=runner, run_dir=tmp_path)
    env.reset(task.id)
    return env, runner, twin


# --- context, reset, problem ------------------------------------------------------------


def test_context_is_read_once_at_start_and_pinned(
    hotel: tuple[LiveClusterEnvironment, TwinRunner, Twin],
) -> None:
    env, runner, _ = hotel
    assert env.context == CTX
    assert runner.calls[0] == ["kubectl", "config", "current-context"]
    shell(env, f"kubectl get pods -n {HOTEL}")
    assert runner.calls[-1] == ["kubectl", "--context", CTX, "get", "pods", "-n", HOTEL]
    assert sum(c == ["kubectl", "config", "current-context"] for c in runner.calls) == 1


def test_named_context_is_used_without_asking_kubectl(tmp_path: Path) -> None:
    runner = TwinRunner(Twin.fresh("hotel-reservation", 0), context="prod-eu")
    env = LiveClusterEnvironment(context="prod-eu", runner=runner, run_dir=tmp_path)
    env.reset("noop_detection_hotel_reservation-1")
    assert shell(env, "helm list -A").exit_code == 0
    assert runner.calls == [["helm", "--kube-context", "prod-eu", "list", "-A"]]


def test_no_current_context_is_a_clear_error() -> None:
    runner = Transcript(
        {
            ("kubectl", "config", "current-context"): ProcessResult(
                "", "error: current-context is not set\n", 1
            )
        }
    )
    with pytest.raises(LiveClusterError, match=r"current-context is not set.*context="):
        LiveClusterEnvironment(runner=runner)


def test_reset_injects_nothing_and_shows_the_catalog_problem(
    hotel: tuple[LiveClusterEnvironment, TwinRunner, Twin],
) -> None:
    env, runner, _ = hotel
    task = get_task("revoke_auth_mongodb-localization-1")
    assert env.problem == render_problem(task)
    assert runner.calls == [["kubectl", "config", "current-context"]]


def test_inject_needs_an_injector_and_calls_it(tmp_path: Path) -> None:
    with pytest.raises(LiveClusterError, match="injector"):
        LiveClusterEnvironment(context=CTX, runner=TwinRunner(Twin.fresh()), inject=True)
    twin = Twin.fresh("hotel-reservation", 0)
    seen: list[str] = []

    def injector(task: Task, env: LiveClusterEnvironment) -> None:
        seen.append(task.id)
        inject(twin, task)

    env = LiveClusterEnvironment(
        context=CTX, runner=TwinRunner(twin), run_dir=tmp_path, inject=True, injector=injector
    )
    env.reset("misconfig_app_hotel_res-detection-1")
    assert seen == ["misconfig_app_hotel_res-detection-1"]
    assert "geo" in shell(env, f"kubectl get pods -n {HOTEL} | grep -v Running").text


def test_namespace_override_moves_the_task(tmp_path: Path) -> None:
    env = LiveClusterEnvironment(context=CTX, namespace="hotel", runner=Transcript({}))
    problem = env.reset("revoke_auth_mongodb-localization-1")
    assert "kubectl get pods -n hotel" in problem.instructions
    assert env.task is not None and env.task.namespace == "hotel"
    # the problem carries the task's fields, the namespace as moved
    assert (problem.task_type, problem.namespace, problem.app) == (
        TaskType.LOCALIZATION,
        "hotel",
        App.HOTEL_RESERVATION,
    )
    assert problem.task_id == "revoke_auth_mongodb-localization-1"


def test_a_live_incident_carries_its_type_and_namespace_and_no_app() -> None:
    env = LiveClusterEnvironment(context=CTX, namespace="payments", runner=Transcript({}))
    problem = env.reset("live/analysis")
    assert (problem.task_type, problem.namespace, problem.app) == (
        TaskType.ANALYSIS,
        "payments",
        None,
    )
    assert problem.task_id == "live/analysis"


def test_run_task_takes_a_live_task_id(tmp_path: Path) -> None:
    """The live environment resolves its own ids: the runner never asks the catalog."""
    twin = Twin.fresh("hotel-reservation", 0)
    inject(twin, get_task("revoke_auth_mongodb-localization-1"))
    env = LiveClusterEnvironment(runner=TwinRunner(twin), run_dir=tmp_path)
    run = run_task(f"live/detection/{HOTEL}", env=env)
    assert run.outcome.task == f"live/detection/{HOTEL}"
    assert run.outcome.task_type == "detection" and run.outcome.submitted
    # the expert read the namespace the id named
    commands = [c["command"] for s in run.record.steps for c in s["commands"]]
    assert commands and all(HOTEL in c for c in commands if c.startswith("kubectl"))


def test_act_before_reset_is_an_error() -> None:
    env = LiveClusterEnvironment(context=CTX, runner=Transcript({}))
    with pytest.raises(EnvironmentStateError):
        env.act(Action.exec_shell("kubectl get pods"))


# --- exec_shell -----------------------------------------------------------------------------


def test_pipes_run_in_process_after_one_argv(
    hotel: tuple[LiveClusterEnvironment, TwinRunner, Twin],
) -> None:
    env, runner, _ = hotel
    obs = shell(env, f"kubectl get pods -n {HOTEL} | grep geo | awk '{{print $3}}'")
    assert obs.verdict == "ok"
    assert "CrashLoopBackOff" in obs.text or "Error" in obs.text
    assert runner.calls[-1] == ["kubectl", "--context", CTX, "get", "pods", "-n", HOTEL]
    count = shell(env, f"kubectl get deployments -n {HOTEL} -o json | jq '.items | length'")
    assert int(count.text) == len(env.view().objects("Deployment", HOTEL))


def test_failed_command_reads_like_aiopslab(
    hotel: tuple[LiveClusterEnvironment, TwinRunner, Twin],
) -> None:
    env, _, _ = hotel
    obs = shell(env, f"kubectl get pod nosuch -n {HOTEL}")
    assert obs.text.startswith("[ERROR] Command execution failed: ")
    assert "NotFound" in obs.text
    assert obs.verdict == "error" and obs.exit_code != 0
    silent = shell(env, f"kubectl get pods -n {HOTEL} | grep no-such-pod")
    assert silent.text.startswith("[ERROR] Command execution failed: ")
    assert "grep exits 1" in silent.text


def test_compound_reads_run_as_argv_lists_through_the_gate(
    hotel: tuple[LiveClusterEnvironment, TwinRunner, Twin],
) -> None:
    env, runner, _ = hotel
    probe = Gate(env.run_command).channel(Role.PROBE)
    # a quoted `;` is an argument: one kubectl call, never two
    quoted = f"kubectl get pods -n {HOTEL} ';' kubectl delete deployment geo -n {HOTEL}"
    probe.run(quoted)
    assert runner.calls[-1][3:] == [
        "get",
        "pods",
        "-n",
        HOTEL,
        ";",
        "kubectl",
        "delete",
        "deployment",
        "geo",
        "-n",
        HOTEL,
    ]
    before = len(runner.calls)
    result = probe.run(
        f"for d in $(kubectl get deploy -n {HOTEL} -o name | head -2); do kubectl get $d -n {HOTEL}; done"
    )
    assert result.exit_code == 0, result.output
    calls = [c[3:] for c in runner.calls[before:]]
    assert calls[0] == ["get", "deploy", "-n", HOTEL, "-o", "name"]
    assert len(calls) == 3 and all(
        c[0] == "get" and c[1].startswith("deployment") for c in calls[1:]
    )
    # a word expanded at run time is judged as the command it becomes
    scoped = Gate(env.run_command, policy=Policy.load(namespaces=[HOTEL])).channel(Role.PROBE)
    before = len(runner.calls)
    refused = scoped.run(
        f"kubectl get pods -n {HOTEL} >/dev/null; x=kube-system; kubectl get pods -n $x"
    )
    assert refused.exit_code == REFUSED_EXIT and "outside this run's scope" in refused.output
    assert all("kube-system" not in c for c in runner.calls[before:])


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (f"kubectl edit svc geo -n {HOTEL}", "Cannot use `kubectl edit`"),
        (f"kubectl -n {HOTEL} edit deployment geo", "Cannot use `kubectl edit`"),
        ("kubectl port-forward svc/frontend 5000:5000", "Cannot use `kubectl port-forward`"),
        (f"kubectl logs -f geo -n {HOTEL}", "Cannot use `kubectl logs -f`"),
        (f"kubectl logs geo-abc -n {HOTEL} --follow", "Cannot use `kubectl logs -f`"),
        ("kubectl get pods --context other", "pinned to the kube context 'kind-aoi'"),
        ("kubectl --context=other get pods", "pinned to the kube context"),
        ("kubectl get pods --kubeconfig /tmp/other", "`--kubeconfig` is not allowed"),
        ("kubectl -s https://10.0.0.1:6443 get pods", "`-s` is not allowed"),
        ("kubectl get pods --server=https://evil", "`--server` is not allowed"),
        ("kubectl get pods --as system:admin", "`--as` is not allowed"),
        ("helm list --kube-context other", "`--kube-context` is not allowed"),
        ("kubectl get pods; rm -rf /", "`rm -rf /`: `rm` is not available"),
        ("kubectl get pods && rm -rf /", "`rm` is not available"),
        ("kubectl get pods $(whoami)", "not available"),
        ("kubectl get pods > /tmp/out", "redirection"),
        ("kubectl get pods | sed s/a/b/", "`sed` is not available"),
        ("curl http://example.com", "`curl` is not available"),
        ("/usr/bin/kubectl get pods", "by name"),
        (f"kubectl exec -it geo -n {HOTEL} -- sh", "TTY"),
        ("kubectl config use-context other", "changes identity"),
        (f"kubectl get pods -n {HOTEL} -w", "never ends"),
    ],
)
def test_refused_commands_never_reach_the_runner(
    hotel: tuple[LiveClusterEnvironment, TwinRunner, Twin], command: str, expected: str
) -> None:
    env, runner, _ = hotel
    before = len(runner.calls)
    obs = shell(env, command)
    assert expected in obs.text
    assert obs.verdict == "refused" and obs.exit_code == REFUSED_EXIT
    assert len(runner.calls) == before


def test_other_programs_run_only_when_the_policy_names_them(tmp_path: Path) -> None:
    policy = Policy.default().merged({"read_commands": ["kubectl-neat"]})
    recorded = {("kubectl-neat", "--version"): ProcessResult("kubectl-neat 2.0\n")}
    env = LiveClusterEnvironment(
        context=CTX, runner=Transcript(recorded), policy=policy, run_dir=tmp_path
    )
    env.reset("live/detection/shop")
    assert shell(env, "kubectl-neat --version").text == "kubectl-neat 2.0\n"
    plain = LiveClusterEnvironment(context=CTX, runner=Transcript(recorded), run_dir=tmp_path)
    plain.reset("live/detection/shop")
    assert shell(plain, "kubectl-neat --version").verdict == "refused"


def test_a_timeout_comes_back_as_an_error_not_an_exception(tmp_path: Path) -> None:
    def raising(argv: list[str], timeout: float, max_bytes: int) -> ProcessResult:
        raise subprocess.TimeoutExpired(argv, timeout)

    def raising_builtin(argv: list[str], timeout: float, max_bytes: int) -> ProcessResult:
        raise TimeoutError

    def returning(argv: list[str], timeout: float, max_bytes: int) -> ProcessResult:
        return ProcessResult(
            "partial\n",
            "kubectl: timed out after 2 s and was killed\n",
            TIMEOUT_EXIT,
            timed_out=True,
        )

    for runner in (raising, raising_builtin, returning):
        env = LiveClusterEnvironment(context=CTX, runner=runner, run_dir=tmp_path, timeout_s=2)
        env.reset("live/detection/shop")
        obs = shell(env, "kubectl get events -A | grep Warning")
        assert obs.text.startswith("[ERROR] Command execution failed: ")
        assert "timed out after 2 s" in obs.text and obs.exit_code == TIMEOUT_EXIT
        assert obs.verdict == "error"


def test_agent_timeout_argument_reaches_the_runner(tmp_path: Path) -> None:
    limits: list[float] = []

    def runner(argv: list[str], timeout: float, max_bytes: int) -> ProcessResult:
        limits.append(timeout)
        return ProcessResult("ok\n")

    env = LiveClusterEnvironment(context=CTX, runner=runner, run_dir=tmp_path, timeout_s=30)
    env.reset("live/detection/shop")
    env.act(Action(api="exec_shell", args=("kubectl get pods", 90)))
    env.act(Action.exec_shell("kubectl get pods"))
    env.act(Action(api="exec_shell", args=("kubectl get pods", 100000)))
    assert limits == [90.0, 30.0, 600.0]


def test_output_is_capped_and_marked(tmp_path: Path) -> None:
    twin = Twin.fresh("hotel-reservation", 0)
    env = LiveClusterEnvironment(
        context=CTX, runner=TwinRunner(twin), run_dir=tmp_path, max_output_bytes=300
    )
    env.reset("noop_detection_hotel_reservation-1")
    obs = shell(env, f"kubectl get pods -n {HOTEL} -o wide")
    assert obs.truncated
    assert "[output truncated" in obs.text and "300 bytes" in obs.text
    assert len(obs.text.split("\n[output truncated")[0].encode()) <= 300


def test_secrets_are_redacted(tmp_path: Path) -> None:
    twin = Twin.fresh("social-network", 0)
    env = LiveClusterEnvironment(context=CTX, runner=TwinRunner(twin), run_dir=tmp_path)
    env.reset("noop_detection_social_network-1")
    raw = twin.run(f"kubectl get secret mongodb-tls -n {SOCIAL} -o yaml").stdout
    obs = shell(env, f"kubectl get secret mongodb-tls -n {SOCIAL} -o yaml")
    assert "kind: Secret" in obs.text and "****" in obs.text
    values = [
        line.split(":", 1)[1].strip() for line in raw.splitlines() if line.startswith("  tls")
    ]
    assert values and not any(v in obs.text for v in values if len(v) > 8)


# --- get_logs -------------------------------------------------------------------------------


def test_get_logs_finds_the_pod_by_the_apps_label(
    hotel: tuple[LiveClusterEnvironment, TwinRunner, Twin],
) -> None:
    env, runner, _ = hotel
    obs = env.act('```\nget_logs("test-hotel-reservation", "geo")\n```')
    assert "not authorized" in obs.text
    lookup = ["get", "pods", "-n", HOTEL, "-l", "io.kompose.service=geo", "-o", "json"]
    assert ["kubectl", "--context", CTX, *lookup] in runner.calls
    assert runner.calls[-1][:4] == ["kubectl", "--context", CTX, "logs"]


def test_get_logs_unknown_service_or_namespace(
    hotel: tuple[LiveClusterEnvironment, TwinRunner, Twin],
) -> None:
    env, _, _ = hotel
    assert env.act('```\nget_logs("test-hotel-reservation", "nosuch")\n```').text == NOT_FOUND
    assert env.act('```\nget_logs("nowhere", "geo")\n```').text == NOT_FOUND


def test_get_logs_folds_repeated_lines_and_tries_each_label_elsewhere(tmp_path: Path) -> None:
    pods = {"items": [{"metadata": {"name": "api-7d9-x1"}}]}
    base = ("kubectl", "--context", CTX)
    recorded = {
        (*base, "get", "pods", "-n", "shop", "-l", "app=api", "-o", "json"): ProcessResult(
            '{"items": []}'
        ),
        (*base, "get", "pods", "-n", "shop", "-l", "app.kubernetes.io/name=api", "-o", "json"): (
            ProcessResult(json.dumps(pods))
        ),
        (*base, "logs", "api-7d9-x1", "-n", "shop"): ProcessResult(
            "start\nretrying\nretrying\nretrying\nconnect postgres://app:hunter22@db:5432/app\n"
        ),
    }
    env = LiveClusterEnvironment(context=CTX, runner=Transcript(recorded), run_dir=tmp_path)
    env.reset("live/localization/shop")
    text = env.act('```\nget_logs("shop", "api")\n```').text
    assert text.count("retrying") == 1
    assert "hunter22" not in text and "postgres://app:****@db" in text


# --- telemetry without URLs ---------------------------------------------------------------


def test_metrics_and_traces_say_what_to_configure(
    hotel: tuple[LiveClusterEnvironment, TwinRunner, Twin],
) -> None:
    env, _, _ = hotel
    metrics = env.act('```\nget_metrics("test-hotel-reservation", 5)\n```')
    traces = env.act('```\nget_traces("test-hotel-reservation", 5)\n```')
    assert "prometheus_url=" in metrics.text and metrics.verdict == "error"
    assert "jaeger_url=" in traces.text and traces.verdict == "error"


def test_read_metrics_stays_inside_the_run_folder(
    hotel: tuple[LiveClusterEnvironment, TwinRunner, Twin], tmp_path: Path
) -> None:
    env, _, _ = hotel
    outside = tmp_path.parent / "kubeconfig.csv"
    outside.write_text("user,token\nadmin,s3cret\n")
    for path in (str(outside), "../kubeconfig.csv", "/etc/passwd"):
        obs = env.act(Action(api="read_metrics", args=(path,)))
        # never opened: answered as AIOpsLab answers for a file it does not have
        assert obs.text == f"error: Metrics file '{path}' not found."


# --- scoring ----------------------------------------------------------------------------------


def test_localization_is_scored_from_the_submission(
    hotel: tuple[LiveClusterEnvironment, TwinRunner, Twin],
) -> None:
    env, _, _ = hotel
    env.act('```\nsubmit(["mongodb-geo"])\n```')
    outcome = env.evaluate()
    assert outcome.success and outcome.submitted
    assert outcome.results["TTL"] == outcome.seconds_to_submit
    assert env.act(Action.exec_shell("kubectl get pods")).text.startswith("The task has already")


def test_mitigation_is_scored_through_kubectl_json(tmp_path: Path) -> None:
    task = get_task("scale_pod_zero_social_net-mitigation-1")
    twin = Twin.fresh("social-network", 0)
    inject(twin, task)
    runner = TwinRunner(twin)
    env = LiveClusterEnvironment(context=CTX, runner=runner, run_dir=tmp_path)
    env.reset(task.id)
    before = env.evaluate()
    assert not before.success
    assert any("user-service" in p for p in before.problems)
    assert ["kubectl", "--context", CTX, "get", "pods", "-n", SOCIAL, "-o", "json"] in runner.calls
    assert [
        "kubectl",
        "--context",
        CTX,
        "get",
        "deployments",
        "-n",
        SOCIAL,
        "-o",
        "json",
    ] in runner.calls

    fixed = shell(env, f"kubectl scale deployment user-service --replicas=1 -n {SOCIAL}")
    assert fixed.verdict == "ok", fixed.text
    twin.tick(120)
    env.act("```\nsubmit()\n```")
    after = env.evaluate()
    assert after.success, after.problems
    assert "TTM" in after.results


def test_an_unreadable_cluster_fails_the_mitigation_with_the_reason(tmp_path: Path) -> None:
    env = LiveClusterEnvironment(context=CTX, runner=Transcript({}), run_dir=tmp_path)
    env.reset("scale_pod_zero_social_net-mitigation-1")
    env.act("```\nsubmit()\n```")
    outcome = env.evaluate()
    assert not outcome.success
    assert "could not read the cluster" in outcome.reason


# --- free-form live incidents, from a recorded transcript ------------------------------------


def _pod(name: str, ready: bool, waiting: str | None = None) -> dict[str, object]:
    state = {"waiting": {"reason": waiting}} if waiting else {"running": {}}
    return {
        "metadata": {"name": name},
        "status": {
            "phase": "Running",
            "containerStatuses": [{"name": "app", "ready": ready, "state": state}],
        },
    }


def test_free_form_incident_problem_and_unscored_answer(tmp_path: Path) -> None:
    base = ("kubectl", "--context", CTX)
    recorded = {
        (*base, "get", "pods", "-n", "payments"): ProcessResult(
            "NAME         READY   STATUS             RESTARTS   AGE\n"
            "api-7d9-x1   0/1     CrashLoopBackOff   7          12m\n"
        ),
    }
    runner = Transcript(recorded)
    env = LiveClusterEnvironment(context=CTX, runner=runner, run_dir=tmp_path)
    problem = env.reset("live/detection/payments")
    assert "payments" in problem.description
    assert "kubectl get pods -n payments" in problem.instructions
    assert problem.apis[-1].name == "submit"
    assert "CrashLoopBackOff" in shell(env, "kubectl get pods -n payments | grep api").text
    env.act('```\nsubmit("Yes")\n```')
    outcome = env.evaluate()
    assert outcome.submitted and outcome.submission == "Yes"
    assert not outcome.success and "no ground truth" in outcome.reason
    assert outcome.task == "live/detection/payments"


def test_free_form_mitigation_is_the_health_of_the_namespace(tmp_path: Path) -> None:
    key = ("kubectl", "--context", CTX, "get", "pods", "-n", "payments", "-o", "json")
    sick = {"items": [_pod("api-1", False, "CrashLoopBackOff"), _pod("db-0", True)]}
    well = {"items": [_pod("api-2", True), _pod("db-0", True)]}
    for items, success in ((sick, False), (well, True)):
        runner = Transcript({key: ProcessResult(json.dumps(items))})
        env = LiveClusterEnvironment(context=CTX, runner=runner, run_dir=tmp_path)
        env.reset("live/mitigation/payments")
        env.act("```\nsubmit()\n```")
        outcome = env.evaluate()
        assert outcome.success is success
        if not success:
            assert "CrashLoopBackOff" in outcome.reason


@pytest.mark.parametrize(
    "task_id", ["live/repair/shop", "live/detection/Bad_NS", "live/detection", "live/a/b/c"]
)
def test_bad_live_task_ids(task_id: str) -> None:
    env = LiveClusterEnvironment(context=CTX, runner=Transcript({}))
    with pytest.raises(LiveClusterError):
        env.reset(task_id)


def test_live_task_without_namespace_uses_the_configured_one() -> None:
    env = LiveClusterEnvironment(context=CTX, namespace="payments", runner=Transcript({}))
    assert "payments" in env.reset("live/analysis").description


def test_namespace_scope_applies_to_every_api(tmp_path: Path) -> None:
    policy = Policy.default().scoped(["payments"])
    env = LiveClusterEnvironment(
        context=CTX, runner=Transcript({}), run_dir=tmp_path, policy=policy
    )
    env.reset("live/detection/payments")
    for call in (
        'get_logs("kube-system", "coredns")',
        'get_metrics("kube-system")',
        'exec_shell("kubectl get secrets -n kube-system")',
    ):
        obs = env.act(f"```\n{call}\n```")
        assert obs.verdict == "refused", call
        assert "scope" in obs.text


def test_get_logs_in_a_moved_namespace_uses_the_tasks_label(tmp_path: Path) -> None:
    base = ("kubectl", "--context", CTX)
    pods = {"items": [{"metadata": {"name": "geo-1"}}]}
    recorded = {
        (*base, "get", "pods", "-n", "hotel", "-l", "io.kompose.service=geo", "-o", "json"): (
            ProcessResult(json.dumps(pods))
        ),
        (*base, "logs", "geo-1", "-n", "hotel"): ProcessResult("ready\n"),
    }
    env = LiveClusterEnvironment(
        context=CTX, namespace="hotel", runner=Transcript(recorded), run_dir=tmp_path
    )
    env.reset("revoke_auth_mongodb-localization-1")
    assert env.act('```\nget_logs("hotel", "geo")\n```').text == "ready\n"


def test_the_gate_runs_agents_commands_through_the_live_environment(
    hotel: tuple[LiveClusterEnvironment, TwinRunner, Twin],
) -> None:
    env, runner, _ = hotel
    probe = Gate(env.run_command).channel(Role.PROBE)
    before = len(runner.calls)
    refused = probe.run(f"kubectl delete pod geo -n {HOTEL}")
    assert refused.exit_code == REFUSED_EXIT and len(runner.calls) == before
    read = probe.run(f"kubectl get pods -n {HOTEL} | grep geo")
    assert read.exit_code == 0 and "geo-" in read.output
    assert runner.calls[-1] == ["kubectl", "--context", CTX, "get", "pods", "-n", HOTEL]
