"""Container metrics of one namespace from Prometheus' HTTP API, as AIOpsLab's CSV files.

The same files the twin writes (shapes in aoi.telemetry_schema): under the export folder,
`container/kpi_<metric>.csv` for each cAdvisor metric with data (and an empty
`istio/`), columns `timestamp, cmdb_id, kpi_name, value`, cmdb_id
`<instance>.<pod>`, one point every 15 s. Container metrics are per container
(the pod cgroup and pause container left out); network metrics, which cAdvisor
keeps per pod, are named `<metric>.<interface>`.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from aoi.envs.telemetry import TelemetryError, get_json
from aoi.telemetry_schema import (
    CONTAINER_METRICS,
    METRIC_COLUMNS,
    NETWORK_METRICS,
    STEP_SECONDS,
    write_csv,
)

# AIOpsLab's exporter leaves these pods out.
SKIPPED_PODS = ("loadgenerator-", "redis-cart")
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def query_for(metric: str, namespace: str) -> str:
    """The PromQL selector that exports one metric of one namespace."""
    if not _NAMESPACE.match(namespace):
        raise TelemetryError(f"{namespace!r} is not a Kubernetes namespace name")
    if metric in NETWORK_METRICS:
        return f'{metric}{{namespace="{namespace}"}}'
    return f'{metric}{{namespace="{namespace}", container!="", container!="POD"}}'


def export_metrics(
    url: str,
    namespace: str,
    duration_minutes: float,
    folder: Path,
    *,
    timeout: float = 30.0,
    now: float | None = None,
) -> list[Path]:
    """Write `container/kpi_<metric>.csv` under folder for each metric with data; return them.

    Raises TelemetryError when Prometheus cannot be reached or refuses a query.
    """
    end = int(time.time() if now is None else now)
    start = end - int(float(duration_minutes) * 60)
    container = folder / "container"
    container.mkdir(parents=True, exist_ok=True)
    (folder / "istio").mkdir(exist_ok=True)
    written: list[Path] = []
    for metric in (*CONTAINER_METRICS, *NETWORK_METRICS):
        params = {
            "query": query_for(metric, namespace),
            "start": str(start),
            "end": str(end),
            "step": f"{STEP_SECONDS}s",
        }
        reply = get_json(url, "/api/v1/query_range", params, timeout)
        if not isinstance(reply, dict) or reply.get("status") != "success":
            error = reply.get("error") if isinstance(reply, dict) else reply
            raise TelemetryError(f"Prometheus refused the query for {metric}: {error}")
        rows = _rows(metric, reply.get("data", {}).get("result", []))
        if rows:
            path = container / f"kpi_{metric}.csv"
            write_csv(path, METRIC_COLUMNS, rows)
            written.append(path)
    return written


def _rows(metric: str, result: list[dict[str, object]]) -> list[tuple[int | float, str, str, str]]:
    rows: list[tuple[int | float, str, str, str]] = []
    for series in result:
        labels = series.get("metric")
        labels = labels if isinstance(labels, dict) else {}
        pod = str(labels.get("pod", "unknown"))
        if pod.startswith(SKIPPED_PODS):
            continue
        instance = labels.get("instance") or labels.get("node") or "unknown"
        name = metric
        if metric in NETWORK_METRICS and labels.get("interface"):
            name = f"{metric}.{labels['interface']}"
        values = series.get("values")
        for stamp, value in values if isinstance(values, list) else []:
            rows.append((_timestamp(stamp), f"{instance}.{pod}", name, str(value)))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return rows


def _timestamp(value: object) -> int | float:
    stamp = float(str(value))
    return int(stamp) if stamp.is_integer() else stamp
