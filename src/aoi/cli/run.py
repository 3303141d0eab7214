"""`aoi run`: one task, one agent, a live view of the steps, and the outcome."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console

from aoi.agents import AGENTS, AgentConfigError, AgentSpec, RuntimeConfig, run_task
from aoi.agents.run import TaskRun
from aoi.catalog import UnknownTaskError, get_task
from aoi.cli.common import FAILED, LLMRetriesOption, LLMTimeoutOption, at_least, fail
from aoi.cli.live import (
    ContextOption,
    JaegerOption,
    NamespaceOption,
    PrometheusOption,
    run_live,
)
from aoi.cli.tasks import unknown_task
from aoi.errors import AOIError


def run(
    task_id: Annotated[
        str,
        typer.Argument(
            help="Task id, e.g. revoke_auth_mongodb-mitigation-1 or k8s_target_port-misconfig/compose-post-service/localization; "
            "with --env live also live/<type>/<namespace> or a free-text problem."
        ),
    ],
    agent: Annotated[
        str, typer.Option("--agent", help=f"Which agent: {' or '.join(AGENTS)}.")
    ] = "expert",
    model: Annotated[
        str | None, typer.Option("--model", help="Model name at the endpoint (for --agent aoi).")
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url", help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1."
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the twin.")] = 0,
    max_iterations: Annotated[
        int, typer.Option("--max-iterations", help="Iteration cap of the loop.")
    ] = 15,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of the live view.")
    ] = False,
    llm_timeout: LLMTimeoutOption = None,
    llm_retries: LLMRetriesOption = None,
    env_name: Annotated[
        str, typer.Option("--env", help="twin (the embedded cluster twin) or live (kubectl).")
    ] = "twin",
    context: ContextOption = None,
    namespace: NamespaceOption = None,
    approval: Annotated[
        str | None,
        typer.Option(
            "--approval",
            help="Writes: ask (show the command and reason, then y/N), deny or auto "
            "[default: ask on live, auto on the twin].",
            show_default=False,
        ),
    ] = None,
    task_type: Annotated[
        str, typer.Option("--task-type", help="For a free-text problem on a live cluster.")
    ] = "mitigation",
    prometheus_url: PrometheusOption = None,
    jaeger_url: JaegerOption = None,
) -> None:
    """Run one task on the twin (or a live cluster) with an agent and show what it does.

    Exit status: 0 when the task is solved, 1 when it is not or the run ended on
    an error (a dead model endpoint, ...), 2 on bad input.
    """
    at_least("--max-iterations", max_iterations, 1)
    at_least("--llm-timeout", llm_timeout, 0, strict=True)
    at_least("--llm-retries", llm_retries, 0)
    if env_name not in ("twin", "live"):
        fail(f"unknown --env {env_name!r}; choose twin or live")
    if approval is not None and approval not in ("ask", "deny", "auto"):
        fail(f"unknown --approval {approval!r}; choose one of: ask, deny, auto")
    if env_name == "twin":
        for option, value in (("--context", context), ("--prometheus-url", prometheus_url)):
            if value:
                fail(f"{option} is for a live cluster; add --env live")
        try:
            get_task(task_id)
        except UnknownTaskError as exc:
            raise unknown_task(exc) from None
    if agent not in AGENTS:
        fail(f"unknown agent {agent!r}; choose one of: {', '.join(AGENTS)}")
    spec = AgentSpec(
        name=agent,
        model=model,
        base_url=base_url,
        llm_timeout=60.0 if llm_timeout is None else llm_timeout,
        llm_retries=2 if llm_retries is None else llm_retries,
    )
    console = Console(stderr=as_json, highlight=False)

    def line(text: str, style: str = "") -> None:
        console.print(text, style=style, no_wrap=True, overflow="ellipsis", markup=False, crop=True)

    def show(step: dict[str, Any]) -> None:
        if as_json:
            return
        head = f"{step['iteration']:>2} {step.get('phase') or '-':<19} {step['agent']:<9}"
        if step.get("api_call"):
            line(f"{head} {step['api_call']}", "bold")
        for cmd in step.get("commands", []):
            verdict = cmd["verdict"] if cmd["allowed"] else f"{cmd['verdict']} refused"
            line(
                f"{head} [{verdict}, exit {cmd['exit_code']}] $ {cmd['command']}",
                "" if cmd["allowed"] else "red",
            )
            first = next((text for text in cmd["output_raw"].splitlines() if text.strip()), "")
            if first:
                line(f"{'':>32}{first.strip()}", "dim")
        if step.get("error"):
            line(f"{head} {step['error']}", "yellow")

    try:
        if env_name == "live":
            live = run_live(
                task_id,
                spec=spec,
                context=context,
                namespaces=list(namespace or []),
                approval=approval or "ask",
                task_type=task_type,
                max_iterations=max_iterations,
                prometheus_url=prometheus_url,
                jaeger_url=jaeger_url,
                on_step=show,
            )
            result = TaskRun(
                live.task, seed, spec.describe(), live.record, live.outcome, live.seconds
            )
            task_id = live.task
        else:
            result = run_task(
                task_id,
                agent=spec,
                seed=seed,
                config=RuntimeConfig(max_iterations=max_iterations, approval=approval or "auto"),
                on_step=show,
            )
    except typer.Exit:
        raise
    except AgentConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except (
        AOIError
    ) as exc:  # a dead endpoint, an unreachable cluster: one clear line (a bug shows its traceback)
        typer.echo(f"error: the run failed: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(1) from None
    outcome = result.outcome
    if as_json:
        payload = {
            "task": task_id,
            "agent": result.agent,
            "seed": seed,
            "success": outcome.success,
            "scores": outcome.results,
            "reason": outcome.reason,
            "submission": result.record.submission,
            "ended_by": result.record.ended_by,
            "steps": len(result.record.steps),
            "tokens": {"in": outcome.in_tokens, "out": outcome.out_tokens},
            "seconds": round(result.seconds, 4),
            "trajectory": result.record.steps,
        }
        payload["error"] = result.record.error
        sys.stdout.write(json.dumps(payload, indent=2, default=str) + "\n")
        if result.record.error or not outcome.success:
            raise typer.Exit(FAILED)
        return
    if result.record.error:
        console.print(f"[red]error:[/] the run ended early: {result.record.error}", highlight=False)
    mark = "[green]SUCCESS[/]" if outcome.success else "[red]FAILURE[/]"
    console.print(f"\n{mark} {task_id}: {outcome.reason}", highlight=False)
    console.print(
        f"submitted {result.record.submission or '(nothing)'} ({result.record.ended_by}); "
        f"{len(result.record.steps)} steps, {result.seconds:.2f} s"
    )
    if result.record.error or not outcome.success:
        raise typer.Exit(FAILED)
