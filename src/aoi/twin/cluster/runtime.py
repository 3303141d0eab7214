"""What runs inside a container, second by second: the kubelet's view of it.

Each container of each pod has a small state machine driven by the simulated
clock: pulling, running, exited and waiting in back-off. Whether a (re)start
succeeds is asked of the world at that moment (`StartOracle`), so repairing a
dependency lets a crash-looping container recover at its next restart, exactly
as on a real cluster.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

# kubelet's crash-loop back-off: 10 s doubling to a 5 minute cap, reset after 10 minutes of running.
BACKOFF_START = 10.0
BACKOFF_CAP = 300.0
BACKOFF_RESET = 600.0
# PLEG notices a dead container within its 1 s relist and syncs the pod at once; a sync that
# meets the back-off requeues the pod after the pod workers' 10 s, jittered by up to half.
PLEG_SECONDS = 1.0
RESYNC_SECONDS = 10.0


@dataclass(slots=True)
class StartResult:
    """What happens when a container starts."""

    ok: bool
    # waiting reason while the container cannot even be created (ErrImagePull, ...)
    waiting_reason: str = ""
    waiting_message: str = ""
    # for programs that exit: how long they run, their exit code and last words
    run_seconds: float = 1.0
    exit_code: int = 0
    terminated_reason: str = "Error"
    log: tuple[str, ...] = ()
    ready: bool = True

    @property
    def creatable(self) -> bool:
        return not self.waiting_reason


class StartOracle(Protocol):
    """What the control plane asks of the world its containers run in (the network oracle)."""

    def start(self, pod_uid: str, container: str, at: datetime) -> StartResult:
        """Whether a container starting now comes up, and how it behaves if it does."""
        ...

    def invalidate(self) -> None:
        """Forget what was derived from pods and endpoints: they changed."""
        ...

    def image_size(self, image: str) -> int | None:
        """The image's size in its registry, in bytes (None: the registry has no such image)."""
        ...


@dataclass(slots=True)
class Termination:
    exit_code: int
    reason: str
    started: datetime
    finished: datetime
    message: str = ""


