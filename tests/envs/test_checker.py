"""The environment contract, checked: the twin and the live environment (over the twin) pass,
and an environment that breaks a promise is caught by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.envs.test_live import CTX, TwinRunner

from aoi.catalog import ParsedAction, TaskType, get_task, list_tasks
from aoi.envs import (
    Action,
    EnvironmentOptionError,
    Observation,
    UnknownEnvironmentError,
    env_names,
    make_env,
    register_env,
    registry,
)
from aoi.envs.checker import EnvironmentContractError, check_env
from aoi.envs.live import LiveClusterEnvironment
from aoi.envs.twin import TwinEnvironment
from aoi.errors import AOIError
from aoi.twin.core import Twin
from aoi.twin.faults import inject

# one task of each type, on two applications
ONE_OF_EACH = [next(t.id for t in list_tasks() if t.type is kind) for kind in TaskType]
CHECKS = {
    "act before reset raises",
    "a malformed call loses nothing",
    "a refused write never reaches the environment",
    "evaluate before submit: not submitted",
    "act after submit is invalid",
    "the same seed gives the same problem",
    "close is idempotent",
}


@pytest.mark.parametrize("task_id", [*ONE_OF_EACH, "scale_pod_zero_social_net-mitigation-1"])
def test_the_twin_keeps_the_contract(task_id: str) -> None:
    passed = check_env(TwinEnvironment(), task_id, seed=4)
    assert set(passed) >= CHECKS
    assert "the same seed gives the same observations" in passed


def _live_over_twin(task_id: str, tmp_path: Path) -> tuple[LiveClusterEnvironment, TwinRunner]:
    twin = Twin.fresh("hotel-reservation", 0)
    if not task_id.startswith("live/"):
        inject(twin, get_task(task_id))
    runner = TwinRunner(twin)
    return LiveClusterEnvironment(runner=runner, run_dir=tmp_path), runner


@pytest.mark.parametrize(
    "task_id",
    [
        "revoke_auth_mongodb-localization-1",
        "revoke_auth_mongodb-mitigation-1",
        "live/detection/test-hotel-reservation",
    ],
)
def test_the_live_environment_keeps_the_contract_over_the_twin(
    task_id: str, tmp_path: Path
) -> None:
    env, runner = _live_over_twin(task_id, tmp_path)
    passed = check_env(env, task_id)
    assert set(passed) >= CHECKS
    # a live cluster is not replayable: the checker did not ask for the same reads
    assert "the same seed gives the same observations" not in passed
    assert not any("delete" in call for call in runner.calls)


# --- environments that break a promise are caught ----------------------------------------


class CountsAfterDone(TwinEnvironment):
    """Counts a step for a call made after the submission."""

    def act(self, call: str | Action | ParsedAction) -> Observation:
        if self._submitted:
            self._steps += 1
        return super().act(call)


class RaisesOnNonsense(TwinEnvironment):
    """Raises where it must answer `invalid`."""

    def act(self, call: str | Action | ParsedAction) -> Observation:
        if isinstance(call, str) and "frobnicate" in call:
            raise ValueError("no such API")
        return super().act(call)


class UnseededTwin(TwinEnvironment):
    """Ignores the seed: each reset is a different cluster."""

    resets = 0

    def reset(self, task_id: str, seed: int = 0) -> Any:
        UnseededTwin.resets += 1
        return super().reset(task_id, seed + UnseededTwin.resets)


class ActsBeforeReset(TwinEnvironment):
    """Answers before any reset instead of raising."""

    def act(self, call: str | Action | ParsedAction) -> Observation:
        if self.problem is None:
            return Observation(text="nothing here")
        return super().act(call)


@pytest.mark.parametrize(
    ("env", "broken"),
    [
        (CountsAfterDone(), "act after submit counts no step"),
        (RaisesOnNonsense(), "act answers every call"),
        (UnseededTwin(), "the same seed gives the same observations"),
        (ActsBeforeReset(), "act before reset raises"),
    ],
)
def test_a_broken_environment_fails_the_check_by_name(env: TwinEnvironment, broken: str) -> None:
    task = "revoke_auth_mongodb-localization-1"
    with pytest.raises(EnvironmentContractError) as caught:
        check_env(env, task)
    assert broken in str(caught.value)
    env.close()


# --- the registry ----------------------------------------------------------------------------


def test_make_env_builds_each_registered_environment_by_name(tmp_path: Path) -> None:
    assert {"twin", "live"} <= set(env_names())
    twin = make_env("twin", step_seconds=0, run_dir=tmp_path)
    assert isinstance(twin, TwinEnvironment) and twin.step_seconds == 0
    live = make_env("live", context=CTX, runner=TwinRunner(Twin.fresh("hotel-reservation", 0)))
    assert isinstance(live, LiveClusterEnvironment) and live.context == CTX
    twin.close()
    live.close()


def test_make_env_with_a_task_returns_it_reset() -> None:
    env = make_env("twin", task="revoke_auth_mongodb-localization-1", seed=3)
    assert isinstance(env, TwinEnvironment)
    assert env.problem is not None and env.problem.task_id == "revoke_auth_mongodb-localization-1"
    same = make_env("twin", task="revoke_auth_mongodb-localization-1", seed=3)
    command = Action.exec_shell("kubectl get pods -n test-hotel-reservation -o wide")
    assert env.act(command).text == same.act(command).text
    env.close()
    same.close()


def test_make_env_names_what_it_knows_when_the_name_is_unknown() -> None:
    with pytest.raises(UnknownEnvironmentError) as caught:
        make_env("kind")
    assert isinstance(caught.value, AOIError) and isinstance(caught.value, LookupError)
    assert "'kind'" in str(caught.value) and "live, twin" in str(caught.value)


def test_make_env_names_the_options_when_one_is_wrong() -> None:
    with pytest.raises(EnvironmentOptionError) as caught:
        make_env("twin", step_secs=0)
    message = str(caught.value)
    assert isinstance(caught.value, AOIError) and isinstance(caught.value, ValueError)
    assert "'step_secs'" in message and "step_seconds" in message and "run_dir" in message


def test_register_env_adds_a_name_and_refuses_a_taken_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    register_env("quiet_twin", lambda **kw: TwinEnvironment(step_seconds=0, **kw))
    env = make_env("quiet_twin", run_dir=tmp_path)
    assert isinstance(env, TwinEnvironment) and env.step_seconds == 0
    with pytest.raises(AOIError, match="already registered"):
        register_env("twin", TwinEnvironment)
    with pytest.raises(AOIError, match="not an environment name"):
        register_env("no such", TwinEnvironment)
