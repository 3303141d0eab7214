"""`aoi twin serve`: two twins on two free ports, kubeconfigs written, stopped by Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml

START_TIMEOUT_S = 60


def test_serve_two_twins_and_stop_on_interrupt(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aoi.cli",
            "twin",
            "serve",
            "--app",
            "social-network",
            "--port",
            "0",
            "--port",
            "0",
            "--kubeconfig",
            str(tmp_path / "kc-{port}.yaml"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(2)]
        ports = [
            int(m.group(1)) for m in (re.search(r":(\d+); kubeconfig", line) for line in lines) if m
        ]
        assert len(set(ports)) == 2, lines
        for port in ports:
            config = yaml.safe_load((tmp_path / f"kc-{port}.yaml").read_text())
            assert config["current-context"] == "kind-kind"
            assert config["clusters"][0]["cluster"]["server"] == f"http://127.0.0.1:{port}"
            reply = httpx.get(
                f"http://127.0.0.1:{port}/api/v1/namespaces/test-social-network/pods", timeout=30
            )
            assert len(reply.json()["items"]) > 20
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=START_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail("aoi twin serve did not stop on SIGINT")
    assert proc.returncode in (0, 130, -signal.SIGINT)


def test_serve_refuses_app_and_task_together() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "aoi.cli",
            "twin",
            "serve",
            "--app",
            "hotel-reservation",
            "--task",
            "x",
        ],
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: give --app or --task, not both"
