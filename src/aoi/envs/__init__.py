"""Environments: the contract, and where agents can work (the twin, a live cluster)."""

from aoi.envs.base import (
    APIS,
    Action,
    Environment,
    EnvironmentStateError,
    Observation,
    Outcome,
    to_action,
)

__all__ = [
    "APIS",
    "Action",
    "Environment",
    "EnvironmentStateError",
    "Observation",
    "Outcome",
    "to_action",
]
