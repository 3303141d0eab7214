"""get_metrics / get_traces on a live cluster, against small local Prometheus and Jaeger stand-ins."""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from aoi.envs.base import Action
from aoi.envs.live import LiveClusterEnvironment
from aoi.envs.prometheus import query_for
from aoi.envs.runner import ProcessResult
from aoi.envs.telemetry import TelemetryError, get_json
from aoi.telemetry_schema import METRIC_COLUMNS, TRACE_COLUMNS

NS = "test-hotel-reservation"


def _series(metric: str, query: str) -> list[dict[str, Any]]:
    if NS not in query:
        return []
    if metric == "container_cpu_usage_seconds_total":
        return [
            {
                "metric": {
                    "instance": "kind-worker",
                    "pod": "geo-1",
                    "container": "hotel-reserv-geo",
                },
                "values": [[1700000000, "1.5"], [1700000015, "1.75"]],
            },
            {
                "metric": {"instance": "kind-worker", "pod": "loadgenerator-9", "container": "lg"},
                "values": [[1700000000, "9"]],
            },
        ]
    if metric == "container_network_receive_bytes_total":
        return [
            {
                "metric": {"instance": "kind-worker", "pod": "geo-1", "interface": "eth0"},
                "values": [[1700000000, "1024"]],
            }
        ]
    return []


def _span(
    trace: str, span: str, process: str, parent: str | None, tags: list[dict[str, Any]]
) -> dict[str, Any]:
    refs = [{"refType": "CHILD_OF", "traceID": trace, "spanID": parent}] if parent else []
    return {
        "traceID": trace,
        "spanID": span,
        "operationName": f"op-{span}",
        "references": refs,
        "startTime": 1700000000000000 + int(span, 16),
        "duration": 1200,
        "tags": tags,
        "processID": process,
    }


TRACE = {
    "traceID": "t1",
    "spans": [
        _span("t1", "a1", "p1", None, [{"key": "http.status_code", "value": 200}]),
        _span("t1", "b2", "p2", "a1", [{"key": "error", "value": True}]),
        _span("t1", "c3", "p3", "a1", []),
    ],
    "processes": {
        "p1": {"serviceName": "frontend", "tags": []},
        "p2": {"serviceName": "geo", "tags": [{"key": "k8s.namespace.name", "value": NS}]},
        "p3": {
            "serviceName": "other",
            "tags": [{"key": "k8s.namespace.name", "value": "elsewhere"}],
        },
    },
}


class _Handler(BaseHTTPRequestHandler):
    queries: list[tuple[str, dict[str, list[str]]]] = []  # noqa: RUF012 - shared by design

    def do_GET(self) -> None:
        url = urlparse(self.path)
        params = parse_qs(url.query)
        type(self).queries.append((url.path, params))
        body: Any
        if url.path == "/api/v1/query_range":
            query = params["query"][0]
            if "broken" in query:
                self._send(400, {"status": "error", "error": "parse error"})
                return
            metric = query.split("{", 1)[0]
            body = {
                "status": "success",
                "data": {"resultType": "matrix", "result": _series(metric, query)},
            }
        elif url.path == "/api/services":
            body = {"data": ["frontend", "geo", "jaeger-all-in-one"]}
        elif url.path == "/api/traces":
            body = {"data": [TRACE]}
        else:
            self._send(404, {"error": "not found"})
            return
        self._send(200, body)

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.queries = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _env(tmp_path: Path, url: str | None) -> LiveClusterEnvironment:
    def runner(argv: list[str], timeout: float, max_bytes: int) -> ProcessResult:
        return ProcessResult("", "no kubectl in this test\n", 1)

    env = LiveClusterEnvironment(
        context="kind-aoi", runner=runner, run_dir=tmp_path, prometheus_url=url, jaeger_url=url
    )
    env.reset(f"live/detection/{NS}")
    return env


def test_metrics_are_exported_in_the_twins_files(tmp_path: Path, server: str) -> None:
    env = _env(tmp_path, server)
    obs = env.act(Action(api="get_metrics", args=(NS, 5)))
    assert obs.verdict == "ok", obs.text
    assert obs.text.startswith("Metrics data exported to directory: ")
    assert "Folder structure of exported metrics:" in obs.text
    folder = Path(obs.text.split("\n", 1)[0].split(": ", 1)[1])
    assert folder.parent == tmp_path / "metrics_output"
    cpu = folder / "container" / "kpi_container_cpu_usage_seconds_total.csv"
    with cpu.open() as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == METRIC_COLUMNS
    assert rows[1:] == [
        ["1700000000", "kind-worker.geo-1", "container_cpu_usage_seconds_total", "1.5"],
        ["1700000015", "kind-worker.geo-1", "container_cpu_usage_seconds_total", "1.75"],
    ]
    net = folder / "container" / "kpi_container_network_receive_bytes_total.csv"
    assert "container_network_receive_bytes_total.eth0" in net.read_text()
    assert sorted(p.name for p in (folder / "container").iterdir()) == [cpu.name, net.name]
    queries = [p["query"][0] for path, p in _Handler.queries if path == "/api/v1/query_range"]
    assert all(f'namespace="{NS}"' in q for q in queries)
    assert all(
        p["step"] == ["15s"] for path, p in _Handler.queries if path == "/api/v1/query_range"
    )
    table = env.act(Action(api="read_metrics", args=(str(cpu),)))
    assert "kind-worker.geo-1" in table.text and "kpi_name" in table.text


def test_traces_are_exported_as_one_csv(tmp_path: Path, server: str) -> None:
    env = _env(tmp_path, server)
    obs = env.act(Action(api="get_traces", args=(NS, 5)))
    assert obs.text.startswith("Traces data exported to: "), obs.text
    path = Path(obs.text.split(": ", 1)[1])
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == TRACE_COLUMNS
    # The same trace came back for two services: its spans are written once; the span
    # whose process sits in another namespace is left out.
    assert [(r["span_id"], r["parent_span"], r["service_name"]) for r in rows] == [
        ("a1", "ROOT", "frontend"),
        ("b2", "a1", "geo"),
    ]
    assert rows[0]["response"] == "200" and rows[0]["has_error"] == "False"
    assert rows[1]["has_error"] == "True"
    services = [p["service"][0] for path, p in _Handler.queries if path == "/api/traces"]
    assert services == ["frontend", "geo"]
    table = env.act(Action(api="read_traces", args=(str(path),)))
    assert "frontend" in table.text and "parent_span" in table.text


def test_unreachable_backends_are_clear_errors(tmp_path: Path) -> None:
    env = _env(tmp_path, "http://127.0.0.1:9")
    metrics = env.act(Action(api="get_metrics", args=(NS,)))
    traces = env.act(Action(api="get_traces", args=(NS,)))
    assert metrics.text.startswith("Error: could not read metrics from Prometheus: cannot reach")
    assert traces.text.startswith("Error: could not read traces from Jaeger: cannot reach")


def test_http_errors_and_bad_namespaces(server: str) -> None:
    with pytest.raises(TelemetryError, match="HTTP 404"):
        get_json(server, "/nope", {}, 5)
    with pytest.raises(TelemetryError, match="not a Kubernetes namespace"):
        query_for("container_threads", 'x"} or vector(1) or {a="')
