"""A live cluster from the command line: `aoi run --env live`, `aoi diagnose`, `aoi live rbac`.

The kube context is pinned for the whole run (named, or the current one read
once); the namespaces given confine every command; writes on a live cluster
need approval (`ask` by default: the command and the reason are shown first).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from aoi.agents import AgentSpec, RuntimeConfig
from aoi.agents.run import build_runtime
from aoi.agents.runtime import RunRecord, StepCallback
from aoi.catalog import TaskType, UnknownTaskError, get_task
from aoi.cli.common import fail
from aoi.envs.base import Outcome
from aoi.envs.runner import ProcessRunner

#: Replaces the subprocess runner (tests run the twin behind it).
RUNNER: ProcessRunner | None = None

APPROVALS = ("ask", "deny", "auto")
TASK_TYPES = tuple(t.value for t in TaskType)

app = typer.Typer(
    help="Work with a live cluster: the read-only identity AOI's Probe should run under.",
    no_args_is_help=True,
    add_completion=False,
)

ContextOption = Annotated[
    str | None,
    typer.Option("--context", help="Kube context (default: the current one, read once, pinned)."),
]
NamespaceOption = Annotated[
    list[str] | None,
    typer.Option(
        "--namespace", "-n", help="Namespace to work in (repeatable; the first is the incident's)."
    ),
]
PrometheusOption = Annotated[
    str | None, typer.Option("--prometheus-url", help="Prometheus, for get_metrics.")
]
JaegerOption = Annotated[
    str | None, typer.Option("--jaeger-url", help="Jaeger query, for get_traces.")
]


@app.callback()
def _group() -> None:
    """Work with a live cluster."""


@dataclass
class LiveRun:
    task: str
    record: RunRecord
    outcome: Outcome
    seconds: float
    context: str


def live_task(
    text: str, namespaces: list[str], task_type: str
) -> tuple[str, str | None, list[str]]:
    """(task id for the environment, free-text problem or None, namespaces) from the argument."""
    if text.startswith("live/"):
        return text, None, namespaces
    try:
        task = get_task(text)
    except UnknownTaskError:
        if not namespaces:
            fail("a free-text problem needs --namespace N (where the incident is)")
        if task_type not in TASK_TYPES:
            fail(f"unknown --task-type {task_type!r}; choose one of: {', '.join(TASK_TYPES)}")
        return f"live/{task_type}/{namespaces[0]}", text, namespaces
    return task.id, None, namespaces or [task.namespace]


def run_live(
    text: str,
    *,
    spec: AgentSpec,
    context: str | None,
    namespaces: list[str],
    approval: str,
    task_type: str,
    max_iterations: int,
    prometheus_url: str | None,
    jaeger_url: str | None,
    audit_path: Path | None = None,
    on_step: StepCallback | None = None,
    read_only: bool = False,
) -> LiveRun:
    """One task on the live cluster; raises typer.Exit with one line on bad input."""
    from aoi.envs.live import LiveClusterEnvironment
    from aoi.envs.live_tasks import LiveClusterError
    from aoi.gate import Policy, PolicyError

    if approval not in APPROVALS:
        fail(f"unknown --approval {approval!r}; choose one of: {', '.join(APPROVALS)}")
    task_id, free_text, namespaces = live_task(text, namespaces, task_type)
    try:
        policy = Policy.load(None, namespaces=namespaces)
        # the scope is given once, to the runtime: its gate applies it to every
        # command and API read and tells the environment which secrets to learn
        env = LiveClusterEnvironment(
            context=context,
            namespace=namespaces[0],
            runner=RUNNER,
            prometheus_url=prometheus_url,
            jaeger_url=jaeger_url,
        )
    except (LiveClusterError, PolicyError) as exc:
        fail(str(exc))
    config = RuntimeConfig(
        max_iterations=max_iterations,
        approval="deny" if read_only else approval,
        policy=policy,
        audit_path=audit_path,
    )
    runtime = build_runtime(spec, config)
    started = time.perf_counter()
    try:
        try:
            problem = env.reset(task_id)
        except LiveClusterError as exc:
            fail(str(exc))
        if free_text:
            problem = problem.model_copy(
                update={"description": f"An SRE reports: {free_text}\n\n{problem.description}"}
            )
        record = runtime.run(
            env,
            problem,
            task_type=problem.task_type.value,
            namespace=problem.namespace,
            on_step=on_step,
        )
        outcome = env.evaluate()
    finally:
        env.close()
    return LiveRun(task_id, record, outcome, time.perf_counter() - started, env.context)


def diagnosis_report(run: LiveRun, namespaces: list[str]) -> str:
    """What a read-only investigation found, as Markdown."""
    last = next((s["decision"] for s in reversed(run.record.steps) if s.get("decision")), None)
    analysis = (last or {}).get("root_cause_analysis") or "(no analysis was given)"
    lines = [
        f"# Diagnosis of {', '.join(namespaces)} (context {run.context})",
        "",
        f"- answer: {run.record.submission or '(none)'} ({run.record.ended_by or 'not ended'})",
        f"- root cause analysis: {analysis}",
        f"- steps: {len(run.record.steps)}, seconds: {run.seconds:.1f}",
    ]
    if run.record.error:
        lines.append(f"- error: {run.record.error}")
    lines += ["", "## What was read", ""]
    for step in run.record.steps:
        for cmd in step.get("commands", []):
            first = next((t.strip() for t in cmd["output_raw"].splitlines() if t.strip()), "")
            lines.append(f"- `{cmd['command']}` (exit {cmd['exit_code']}): {first[:160]}")
    return "\n".join(lines) + "\n"


def _rules(read_secrets: bool, exec_reads: bool) -> list[dict[str, Any]]:
    core = ["pods", "pods/log", "services", "endpoints", "events", "namespaces", "nodes"]
    core += ["configmaps", "persistentvolumeclaims", "persistentvolumes", "serviceaccounts"]
    if read_secrets:
        core.append("secrets")

    def read() -> list[str]:  # a fresh list each time: no YAML anchors in the output
        return ["get", "list", "watch"]

    rules: list[dict[str, Any]] = [
        {"apiGroups": [""], "resources": core, "verbs": read()},
        {
            "apiGroups": ["apps"],
            "resources": ["deployments", "replicasets", "statefulsets", "daemonsets"],
            "verbs": read(),
        },
        {"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": read()},
        {
            "apiGroups": ["networking.k8s.io"],
            "resources": ["networkpolicies", "ingresses"],
            "verbs": read(),
        },
        {"apiGroups": ["metrics.k8s.io"], "resources": ["pods", "nodes"], "verbs": read()},
    ]
    if exec_reads:
        rules.append({"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]})
    return rules


@app.command("rbac")
def rbac(
    name: Annotated[
        str, typer.Option("--name", help="Name of the ServiceAccount and role.")
    ] = "aoi-probe",
    namespace: Annotated[
        str, typer.Option("--namespace", "-n", help="Namespace of the ServiceAccount.")
    ] = "aoi-system",
    server: Annotated[
        str, typer.Option("--server", help="API server URL for the kubeconfig.")
    ] = "https://KUBERNETES-API:6443",
    exec_reads: Annotated[
        bool,
        typer.Option(
            "--exec-reads/--no-exec-reads",
            help="Also allow kubectl exec (env, cat, mongo reads in containers); exec can run "
            "anything in a container, so it is off by default.",
        ),
    ] = False,
    kubeconfig_only: Annotated[
        bool, typer.Option("--kubeconfig", help="Print only the kubeconfig (to save and fill in).")
    ] = False,
) -> None:
    """Print the ServiceAccount, ClusterRole, binding and kubeconfig of a read-only Probe.

    The role reads what the Probe reads, never Secrets: on a live cluster masking is
    then a second line of defence, not the only one. Apply with `kubectl apply -f -`,
    then fill the kubeconfig's token with `kubectl create token NAME -n NAMESPACE`.
    """
    context = f"{name}@live"
    documents: list[dict[str, Any]] = [
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": name, "namespace": namespace},
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": name},
            "rules": _rules(read_secrets=False, exec_reads=exec_reads),
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": {"name": name},
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "ClusterRole",
                "name": name,
            },
            "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": namespace}],
        },
    ]
    kubeconfig = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": "live",
                "cluster": {
                    "server": server,
                    "certificate-authority": "/path/to/cluster-ca.crt",
                },
            }
        ],
        "users": [{"name": name, "user": {"token": "TOKEN-FROM-kubectl-create-token"}}],
        "contexts": [{"name": context, "context": {"cluster": "live", "user": name}}],
        "current-context": context,
    }
    if kubeconfig_only:
        typer.echo(yaml.safe_dump(kubeconfig, sort_keys=False).rstrip())
        return
    typer.echo(
        f"# A read-only identity for AOI's Probe. Apply: kubectl create namespace {namespace}; "
    )
    typer.echo("#   aoi live rbac | kubectl apply -f -")
    typer.echo(yaml.safe_dump_all(documents, sort_keys=False).rstrip())
    typer.echo(f"# Its token: kubectl create token {name} -n {namespace} --duration 8h")
    typer.echo("# Its kubeconfig (aoi live rbac --kubeconfig > aoi-probe.kubeconfig, fill in the")
    typer.echo(
        "# server, CA and token, then: KUBECONFIG=aoi-probe.kubeconfig aoi run --env live ...):"
    )
    for line in yaml.safe_dump(kubeconfig, sort_keys=False).splitlines():
        typer.echo(f"#   {line}")


def diagnose(
    problem: Annotated[
        str | None,
        typer.Argument(help="What the SRE sees, in words (optional).", show_default=False),
    ] = None,
    namespace: NamespaceOption = None,
    context: ContextOption = None,
    agent: Annotated[str, typer.Option("--agent", help="expert or aoi.")] = "expert",
    model: Annotated[str | None, typer.Option("--model", help="Model (for --agent aoi).")] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint.")
    ] = None,
    max_iterations: Annotated[int, typer.Option("--max-iterations", help="Iteration cap.")] = 10,
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write the report (Markdown) here.")
    ] = None,
    prometheus_url: PrometheusOption = None,
    jaeger_url: JaegerOption = None,
) -> None:
    """Investigate a namespace of a live cluster, read-only, and print a report.

    Nothing is written to the cluster: every write is denied, whatever the agent asks.
    """
    from aoi.cli.common import at_least, writable_file

    at_least("--max-iterations", max_iterations, 1)
    if not namespace:
        fail("aoi diagnose needs --namespace N (the namespace to investigate)")
    writable_file("--report", report)
    spec = AgentSpec(name=agent, model=model, base_url=base_url)
    text = problem or f"live/analysis/{namespace[0]}"
    run = run_live(
        text,
        spec=spec,
        context=context,
        namespaces=list(namespace),
        approval="deny",
        task_type="analysis",
        max_iterations=max_iterations,
        prometheus_url=prometheus_url,
        jaeger_url=jaeger_url,
        read_only=True,
    )
    page = diagnosis_report(run, list(namespace))
    typer.echo(page, nl=False)
    if report is not None:
        report.write_text(page)
        typer.echo(f"wrote {report}", err=True)
    if run.record.error:
        raise typer.Exit(1)
