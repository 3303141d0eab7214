"""Shared pieces of the live telemetry exports: JSON over HTTP, export folders, CSV tables.

The HTTP client is httpx when it is installed, else the standard library's urllib;
both get a time-out and turn every failure into a `TelemetryError` whose message
says what to check.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from aoi.agent_api import missing_file
from aoi.errors import AOIError

try:
    import httpx
except ImportError:  # pragma: no cover - exercised only where httpx is missing
    httpx = None  # type: ignore[assignment]


class TelemetryError(AOIError, RuntimeError):
    """A telemetry backend could not be reached or answered something unusable."""


def get_json(base_url: str, path: str, params: Mapping[str, str], timeout: float) -> Any:
    """GET base_url + path with query params and return the decoded JSON body."""
    url = base_url.rstrip("/") + path
    if httpx is not None:
        try:
            response = httpx.get(url, params=dict(params), timeout=timeout)
        except httpx.HTTPError as exc:
            raise TelemetryError(f"cannot reach {url}: {exc}") from exc
        status, body = response.status_code, response.content
    else:  # pragma: no cover - exercised only where httpx is missing
        full = f"{url}?{urllib.parse.urlencode(params)}" if params else url
        try:
            with urllib.request.urlopen(full, timeout=timeout) as reply:
                status, body = reply.status, reply.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read()
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TelemetryError(f"cannot reach {url}: {exc}") from exc
    if status >= 400:
        snippet = body[:200].decode("utf-8", errors="replace").strip()
        raise TelemetryError(f"{url} answered HTTP {status}: {snippet}")
    try:
        return json.loads(body)
    except ValueError as exc:
        raise TelemetryError(f"{url} did not answer JSON; is this the right URL?") from exc


def fresh_folder(folder: Path) -> Path:
    """folder, or folder_2, folder_3, ...: the first name not taken yet."""
    if not folder.exists():
        return folder
    n = 2
    while (candidate := folder.with_name(f"{folder.name}_{n}")).exists():
        n += 1
    return candidate


def tree(root: Path) -> str:
    """The folder and everything in it, indented four spaces a level, as the twin prints it."""
    lines: list[str] = []

    def walk(folder: Path, level: int) -> None:
        lines.append(" " * 4 * level + f"{folder.name}/")
        entries = sorted(folder.iterdir())
        lines.extend(" " * 4 * (level + 1) + e.name for e in entries if e.is_file())
        for sub in (e for e in entries if e.is_dir()):
            walk(sub, level + 1)

    walk(root, 0)
    return "\n".join(lines) + "\n"


def read_exported_csv(
    run_dir: Path, file_path: Any, read: Callable[[str], str], title: str
) -> tuple[str, int]:
    """Read a CSV this run exported; any other path (a kubeconfig, /etc) is never opened.

    Such a path gets AIOpsLab's answer for a missing file (`title`: Metrics or
    Traces): the files an agent may read are the ones its run exported.
    """
    path = resolve_inside(run_dir, str(file_path))
    if path is None or path.suffix != ".csv":
        return missing_file(title, str(file_path)), 1
    return read(str(path)), 0


def resolve_inside(root: Path, file_path: str) -> Path | None:
    """file_path as a file inside root, or None when it points anywhere else."""
    root = root.resolve()
    candidate = Path(file_path)
    path = (candidate if candidate.is_absolute() else root / candidate).resolve()
    if path != root and root not in path.parents:
        return None
    return path
