"""The shared ground of the controller's pieces: its state and the methods they call across.

`Controller` (in `aoi.twin.cluster.controller`) is composed of mixins, one per concept:
workloads, scheduling, kubelet pod status and derived status. Each mixin derives
from `ControllerBase`, which declares the attributes they share and, as abstract
methods, what one piece calls in another, so each piece type-checks on its own.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any

from aoi.twin.cluster.clock import SimClock
from aoi.twin.cluster.events import EventRecorder
from aoi.twin.cluster.runtime import ContainerRuntime, StartOracle
from aoi.twin.cluster.store import Obj, Store


def template_hash(template: dict[str, Any], collisions: int = 0) -> str:
    """A pod-template-hash: stable for equal templates, in Kubernetes' safe alphabet."""
    blob = json.dumps(template, sort_keys=True).encode() + str(collisions).encode()
    digest = int.from_bytes(hashlib.blake2b(blob, digest_size=8).digest(), "big")
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    out = []
    for _ in range(10):
        digest, rem = divmod(digest, len(alphabet))
        out.append(alphabet[rem])
    return "".join(out).rstrip("b")[:10] or "b"


class ControllerBase(ABC):
    """State every piece of the controller reads; set by `Controller.__init__`."""

    store: Store
    clock: SimClock
    oracle: StartOracle
    events: EventRecorder
    runtimes: dict[str, dict[str, ContainerRuntime]]
    # pieces' own state, declared here so that `Controller` can pickle it in one place
    _ip_next: dict[str, int]
    _jobs_started: set[str]
    _hashes: dict[tuple[str, str], str]

    # --- called across pieces (implemented in workloads.py and scheduling.py) -----
    @abstractmethod
    def template_hash(self, workload: Obj) -> str:
        """The pod-template-hash of a workload's current template."""

    @abstractmethod
    def _create_pod(
        self, owner: Obj, name: str, template: dict[str, Any], at: datetime, node: str | None = None
    ) -> Obj:
        """Create and schedule a pod owned by `owner`."""

    @abstractmethod
    def delete_pod(self, pod: Obj, at: datetime, *, reason: str = "Killing") -> None:
        """Remove a pod now."""
