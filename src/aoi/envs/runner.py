"""Run one program as an argv list, never through a shell: time-out, output cap, exit status.

`ProcessRunner` is what `LiveClusterEnvironment` calls for every kubectl and helm
command; tests inject their own (a twin, a recorded transcript) in its place.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

TIMEOUT_EXIT = 124
NOT_FOUND_EXIT = 127


@dataclass(frozen=True, slots=True)
class ProcessResult:
    """What a program printed and how it ended.

    `truncated` is True when stdout or stderr went past the output cap (the rest
    was read and dropped); `timed_out` is True when the program was killed at its
    time-out, with `exit_code` TIMEOUT_EXIT.
    """

    stdout: str
    stderr: str = ""
    exit_code: int = 0
    truncated: bool = False
    timed_out: bool = False


ProcessRunner = Callable[[list[str], float, int], ProcessResult]
"""(argv, timeout in seconds, output cap in bytes) -> ProcessResult. Never a shell."""


def subprocess_runner(argv: list[str], timeout: float, max_bytes: int) -> ProcessResult:
    """Run argv with the program resolved on PATH; kill it (and its children) at the time-out.

    Output past `max_bytes` per stream is read and dropped, so the program never
    blocks on a full pipe and its real exit status is kept. A program missing
    from PATH comes back as exit status 127 with a message, not an exception.
    """
    if not argv:
        raise ValueError("argv must name a program")
    program = shutil.which(argv[0])
    if program is None:
        return ProcessResult("", f"{argv[0]}: command not found on PATH\n", NOT_FOUND_EXIT)
    # A new session makes the program a process-group leader, so a time-out can
    # end credential plugins it started too.
    proc = subprocess.Popen(
        [program, *argv[1:]],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    out, err = _Drain(proc.stdout, max_bytes), _Drain(proc.stderr, max_bytes)
    timed_out = False
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc)
        proc.wait()
    # A daemon the program left behind may hold the pipes open: do not wait on it forever.
    out.join(5.0)
    err.join(5.0)
    stderr = err.text()
    if timed_out:
        stderr += (
            f"{argv[0]}: timed out after {timeout:g} s and was killed; narrow the query "
            "(-n NAMESPACE, -l LABEL, --tail N) and try again\n"
        )
        return ProcessResult(out.text(), stderr, TIMEOUT_EXIT, out.truncated or err.truncated, True)
    return ProcessResult(out.text(), stderr, proc.returncode, out.truncated or err.truncated)


class _Drain:
    """Reads one pipe to its end on a thread, keeping the first `cap` bytes."""

    def __init__(self, stream: IO[bytes], cap: int) -> None:
        self._stream = stream
        self._cap = cap
        self._kept = bytearray()
        self.truncated = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with self._stream:
            while chunk := self._stream.read(65536):
                room = self._cap - len(self._kept)
                if len(chunk) > room:
                    self.truncated = True
                if room > 0:
                    self._kept += chunk[:room]

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def text(self) -> str:
        return bytes(self._kept).decode("utf-8", errors="replace")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


def kubeconfig_runner(
    kubeconfig: str | os.PathLike[str], runner: ProcessRunner = subprocess_runner
) -> ProcessRunner:
    """A runner whose kubectl and helm read `kubeconfig` (a served twin's, another cluster's).

    The flag is put right after the program name, so what runs is still exactly the
    argv the caller gave, with one more flag kubectl and helm both accept.
    """
    path = os.fspath(kubeconfig)

    def run(argv: list[str], timeout: float, max_bytes: int) -> ProcessResult:
        if argv and os.path.basename(argv[0]) in ("kubectl", "helm"):
            argv = [argv[0], "--kubeconfig", path, *argv[1:]]
        return runner(argv, timeout, max_bytes)

    return run
