"""The control plane of the twin: workload controllers, scheduler, kubelet status and endpoints.

Given the declared objects (Deployments, StatefulSets, DaemonSets, Jobs, Services),
`Controller.reconcile` creates and deletes ReplicaSets and Pods the way the real
controllers do (template hash, rollouts, name suffixes), schedules pods onto nodes
(nodeSelector, taints, cordons, unbound claims), and writes pod status from the
container runtimes. `refresh` moves time-dependent state (crash loops, back-off)
to the clock's present. Events are recorded as the real components record them.

`Controller` is composed of one mixin per concept: `workloads` (the workload
controllers and garbage collection), `scheduling` (pods and the scheduler),
`podstatus` (the kubelet's pod status and events) and `status` (Endpoints and
workload status), over the shared state declared in `controller_base`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aoi.twin.cluster.events import EventRecorder
from aoi.twin.cluster.podstatus import PodStatusMixin
from aoi.twin.cluster.scheduling import SchedulingMixin
from aoi.twin.cluster.status import StatusMixin
from aoi.twin.cluster.store import Obj, match_labels
from aoi.twin.cluster.workloads import WorkloadsMixin

if TYPE_CHECKING:
    from aoi.twin.cluster.clock import SimClock
    from aoi.twin.cluster.runtime import StartOracle
    from aoi.twin.cluster.store import Store

EVENT_TTL = timedelta(hours=1)


class Controller(WorkloadsMixin, SchedulingMixin, PodStatusMixin, StatusMixin):
    """Everything the control plane and the kubelets of the twin do."""

    def __init__(self, store: Store, clock: SimClock, oracle: StartOracle) -> None:
        # the attributes are declared, with their types, on `ControllerBase`
        self.store = store
        self.clock = clock
        self.oracle = oracle
        self.events = EventRecorder(store)
        self.runtimes = {}
        self._ip_next = {}
        self._jobs_started = set()
        self._hashes = {}

    def __getstate__(self) -> dict[str, Any]:
        return {
            "runtimes": self.runtimes,
            "ip_next": self._ip_next,
            "jobs_started": self._jobs_started,
            "hashes": self._hashes,
            "event_index": self.events._index,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.runtimes = state["runtimes"]
        self._ip_next = state["ip_next"]
        self._jobs_started = state["jobs_started"]
        self._hashes = state["hashes"]
        self.events._index = state["event_index"]

    # --- entry points -------------------------------------------------------------
    def reconcile(self, at: datetime | None = None) -> None:
        """Bring derived objects in line with declared ones (after any write)."""
        at = at or self.clock.now()
        for dep in self.store.list("Deployment"):
            self._deployment(dep, at)
        for rs in self.store.list("ReplicaSet"):
            self._replicaset(rs, at)
        for sts in self.store.list("StatefulSet"):
            self._statefulset(sts, at)
        for ds in self.store.list("DaemonSet"):
            self._daemonset(ds, at)
        for job in self.store.list("Job"):
            self._job(job, at)
        self._garbage_collect()
        self._schedule_pending(at)
        self.refresh(at, force=True)
        self._endpoints()
        self._workload_status(at)

    def refresh(self, at: datetime | None = None, *, force: bool = False) -> None:
        """Advance every container to `at`, in time order, and rewrite what changed.

        Transitions are played moment by moment across all pods, so a program that
        starts after its database sees the database's endpoints as they were then.
        """
        at = at or self.clock.now()
        oracle = self.oracle
        pods = {p["metadata"]["uid"]: p for p in self.store.list("Pod")}
        dirty: set[str] = set(pods) if force else set()
        if force:
            self._publish(pods, dirty, at)
            dirty.clear()
        for _ in range(100_000):
            moment = None
            for runtimes in self.runtimes.values():
                for rt in runtimes.values():
                    nxt = rt.next_transition()
                    if nxt is not None and nxt <= at and (moment is None or nxt < moment):
                        moment = nxt
            if moment is None:
                break
            for uid, runtimes in self.runtimes.items():
                pod = pods.get(uid)
                if pod is None:
                    continue
                for rt in runtimes.values():
                    if rt.advance(moment, oracle, uid):
                        dirty.add(uid)
                    if rt.events:
                        self._flush_runtime_events(pod, rt)
            self._publish(pods, dirty, moment)
            dirty.clear()
        self.events.expire(at - EVENT_TTL)

    def _publish(self, pods: dict[str, Obj], dirty: set[str], at: datetime) -> None:
        """Write the status of changed pods and of what depends on them."""
        if not dirty:
            return
        namespaces: set[str] = set()
        owners: set[str] = set()
        for uid in dirty:
            pod = pods.get(uid)
            if pod is None:
                continue
            self._write_pod_status(pod, at)
            namespaces.add(pod["metadata"]["namespace"])
            owners.update(r["uid"] for r in pod["metadata"].get("ownerReferences", []))
        self.oracle.invalidate()
        changed = [
            pods[uid]
            for uid in dirty
            if uid in pods
            and self.store.get(
                "Pod", pods[uid]["metadata"]["namespace"], pods[uid]["metadata"]["name"]
            )
            is not None
        ]
        for ns in namespaces:
            for svc in self.store.list("Service", ns):
                selector = svc["spec"].get("selector")
                if selector and any(
                    match_labels(p["metadata"].get("labels"), selector) for p in changed
                ):
                    self._endpoints_for(svc)
        self._workload_status(at, owners)
        if self._progress_rollouts(at):
            for ns in namespaces:
                for svc in self.store.list("Service", ns):
                    self._endpoints_for(svc)
            self._workload_status(at)
