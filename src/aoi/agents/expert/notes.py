"""The expert's long-term memory: structured facts it has read off command output.

The Observer sees only the previous iteration's compressed text; the expert turns
each iteration's text into these facts and keeps them for the whole run, so a
later rule can combine what the pods showed at the start with what a database
said three iterations later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class PodFact:
    name: str
    phase: str = ""
    ready: list[bool] = field(default_factory=list)
    restarts: int = 0
    waiting: list[str] = field(default_factory=list)
    last_reason: list[str] = field(default_factory=list)
    last_finished: str = ""
    started: str = ""
    images: list[str] = field(default_factory=list)
    ip: str = ""

    @property
    def crash_looping(self) -> bool:
        return any(w in ("CrashLoopBackOff", "Error", "RunContainerError") for w in self.waiting)

    @property
    def healthy(self) -> bool:
        return (
            self.phase in ("Running", "Succeeded")
            and bool(self.ready)
            and all(self.ready)
            and not self.waiting
        )


@dataclass
class DeploymentFact:
    name: str
    replicas: int | None = None
    ready: int = 0
    images: list[str] = field(default_factory=list)
    command: list[str] = field(default_factory=list)
    node_selector: dict[str, str] = field(default_factory=dict)
    ports: list[int] = field(default_factory=list)
    containers: list[str] = field(default_factory=list)


@dataclass
class ServiceFact:
    name: str
    ports: list[int] = field(default_factory=list)
    target_ports: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EventFact:
    type: str
    reason: str
    obj: str
    message: str


@dataclass(frozen=True)
class Complaint:
    """A component's log naming a peer it cannot use: the peer is a suspect, the caller a symptom."""

    caller: str
    peer: str
    kind: str  # timeout | refused | slow | unavailable | tls | auth | authz | error
    line: str


@dataclass
class MongoUser:
    user: str
    db: str
    roles: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Notes:
    """Everything the expert has learned so far about one namespace."""

    namespace: str = ""
    scanned: bool = False
    pods: dict[str, PodFact] = field(default_factory=dict)
    deployments: dict[str, DeploymentFact] = field(default_factory=dict)
    services: dict[str, ServiceFact] = field(default_factory=dict)
    events: list[EventFact] = field(default_factory=list)
    node_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    pvcs: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (phase, volume)
    pvs: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (phase, claim ns/name)
    flags: dict[str, str] = field(default_factory=dict)  # flag -> defaultVariant
    helm_releases: list[str] = field(default_factory=list)
    helm_values: dict[str, str] = field(default_factory=dict)
    helm_history: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    mongo_users: dict[str, list[MongoUser]] = field(default_factory=dict)
    db_urls: dict[str, str] = field(default_factory=dict)  # client deployment -> database host
    crash_logs: dict[str, list[str]] = field(default_factory=dict)
    logs_read: set[str] = field(default_factory=set)
    log_lines: dict[str, list[str]] = field(default_factory=dict)
    complaints: list[Complaint] = field(default_factory=list)
    failed_auth_users: dict[str, str] = field(default_factory=dict)  # mongo deployment -> principal
    db_state: dict[str, set[str]] = field(
        default_factory=dict
    )  # database -> what it said about itself
    auth_failures: set[str] = field(default_factory=set)  # clients that failed to authenticate
    unauthorized_dbs: dict[str, str] = field(
        default_factory=dict
    )  # client -> database it may not use
    mongo_login_failed: set[str] = field(default_factory=set)
    log_heads: dict[str, list[str]] = field(default_factory=dict)
    ran: set[str] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)  # command -> error text

    # --- derived views ----------------------------------------------------------
    def owner(self, pod: str) -> str:
        """The workload a pod belongs to: the longest deployment name that prefixes it."""
        best = ""
        for name in self.deployments:
            if pod.startswith(name + "-") and len(name) > len(best):
                best = name
        if best:
            return best
        return re.sub(r"(-[a-z0-9]{5,10})?-[a-z0-9]{5}$|-\d+$", "", pod)

    def pods_of(self, deployment: str) -> list[PodFact]:
        return [p for p in self.pods.values() if self.owner(p.name) == deployment]

    def ip_owner(self, ip: str) -> str:
        for pod in self.pods.values():
            if pod.ip == ip:
                return self.owner(pod.name)
        return ""

    def port_owner(self, port: int) -> str:
        """The only service listening on a port, if exactly one does."""
        owners = [s.name for s in self.services.values() if port in s.ports]
        return owners[0] if len(owners) == 1 else ""

    def complaints_about(self, peer: str) -> list[Complaint]:
        return [c for c in self.complaints if c.peer == peer and c.caller != peer]

    def add_complaint(self, complaint: Complaint) -> None:
        if (
            complaint.peer
            and complaint.peer != complaint.caller
            and complaint not in self.complaints
        ):
            self.complaints.append(complaint)
