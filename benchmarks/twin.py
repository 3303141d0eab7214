"""Twin speed: building a fresh twin of each app, and per-command latency (p50, p99).

Run: .venv/bin/python benchmarks/twin.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time

from aoi.twin.core import Twin

APPS = {
    "hotel-reservation": ("test-hotel-reservation", "geo"),
    "social-network": ("test-social-network", "compose-post-service"),
    "astronomy-shop": ("astronomy-shop", "frontend"),
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    print(
        f"{'app':<18} {'build (ms)':>11} {'fresh p50':>10} {'fresh p99':>10}   command latency p50 / p99 (ms)"
    )
    for app, (ns, service) in APPS.items():
        started = time.perf_counter()
        Twin(app, seed=1)
        build = (time.perf_counter() - started) * 1000
        Twin.fresh(app, seed=1)  # fill the prototype cache
        fresh = []
        for _ in range(max(20, args.repeat // 5)):
            started = time.perf_counter()
            Twin.fresh(app, seed=1)
            fresh.append((time.perf_counter() - started) * 1000)
        twin = Twin.fresh(app, seed=1)
        pod = twin.store.list("Pod", ns, {twin.apps[ns].log_label: service})[0]["metadata"]["name"]
        commands = {
            "get pods": f"kubectl get pods -n {ns}",
            "describe pod": f"kubectl describe pod {pod} -n {ns}",
            "logs --tail 100": f"kubectl logs {pod} -n {ns} --tail 100",
            "get -o json": f"kubectl get pods -n {ns} -o json",
        }
        cells = []
        for label, command in commands.items():
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                twin.run(command)
                times.append((time.perf_counter() - started) * 1000)
            cells.append(f"{label}: {statistics.median(times):.3f} / {percentile(times, 0.99):.3f}")
        print(
            f"{app:<18} {build:>11.1f} {statistics.median(fresh):>10.2f} {percentile(fresh, 0.99):>10.2f}   "
            + "; ".join(cells)
        )


if __name__ == "__main__":
    main()
