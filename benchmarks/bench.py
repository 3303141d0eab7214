"""The full 86-task suite with the expert, with 1 and 2 workers: wall time and figures.

Run: .venv/bin/python benchmarks/bench.py [--tasks all] [--attempts 1]
Each configuration writes to its own throw-away SQLite store.
"""

from __future__ import annotations

import argparse
import tempfile

from aoi.bench import BenchConfig, run_bench, select_tasks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", default="all")
    parser.add_argument("--attempts", type=int, default=1)
    args = parser.parse_args()
    tasks = select_tasks(args.tasks)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            config = BenchConfig(
                tasks=tasks,
                attempts=args.attempts,
                workers=workers,
                store_url=f"sqlite:///{tmp}/bench-{workers}.db",
            )
            result = run_bench(config)
            fig = result.figures
            rows.append((workers, result.wall_seconds, fig.best_at_k, fig.avg_at_k))
            print(
                f"workers={workers}: {len(tasks)} tasks x {args.attempts} in {result.wall_seconds:.2f} s, "
                f"best@{fig.k} {fig.best_at_k:.1f} %, avg@{fig.k} {fig.avg_at_k:.1f} %"
            )
    if len(rows) == 2:
        print(
            f"speed-up with 2 workers: {rows[0][1] / rows[1][1]:.2f}x (same figures: {rows[0][2:] == rows[1][2:]})"
        )


if __name__ == "__main__":
    main()