@dataclass(slots=True)
class ContainerRuntime:
    """One container's life on its node."""

    name: str
    created: datetime
    # waiting | running | terminated | exited (dead, the kubelet has not yet synced it again)
    state: str = "waiting"
    waiting_reason: str = "ContainerCreating"
    waiting_message: str = ""
    started: datetime | None = None
    restart_count: int = 0
    last: Termination | None = None
    # the run before `last`: what `kubectl logs --previous` shows while the container waits
    before_last: Termination | None = None
    current_exit: Termination | None = None
    result: StartResult | None = None
    crash_at: datetime | None = None
    next_start: datetime | None = None
    backoff: float = BACKOFF_START
    # the kubelet's back-off entry for restarting this container (0: none yet)
    restart_backoff: float = 0.0
    # the last sync met the back-off: the reason cache holds CrashLoopBackOff
    backoff_cached: bool = False
    ready: bool = False
    # (reason, message, type, at) the controller turns into Events
    events: list[tuple[str, str, str, datetime]] = field(default_factory=list)
    container_id: str = ""
    restart_policy: str = "Always"
    # the pod as the kubelet's messages name it (format.Pod: name_namespace(uid))
    pod_ref: str = ""
    image: str = ""
    pull_policy: str = "IfNotPresent"
    image_size: int | None = None
    # the image manager's events for the first start, reported when the container starts
    pull_events: list[tuple[str, str, str, datetime]] = field(default_factory=list)

    def next_transition(self) -> datetime | None:
        if self.state == "running":
            return self.crash_at
        if self.state in ("waiting", "terminated", "exited"):
            return self.next_start
        return None

    @property
    def crash_looping(self) -> bool:
        """Dead and waiting for the kubelet to restart it (shown as Error, then CrashLoopBackOff)."""
        return self.state == "exited" or (
            self.state == "waiting" and self.waiting_reason == "CrashLoopBackOff"
        )

    def advance(self, now: datetime, oracle: StartOracle, pod_uid: str) -> bool:
        """Play transitions up to `now`; True when anything changed."""
        changed = False
        for _ in range(10_000):
            moment = self.next_transition()
            if moment is None or moment > now:
                break
            changed = True
            if self.state == "running":
                self._exit(moment)
            elif self.crash_looping:
                self._sync(moment, oracle, pod_uid)
            else:
                self._start(moment, oracle, pod_uid)
        return changed

    def kill(self, at: datetime, exit_code: int = 137, reason: str = "Error") -> None:
        """An outside kill (chaos, OOM): the container exits and the kubelet restarts it."""
        if self.state != "running" or self.started is None:
            return
        self.result = StartResult(
            ok=False, exit_code=exit_code, terminated_reason=reason, run_seconds=0
        )
        self._exit(at, immediate_restart=True)

    def _start(self, at: datetime, oracle: StartOracle, pod_uid: str) -> None:
        if self.pull_events:
            self.events.extend((r, m, t, min(w, at)) for r, m, t, w in self.pull_events)
            self.pull_events = []
        result = oracle.start(pod_uid, self.name, at)
        self.result = result
        if not result.creatable:
            retry = self.waiting_reason == "ImagePullBackOff"  # the first pull was announced
            self.state = "waiting"
            self.waiting_reason = result.waiting_reason
            self.waiting_message = result.waiting_message
            self.next_start = at + timedelta(seconds=self.backoff)
            self.backoff = min(self.backoff * 2, BACKOFF_CAP)
            if result.waiting_reason == "ErrImagePull":
                # the kubelet's words for a pull that fails, then for the back-off after it
                if retry:
                    self.events.append(("Pulling", f'Pulling image "{self.image}"', "Normal", at))
                self.events.append(("Failed", result.waiting_message, "Warning", at))
                self.events.append(("Failed", "Error: ErrImagePull", "Warning", at))
                later = at + timedelta(seconds=1)
                backoff = f'Back-off pulling image "{self.image}"'
                self.events.append(("BackOff", backoff, "Normal", later))
                self.events.append(("Failed", "Error: ImagePullBackOff", "Warning", later))
                self.waiting_reason = "ImagePullBackOff"
            else:
                self.events.append(("Failed", result.waiting_message, "Warning", at))
            return
        if self.started is not None or self.last is not None:
            self.restart_count += 1
        self.state = "running"
        self.started = at
        self.current_exit = None
        self.waiting_reason = ""
        self.next_start = None
        self.events.append(("Created", f"Created container: {self.name}", "Normal", at))
        self.events.append(("Started", f"Started container {self.name}", "Normal", at))
        self.ready = result.ready
        self.crash_at = None if result.ok else at + timedelta(seconds=result.run_seconds)

    def _exit(self, at: datetime, immediate_restart: bool = False) -> None:
        assert self.started is not None and self.result is not None
        ran = (at - self.started).total_seconds()
        term = Termination(
            exit_code=self.result.exit_code,
            reason=self.result.terminated_reason,
            started=self.started,
            finished=at,
        )
        self.before_last = self.last
        self.last = term
        self.ready = False
        self.crash_at = None
        if self.restart_policy == "Never" or (
            self.restart_policy == "OnFailure" and term.exit_code == 0
        ):
            self.state = "terminated"
            self.current_exit = term
            self.next_start = None
            return
        if ran >= BACKOFF_RESET:
            self.restart_backoff = 0.0  # the entry expired: the kubelet starts afresh
        if immediate_restart:
            self.state = "waiting"
            self.waiting_reason = ""
            self.next_start = at + timedelta(seconds=1)
            self.events.append(("Killing", f"Stopping container {self.name}", "Normal", at))
            return
        # dead: the status shows the exit until a sync puts CrashLoopBackOff in its place
        self.state = "exited"
        self.backoff_cached = False
        self.next_start = at + timedelta(seconds=PLEG_SECONDS)

    def _sync(self, at: datetime, oracle: StartOracle, pod_uid: str) -> None:
        """One kubelet sync of a dead container: restart it, or meet the back-off and requeue."""
        assert self.last is not None
        since = (at - self.last.finished).total_seconds()
        if self.restart_backoff == 0.0 or since >= self.restart_backoff:
            # not in back-off (the first restart is immediate): Next() sets or doubles the entry
            self.restart_backoff = (
                BACKOFF_START
                if self.restart_backoff == 0.0
                else min(self.restart_backoff * 2, BACKOFF_CAP)
            )
            self.backoff_cached = False
            self._start(at, oracle, pod_uid)
            return
        if self.backoff_cached:
            # this sync's status reads the reason the last one cached
            self.state = "waiting"
            self.waiting_reason = "CrashLoopBackOff"
        self.waiting_message = (
            f"back-off {_go_duration(self.restart_backoff)} restarting failed "
            f"container={self.name} pod={self.pod_ref}"
        )
        self.backoff_cached = True
        self.events.append(
            (
                "BackOff",
                f"Back-off restarting failed container {self.name} in pod {self.pod_ref}",
                "Warning",
                at,
            )
        )
        jitter = 1.0 + 0.5 * _unit(f"{self.container_id}/{self.restart_count}/{since:.0f}")
        self.next_start = at + timedelta(seconds=RESYNC_SECONDS * jitter)


def _unit(text: str) -> float:
    """A number in [0, 1) fixed by `text`: the kubelet's jitter without the twin's rng."""
    return int(hashlib.blake2b(text.encode(), digest_size=4).hexdigest(), 16) / 2**32


def _go_duration(seconds: float) -> str:
    """Go's time.Duration String for whole seconds: 10s, 1m20s, 5m0s."""
    total = int(seconds)
    if total < 60:
        return f"{total}s"
    return f"{total // 60}m{total % 60}s"
