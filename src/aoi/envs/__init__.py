"""Environments: the contract, and where agents can work (the twin, a live cluster)."""

from aoi.envs.base import (
    APIS,
    Action,
    Environment,
    EnvironmentStateError,
    EpisodeEnvironment,
    Observation,
    Outcome,
    to_action,
)
from aoi.envs.probe_tools import ProbeTools
from aoi.envs.registry import (
    EnvironmentOptionError,
    UnknownEnvironmentError,
    env_names,
    make_env,
    register_env,
)


def __getattr__(name: str) -> object:
    # the concrete environments import the twin or subprocess machinery: load on use
    if name == "TwinEnvironment":
        from aoi.envs.twin import TwinEnvironment

        return TwinEnvironment
    if name == "LiveClusterEnvironment":
        from aoi.envs.live import LiveClusterEnvironment

        return LiveClusterEnvironment
    raise AttributeError(f"module 'aoi.envs' has no attribute {name!r}")


__all__ = [
    "APIS",
    "Action",
    "Environment",
    "EnvironmentOptionError",
    "EnvironmentStateError",
    "EpisodeEnvironment",
    "LiveClusterEnvironment",
    "Observation",
    "Outcome",
    "ProbeTools",
    "TwinEnvironment",
    "UnknownEnvironmentError",
    "env_names",
    "make_env",
    "register_env",
    "to_action",
]
