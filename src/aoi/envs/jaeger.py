"""Traces from Jaeger's HTTP query API, as AIOpsLab's CSV file.

Columns `trace_id, span_id, parent_span, service_name, operation_name,
start_time, duration, has_error, response`; parent_span is ROOT for a span with
no parent, times are Jaeger's microseconds. Traces are fetched per service over
the look-back; a span whose process names another Kubernetes namespace is left out.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from aoi.envs.telemetry import TelemetryError, get_json
from aoi.telemetry_schema import TRACE_COLUMNS, write_csv

DEFAULT_LIMIT = 1000
_NAMESPACE_TAGS = ("k8s.namespace.name", "namespace")
_RESPONSE_TAGS = (
    "http.status_code",
    "http.response.status_code",
    "rpc.grpc.status_code",
    "grpc.status_code",
)


def export_traces(
    url: str,
    namespace: str,
    duration_minutes: float,
    path: Path,
    *,
    timeout: float = 30.0,
    limit: int = DEFAULT_LIMIT,
    now: float | None = None,
) -> int:
    """Write the spans of the look-back to path as CSV; return how many were written.

    Raises TelemetryError when Jaeger cannot be reached or answers something unusable.
    """
    end_us = int((time.time() if now is None else now) * 1_000_000)
    start_us = end_us - int(float(duration_minutes) * 60 * 1_000_000)
    reply = get_json(url, "/api/services", {}, timeout)
    services = reply.get("data") if isinstance(reply, dict) else None
    if not isinstance(services, list):
        raise TelemetryError(f"Jaeger's /api/services answered no service list: {reply!r:.200}")
    seen: set[tuple[str, str]] = set()
    rows: list[tuple[Any, ...]] = []
    for service in sorted(str(s) for s in services):
        if service.startswith("jaeger"):
            continue
        params = {
            "service": service,
            "start": str(start_us),
            "end": str(end_us),
            "limit": str(limit),
        }
        traces = get_json(url, "/api/traces", params, timeout)
        for trace in (traces.get("data") if isinstance(traces, dict) else None) or []:
            rows.extend(_rows(trace, namespace, seen))
    rows.sort(key=lambda r: (r[5], r[0], r[1]))
    write_csv(path, TRACE_COLUMNS, rows)
    return len(rows)


def _rows(
    trace: dict[str, Any], namespace: str, seen: set[tuple[str, str]]
) -> list[tuple[Any, ...]]:
    processes = trace.get("processes") or {}
    rows = []
    for span in trace.get("spans") or []:
        key = (str(span.get("traceID", "")), str(span.get("spanID", "")))
        if key in seen:
            continue
        process = processes.get(span.get("processID"), {})
        tags = _tags(process.get("tags"))
        if any(tags.get(t) not in (None, namespace) for t in _NAMESPACE_TAGS):
            continue
        seen.add(key)
        span_tags = _tags(span.get("tags"))
        rows.append(
            (
                key[0],
                key[1],
                _parent(span),
                process.get("serviceName", "unknown"),
                span.get("operationName", ""),
                span.get("startTime", 0),
                span.get("duration", 0),
                _has_error(span_tags),
                next((str(span_tags[t]) for t in _RESPONSE_TAGS if t in span_tags), "Unknown"),
            )
        )
    return rows


def _tags(tags: Any) -> dict[str, Any]:
    return {str(t.get("key")): t.get("value") for t in tags or [] if isinstance(t, dict)}


def _parent(span: dict[str, Any]) -> str:
    for ref in span.get("references") or []:
        if ref.get("refType") == "CHILD_OF" and ref.get("spanID"):
            return str(ref["spanID"])
    return "ROOT"


def _has_error(tags: dict[str, Any]) -> bool:
    error = tags.get("error")
    return error is True or str(error).lower() == "true" or tags.get("otel.status_code") == "ERROR"
