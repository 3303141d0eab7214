"""Shared pieces of the live telemetry exports: JSON over HTTP, export folders, CSV tables.

The HTTP client is httpx when it is installed, else the standard library's urllib;
both get a time-out and turn every failure into a `TelemetryError` whose message
says what to check.
"""

from __future__ import annotations

import csv
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

try:
    import httpx
except ImportError:  # pragma: no cover - exercised only where httpx is missing
    httpx = None  # type: ignore[assignment]


class TelemetryError(RuntimeError):
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
            with urllib.request.urlopen(full, timeout=timeout) as reply:  # noqa: S310
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


def new_folder(root: Path, prefix: str) -> Path:
    """A folder under root that did not exist before, named for the prefix and the UTC time."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    base = root / f"{prefix}_{stamp}"
    folder, n = base, 1
    while folder.exists():
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    folder.mkdir(parents=True)
    return folder


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def tree(folder: Path) -> str:
    """The folder and its files, one per line, as `tree` would list them."""
    files = sorted(p.name for p in folder.iterdir() if p.is_file())
    lines = [str(folder)]
    for i, name in enumerate(files):
        lines.append(("└── " if i == len(files) - 1 else "├── ") + name)
    return "\n".join(lines)


def resolve_inside(root: Path, file_path: str) -> Path | None:
    """file_path as a file inside root, or None when it points anywhere else."""
    root = root.resolve()
    candidate = Path(file_path)
    path = (candidate if candidate.is_absolute() else root / candidate).resolve()
    if path != root and root not in path.parents:
        return None
    return path


def csv_table(path: Path) -> str:
    """A CSV file as a text table with a row index, in the layout of pandas' to_string."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return "Empty DataFrame"
    header, body = rows[0], rows[1:]
    if not body:
        return f"Empty DataFrame\nColumns: [{', '.join(header)}]\nIndex: []"
    table = [["", *header], *([str(i), *row] for i, row in enumerate(body))]
    width = max(len(r) for r in table)
    table = [r + [""] * (width - len(r)) for r in table]
    widths = [max(len(r[c]) for r in table) for c in range(width)]
    lines = []
    for r in table:
        cells = [r[0].ljust(widths[0])] + [r[c].rjust(widths[c]) for c in range(1, width)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
