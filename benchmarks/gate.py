"""Gate throughput: commands classified per second, over the command table.

Run: flock /tmp/aoi-bench.lock env PYTHONPATH=src /work/venv/bin/python benchmarks/gate.py [--seconds 1.0]
Prints commands/s for the whole table and per section, for the Probe and the
Executor, plus the parser alone and redaction, and the time to classify long
inputs (the largest accepted, and a 200 kB one), all measured in this one run.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path

from aoi.gate import Policy, Role, classify, redact
from aoi.shell import ShellSyntaxError, parse, simple_commands

GOAL = 50_000
BIG_INPUT_GOAL_MS = 10.0
ROOT = Path(__file__).resolve().parents[1]


def load_table() -> list[tuple[str, str]]:
    """(section, command) pairs from tests/gate/cases.txt, unscoped only."""
    path = ROOT / "tests" / "gate" / "table.py"
    spec = importlib.util.spec_from_file_location("gate_table", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["gate_table"] = module
    spec.loader.exec_module(module)
    return [(c.section, c.command) for c in module.load_cases() if c.scope is None]


def rate(fn: Callable[[], int], seconds: float) -> float:
    """Items per second: call fn (which returns how many items it did) for ~seconds."""
    fn()  # warm up caches and regexes
    done = 0
    start = time.perf_counter()
    while True:
        done += fn()
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    args = parser.parse_args()
    table = load_table()
    policy = Policy.default()
    scoped = Policy.load(namespaces=["test-social-network", "test-hotel-reservation", "x"])
    commands = [c for _, c in table]

    def classify_all(role: Role, items: list[str], pol: Policy) -> Callable[[], int]:
        def run() -> int:
            for command in items:
                classify(command, role, pol)
            return len(items)

        return run

    def parse_all() -> int:
        for command in commands:
            try:
                parse(command)
            except ShellSyntaxError:
                continue
        return len(commands)

    print(f"gate benchmark: {len(commands)} distinct commands from tests/gate/cases.txt")
    results: dict[str, float] = {}
    results["parser only"] = rate(parse_all, args.seconds)
    for role in Role:
        results[f"classify {role.value}, whole table"] = rate(
            classify_all(role, commands, policy), args.seconds
        )
    results["classify executor, scoped policy"] = rate(
        classify_all(Role.EXECUTOR, commands, scoped), args.seconds
    )
    for section in ("read", "write_allowed", "write_refused", "forbidden"):
        items = [c for s, c in table if s == section]
        results[f"classify executor, {section} ({len(items)})"] = rate(
            classify_all(Role.EXECUTOR, items, policy), args.seconds
        )
    base = results["classify probe, whole table"]
    width = max(len(k) for k in results)
    for name, value in results.items():
        print(f"  {name:<{width}}  {value:>10,.0f} commands/s  ({value / base:4.2f}x probe table)")

    secret = "apiVersion: v1\ndata:\n  password: aHVudGVyMg==\nkind: Secret\nmetadata:\n  name: s\n"
    log = "2024/05/01 GET /api 200 12ms user=alice mongodb://admin:s3cr3t@db:27017\n" * 200
    argv = [c.argv or [] for c in simple_commands(parse("kubectl get secret s -n x -o yaml"))]
    logs_argv = [c.argv or [] for c in simple_commands(parse("kubectl logs geo-1 -n x"))]
    secret_rate = rate(lambda: (redact(secret, argv), 1)[1], args.seconds)
    log_rate = rate(lambda: (redact(log, logs_argv), len(log))[1], args.seconds)
    print(f"  redact a Secret manifest: {secret_rate:,.0f}/s; log text: {log_rate / 1e6:,.1f} MB/s")
    from aoi.shell import MAX_LENGTH

    print(f"  MAX_LENGTH (longest command line accepted): {MAX_LENGTH:,} characters")
    big_ms = 0.0
    for label, line in _long_inputs():
        start = time.perf_counter()
        runs = 0
        while time.perf_counter() - start < args.seconds / 4 or runs < 3:
            verdict = classify(line, Role.PROBE, policy)
            runs += 1
        per = (time.perf_counter() - start) / runs * 1000
        outcome = "allowed" if verdict.allowed else f"refused ({verdict.reason[:60]})"
        print(f"  {label} ({len(line) // 1000} kB): {per:.3f} ms per classification, {outcome}")
        if len(line) > MAX_LENGTH:
            big_ms = per
            assert not verdict.allowed, "an input past MAX_LENGTH must be refused"
    verdict_text = "meets" if base >= GOAL else "MISSES"
    print(
        f"probe table throughput {base:,.0f} classifications/s {verdict_text} the goal of {GOAL:,}/s"
    )
    big_text = "meets" if big_ms < BIG_INPUT_GOAL_MS else "MISSES"
    print(f"200 kB input {big_ms:.3f} ms {big_text} the goal of < {BIG_INPUT_GOAL_MS} ms")


def _long_inputs() -> list[tuple[str, str]]:
    """Worst cases for the parser and the grammars, and a 200 kB line (refused for its size)."""
    from aoi.shell import MAX_LENGTH

    words_line = "kubectl get pods -n x " + "a " * ((MAX_LENGTH - 30) // 2)
    pipes = " | grep x" * ((MAX_LENGTH - 40) // 9)
    keys = ",".join(f"k{i}: {i}" for i in range(MAX_LENGTH // 12))
    mongo = f"kubectl exec -n x m-1 -- mongo --eval 'db.c.find({{{keys}}})'"
    return [
        ("many words", words_line[:MAX_LENGTH]),
        ("many pipes", ("kubectl get pods -n x" + pipes)[:MAX_LENGTH]),
        (
            "long mongo --eval",
            mongo[:MAX_LENGTH] if len(mongo) <= MAX_LENGTH else mongo[: MAX_LENGTH - 3] + "})'",
        ),
        ("200 kB input", "kubectl get pods -n x " + "a" * 200_000),
    ]


if __name__ == "__main__":
    main()
