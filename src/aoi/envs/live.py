"""LiveClusterEnvironment: the Environment contract over a real cluster, through kubectl.

A command line is the gate's command tree, evaluated in-process: every program
runs as an argv list (never a shell) through an injected `ProcessRunner`, with
a time-out, an output cap and the session's kube context pinned; pipes, lists,
loops and substitutions are evaluated here, and filters run in-process. Observations are
redacted before they are returned. Faults are not injected by default: an SRE
points this at a real incident, either as a catalog task (scored against its
truth) or as `live/<type>/<namespace>` (no truth; mitigation is scored by the
health of the namespace).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aoi import agent_api
from aoi.catalog import (
    Problem,
    Task,
    TaskType,
    get_task,
    pod_problems,
    render_problem,
    score,
)
from aoi.envs.base import EpisodeEnvironment, Observation, Outcome
from aoi.envs.jaeger import export_traces
from aoi.envs.kubeview import ClusterReadError, KubectlView
from aoi.envs.live_commands import prepare, program_argv
from aoi.envs.live_tasks import LIVE_PREFIX, LiveClusterError, live_problem, parse_live_id
from aoi.envs.prometheus import export_metrics
from aoi.envs.runner import TIMEOUT_EXIT, ProcessResult, ProcessRunner, subprocess_runner
from aoi.envs.telemetry import TelemetryError, fresh_folder, tree
from aoi.gate import REFUSED_EXIT, Judged, Policy, redact, secrets_in_objects
from aoi.shell.run import Abort, Shell
from aoi.shell.run import Limits as ShellLimits
from aoi.shell.run import Result as ShellResult
from aoi.shelltools import FILTERS, run_filter

NOT_FOUND = agent_api.NO_SERVICE
# Pod labels that name a service, by application namespace (AIOpsLab's get_logs rule).
POD_LABELS = {
    "test-hotel-reservation": "io.kompose.service",
    "test-social-network": "app",
    "astronomy-shop": "app.kubernetes.io/name",
}
# Reading the cluster for scoring needs whole JSON documents, whatever the agents' cap.
VIEW_MIN_BYTES = 64 * 1024 * 1024
MAX_TIMEOUT_S = 600.0
__all__ = [
    "ClusterReadError",
    "KubectlView",
    "LiveClusterEnvironment",
    "LiveClusterError",
]

Injector = Callable[[Task, "LiveClusterEnvironment"], None]


class LiveClusterEnvironment(EpisodeEnvironment):
    """Tasks on a real cluster: kubectl and helm as argv lists, the kube context pinned.

    `context` is the kube context every command runs in (default: the current one,
    read once here); `namespace` overrides the task's application namespace.
    `runner` runs one argv (default: a subprocess with kubectl or helm found on
    PATH). Set `prometheus_url` / `jaeger_url` to enable get_metrics / get_traces.
    `inject=True` needs an `injector(task, env)`: by default nothing is injected.
    `policy` is for direct `act` calls only: its read_commands may allow programs
    beyond kubectl and helm and its namespace scope applies to every API. Through
    the AOI runtime the scope is given once, to the runtime: a command the gate
    accepted brings the gate's policy with it, and the Probe's API reads are
    scoped by the gate (`aoi.envs.ProbeTools`).

    Safety: `act(exec_shell)` here refuses only what no role may run (FORBIDDEN);
    it does NOT apply the Executor's allow-list or approvals. Agents must reach a
    live cluster through a `Gate` whose runner is `env.run_command` (the AOI
    runtime always does): it runs the tree the gate judged and checks every
    command expanded at run time; call `act` directly only with commands you trust.
    """

    run_dir_prefix = "aoi-live-"
    # a real cluster moves on its own: the same seed gives the same problem, not the same reads
    replayable = False

    def __init__(
        self,
        *,
        context: str | None = None,
        namespace: str | None = None,
        runner: ProcessRunner | None = None,
        prometheus_url: str | None = None,
        jaeger_url: str | None = None,
        run_dir: str | Path | None = None,
        timeout_s: float = 30.0,
        max_output_bytes: int = 1_000_000,
        inject: bool = False,
        injector: Injector | None = None,
        policy: Policy | None = None,
        settle_s: float = 0.0,
    ) -> None:
        if inject and injector is None:
            raise LiveClusterError(
                "inject=True needs an injector(task, env): AOI does not inject faults into a live "
                "cluster on its own; inject the fault first (or run inside AIOpsLab) and keep inject=False"
            )
        super().__init__(run_dir)
        self.runner: ProcessRunner = runner or subprocess_runner
        self.timeout_s = float(timeout_s)
        self.max_output_bytes = int(max_output_bytes)
        self.context = context if context is not None else self._current_context()
        if not self.context or self.context.startswith("-"):
            raise LiveClusterError(f"{self.context!r} is not a kube context name")
        self.namespace = namespace
        self.prometheus_url = prometheus_url
        self.jaeger_url = jaeger_url
        self.inject = inject
        self.injector = injector
        self.policy = policy
        # Wall seconds to wait after a mitigation submit before reading the cluster.
        self.settle_s = settle_s
        self.task: Task | None = None
        self.task_id: str | None = None
        self.task_type: TaskType | None = None
        self.namespace_in_use = namespace or ""

    # --- what a live cluster supplies ----------------------------------------------------
    def _begin(self, task_id: str, seed: int) -> Problem:
        """Select the task (nothing is injected unless inject=True) and return its problem.

        `seed` is accepted for the contract and unused: a live cluster is not replayable.
        """
        if task_id.startswith(LIVE_PREFIX):
            task, task_type, namespace = None, *parse_live_id(task_id, self.namespace)
            problem = live_problem(task_type, namespace, task_id)
        else:
            task = get_task(task_id)
            if self.namespace and self.namespace != task.namespace:
                task = task.model_copy(update={"namespace": self.namespace})
            task_type, namespace = task.type, task.namespace
            problem = render_problem(task)
        if self.inject:
            if task is None:
                raise LiveClusterError(f"{task_id} names no fault to inject; use inject=False")
            assert self.injector is not None
            self.injector(task, self)
        self.task, self.task_id, self.task_type = task, task_id, task_type
        self.namespace_in_use = namespace
        return problem

    def _grade(self, outcome: Outcome) -> None:
        task_type = self._require().task_type
        if task_type is TaskType.MITIGATION and self.settle_s > 0:
            time.sleep(self.settle_s)
        view = self.view()
        try:
            if self.task is None:
                self._score_free_form(outcome, task_type, view)
            else:
                grade = score(self.task, self._submission, view)
                outcome.success, outcome.reason = grade.success, grade.reason
                outcome.results, outcome.problems = dict(grade.results), list(grade.problems)
        except ClusterReadError as exc:
            outcome.reason = f"could not read the cluster to score the mitigation: {exc}"
            outcome.problems = [str(exc)]

    def _mask(self, text: str) -> str:
        return redact(text)[0]

    def secret_values(self, namespaces: Iterable[str] = ()) -> set[str]:
        """Secret values in the namespaces of this run, read with this session's own identity.

        The namespaces are the task's, those given (the runtime passes its gate's
        scope) and those of a `policy` given to this environment.

        Secrets, ConfigMaps and workloads are read so that their credentials are
        masked by value in everything the agents see or the run stores. Where the
        identity may not read Secrets (the recommended read-only Probe identity
        of `aoi live rbac`), only what it may read is learned.
        """
        scope = set(namespaces)
        if self.policy is not None:
            scope |= set(self.policy.namespaces or ())
        if self.namespace_in_use:
            scope.add(self.namespace_in_use)
        found: set[str] = set()
        for namespace in sorted(scope):
            for kinds in ("secrets", "configmaps", "deployments,statefulsets,daemonsets,pods"):
                result = self.kubectl(["get", kinds, "-n", namespace, "-o", "json"])
                if result.exit_code != 0 or result.timed_out:
                    continue
                try:
                    items = json.loads(result.stdout).get("items") or []
                except (ValueError, AttributeError):
                    continue
                found |= secrets_in_objects(i for i in items if isinstance(i, dict))
        return found

    # --- what callers may use ---------------------------------------------------------
    def view(self) -> KubectlView:
        """The cluster as scoring reads it, through kubectl with the pinned context."""
        cap = max(self.max_output_bytes, VIEW_MIN_BYTES)
        return KubectlView(lambda args: self.kubectl(args, max_bytes=cap))

    def kubectl(
        self, args: list[str], *, timeout: float | None = None, max_bytes: int | None = None
    ) -> ProcessResult:
        """Run kubectl with the pinned context (not for agents: no checks, no redaction)."""
        return self._run(["kubectl", "--context", self.context, *args], timeout, max_bytes)

    # --- the APIs -----------------------------------------------------------------------
    def _exec_shell(self, command: str | Judged, timeout: Any = None) -> Observation:
        # a tree from the gate brings the run's policy; a direct call uses this environment's
        policy = command.policy if isinstance(command, Judged) else self.policy
        prepared = prepare(command, self.context, policy)
        if isinstance(prepared, str):
            return Observation(text=prepared, exit_code=REFUSED_EXIT, verdict="refused")
        limit = self.timeout_s
        if isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout > 0:
            limit = min(float(timeout), MAX_TIMEOUT_S)
        truncated = timed_out = False

        def program(argv: list[str], stdin: str) -> ShellResult:
            nonlocal truncated, timed_out
            if argv[0] in FILTERS:
                filtered = run_filter(argv, stdin)
                return ShellResult(filtered.stdout, filtered.stderr, filtered.exit_code)
            if argv[0] == "date":
                now = datetime.now(UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
                return ShellResult(now + "\n")
            full = program_argv(argv, self.context, policy)
            if isinstance(full, str):
                return ShellResult("", full + "\n", REFUSED_EXIT)
            result = self._run(full, limit, None)
            truncated = truncated or result.truncated
            if result.timed_out:
                timed_out = True
                raise Abort(result.stderr, result.exit_code)
            return ShellResult(result.stdout, result.stderr, result.exit_code)

        shell = Shell(
            program, check=prepared.check, sleep=time.sleep, limits=ShellLimits(max_sleep_s=limit)
        )
        ran = shell.run(prepared.tree)
        stdout, errors, code = ran.stdout, ran.stderr, ran.code
        if timed_out or code != 0:
            last = shell.ran[-1:] or prepared.stages[-1:]
            detail = errors.strip() or stdout.strip() or _silent_failure(code, last)
            text = f"[ERROR] Command execution failed: {detail}"
        else:
            text = _join(stdout, errors)
        if truncated:
            text += (
                f"\n[output truncated: the command printed more than {self.max_output_bytes} bytes; "
                "narrow it with -n, -l, --tail or a filter]"
            )
        text, _ = redact(text, prepared.stages)
        return Observation(
            text=text,
            exit_code=code,
            truncated=truncated,
            verdict="ok" if code == 0 and not timed_out else "error",
        )

    def _get_logs(self, namespace: Any, service: Any) -> Observation:
        namespace, service = str(namespace), str(service)
        refused = self._out_of_scope(namespace)
        if refused is not None:
            return refused
        pod = self._pod_for(namespace, service)
        if pod is None:
            return Observation(text=NOT_FOUND, exit_code=1, verdict="error")
        result = self.kubectl(["logs", pod, "-n", namespace])
        if result.timed_out or result.exit_code != 0:
            detail = result.stderr.strip() or f"exit status {result.exit_code}"
            return Observation(
                text=f"{NOT_FOUND}\n{detail}", exit_code=result.exit_code or 1, verdict="error"
            )
        text = agent_api.dedupe(result.stdout)
        if result.truncated:
            text += f"\n[output truncated: the log is longer than {self.max_output_bytes} bytes]"
        text, _ = redact(text, [["kubectl", "logs", pod, "-n", namespace]])
        return Observation(text=text, truncated=result.truncated)

    def _get_metrics(self, namespace: Any, duration: Any = 5) -> Observation:
        namespace = str(namespace)
        refused = self._out_of_scope(namespace)
        if refused is not None:
            return refused
        if not self.prometheus_url:
            return _not_configured(
                "get_metrics", "Prometheus", "prometheus_url", "http://localhost:9090"
            )
        stamp = time.strftime("%Y%m%d_%H%M%S", time.gmtime())
        folder = fresh_folder(self.run_dir / "metrics_output" / f"metric_{stamp}")
        try:
            files = export_metrics(
                self.prometheus_url, namespace, _minutes(duration), folder, timeout=self.timeout_s
            )
        except TelemetryError as exc:
            return Observation(
                text=f"Error: could not read metrics from Prometheus: {exc}",
                exit_code=1,
                verdict="error",
            )
        text = (
            f"Metrics data exported to directory: {folder}\n\n"
            f"Folder structure of exported metrics:\n{tree(folder)}"
        )
        if not files:
            text += (
                f"(no container metrics for namespace {namespace} in the last {duration} minutes; "
                "check that Prometheus scrapes the kubelets' cAdvisor)\n"
            )
        return Observation(text=text)

    def _get_traces(self, namespace: Any, duration: Any = 5) -> Observation:
        namespace = str(namespace)
        refused = self._out_of_scope(namespace)
        if refused is not None:
            return refused
        if not self.jaeger_url:
            return _not_configured("get_traces", "Jaeger", "jaeger_url", "http://localhost:16686")
        folder = self.run_dir / "trace_output"
        folder.mkdir(parents=True, exist_ok=True)
        path = fresh_folder(folder / f"traces_{int(time.time())}.csv")
        try:
            count = export_traces(
                self.jaeger_url, namespace, _minutes(duration), path, timeout=self.timeout_s
            )
        except TelemetryError as exc:
            return Observation(
                text=f"Error: could not read traces from Jaeger: {exc}",
                exit_code=1,
                verdict="error",
            )
        note = "" if count else " (no spans in that window: is traffic reaching the application?)"
        return Observation(text=f"Traces data exported to: {path}{note}")

    # --- helpers ----------------------------------------------------------------------
    def _run(self, argv: list[str], timeout: float | None, max_bytes: int | None) -> ProcessResult:
        limit = self.timeout_s if timeout is None else timeout
        cap = self.max_output_bytes if max_bytes is None else max_bytes
        try:
            return self.runner(argv, limit, cap)
        except (TimeoutError, subprocess.TimeoutExpired):
            return ProcessResult(
                "",
                f"{argv[0]} timed out after {limit:g} s and was stopped; narrow the query "
                "(-n NAMESPACE, -l LABEL, --tail N) and try again\n",
                TIMEOUT_EXIT,
                timed_out=True,
            )
        except OSError as exc:
            return ProcessResult("", f"{argv[0]} could not be started: {exc}\n", 126)

    def _current_context(self) -> str:
        result = self._run(["kubectl", "config", "current-context"], None, 64 * 1024)
        name = result.stdout.strip()
        if result.exit_code != 0 or not name:
            detail = result.stderr.strip() or "no current context"
            raise LiveClusterError(
                f"cannot read the current kube context ({detail}); name one with context=..."
            )
        return name

    def _pod_for(self, namespace: str, service: str) -> str | None:
        if self.task is not None and namespace == self.task.namespace:
            labels = [self.task.pod_label]
        elif namespace in POD_LABELS:
            labels = [POD_LABELS[namespace]]
        else:
            # An unknown application: each of the three labelling conventions in turn.
            labels = list(dict.fromkeys(POD_LABELS.values()))
        for label in labels:
            result = self.kubectl(
                ["get", "pods", "-n", namespace, "-l", f"{label}={service}", "-o", "json"]
            )
            if result.timed_out or result.exit_code != 0:
                continue
            try:
                items = json.loads(result.stdout).get("items") or []
            except (ValueError, AttributeError):
                continue
            names = [i.get("metadata", {}).get("name") for i in items if isinstance(i, dict)]
            if names and names[0]:
                return str(names[0])
        return None

    def _out_of_scope(self, namespace: str) -> Observation | None:
        scope = self.policy.namespaces if self.policy is not None else None
        if scope is None or namespace in scope:
            return None
        allowed = ", ".join(sorted(scope))
        return Observation(
            text=f"Error: refused on the live cluster: namespace {namespace!r} is outside this run's scope ({allowed})",
            exit_code=REFUSED_EXIT,
            verdict="refused",
        )

    def _score_free_form(self, base: Outcome, task_type: TaskType, view: KubectlView) -> None:
        namespace = self.namespace_in_use
        if task_type is not TaskType.MITIGATION:
            base.reason = (
                "live incident: no ground truth to score against; the submission is recorded"
            )
            return
        problems = list(pod_problems(view.objects("Pod", namespace)))
        base.success = not problems
        base.results = {"success": base.success}
        base.problems = problems
        base.reason = f"namespace {namespace} healthy" if not problems else "; ".join(problems[:3])


def _join(stdout: str, stderr: str) -> str:
    if stdout and stderr:
        return (stdout if stdout.endswith("\n") else stdout + "\n") + stderr
    return stdout or stderr


def _silent_failure(code: int, filters: list[list[str]]) -> str:
    if filters and filters[-1][0] in ("grep", "egrep", "fgrep") and code == 1:
        return "exit status 1 with no output (grep exits 1 when no line matches)"
    return f"exit status {code} with no output"


def _minutes(duration: Any) -> float:
    try:
        value = float(duration)
    except (TypeError, ValueError):
        return 5.0
    return value if value > 0 else 5.0


def _not_configured(api: str, backend: str, option: str, example: str) -> Observation:
    return Observation(
        text=f"Error: {api} is not available: no {backend} URL is configured for this live cluster. "
        f"Start the environment with {option}={example!r} (for instance after port-forwarding the "
        f"{backend} service); meanwhile use exec_shell with kubectl (top, logs, describe, events).",
        exit_code=1,
        verdict="error",
    )
