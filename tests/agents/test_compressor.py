"""The Compressor: near-duplicate lines collapse, budgets hold, errors survive verbatim."""

from __future__ import annotations

from aoi.agents.compressor import Compressor, dedupe_lines, estimate_tokens, extractive
from aoi.agents.memory import AgentRole, Memory, RawRecord
from aoi.llm import Replay


def log(n: int) -> str:
    lines = [
        f"2026-11-26T09:{i // 60:02d}:{i % 60:02d}Z INF cmd/geo/server.go:120 > nearby request lat=37.{i} lon=-122.{i} took {i % 7}ms"
        for i in range(n)
    ]
    lines.insert(
        n // 2,
        '2026-11-26T09:00:30Z ERR cmd/geo/db.go:88 > not authorized on geo-db to execute command { find: "geo" }',
    )
    return "\n".join(lines) + "\n"


def test_near_duplicate_lines_collapse_and_errors_stay() -> None:
    text = log(200)
    out = dedupe_lines(text)
    assert len(out.splitlines()) < 10
    assert "not authorized on geo-db to execute command" in out
    assert "similar lines" in out


def test_distinct_lines_are_kept() -> None:
    text = (
        "\n".join(
            [
                "NAME READY STATUS",
                "geo-1 1/1 Running",
                "frontend-2 0/1 CrashLoopBackOff",
                "user-3 1/1 Running",
            ]
        )
        + "\n"
    )
    assert dedupe_lines(text) == text


def test_extractive_compression_fits_the_budget_and_keeps_errors_in_order() -> None:
    lines = [f"line {i} ok value={i * 37 % 101}" for i in range(500)]
    lines[120] = "Warning  BackOff  kubelet  Back-off restarting failed container"
    lines[400] = "error: connection refused to mongodb-geo:27017"
    out = extractive("\n".join(lines), budget=120)
    assert estimate_tokens(out) <= 120 + 40
    assert out.index("Back-off restarting") < out.index("connection refused")
    assert "lines omitted" in out


WORDS = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
    "kilo",
    "lima",
]


def varied(n: int) -> str:
    """Lines too different from each other to collapse."""
    return "\n".join(
        f"{WORDS[i % 12]} {WORDS[(i * 5) % 11]} {WORDS[(i * 7) % 10]} session {WORDS[(i // 12) % 12]}-{WORDS[(i // 3) % 9]}"
        for i in range(n)
    )


def records(memory: Memory, outputs: list[str], iteration: int = 1) -> None:
    probe = memory.view(AgentRole.PROBE)
    for i, output in enumerate(outputs):
        probe.write_raw(RawRecord(iteration, "probe", f"cmd {i}", output, 0, "READ"))


def test_under_budget_outputs_are_kept_as_they_are() -> None:
    memory = Memory()
    records(memory, ["NAME READY\ngeo 1/1\n"])
    context = Compressor(budget_tokens=4096).compress_iteration(
        memory.view(AgentRole.COMPRESSOR), 1
    )
    assert "geo 1/1" in context.text and "$ cmd 0" in context.text


def test_the_budget_is_split_between_the_rounds_of_an_iteration() -> None:
    memory = Memory()
    big = "\n".join(f"row {i} " + "x" * 60 for i in range(400))
    records(memory, [big, big, big, big])
    context = Compressor(budget_tokens=1024).compress_iteration(
        memory.view(AgentRole.COMPRESSOR), 1
    )
    assert estimate_tokens(context.text) <= 1024 + 4 * 80
    assert context.raw_chars == 4 * len(big)


def test_model_compression_is_used_over_budget_and_errors_are_restored() -> None:
    memory = Memory()
    big = varied(3000) + "\nFATAL: panic in handler geo\n"
    records(memory, [big])
    model = Replay([{"response": "geo served requests; nothing unusual"}])
    compressor = Compressor(model=model, budget_tokens=256, model_context_tokens=100_000)
    context = compressor.compress_iteration(memory.view(AgentRole.COMPRESSOR), 1)
    assert "geo served requests" in context.text
    assert "FATAL: panic in handler geo" in context.text  # restored verbatim
    assert compressor.tokens_in > 0


def test_outputs_beyond_the_model_context_are_compressed_in_windows() -> None:
    memory = Memory()
    big = varied(4000)
    records(memory, [big])
    model = Replay([{"response": "summary of a window", "repeat": True}])
    Compressor(model=model, budget_tokens=256, model_context_tokens=4_000).compress_iteration(
        memory.view(AgentRole.COMPRESSOR), 1
    )
    assert len(model.requests) > 1
