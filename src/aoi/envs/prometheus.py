"""Container metrics of one namespace from Prometheus' HTTP API, as AIOpsLab's CSV files.

One file per cAdvisor metric, columns `timestamp, cmdb_id, kpi_name, value`,
cmdb_id `<instance>.<pod>`, one point every 15 s over the look-back. Series are
summed per pod: container metrics over the pod's containers (not the pod cgroup,
which would count them twice), network metrics over the pod's interfaces.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from aoi.envs.telemetry import TelemetryError, get_json, write_csv

STEP_SECONDS = 15
HEADER = ("timestamp", "cmdb_id", "kpi_name", "value")
CONTAINER_METRICS = (
    "container_cpu_usage_seconds_total",
    "container_cpu_cfs_throttled_seconds_total",
    "container_memory_usage_bytes",
    "container_memory_working_set_bytes",
    "container_memory_rss",
    "container_threads",
)
NETWORK_METRICS = (
    "container_network_receive_bytes_total",
    "container_network_transmit_bytes_total",
    "container_network_receive_packets_dropped_total",
    "container_network_transmit_packets_dropped_total",
    "container_network_receive_errors_total",
    "container_network_transmit_errors_total",
)
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def query_for(metric: str, namespace: str) -> str:
    """The PromQL that exports one metric of one namespace, summed per pod."""
    if not _NAMESPACE.match(namespace):
        raise TelemetryError(f"{namespace!r} is not a Kubernetes namespace name")
    extra = "" if metric in NETWORK_METRICS else ', container!="", container!="POD"'
    return f'sum by (instance, pod) ({metric}{{namespace="{namespace}"{extra}}})'


def export_metrics(
    url: str,
    namespace: str,
    duration_minutes: float,
    folder: Path,
    *,
    timeout: float = 30.0,
    now: float | None = None,
) -> list[Path]:
    """Write one CSV per metric that has data into folder; return the files written.

    Raises TelemetryError when Prometheus cannot be reached or refuses a query.
    """
    end = time.time() if now is None else now
    start = end - float(duration_minutes) * 60
    written: list[Path] = []
    for metric in (*CONTAINER_METRICS, *NETWORK_METRICS):
        params = {
            "query": query_for(metric, namespace),
            "start": f"{start:.3f}",
            "end": f"{end:.3f}",
            "step": f"{STEP_SECONDS}s",
        }
        reply = get_json(url, "/api/v1/query_range", params, timeout)
        if not isinstance(reply, dict) or reply.get("status") != "success":
            error = reply.get("error") if isinstance(reply, dict) else reply
            raise TelemetryError(f"Prometheus refused the query for {metric}: {error}")
        rows: list[tuple[int | float, str, str, str]] = []
        for series in reply.get("data", {}).get("result", []):
            labels = series.get("metric", {})
            cmdb_id = f"{labels.get('instance', 'unknown')}.{labels.get('pod', 'unknown')}"
            for stamp, value in series.get("values", []):
                rows.append((_timestamp(stamp), cmdb_id, metric, str(value)))
        if rows:
            rows.sort(key=lambda r: (r[0], r[1]))
            path = folder / f"{metric}.csv"
            write_csv(path, HEADER, rows)
            written.append(path)
    return written


def _timestamp(value: object) -> int | float:
    stamp = float(str(value))
    return int(stamp) if stamp.is_integer() else stamp
