"""Metrics and traces of the twin, in AIOpsLab's CSV shapes."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest

from aoi.telemetry_schema import TRACE_COLUMNS
from aoi.twin.behaviour import telemetry
from aoi.twin.core import Twin

HOTEL = "test-hotel-reservation"
SOCIAL = "test-social-network"
SHOP = "astronomy-shop"


@pytest.fixture(scope="module")
def hotel() -> Twin:
    twin = Twin("hotel-reservation", seed=2)
    twin.tick(600)
    return twin


def test_metric_csvs_have_aiopslab_columns_and_sane_values(hotel: Twin, tmp_path: Path) -> None:
    folder = telemetry.write_metrics(hotel, HOTEL, 5, tmp_path / "m")
    files = sorted((folder / "container").glob("kpi_*.csv"))
    names = {f.name for f in files}
    assert "kpi_container_cpu_usage_seconds_total.csv" in names
    assert "kpi_container_network_receive_packets_dropped_total.csv" in names
    assert "kpi_container_threads_max.csv" not in names
    assert (folder / "istio").is_dir()
    for f in files:
        with f.open() as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == ["timestamp", "cmdb_id", "kpi_name", "value"]
        for ts, cmdb, kpi, value in rows[1:]:
            assert int(ts) % 15 == 0
            assert cmdb.startswith(("kind-worker.", "kind-control-plane."))
            assert float(value) >= 0
            if "network" in f.name:
                assert kpi.endswith(".eth0")
    pods = {p["metadata"]["name"] for p in hotel.store.list("Pod", HOTEL)}
    memory = telemetry.metrics(hotel, HOTEL, 5)["container_memory_usage_bytes"]
    assert {r[1].split(".", 1)[1] for r in memory} == pods
    assert all(1 * 2**20 < r[3] < 2 * 2**30 for r in memory)


def test_counters_grow_while_a_container_runs(hotel: Twin) -> None:
    series: dict[str, list[float]] = defaultdict(list)
    for _, cmdb, _, value in telemetry.metrics(hotel, HOTEL, 5)[
        "container_cpu_usage_seconds_total"
    ]:
        series[cmdb].append(value)
    assert series and all(values == sorted(values) for values in series.values())


def test_a_crash_loop_leaves_gaps(tmp_path: Path) -> None:
    twin = Twin("hotel-reservation", seed=3)
    del twin.mongo[(HOTEL, "mongodb-geo")].users[("admin", "admin")]
    geo = twin.store.list("Pod", HOTEL, {"io.kompose.service": "geo"})[0]
    twin.controller.delete_pod(geo, twin.clock.now())
    twin.changed()
    twin.tick(600)
    rows = telemetry.metrics(twin, HOTEL, 5)["container_cpu_usage_seconds_total"]
    per_pod: dict[str, int] = defaultdict(int)
    for _, cmdb, _, _ in rows:
        per_pod[cmdb.split(".", 1)[1].rsplit("-", 2)[0]] += 1
    assert per_pod["geo"] < per_pod["frontend"]


def test_a_cpu_flag_raises_the_programs_cpu() -> None:
    def ad_cpu(flag: bool) -> float:
        twin = Twin("astronomy-shop", seed=4)
        if flag:
            cm = twin.store.get("ConfigMap", SHOP, "flagd-config")
            assert cm is not None
            doc = json.loads(cm["data"]["demo.flagd.json"])
            doc["flags"]["adHighCpu"]["defaultVariant"] = "on"
            cm["data"]["demo.flagd.json"] = json.dumps(doc)
            twin.changed()
        twin.tick(300)
        rows = [
            r
            for r in telemetry.metrics(twin, SHOP, 2)["container_cpu_usage_seconds_total"]
            if ".ad-" in r[1]
        ]
        (t0, v0), (t1, v1) = (rows[0][0], rows[0][3]), (rows[-1][0], rows[-1][3])
        return (v1 - v0) / (t1 - t0)

    assert ad_cpu(True) > 4 * ad_cpu(False)


def test_traces_walk_the_call_graph(hotel: Twin, tmp_path: Path) -> None:
    path = telemetry.write_traces(hotel, HOTEL, 5, tmp_path)
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(TRACE_COLUMNS)
    by_trace: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for row in rows:
        by_trace[row["trace_id"]][row["span_id"]] = row
    assert 1 < len(by_trace) <= telemetry.MAX_TRACES
    for spans in by_trace.values():
        roots = [s for s in spans.values() if s["parent_span"] == "ROOT"]
        assert len(roots) == 1 and roots[0]["service_name"] == "frontend"
        assert all(s["parent_span"] in spans for s in spans.values() if s["parent_span"] != "ROOT")
        assert all(int(s["duration"]) > 0 for s in spans.values())
    assert {r["service_name"] for r in rows} >= {"frontend", "search", "geo", "rate", "profile"}
    assert all(r["has_error"] == "False" for r in rows)


def test_a_broken_edge_shows_as_jaeger_records_the_services_spans() -> None:
    twin = Twin("social-network", seed=6)
    svc = twin.store.get("Service", SOCIAL, "user-service")
    assert svc is not None
    svc["spec"]["ports"][0]["targetPort"] = 9999
    twin.changed()
    cut = twin.clock.now().timestamp() * 1_000_000
    twin.tick(300)
    rows = telemetry.traces(twin, SOCIAL, 10)
    assert 0 < len({r[0] for r in rows}) < 200  # ~1 % of requests sampled
    assert all(len(r[0]) == 16 for r in rows)  # jaeger-client-cpp's 64-bit trace ids
    failed = [r for r in rows if r[4] == "compose_creator_client" and r[5] >= cut]
    # the caller's own span: refused at once, and the C++ services tag no span
    assert failed and all(r[6] < 100_000 for r in failed)
    assert all(r[7] is False and r[8] == "Unknown" for r in rows if r[3] != "nginx-web-server")
    assert not any(r[3] == "user-service" and r[5] >= cut + 1_000_000 for r in rows)
    # nginx-opentracing tags its request span with the status; before the change all is well
    assert any(r[2] == "ROOT" and r[7] and r[8] == "500" for r in rows if r[5] >= cut)
    assert not any(r[7] for r in rows if r[5] < cut)


def test_telemetry_is_deterministic_per_seed() -> None:
    a, b = Twin("hotel-reservation", seed=9), Twin("hotel-reservation", seed=9)
    for twin in (a, b):
        twin.tick(200)
    assert telemetry.metrics(a, HOTEL, 3) == telemetry.metrics(b, HOTEL, 3)
    assert telemetry.traces(a, HOTEL, 3) == telemetry.traces(b, HOTEL, 3)
