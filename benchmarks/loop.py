"""The closed loop's speed and yield: Judge, Purifier and Evolver over expert runs on the twin.

Run: .venv/bin/python benchmarks/loop.py [--tasks all|N] [--without mongo,network]

Sources are the expert's attempts (successes) and an ablated expert's attempts
(its failures, the Evolver's input), each solved on a fresh twin. Reported:
- judge throughput (trajectories per second), over every source;
- purify throughput, the median command count before and after, and the share
  of purified paths their oracle verified (replay on a fresh twin);
- evolve: the teacher's repair of each failure, scored by execution (candidates
  verified per second, share verified).
"""

from __future__ import annotations

import argparse
import statistics
import time

from aoi.catalog import list_tasks
from aoi.loop.evolve.candidates import evolve, score, seed_commands
from aoi.loop.judge import judge
from aoi.loop.purify import NotPurifiableError, purify
from aoi.loop.rewards import clear_caches
from aoi.loop.solve import expert_trajectory
from aoi.trajectories import Trajectory


def sources(
    task_ids: list[str], without: tuple[str, ...]
) -> tuple[list[Trajectory], list[Trajectory]]:
    """The expert's successes and the ablated expert's failures over the tasks."""
    successes = [t for t in (expert_trajectory(task) for task in task_ids) if t.success]
    failures = [
        t for t in (expert_trajectory(task, without=without) for task in task_ids) if not t.success
    ]
    return successes, failures


def bench_judge(trajectories: list[Trajectory], rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        for trajectory in trajectories:
            judge(trajectory)
    return rounds * len(trajectories) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--tasks",
        default="all",
        help="'all' or the first N of the 86 (every k-th, spread over apps)",
    )
    parser.add_argument(
        "--without", default="mongo,network", help="expert rules ablated to make failures"
    )
    parser.add_argument("--judge-rounds", type=int, default=5)
    args = parser.parse_args()
    task_ids = [t.id for t in list_tasks()]
    if args.tasks != "all":
        count = int(args.tasks)
        step = max(1, len(task_ids) // count)
        task_ids = task_ids[::step][:count]
    without = tuple(w for w in args.without.split(",") if w)

    started = time.perf_counter()
    successes, failures = sources(task_ids, without)
    solve = time.perf_counter() - started
    print(
        f"sources: {len(task_ids)} tasks; expert successes {len(successes)}, "
        f"ablated ({','.join(without)}) failures {len(failures)}; solved in {solve:.1f} s"
    )

    rate = bench_judge(successes + failures, args.judge_rounds)
    print(f"judge: {rate:,.0f} trajectories/s over {len(successes) + len(failures)} trajectories")

    before: list[int] = []
    after: list[int] = []
    verified = 0
    refused = 0
    started = time.perf_counter()
    for trajectory in successes:
        try:
            result = purify(trajectory)
        except NotPurifiableError:
            refused += 1
            continue
        before.append(result.before)
        after.append(result.after)
        verified += int(result.verified)
    seconds = time.perf_counter() - started
    purified = len(before)
    print(
        f"purify: {purified / seconds:.2f} trajectories/s ({purified} in {seconds:.1f} s, {refused} not purifiable); "
        f"median commands {statistics.median(before):g} -> {statistics.median(after):g}; "
        f"verified {verified}/{purified} ({100 * verified / max(1, purified):.1f} %)"
    )

    started = time.perf_counter()
    candidates = 0
    good = 0
    answers: list[tuple[str, Trajectory]] = []
    for trajectory in failures:
        evolution = evolve(trajectory)  # no model: the teacher's plan, scored on the twin
        candidates += len(evolution.candidates)
        good += sum(1 for c in evolution.candidates if c.verified)
        answers += [(c.text, trajectory) for c in evolution.candidates]
    seconds = time.perf_counter() - started
    print(
        f"evolve (teacher, repair): {candidates / seconds:.2f} candidates/s scored by execution "
        f"({candidates} in {seconds:.1f} s); verified {good}/{candidates} ({100 * good / max(1, candidates):.1f} %)"
    )

    # what a model's G candidates cost: scoring alone (parse, gate, replay on a fresh twin), cold
    clear_caches()
    started = time.perf_counter()
    verified = 0
    for text, trajectory in answers:
        candidate = score(
            text,
            author="bench",
            task_id=trajectory.task_id,
            seed=int(trajectory.seed or 0),
            seeds=seed_commands(trajectory),
        )
        verified += int(candidate.verified)
    seconds = time.perf_counter() - started
    print(
        f"evolve scoring alone: {len(answers) / seconds:.2f} candidates/s "
        f"({len(answers)} in {seconds:.1f} s); verified {verified}/{len(answers)}"
    )


if __name__ == "__main__":
    main()
