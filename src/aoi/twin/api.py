"""AIOpsLab's agent API over a twin: the same calls, messages and files.

`get_logs`, `get_metrics`, `read_metrics`, `get_traces`, `read_traces` and
`exec_shell` behave as AIOpsLab's actions do (see shared/reference/aiopslab.md),
with files written under a run folder the caller chooses instead of the
working directory. Each call lets a little simulated time pass, as a command
typed into the twin does. The text shared with the live environment (messages,
log folding, CSV tables) comes from `aoi.agent_api` and is re-exported here.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from aoi.agent_api import (
    NO_SERVICE,
    REFUSE_DOCKER_FOLLOW,
    REFUSE_EDIT,
    REFUSE_KUBECTL_FOLLOW,
    REFUSE_PORT_FORWARD,
    dedupe,
    read_metrics,
    read_traces,
    shell_timed_out,
    table,
)
from aoi.shell.quote import render
from aoi.twin.behaviour import telemetry
from aoi.twin.behaviour.logs import LogUnavailable

__all__ = [
    "NO_SERVICE",
    "dedupe",
    "exec_shell",
    "exec_shell_status",
    "exec_tree_status",
    "get_logs",
    "get_metrics",
    "get_traces",
    "read_metrics",
    "read_traces",
    "table",
]

if TYPE_CHECKING:
    from aoi.shell import Sequence
    from aoi.shell.run import Check
    from aoi.shelltools import CommandResult
    from aoi.twin.core import Twin


# --- logs -------------------------------------------------------------------------


def get_logs(twin: Twin, namespace: str, service: str) -> str:
    """`kubectl logs` of the service's pod, found by the app's log label; repeated lines folded."""
    twin.tick()
    app = twin.app_for(namespace)
    if namespace == "default" and "wrk2-job" in service:
        selector = {"job-name": "wrk2-job"}
    elif app is not None:
        selector = {app.log_label: service}
    else:
        return NO_SERVICE
    pods = twin.store.list("Pod", namespace, selector)
    if not pods:
        return NO_SERVICE
    pod = pods[0]
    containers = pod["spec"].get("containers", [])
    # AIOpsLab's client names no container: a pod with several is refused like a missing one.
    if len(containers) != 1:
        return NO_SERVICE
    try:
        text = twin.logs.container_log(pod, containers[0]["name"])
    except LogUnavailable:
        return NO_SERVICE
    return dedupe(text)


# --- metrics and traces -------------------------------------------------------------


def _fresh(folder: Path) -> Path:
    if not folder.exists():
        return folder
    n = 2
    while (candidate := folder.with_name(f"{folder.name}_{n}")).exists():
        n += 1
    return candidate


def get_metrics(twin: Twin, namespace: str, duration: float = 5, *, run_dir: str | Path) -> str:
    """Write the last `duration` minutes of container metrics as CSVs; return the folder and its tree."""
    twin.tick()
    stamp = twin.clock.now().strftime("%Y%m%d_%H%M%S")
    folder = _fresh(Path(run_dir) / "metrics_output" / f"metric_{stamp}")
    telemetry.write_metrics(twin, namespace, duration, folder)
    return (
        f"Metrics data exported to directory: {folder}\n\nFolder structure of exported metrics:\n"
        + _tree(folder)
    )


def _tree(root: Path) -> str:
    lines: list[str] = []

    def walk(folder: Path, level: int) -> None:
        lines.append(" " * 4 * level + f"{folder.name}/")
        entries = sorted(folder.iterdir())
        lines.extend(" " * 4 * (level + 1) + e.name for e in entries if e.is_file())
        for sub in (e for e in entries if e.is_dir()):
            walk(sub, level + 1)

    walk(root, 0)
    return "\n".join(lines) + "\n"


def get_traces(twin: Twin, namespace: str, duration: float = 5, *, run_dir: str | Path) -> str:
    """Write the last `duration` minutes of traces as one CSV; return its path."""
    twin.tick()
    path = telemetry.write_traces(twin, namespace, duration, Path(run_dir) / "trace_output")
    return f"Traces data exported to: {path}"


# --- the shell ------------------------------------------------------------------------


def exec_shell(twin: Twin, command: str, timeout: int = 30) -> str:
    """Run one command line on the twin, refusing the interactive ones AIOpsLab refuses.

    As in AIOpsLab, `timeout` is accepted but the limit is always Shell.exec's
    30 s (of simulated time here); a line that outlives it answers AIOpsLab's
    time-out text. A non-zero exit becomes "[ERROR] Command execution failed: <stderr>".
    """
    return exec_shell_status(twin, command)[0]


def exec_shell_status(twin: Twin, command: str) -> tuple[str, int]:
    """`exec_shell`'s text and the command's exit status (1 for a refused command)."""
    if "kubectl edit" in command or "edit svc" in command:
        return REFUSE_EDIT, 1
    if "kubectl port-forward" in command:
        return REFUSE_PORT_FORWARD, 1
    if _follows(command, "kubectl"):
        return REFUSE_KUBECTL_FOLLOW, 1
    if "docker logs -f" in command or _follows(command, "docker"):
        return REFUSE_DOCKER_FOLLOW, 1
    return _status(twin.run(command), command)


def exec_tree_status(
    twin: Twin, tree: Sequence, check: Check | None = None, command: str | None = None
) -> tuple[str, int]:
    """`exec_shell`'s text and exit status for a command tree the gate already judged.

    `command` is the line as the agent typed it (for the time-out text); by
    default the tree written back as text.
    """
    result = twin.run_tree(tree, check)
    return _status(result, command if command is not None else render(tree))


def _status(result: CommandResult, command: str) -> tuple[str, int]:
    if result.timed_out:
        return shell_timed_out(command), result.exit_code
    if result.exit_code != 0:
        text = f"[ERROR] Command execution failed: {result.stderr or result.stdout}"
        return text, result.exit_code
    return result.output, 0


def _follows(command: str, tool: str) -> bool:
    """True when the command line runs `<tool> logs` with --follow in any spelling."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    segment: list[str] = []
    for word in [*words, "|"]:
        if word not in ("|", "&&", "||", ";"):
            segment.append(word)
            continue
        if tool in segment and "logs" in segment[segment.index(tool) :]:
            for flag in segment:
                if flag in ("-f", "--follow", "--follow=true"):
                    return True
                if (
                    flag.startswith("-")
                    and not flag.startswith("--")
                    and "f" in flag[1:]
                    and set(flag[1:]) <= {"f", "p"}
                ):
                    return True
        segment = []
    return False
