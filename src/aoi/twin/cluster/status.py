"""What the control plane derives from pods: Endpoints and workload status.

ReplicaSet, Deployment (with its conditions), StatefulSet, DaemonSet and Job status
follow their pods, as the real controllers report them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from aoi.twin.cluster.clock import parse_rfc3339, rfc3339
from aoi.twin.cluster.events import EventRecorder
from aoi.twin.cluster.store import Obj, Store


class DerivedStatus:
    """The Endpoints controller and the workloads' status, written into the store.

    `hash_of` gives a workload's current pod-template-hash (the workload
    controllers own that cache); events go to `events` (a Job's completion).
    """

    def __init__(self, store: Store, events: EventRecorder, hash_of: Callable[[Obj], str]) -> None:
        self.store = store
        self.events = events
        self.hash_of = hash_of

    def endpoints(self) -> None:
        """Rewrite the Endpoints of every Service with a selector."""
        for svc in self.store.list("Service"):
            self.endpoints_for(svc)

    def endpoints_for(self, svc: Obj) -> None:
        """Rewrite one Service's Endpoints from the pods its selector matches."""
        meta, spec = svc["metadata"], svc["spec"]
        ns, name = meta["namespace"], meta["name"]
        selector = spec.get("selector")
        if not selector:
            return
        pods = [
            p
            for p in self.store.list("Pod", ns, selector)
            if p["status"].get("podIP") and not p["metadata"].get("deletionTimestamp")
        ]
        subsets: list[dict[str, Any]] = []
        by_ports: dict[str, dict[str, Any]] = {}
        for pod in pods:
            ports = []
            for sp in spec.get("ports", []):
                target = sp.get("targetPort", sp["port"])
                if isinstance(target, str):
                    target = _named_port(pod, target)
                    if target is None:
                        continue
                port: dict[str, Any] = {"port": target, "protocol": sp.get("protocol", "TCP")}
                if sp.get("name"):
                    port["name"] = sp["name"]
                ports.append(port)
            if not ports:
                continue
            key = repr(ports)
            subset = by_ports.setdefault(key, {"ports": ports})
            address = {
                "ip": pod["status"]["podIP"],
                "nodeName": pod["spec"].get("nodeName"),
                "targetRef": {
                    "kind": "Pod",
                    "namespace": ns,
                    "name": pod["metadata"]["name"],
                    "uid": pod["metadata"]["uid"],
                },
            }
            ready = _is_ready(pod)
            subset.setdefault("addresses" if ready else "notReadyAddresses", []).append(address)
        subsets = [by_ports[k] for k in sorted(by_ports)]
        for subset in subsets:
            for key in ("addresses", "notReadyAddresses"):
                if key in subset:
                    subset[key].sort(key=lambda a: a["ip"])
        ep = self.store.get("Endpoints", ns, name)
        if ep is None:
            ep = {
                "apiVersion": "v1",
                "kind": "Endpoints",
                "metadata": {"name": name, "namespace": ns, "labels": dict(meta.get("labels", {}))},
            }
            if subsets:
                ep["subsets"] = subsets
            self.store.add(ep, created=meta["creationTimestamp"])
            return
        if ep.get("subsets") != (subsets or None):
            if subsets:
                ep["subsets"] = subsets
            else:
                ep.pop("subsets", None)
            self.store.touch(ep)

    def workloads(self, at: datetime, owners: set[str] | None = None) -> None:
        """Status of workloads; with `owners`, only of those (and their Deployments)."""
        deployments: set[str] | None = None if owners is None else set()
        for rs in self.store.list("ReplicaSet"):
            if owners is not None and rs["metadata"]["uid"] not in owners:
                continue
            if deployments is not None:
                deployments.update(r["uid"] for r in rs["metadata"].get("ownerReferences", []))
            pods = [p for p in self.store.owned("Pod", rs)]
            ready = sum(1 for p in pods if _is_ready(p))
            status: dict[str, Any] = {
                "replicas": len(pods),
                "observedGeneration": rs["metadata"].get("generation", 1),
            }
            if pods:
                status["fullyLabeledReplicas"] = len(pods)
            if ready:
                status["readyReplicas"] = ready
                status["availableReplicas"] = ready
            rs["status"] = status
        for dep in self.store.list("Deployment"):
            if deployments is None or dep["metadata"]["uid"] in deployments:
                self._deployment_status(dep, at)
        for sts in self.store.list("StatefulSet"):
            if owners is not None and sts["metadata"]["uid"] not in owners:
                continue
            pods = [p for p in self.store.owned("Pod", sts)]
            ready = sum(1 for p in pods if _is_ready(p))
            revision = f"{sts['metadata']['name']}-{self.hash_of(sts)}"
            sts["status"] = {
                "replicas": len(pods),
                "readyReplicas": ready,
                "availableReplicas": ready,
                "currentReplicas": len(pods),
                "updatedReplicas": len(pods),
                "observedGeneration": sts["metadata"].get("generation", 1),
                "collisionCount": 0,
                "currentRevision": revision,
                "updateRevision": revision,
            }
        for ds in self.store.list("DaemonSet"):
            if owners is not None and ds["metadata"]["uid"] not in owners:
                continue
            pods = [p for p in self.store.owned("Pod", ds)]
            ready = sum(1 for p in pods if _is_ready(p))
            ds["status"] = {
                "currentNumberScheduled": len(pods),
                "desiredNumberScheduled": len(pods),
                "numberAvailable": ready,
                "numberMisscheduled": 0,
                "numberReady": ready,
                "observedGeneration": ds["metadata"].get("generation", 1),
                "updatedNumberScheduled": len(pods),
            }
        for job in self.store.list("Job"):
            if owners is None or job["metadata"]["uid"] in owners:
                self._job_status(job, at)

    def _deployment_status(self, dep: Obj, at: datetime) -> None:
        owned = self.store.owned("ReplicaSet", dep)
        phash = self.hash_of(dep)
        replicas = sum(rs["status"].get("replicas", 0) for rs in owned)
        updated = sum(
            rs["status"].get("replicas", 0)
            for rs in owned
            if rs["metadata"].get("labels", {}).get("pod-template-hash") == phash
        )
        ready = sum(rs["status"].get("readyReplicas", 0) for rs in owned)
        desired = int(dep["spec"].get("replicas", 1))
        old = dep.get("status", {})
        now = rfc3339(at)
        conditions = {c["type"]: c for c in old.get("conditions", [])}
        available = ready >= desired - _max_unavailable(dep)
        current = next(
            (
                rs
                for rs in owned
                if rs["metadata"].get("labels", {}).get("pod-template-hash") == phash
            ),
            None,
        )
        rs_name = current["metadata"]["name"] if current else dep["metadata"]["name"]
        progressing_reason = (
            "NewReplicaSetAvailable" if updated == desired == ready else "ReplicaSetUpdated"
        )
        want = {
            "Available": (
                "True" if available else "False",
                "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
                "Deployment has minimum availability."
                if available
                else "Deployment does not have minimum availability.",
            ),
            "Progressing": (
                "True",
                progressing_reason,
                f'ReplicaSet "{rs_name}" has successfully progressed.'
                if progressing_reason == "NewReplicaSetAvailable"
                else f'ReplicaSet "{rs_name}" is progressing.',
            ),
        }
        new_conditions = []
        for ctype in ("Available", "Progressing"):
            value, reason, message = want[ctype]
            prev = conditions.get(ctype)
            changed = prev is None or prev["status"] != value
            new_conditions.append(
                {
                    "type": ctype,
                    "status": value,
                    "lastUpdateTime": now
                    if prev is None or changed or prev["reason"] != reason
                    else prev["lastUpdateTime"],
                    "lastTransitionTime": now
                    if prev is None or changed
                    else prev["lastTransitionTime"],
                    "reason": reason,
                    "message": message,
                }
            )
        status: dict[str, Any] = {
            "observedGeneration": dep["metadata"].get("generation", 1),
            "replicas": replicas,
            "updatedReplicas": updated,
            "conditions": new_conditions,
        }
        if ready:
            status["readyReplicas"] = ready
            status["availableReplicas"] = ready
        if replicas - ready > 0:
            status["unavailableReplicas"] = replicas - ready
        dep["status"] = status

    def _job_status(self, job: Obj, at: datetime) -> None:
        pods = [p for p in self.store.owned("Pod", job)]
        succeeded = sum(1 for p in pods if p["status"].get("phase") == "Succeeded")
        active = sum(1 for p in pods if p["status"].get("phase") in ("Running", "Pending"))
        status = job.setdefault("status", {})
        if active:
            status["active"] = active
        else:
            status.pop("active", None)
        if succeeded and not status.get("succeeded"):
            finished = max(
                (
                    s["state"]["terminated"]["finishedAt"]
                    for p in pods
                    for s in p["status"].get("containerStatuses", [])
                    if s["state"].get("terminated")
                ),
                default=rfc3339(at),
            )
            status["succeeded"] = succeeded
            status["completionTime"] = finished
            status["conditions"] = [
                {
                    "type": cond,
                    "status": "True",
                    "lastProbeTime": finished,
                    "lastTransitionTime": finished,
                    **(
                        {
                            "reason": "CompletionsReached",
                            "message": "Reached expected number of succeeded pods",
                        }
                        if cond == "SuccessCriteriaMet"
                        else {}
                    ),
                }
                for cond in ("SuccessCriteriaMet", "Complete")
            ]
            self.events.record(
                job,
                "Completed",
                "Job completed",
                component="job-controller",
                at=parse_rfc3339(finished),
            )
        status.setdefault("startTime", job["metadata"]["creationTimestamp"])
        status["ready"] = 0
        status["terminating"] = 0
        status["uncountedTerminatedPods"] = {}


# --- helpers ----------------------------------------------------------------------------
def _is_ready(pod: Obj) -> bool:
    return any(
        c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", [])
    )


def _named_port(pod: Obj, name: str) -> int | None:
    for c in pod["spec"].get("containers", []):
        for p in c.get("ports", []):
            if p.get("name") == name:
                return int(p["containerPort"])
    return None


def _max_unavailable(dep: Obj) -> int:
    desired = int(dep["spec"].get("replicas", 1))
    strategy = dep["spec"].get("strategy", {})
    if strategy.get("type") == "Recreate":
        return 0
    value = strategy.get("rollingUpdate", {}).get("maxUnavailable", "25%")
    if isinstance(value, str) and value.endswith("%"):
        return desired * int(value[:-1]) // 100
    return int(value)
