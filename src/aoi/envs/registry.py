"""The environments by name: `make_env("twin")`, `make_env("live", context=...)`.

A registry of small named factories, as faults and task types are: each name
maps to a class loaded on first use (the live environment needs no twin, the
twin no subprocess machinery). `make_env` checks the keyword arguments against
the factory's signature, so a misspelt option fails with the options it takes.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

from aoi.envs.base import Environment
from aoi.errors import ConfigError, UnknownNameError

Factory = Callable[..., Environment]

# name -> "module:attribute", resolved on first use
_REGISTRY: dict[str, str | Factory] = {
    "twin": "aoi.envs.twin:TwinEnvironment",
    "live": "aoi.envs.live:LiveClusterEnvironment",
}


class UnknownEnvironmentError(UnknownNameError):
    """`make_env` was given a name no environment is registered under."""


class EnvironmentOptionError(ConfigError):
    """`make_env` was given options the environment does not take (or lacks ones it needs)."""


def register_env(name: str, factory: str | Factory) -> None:
    """Register an environment under `name`: a factory, or "module:attribute" to load on use."""
    if not name or not name.isidentifier():
        raise ConfigError(f"{name!r} is not an environment name (letters, digits, underscores)")
    if name in _REGISTRY:
        raise ConfigError(f"an environment named {name!r} is already registered")
    _REGISTRY[name] = factory


def env_names() -> tuple[str, ...]:
    """The names `make_env` knows, sorted."""
    return tuple(sorted(_REGISTRY))


def env_factory(name: str) -> Factory:
    """The factory registered under `name`; raises UnknownEnvironmentError naming the known ones."""
    entry = _REGISTRY.get(name)
    if entry is None:
        raise UnknownEnvironmentError(
            f"no environment named {name!r}; choose one of: {', '.join(env_names())}"
        )
    if isinstance(entry, str):
        module, _, attribute = entry.partition(":")
        factory: Factory = getattr(importlib.import_module(module), attribute)
        return factory
    return entry


def make_env(name: str, *, task: str | None = None, seed: int = 0, **options: Any) -> Environment:
    """A new environment of the named kind, built with `options`; reset on `task` when given.

    `make_env("twin", task="misconfig_app_hotel_res-detection-1", seed=3)` returns a
    twin environment already reset on that task (its problem in `env.problem`).
    Raises UnknownEnvironmentError for an unknown name and EnvironmentOptionError
    for an option the environment does not take, each saying what it does take.
    """
    factory = env_factory(name)
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):  # a builtin without one: let the call say
        signature = None
    if signature is not None:
        accepted = _options(signature)
        try:
            signature.bind(**options)
        except TypeError as exc:
            raise EnvironmentOptionError(
                f"make_env({name!r}): {_reason(exc, options, accepted)}; "
                f"it takes: {', '.join(accepted) or 'no options'} (and task=, seed=)"
            ) from None
    env = factory(**options)
    if task is not None:
        try:
            env.reset(task, seed)
        except BaseException:
            env.close()
            raise
    return env


def _options(signature: inspect.Signature) -> list[str]:
    kinds = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [p.name for p in signature.parameters.values() if p.kind in kinds]


def _reason(exc: TypeError, options: dict[str, Any], accepted: list[str]) -> str:
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        return f"unknown option{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}"
    return str(exc)
