"""Reset + inject time per task across the 86 AIOpsLab tasks (the TwinEnvironment's reset).

Run: .venv/bin/python benchmarks/tasks.py [--seed N]
The first reset of an app builds its prototype; the figures report it separately.
"""

from __future__ import annotations

import argparse
import statistics
import time

from aoi.catalog import list_tasks
from aoi.envs.twin import TwinEnvironment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    env = TwinEnvironment(step_seconds=0)
    first: dict[str, float] = {}
    times: dict[str, float] = {}
    for task in list_tasks("all"):
        started = time.perf_counter()
        env.reset(task.id, args.seed)
        elapsed = (time.perf_counter() - started) * 1000
        if task.app.value not in first:
            first[task.app.value] = elapsed
        else:
            times[task.id] = elapsed
    env.close()
    values = sorted(times.values())
    print(
        f"tasks: {len(times) + len(first)} (first reset per app, building its prototype: "
        + ", ".join(f"{k} {v:.1f} ms" for k, v in first.items())
        + ")"
    )
    print(
        f"reset + inject, the other {len(values)}: median {statistics.median(values):.2f} ms, "
        f"p90 {values[int(0.9 * len(values))]:.2f} ms, max {values[-1]:.2f} ms"
    )
    slow = sorted(times.items(), key=lambda kv: -kv[1])[:5]
    print("slowest: " + ", ".join(f"{k} {v:.1f} ms" for k, v in slow))


if __name__ == "__main__":
    main()
