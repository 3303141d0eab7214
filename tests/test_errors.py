"""Typed errors: one root, and each kind taking its own path through the loop.

A model-backend error ends the attempt as `error`; an invalid decision fails the
step and is counted; a context too long is compressed harder and asked again;
anything else is a bug and surfaces.
"""

from __future__ import annotations

import importlib
import json
import random
import string
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from tests.agents.test_loop import HR, observer, plan, probe

from aoi.agents import Runtime, RuntimeConfig
from aoi.agents.compressor import Compressor
from aoi.agents.memory import AgentRole, Memory, RawRecord
from aoi.agents.observer import LLMObserver
from aoi.envs.twin import TwinEnvironment
from aoi.errors import (
    AOIError,
    ConfigError,
    ContextTooLongError,
    InvalidDecisionError,
    ModelError,
    UnknownNameError,
)
from aoi.llm import Completion, Message, Replay, Usage, extract_json

NOOP = "noop_detection_hotel_reservation-1"

# (module, class, the builtin base it keeps for older `except` clauses)
PUBLIC_ERRORS = [
    ("aoi.llm.errors", "LLMError", ModelError),
    ("aoi.llm.errors", "EndpointUnavailable", ModelError),
    ("aoi.llm.errors", "ContextTooLong", ContextTooLongError),
    ("aoi.llm.errors", "ModelSpecError", ValueError),
    ("aoi.llm.errors", "MissingDependency", ImportError),
    ("aoi.llm.json_extract", "JSONExtractionError", ValueError),
    ("aoi.agents.observer", "DecisionError", InvalidDecisionError),
    ("aoi.agents.run", "AgentConfigError", ConfigError),
    ("aoi.agents.memory", "MemoryPermissionError", PermissionError),
    ("aoi.agents.expert.rules", "UnknownRuleError", ValueError),
    ("aoi.catalog", "UnknownTaskError", LookupError),
    ("aoi.catalog.registry", "UnknownSplitError", LookupError),
    ("aoi.twin.faults", "UnknownFaultError", LookupError),
    ("aoi.gate.allowlist", "PolicyError", ValueError),
    ("aoi.envs.base", "EnvironmentStateError", RuntimeError),
    ("aoi.envs.live_tasks", "LiveClusterError", RuntimeError),
    ("aoi.envs.telemetry", "TelemetryError", RuntimeError),
    ("aoi.envs.kubeview", "ClusterReadError", RuntimeError),
    ("aoi.trajectories.errors", "StoreError", AOIError),
    ("aoi.trajectories.errors", "UnknownRunError", LookupError),
    ("aoi.trajectories.export", "MissingExtraError", ImportError),
    ("aoi.bench.runner", "TaskSelectionError", ConfigError),
    ("aoi.bench.runner", "BenchInterrupted", AOIError),
    ("aoi.loop.purify", "NotPurifiableError", ValueError),
    ("aoi.loop.evolve.teacher", "TeacherError", RuntimeError),
    ("aoi.train.config", "ConfigError", ConfigError),
    ("aoi.train.training", "TrainError", RuntimeError),
    ("aoi.train.factory", "UnknownSizeError", ValueError),
    ("aoi.train.data.splits", "UnknownTrainSplitError", UnknownNameError),
]


@pytest.mark.parametrize(("module", "name", "base"), PUBLIC_ERRORS)
def test_every_public_error_is_an_aoi_error(module: str, name: str, base: type) -> None:
    cls = getattr(importlib.import_module(module), name)
    assert issubclass(cls, AOIError)
    assert issubclass(cls, base)


def test_the_kinds_nest_as_the_loop_reads_them() -> None:
    from aoi.catalog import UnknownTaskError, get_task

    assert issubclass(ContextTooLongError, ModelError)
    with pytest.raises(AOIError, match="unknown task"):
        get_task("no-such-task")
    with pytest.raises(UnknownTaskError):
        get_task("no-such-task")
    assert not issubclass(RuntimeError, AOIError)


def _runtime(model: Any, iterations: int = 4, **config: Any) -> Runtime:
    return Runtime(
        LLMObserver(model, extract_json),
        probe_model=model,
        executor_model=model,
        compressor_model=model,
        parse=extract_json,
        config=RuntimeConfig(max_iterations=iterations, **config),
    )


def _run(runtime: Runtime, task: str = NOOP) -> tuple[Any, Any]:
    env = TwinEnvironment(step_seconds=5)
    problem = env.reset(task, 1)
    record = runtime.run(env, problem, task_type="detection", namespace=HR)
    return record, env.evaluate()


def test_a_model_error_ends_the_attempt_as_error() -> None:
    model = Replay(
        [
            plan("probe", "submit"),
            {"match": "You are the Observer", "raise": "RateLimited", "response": "429 forever"},
        ]
    )
    record, outcome = _run(_runtime(model))
    assert record.ended_by == "error"
    assert record.error == "RateLimited: 429 forever"
    assert record.invalid_decisions == 0
    assert len(record.steps) == 1 and record.steps[0]["calls"][-1]["error"].startswith(
        "RateLimited"
    )
    assert not outcome.success


