"""The twin's API server: kubectl round trips and the Python client's list/get rates.

Run: python benchmarks/apiserver.py [--rounds 30] [--requests 300]
Prints p50/p99 of `kubectl get pods` against a served hotel-reservation twin (the real
binary, a process per call), of the same command in-process, and p50/p99 and requests per
second of list and get through the official Python client (objects parsed into its models)
and through plain HTTP. Goal: a list p50 under 5 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from aoi.apiserver.clients import Kubectl, kubectl_path
from aoi.apiserver.serve import serving
from aoi.twin.core import Twin
from aoi.twin.surface.kubectl.cli import run_kubectl

NS = "test-hotel-reservation"


def _timed(fn: Callable[[], object], n: int) -> list[float]:
    fn()  # warm caches (discovery, connection, the printers)
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _line(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    return f"{name:<44} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms   {1000 / p50:8.0f} /s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30, help="kubectl invocations")
    parser.add_argument("--requests", type=int, default=300, help="client requests per case")
    args = parser.parse_args()
    twin = Twin.fresh("hotel-reservation", 0)
    pod = twin.store.list("Pod", NS)[0]["metadata"]["name"]
    with serving(twin, clock="still") as served, tempfile.TemporaryDirectory() as tmp:
        rows = []
        if kubectl_path() is not None:
            kubectl = Kubectl(served, Path(tmp))
            rows.append(
                _line(
                    "kubectl get pods (real binary, server)",
                    _timed(lambda: kubectl("get", "pods", "-n", NS), args.rounds),
                )
            )
        rows.append(
            _line(
                "kubectl get pods (twin, in-process)",
                _timed(lambda: run_kubectl(twin, ["get", "pods", "-n", NS]), args.requests),
            )
        )
        import httpx

        with httpx.Client(base_url=served.url) as http:
            rows.append(
                _line(
                    "HTTP list pods (JSON)",
                    _timed(
                        lambda: http.get(f"/api/v1/namespaces/{NS}/pods").content, args.requests
                    ),
                )
            )
            table = {"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"}
            rows.append(
                _line(
                    "HTTP list pods (Table)",
                    _timed(
                        lambda: http.get(f"/api/v1/namespaces/{NS}/pods", headers=table).content,
                        args.requests,
                    ),
                )
            )
        try:
            from kubernetes import client
        except ImportError:
            client = None
        if client is not None:
            with client.ApiClient(client.Configuration(host=served.url)) as api:
                core = client.CoreV1Api(api)
                rows.append(
                    _line(
                        "Python client list pods (models)",
                        _timed(lambda: core.list_namespaced_pod(NS), args.requests),
                    )
                )
                rows.append(
                    _line(
                        "Python client list pods (raw)",
                        _timed(
                            lambda: core.list_namespaced_pod(NS, _preload_content=False).data,
                            args.requests,
                        ),
                    )
                )
                rows.append(
                    _line(
                        "Python client get pod (models)",
                        _timed(lambda: core.read_namespaced_pod(pod, NS), args.requests),
                    )
                )
    pods = len(twin.store.list("Pod", NS))
    print(f"hotel-reservation, {pods} pods in {NS}; server requests served: {served.api.requests}")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
