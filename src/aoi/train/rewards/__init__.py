"""Reward functions with TRL's signature, `f(prompts, completions, **columns) -> list[float | None]`.

Plain callables: TRL's GRPOTrainer takes them as `reward_funcs`, and verl's reward
manager can call them the same way.
"""

from aoi.train.rewards.observer import UNPARSEABLE, WEIGHTS, ObserverReward, parse_decision

__all__ = ["UNPARSEABLE", "WEIGHTS", "ObserverReward", "parse_decision"]
