"""The real kubectl binary pointed at a served twin (for tests, benchmarks and live runs)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from aoi.apiserver.serve import Served, write_kubeconfig
from aoi.shelltools import CommandResult

KUBECTL_TIMEOUT_S = 30.0


def kubectl_path() -> str | None:
    return shutil.which("kubectl")


class Kubectl:
    """Runs kubectl (argv lists, never a shell) with its own kubeconfig and discovery cache."""

    def __init__(self, served: Served, workdir: Path, *, binary: str | None = None) -> None:
        found = binary or kubectl_path()
        if found is None:
            raise FileNotFoundError("kubectl is not on PATH")
        self.binary = found
        self.served = served
        workdir.mkdir(parents=True, exist_ok=True)
        self.kubeconfig = write_kubeconfig(workdir / "kubeconfig", served.port)
        self.cache = workdir / "cache"

    def __call__(
        self, *argv: str, stdin: str = "", timeout_s: float = KUBECTL_TIMEOUT_S
    ) -> CommandResult:
        proc = subprocess.run(
            [
                self.binary,
                "--kubeconfig",
                str(self.kubeconfig),
                "--cache-dir",
                str(self.cache),
                *argv,
            ],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        return CommandResult(proc.stdout, proc.stderr, proc.returncode)
