"""AIOpsLab's agent API over a twin: the same calls, messages and files.

`get_logs`, `get_metrics`, `read_metrics`, `get_traces`, `read_traces` and
`exec_shell` behave as AIOpsLab's actions do (see shared/reference/aiopslab.md),
with files written under a run folder the caller chooses instead of the
working directory. Each call lets a little simulated time pass, as a command
typed into the twin does.
"""

from __future__ import annotations

import csv
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from aoi.twin.behaviour import telemetry
from aoi.twin.behaviour.logs import LogUnavailable

if TYPE_CHECKING:
    from aoi.twin.core import Twin

NO_SERVICE = "Error: Your service/namespace does not exist. Use kubectl to check."
REFUSE_EDIT = "Error: Cannot use `kubectl edit`. Use `kubectl patch` instead."
REFUSE_PORT_FORWARD = (
    "Error: Cannot use `kubectl port-forward` because it is an interactive command."
)
REFUSE_KUBECTL_FOLLOW = "Error: Cannot use `kubectl logs -f`. Use `kubectl logs` instead."
REFUSE_DOCKER_FOLLOW = "Error: Cannot use `docker logs -f`. Use `docker logs` instead."


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


_SHAPE = re.compile(r"[0-9a-f]{8,}|\d+")


def dedupe(text: str) -> str:
    """Fold runs of repeated lines: identical ones to one, same-shaped ones (numbers aside) to first and last."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        shape = _SHAPE.sub("#", lines[i])
        j = i + 1
        while j < len(lines) and lines[j] and _SHAPE.sub("#", lines[j]) == shape:
            j += 1
        run = lines[i:j]
        if len(set(run)) == 1:
            out.append(run[0])
        elif len(run) >= 3:
            out.extend((run[0], run[-1]))
        else:
            out.extend(run)
        i = j
    return "\n".join(out)


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


def read_metrics(file_path: str) -> str:
    """A metrics CSV printed as a table."""
    return _read_table(file_path, "Metrics", "metrics")


def get_traces(twin: Twin, namespace: str, duration: float = 5, *, run_dir: str | Path) -> str:
    """Write the last `duration` minutes of traces as one CSV; return its path."""
    twin.tick()
    path = telemetry.write_traces(twin, namespace, duration, Path(run_dir) / "trace_output")
    return f"Traces data exported to: {path}"


def read_traces(file_path: str) -> str:
    """A traces CSV printed as a table."""
    return _read_table(file_path, "Traces", "traces")


def _read_table(file_path: str, title: str, noun: str) -> str:
    path = Path(file_path)
    if not path.exists():
        return f"error: {title} file '{file_path}' not found."
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return f"Failed to read {noun}: {exc}"
    if not rows:
        return f"Failed to read {noun}: No columns to parse from file"
    return table(rows[0], rows[1:])


def table(header: list[str], rows: list[list[str]]) -> str:
    """Rows printed the way pandas' `to_string(index=False)` prints a frame read from CSV."""
    if not rows:
        return f"Empty DataFrame\nColumns: [{', '.join(header)}]\nIndex: []"
    columns = [[row[i] if i < len(row) else "" for row in rows] for i in range(len(header))]
    shown = [_column(values) for values in columns]
    widths = [max(len(h), *(len(v) for v in col)) for h, col in zip(header, shown, strict=True)]
    lines = [" ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    for r in range(len(rows)):
        lines.append(" ".join(col[r].rjust(w) for col, w in zip(shown, widths, strict=True)))
    return "\n".join(lines)


def _column(values: list[str]) -> list[str]:
    """pandas' display of one column: integers as-is, floats with a common number of decimals."""
    if all(_is_int(v) for v in values):
        return [str(int(v)) for v in values]
    if all(_is_float(v) for v in values):
        decimals = min(
            6, max((len(v.split(".", 1)[1].rstrip("0")) if "." in v else 0) for v in values)
        )
        return [f"{float(v):.{max(decimals, 1)}f}" for v in values]
    return ["NaN" if v == "" else v for v in values]


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --- the shell ------------------------------------------------------------------------


def exec_shell(twin: Twin, command: str, timeout: int = 30) -> str:
    """Run one command line on the twin, refusing the interactive ones AIOpsLab refuses.

    The twin answers at once, so `timeout` never fires; it is accepted for the
    signature's sake. A non-zero exit becomes "[ERROR] Command execution failed: <stderr>".
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
    result = twin.run(command)
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