def test_invalid_decisions_fail_their_steps_and_are_counted() -> None:
    garbage = {"match": "You are the Observer of AOI, a team", "response": "no JSON at all"}
    model = Replay(
        [
            plan("probe", "probe", "submit"),
            garbage,
            {**probe(f"kubectl get pods -n {HR}"), "repeat": True},
            garbage,
            observer("submit", call='submit("No")'),
        ]
    )
    record, outcome = _run(_runtime(model))
    assert record.invalid_decisions == 2
    assert [bool(s["error"]) for s in record.steps] == [True, True, False]
    assert record.error is None and record.ended_by == "submit"
    assert outcome.success


def test_a_context_too_long_is_compressed_harder_and_asked_again() -> None:
    model = Replay(
        [
            plan("probe", "probe", "submit"),
            observer("probe", commands=[f"kubectl get pods -n {HR}"]),
            probe(f"kubectl get pods -n {HR}"),
            {"match": "You are the Observer", "raise": "ContextTooLong", "response": "too long"},
            observer("submit", call='submit("No")'),
        ]
    )
    runtime = _runtime(model, context_tokens=1024)
    record, outcome = _run(runtime)
    assert record.error is None and record.submitted and outcome.success
    second = record.steps[1]
    assert second["harder_compressions"] == 1
    asked = [c for c in second["calls"] if c["role"] == "observer"]
    assert [bool(c["error"]) for c in asked] == [True, False]
    assert record.steps[0].get("harder_compressions", 0) == 0


def test_a_context_too_long_with_nothing_left_to_cut_ends_the_attempt() -> None:
    model = Replay(
        [
            plan("probe", "submit"),
            {
                "match": "You are the Observer",
                "raise": "ContextTooLong",
                "response": "too long",
                "repeat": True,
            },
        ]
    )
    record, _ = _run(_runtime(model))
    assert record.ended_by == "error" and "ContextTooLong" in (record.error or "")


class Broken:
    """A model whose backend has a bug: not an AOIError."""

    def complete(self, messages: Sequence[Message], **_: Any) -> list[Completion]:
        raise KeyError("a bug in the backend")


def test_a_bug_surfaces_instead_of_looking_like_a_dead_endpoint() -> None:
    with pytest.raises(KeyError, match="a bug in the backend"):
        _run(_runtime(Broken()))


class Shrinking:
    """A compressor model that refuses windows above `fits` characters, or fails with `error`."""

    def __init__(self, fits: int = 0, error: Exception | None = None) -> None:
        self.fits = fits
        self.error = error
        self.sizes: list[int] = []

    def complete(self, messages: Sequence[Message], **_: Any) -> list[Completion]:
        size = len(messages[-1].content)
        self.sizes.append(size)
        if self.error is not None:
            raise self.error
        if size > self.fits:
            from aoi.llm import ContextTooLong

            raise ContextTooLong(f"{size} characters do not fit")
        return [Completion("summary of the window", usage=Usage(10, 3))]


def _compress(model: Any) -> str:
    memory = Memory()
    rng = random.Random(0)
    words = ["".join(rng.choice(string.ascii_lowercase) for _ in range(6)) for _ in range(500)]
    text = "\n".join(" ".join(rng.choices(words, k=8)) for _ in range(3000))
    memory.view(AgentRole.PROBE).write_raw(RawRecord(1, "probe", "kubectl logs x", text, 0, "READ"))
    compressor = Compressor(model=model, budget_tokens=200)
    return compressor.compress_iteration(memory.view(AgentRole.COMPRESSOR), 1).text


def test_the_compressor_cuts_smaller_windows_when_the_model_says_too_long() -> None:
    model = Shrinking(fits=30_000)
    text = _compress(model)
    assert "summary of the window" in text
    assert model.sizes[0] > 30_000 and model.sizes[-1] <= 30_000
    assert len(model.sizes) > 2  # the smaller windows were all sent


def test_the_compressor_falls_back_to_extraction_on_a_model_error() -> None:
    from aoi.llm import EndpointUnavailable

    text = _compress(Shrinking(error=EndpointUnavailable("down")))
    assert "summary of the window" not in text and "lines omitted" in text


def test_a_bug_in_the_compressors_model_surfaces() -> None:
    with pytest.raises(ZeroDivisionError):
        _compress(Shrinking(error=ZeroDivisionError("bug")))


def test_the_bench_records_an_aoi_error_and_surfaces_a_bug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aoi.agents.run import AgentSpec
    from aoi.bench import runner
    from aoi.trajectories import TrajectoryStore

    url = f"sqlite:///{tmp_path}/runs.db"
    store = TrajectoryStore(url)
    run_id = store.create_run({})

    def job(attempt: int) -> runner.Job:
        return runner.Job(url, run_id, NOOP, attempt, attempt, AgentSpec(), RuntimeConfig())

    def expected(*_: Any, **__: Any) -> Any:
        raise ConfigError("no such cluster context")

    monkeypatch.setattr(runner, "run_task", expected)
    result = runner.run_attempt(job(0))
    assert not result.success and "no such cluster context" in (result.error or "")

    def bug(*_: Any, **__: Any) -> Any:
        raise TypeError("a bug")

    monkeypatch.setattr(runner, "run_task", bug)
    with pytest.raises(TypeError, match="a bug"):
        runner.run_attempt(job(1))
    statuses = {r.attempt_index: r.status for r in TrajectoryStore(url).query_outcomes()}
    assert statuses == {0: "failed", 1: "running"}  # the bug's attempt is redone on resume
    assert json.dumps(statuses)
