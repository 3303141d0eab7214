"""The text of AIOpsLab's agent API that every environment shares: its messages, log folding, CSV tables.

AIOpsLab's actions answer in fixed sentences (a missing service, a refused
interactive command), fold repeated log lines, and print telemetry CSVs as pandas
prints a frame. The twin's API (`aoi.twin.api`) and the live-cluster environment
(`aoi.envs.live`) both answer that way, so the text lives here, below both, and
depends on nothing in AOI.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

NO_SERVICE = "Error: Your service/namespace does not exist. Use kubectl to check."
REFUSE_EDIT = "Error: Cannot use `kubectl edit`. Use `kubectl patch` instead."
REFUSE_PORT_FORWARD = (
    "Error: Cannot use `kubectl port-forward` because it is an interactive command."
)
REFUSE_KUBECTL_FOLLOW = "Error: Cannot use `kubectl logs -f`. Use `kubectl logs` instead."
REFUSE_DOCKER_FOLLOW = "Error: Cannot use `docker logs -f`. Use `docker logs` instead."
SHELL_TIMEOUT_S = 30
"""`Shell.exec`'s time limit: `exec_shell` accepts a timeout but never passes it on."""


def shell_timed_out(command: str, seconds: int = SHELL_TIMEOUT_S) -> str:
    """What an agent reads when its command outlived the limit.

    `subprocess.run` raises `TimeoutExpired` (what the command printed is lost),
    `Shell.local_exec` wraps it in a RuntimeError and the orchestrator returns
    the error's text as the observation.
    """
    return (
        f"Failed to execute command: {command}\n"
        f"Error: Command '{command}' timed out after {seconds} seconds"
    )


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


def read_metrics(file_path: str) -> str:
    """A metrics CSV printed as a table."""
    return _read_table(file_path, "Metrics", "metrics")


def read_traces(file_path: str) -> str:
    """A traces CSV printed as a table."""
    return _read_table(file_path, "Traces", "traces")


def missing_file(title: str, file_path: str) -> str:
    """AIOpsLab's answer for a telemetry file that is not there (`title`: Metrics or Traces)."""
    return f"error: {title} file '{file_path}' not found."


def _read_table(file_path: str, title: str, noun: str) -> str:
    path = Path(file_path)
    if not path.exists():
        return missing_file(title, file_path)
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
