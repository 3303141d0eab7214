"""The control plane of the twin: workload controllers, scheduler, kubelet status and endpoints.

Given the declared objects (Deployments, StatefulSets, DaemonSets, Jobs, Services),
`Controller.reconcile` creates and deletes ReplicaSets and Pods the way the real
controllers do (template hash, rollouts, name suffixes), schedules pods onto nodes
(nodeSelector, taints, cordons, unbound claims), and writes pod status from the
container runtimes. `refresh` moves time-dependent state (crash loops, back-off)
to the clock's present. Events are recorded as the real components record them.

`Controller` holds one collaborator per concept and calls them in the order the
real components act: `Workloads` (the workload controllers and garbage
collection), `Scheduler` (pods and the scheduler), the kubelet's functions in
`podstatus` (pod status and events) and `DerivedStatus` (Endpoints and workload
status). Each piece is given only what it uses, so each reads and tests alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aoi.twin.cluster.events import EventRecorder
from aoi.twin.cluster.podstatus import flush_runtime_events, write_pod_status
from aoi.twin.cluster.scheduling import Scheduler
from aoi.twin.cluster.status import DerivedStatus
from aoi.twin.cluster.store import Obj, match_labels
from aoi.twin.cluster.workloads import Workloads

if TYPE_CHECKING:
    from aoi.twin.cluster.clock import SimClock
    from aoi.twin.cluster.runtime import ContainerRuntime, StartOracle
    from aoi.twin.cluster.store import Store

EVENT_TTL = timedelta(hours=1)


class Controller:
    """Everything the control plane and the kubelets of the twin do."""

    def __init__(self, store: Store, clock: SimClock, oracle: StartOracle) -> None:
        self.store = store
        self.clock = clock
        self.oracle = oracle
        self.events = EventRecorder(store)
        # pod uid -> container name -> runtime; the scheduler creates them, `refresh` advances them
        self.runtimes: dict[str, dict[str, ContainerRuntime]] = {}
        self.pods = Scheduler(store, self.events, oracle, self.runtimes)
        self.workloads = Workloads(store, clock, self.events, self.pods)
        self.status = DerivedStatus(store, self.events, self.workloads.hash_of)

    def __getstate__(self) -> dict[str, Any]:
        return {
            "runtimes": self.runtimes,
            "ip_next": self.pods.ip_next,
            "images": self.pods.images,
            "jobs_started": self.workloads.jobs_started,
            "hashes": self.workloads.hashes,
            "event_index": self.events._index,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        # in place: the scheduler holds the same dict
        self.runtimes.clear()
        self.runtimes.update(state["runtimes"])
        self.pods.ip_next = state["ip_next"]
        self.pods.images = state["images"]
        self.workloads.jobs_started = state["jobs_started"]
        self.workloads.hashes = state["hashes"]
        self.events._index = state["event_index"]

    def create_static_pod(
        self, node_name: str, name: str, template: dict[str, Any], namespace: str, at: datetime
    ) -> Obj:
        """A kubelet's mirror pod for a static manifest (etcd, kube-apiserver, ...)."""
        return self.pods.create_static_pod(node_name, name, template, namespace, at)

    def delete_pod(self, pod: Obj, at: datetime, *, reason: str = "Killing") -> None:
        """Remove a pod now (the twin does not model graceful termination's 30 s)."""
        self.pods.delete_pod(pod, at, reason=reason)

    # --- entry points -------------------------------------------------------------
    def reconcile(self, at: datetime | None = None) -> None:
        """Bring derived objects in line with declared ones (after any write)."""
        at = at or self.clock.now()
        workloads = self.workloads
        for dep in self.store.list("Deployment"):
            workloads.deployment(dep, at)
        for rs in self.store.list("ReplicaSet"):
            workloads.replicaset(rs, at)
        for sts in self.store.list("StatefulSet"):
            workloads.statefulset(sts, at)
        for ds in self.store.list("DaemonSet"):
            workloads.daemonset(ds, at)
        for job in self.store.list("Job"):
            workloads.job(job, at)
        workloads.garbage_collect()
        self.pods.schedule_pending(at)
        self.refresh(at, force=True)
        self.status.endpoints()
        self.status.workloads(at)

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
                        flush_runtime_events(self.events, pod, rt)
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
            write_pod_status(self.store, pod, self.runtimes.get(uid), at)
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
                    self.status.endpoints_for(svc)
        self.status.workloads(at, owners)
        if self.workloads.progress_rollouts(at):
            for ns in namespaces:
                for svc in self.store.list("Service", ns):
                    self.status.endpoints_for(svc)
            self.status.workloads(at)
