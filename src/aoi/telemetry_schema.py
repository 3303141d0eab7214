"""The shapes of AIOpsLab's telemetry files: metric and trace CSV columns, metric names, steps.

One definition for everyone who writes or reads these files: the twin's exporter
(`aoi.twin.behaviour.telemetry`) and the live environment's Prometheus and Jaeger
readers (`aoi.envs.prometheus`, `aoi.envs.jaeger`). Depends on nothing in AOI.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

# Prometheus scrape interval AIOpsLab's exporter queries with.
STEP_SECONDS = 15
METRIC_COLUMNS = ("timestamp", "cmdb_id", "kpi_name", "value")
TRACE_COLUMNS = (
    "trace_id",
    "span_id",
    "parent_span",
    "service_name",
    "operation_name",
    "start_time",
    "duration",
    "has_error",
    "response",
)
# AIOpsLab's list of container metrics, as its exporter ends up querying them (a
# missing comma there fuses container_threads_max with
# container_network_receive_errors_total, so neither is exported).
CONTAINER_METRICS = (
    "container_cpu_usage_seconds_total",
    "container_cpu_user_seconds_total",
    "container_cpu_system_seconds_total",
    "container_cpu_cfs_throttled_seconds_total",
    "container_cpu_cfs_throttled_periods_total",
    "container_cpu_cfs_periods_total",
    "container_cpu_load_average_10s",
    "container_memory_cache",
    "container_memory_usage_bytes",
    "container_memory_working_set_bytes",
    "container_memory_rss",
    "container_memory_mapped_file",
    "container_spec_cpu_period",
    "container_spec_cpu_quota",
    "container_spec_memory_limit_bytes",
    "container_spec_cpu_shares",
    "container_threads",
)
NETWORK_METRICS = (
    "container_network_receive_packets_dropped_total",
    "container_network_receive_packets_total",
    "container_network_receive_bytes_total",
    "container_network_transmit_bytes_total",
    "container_network_transmit_errors_total",
    "container_network_transmit_packets_dropped_total",
    "container_network_transmit_packets_total",
)

MetricRow = tuple[int, str, str, float]
TraceRow = tuple[str, str, str, str, str, int, int, bool, str]


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write one telemetry file: the header row, then the rows, with Unix line ends."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
