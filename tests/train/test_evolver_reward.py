"""The Evolver reward's adapter to TRL's signature, with a stand-in for aoi.loop's execution check.

The execution-checked reward itself is aoi.loop's and is tested there and in
test_evolver.py (which runs once aoi.loop.rewards exists); this file checks what
aoi.train adds: the columns reach it per completion, conversations are read as
their text, and each dimension is its own logged function.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aoi.train.rewards import evolver


@pytest.fixture
def calls(monkeypatch):
    seen: list[dict] = []

    def fake(text, *, task_id, seed, seed_commands, strict):
        seen.append({"text": text, "task_id": task_id, "seed": seed, "cmds": seed_commands})
        plan = text.startswith("{")
        return SimpleNamespace(
            total=0.8 if plan else 0.0,
            scores={"effectiveness": 1.0 if plan else 0.0, "format": 1.0 if plan else 0.0},
        )

    monkeypatch.setattr(evolver, "_loop_reward", lambda: fake)
    return seen


def test_each_completion_is_scored_with_its_own_rows_columns(calls) -> None:
    reward = evolver.EvolverReward()
    columns = {
        "task_id": ["a", "b"],
        "seed": [3, None],
        "seed_commands": [["kubectl get pods"], None],
    }
    completions = [[{"role": "assistant", "content": '{"plan": 1}'}], "no plan here"]
    assert reward(["p", "p"], completions, **columns) == [0.8, 0.0]
    assert calls[0] == {
        "text": '{"plan": 1}',
        "task_id": "a",
        "seed": 3,
        "cmds": ["kubectl get pods"],
    }
    assert calls[1]["seed"] == 0 and calls[1]["cmds"] == []


def test_dimensions_are_separate_functions_and_unknown_ones_are_refused(calls) -> None:
    reward = evolver.EvolverReward()
    one = reward.dimension("effectiveness")
    assert one.__name__ == "evolver_effectiveness"
    assert one(["p", "p"], ["{}", "x"], task_id=["a", "a"]) == [1.0, 0.0]
    assert reward.dimension("diversity")(["p"], ["{}"], task_id=["a"]) == [0.0]  # not scored: 0
    with pytest.raises(ValueError, match="unknown dimension"):
        reward.dimension("speed")


def test_without_aoi_loop_the_error_says_what_is_missing(monkeypatch) -> None:
    import builtins

    real = builtins.__import__

    def no_loop(name, *args, **kwargs):
        if name.startswith("aoi.loop"):
            raise ImportError("no module named aoi.loop")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_loop)
    with pytest.raises(ImportError, match=r"needs aoi\.loop\.rewards"):
        evolver.EvolverReward()
