"""The default process runner: argv lists on PATH, time-out, output cap, exit status."""

from __future__ import annotations

import shutil
import sys

import pytest

from aoi.envs.runner import NOT_FOUND_EXIT, TIMEOUT_EXIT, subprocess_runner

PY = sys.executable


def test_stdout_stderr_and_exit_status_are_captured() -> None:
    code = "import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)"
    result = subprocess_runner([PY, "-c", code], 10, 1000)
    assert (result.stdout, result.stderr, result.exit_code) == ("out\n", "err\n", 3)
    assert not result.truncated and not result.timed_out


def test_arguments_are_never_read_by_a_shell() -> None:
    result = subprocess_runner(
        [PY, "-c", "import sys; print(sys.argv[1])", "$(id); `id` | x"], 10, 1000
    )
    assert result.stdout == "$(id); `id` | x\n"


def test_output_past_the_cap_is_dropped_and_marked() -> None:
    result = subprocess_runner([PY, "-c", "print('x' * 300000)"], 10, 1000)
    assert result.truncated and result.exit_code == 0
    assert result.stdout == "x" * 1000


def test_a_slow_program_is_killed_at_the_time_out() -> None:
    result = subprocess_runner(
        [PY, "-c", "import time; print('started', flush=True); time.sleep(30)"], 0.5, 1000
    )
    assert result.timed_out and result.exit_code == TIMEOUT_EXIT
    assert result.stdout == "started\n"
    assert "timed out after 0.5 s" in result.stderr


def test_a_missing_program_is_exit_127() -> None:
    result = subprocess_runner(["aoi-no-such-program"], 5, 1000)
    assert result.exit_code == NOT_FOUND_EXIT
    assert "not found on PATH" in result.stderr


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not on PATH")
def test_kubectl_client_version_runs() -> None:
    result = subprocess_runner(["kubectl", "version", "--client"], 20, 100_000)
    assert result.exit_code == 0, result.stderr
    assert "Client Version" in result.stdout
