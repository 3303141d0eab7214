"""The Evolver's reward for TRL: aoi.loop's execution-checked reward, wrapped in TRL's signature.

Each plan is executed on a fresh twin of the row's task and seed (through the gate)
by `aoi.loop.rewards.evolver_reward`; this module only adapts the call: dataset
columns `task_id`, `seed` and `seed_commands` in, one float per completion out, and
one function per dimension (weight 0 in TRL, for logging) that reuses the same
execution (aoi.loop caches it per completion).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from aoi.train.rewards.text import completion_text

DIMENSIONS = ("effectiveness", "completeness", "diversity", "validity", "correctness", "format")


def _loop_reward() -> Any:
    try:
        from aoi.loop.rewards import evolver_reward
    except ImportError as exc:  # the closed loop (aoi.loop) provides the execution-checked reward
        raise ImportError(f"the Evolver reward needs aoi.loop.rewards: {exc}") from exc
    return evolver_reward


class EvolverReward:
    """`f(prompts, completions, task_id, seed, seed_commands, **_) -> list[float]`."""

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self.__name__ = "evolver_reward"
        self._reward = _loop_reward()

    def breakdowns(self, completions: Sequence[Any], **columns: Any) -> list[Any]:
        out = []
        for i, completion in enumerate(completions):
            out.append(
                self._reward(
                    completion_text(completion),
                    task_id=str(columns["task_id"][i]),
                    seed=int(columns.get("seed", [0] * len(completions))[i] or 0),
                    seed_commands=list(
                        columns.get("seed_commands", [[]] * len(completions))[i] or []
                    ),
                    strict=self.strict,
                )
            )
        return out

    def __call__(
        self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any
    ) -> list[float | None]:
        return [float(b.total) for b in self.breakdowns(completions, **columns)]

    def dimension(self, name: str) -> Callable[..., list[float | None]]:
        """One dimension's score, for logging next to the reward."""
        if name not in DIMENSIONS:
            raise ValueError(f"unknown dimension {name!r}; choose one of: {', '.join(DIMENSIONS)}")

        def one(prompts: Sequence[Any], completions: Sequence[Any], **columns: Any) -> list[Any]:
            return [float(b.scores.get(name, 0.0)) for b in self.breakdowns(completions, **columns)]

        one.__name__ = f"evolver_{name}"
        return one
