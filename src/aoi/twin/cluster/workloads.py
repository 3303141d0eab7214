"""Workload controllers: Deployment (rollouts, rollbacks), ReplicaSet, StatefulSet, DaemonSet, Job.

They create and delete ReplicaSets and Pods the way the real controllers do
(template hash, revisions, name suffixes) and garbage-collect what lost its owner.
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime
from typing import Any

from aoi.twin.cluster.clock import SimClock, rfc3339
from aoi.twin.cluster.events import EventRecorder
from aoi.twin.cluster.scheduling import Scheduler, tolerates
from aoi.twin.cluster.store import Obj, Store, match_labels, owner_ref


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


class Workloads:
    """The workload controllers and the garbage collector; pods go through the `Scheduler`.

    Its own state: the Jobs already started (a Job runs once) and a cache of
    template hashes per (uid, resourceVersion).
    """

    def __init__(
        self, store: Store, clock: SimClock, events: EventRecorder, pods: Scheduler
    ) -> None:
        self.store = store
        self.clock = clock
        self.events = events
        self.pods = pods
        self.jobs_started: set[str] = set()
        self.hashes: dict[tuple[str, str], str] = {}

    def deployment(self, dep: Obj, at: datetime) -> None:
        spec = dep["spec"]
        phash = self.hash_of(dep)
        owned = self.store.owned("ReplicaSet", dep)
        current = next(
            (
                rs
                for rs in owned
                if rs["metadata"].get("labels", {}).get("pod-template-hash") == phash
            ),
            None,
        )
        replicas = int(spec.get("replicas", 1))
        revisions = [
            int(rs["metadata"].get("annotations", {}).get("deployment.kubernetes.io/revision", 0))
            for rs in owned
        ]
        if spec.get("paused"):
            return
        recreate = spec.get("strategy", {}).get("type") == "Recreate"
        if current is None:
            revision = max(revisions, default=0) + 1
            current = self._new_replicaset(dep, phash, revision, at)
            if recreate:
                self._scale_down_old(dep, owned, at)
            # RollingUpdate: old ReplicaSets keep their pods until the new ones are ready
            dep["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/revision"] = (
                str(revision)
            )
            # a new ReplicaSet is announced at its size; "from A to B" is for resizing one
            self.events.record(
                dep,
                "ScalingReplicaSet",
                f"Scaled up replica set {current['metadata']['name']} to {replicas}",
                component="deployment-controller",
                at=at,
            )
        else:
            self._adopt(dep, current, owned, revisions)
        if current["spec"].get("replicas") != replicas:
            before = current["spec"].get("replicas", 0)
            others = [rs for rs in owned if rs is not current and rs["spec"].get("replicas", 0)]
            if before == 0 and others and recreate:
                self._scale_down_old(dep, others, at)
            current["spec"]["replicas"] = replicas
            self.store.touch(current)
            verb = "up" if replicas > before else "down"
            self.events.record(
                dep,
                "ScalingReplicaSet",
                f"Scaled {verb} replica set {current['metadata']['name']} from {before} to {replicas}",
                component="deployment-controller",
                at=at,
            )
        annotations = current["metadata"].setdefault("annotations", {})
        annotations["deployment.kubernetes.io/desired-replicas"] = str(replicas)
        annotations["deployment.kubernetes.io/max-replicas"] = str(replicas + max(1, replicas // 4))

    @staticmethod
    def _adopt(dep: Obj, current: Obj, owned: list[Obj], revisions: list[int]) -> None:
        """The template went back to an older ReplicaSet (a rollback): it becomes the newest revision."""
        key = "deployment.kubernetes.io/revision"
        mine = int(current["metadata"].get("annotations", {}).get(key, 0))
        newest = max(revisions, default=0)
        if mine < newest:
            current["metadata"].setdefault("annotations", {})[key] = str(newest + 1)
            dep["metadata"].setdefault("annotations", {})[key] = str(newest + 1)

    def _scale_down_old(self, dep: Obj, old_sets: list[Obj], at: datetime) -> None:
        phash = self.hash_of(dep)
        for old in old_sets:
            if old["metadata"].get("labels", {}).get("pod-template-hash") == phash:
                continue
            if old["spec"].get("replicas", 0):
                before = old["status"].get("replicas", old["spec"]["replicas"])
                old["spec"]["replicas"] = 0
                self.store.touch(old)
                self.events.record(
                    dep,
                    "ScalingReplicaSet",
                    f"Scaled down replica set {old['metadata']['name']} from {before} to 0",
                    component="deployment-controller",
                    at=at,
                )

    def progress_rollouts(self, at: datetime) -> bool:
        """Finish rolling updates whose new pods are ready: the old ReplicaSets go to zero."""
        changed = False
        for dep in self.store.list("Deployment"):
            owned = self.store.owned("ReplicaSet", dep)
            old = [rs for rs in owned if rs["spec"].get("replicas", 0)]
            if len(old) < 2:
                continue
            phash = self.hash_of(dep)
            current = next(
                (
                    rs
                    for rs in owned
                    if rs["metadata"].get("labels", {}).get("pod-template-hash") == phash
                ),
                None,
            )
            desired = int(dep["spec"].get("replicas", 1))
            if current is None or current["status"].get("readyReplicas", 0) < desired:
                continue
            self._scale_down_old(dep, owned, at)
            for rs in owned:
                if rs is not current:
                    self.replicaset(rs, at)
            changed = True
        return changed

    def _new_replicaset(self, dep: Obj, phash: str, revision: int, at: datetime) -> Obj:
        meta, spec = dep["metadata"], dep["spec"]
        template = copy.deepcopy(spec["template"])
        template.setdefault("metadata", {}).setdefault("labels", {})["pod-template-hash"] = phash
        selector = copy.deepcopy(spec["selector"])
        selector.setdefault("matchLabels", {})["pod-template-hash"] = phash
        labels = dict(template["metadata"]["labels"])
        replicas = int(spec.get("replicas", 1))
        rs: Obj = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": f"{meta['name']}-{phash}",
                "namespace": meta["namespace"],
                "labels": labels,
                "annotations": {
                    "deployment.kubernetes.io/desired-replicas": str(replicas),
                    "deployment.kubernetes.io/max-replicas": str(replicas + max(1, replicas // 4)),
                    "deployment.kubernetes.io/revision": str(revision),
                    **{
                        k: v
                        for k, v in meta.get("annotations", {}).items()
                        if k.startswith(("kompose.", "meta.helm.sh/"))
                    },
                },
                "ownerReferences": [owner_ref(dep)],
            },
            "spec": {"replicas": replicas, "selector": selector, "template": template},
            "status": {"replicas": 0},
        }
        return self.store.add(rs, created=rfc3339(at))

    def replicaset(self, rs: Obj, at: datetime) -> None:
        selector = rs["spec"]["selector"].get("matchLabels", {})
        pods = [
            p
            for p in self.store.owned("Pod", rs)
            if match_labels(p["metadata"].get("labels"), selector)
            and not p["metadata"].get("deletionTimestamp")
        ]
        want = int(rs["spec"].get("replicas", 0))
        prefix = rs["metadata"]["name"]
        for _ in range(want - len(pods)):
            name = f"{prefix}-{self.store.random_suffix()}"
            self.pods.create_pod(rs, name, rs["spec"]["template"], at)
            self.events.record(
                rs,
                "SuccessfulCreate",
                f"Created pod: {name}",
                component="replicaset-controller",
                at=at,
            )
        if len(pods) > want:
            # newest first, as the ReplicaSet controller prefers younger pods to delete
            victims = sorted(pods, key=lambda p: p["metadata"]["creationTimestamp"], reverse=True)
            for pod in victims[: len(pods) - want]:
                self.pods.delete_pod(pod, at)
                self.events.record(
                    rs,
                    "SuccessfulDelete",
                    f"Deleted pod: {pod['metadata']['name']}",
                    component="replicaset-controller",
                    at=at,
                )

    def statefulset(self, sts: Obj, at: datetime) -> None:
        ns, name = sts["metadata"]["namespace"], sts["metadata"]["name"]
        want = int(sts["spec"].get("replicas", 1))
        for index in range(want):
            pod_name = f"{name}-{index}"
            if self.store.get("Pod", ns, pod_name) is None:
                template = copy.deepcopy(sts["spec"]["template"])
                labels = template.setdefault("metadata", {}).setdefault("labels", {})
                labels["statefulset.kubernetes.io/pod-name"] = pod_name
                labels["apps.kubernetes.io/pod-index"] = str(index)
                self.pods.create_pod(sts, pod_name, template, at)
                self.events.record(
                    sts,
                    "SuccessfulCreate",
                    f"create Pod {pod_name} in StatefulSet {name} successful",
                    component="statefulset-controller",
                    at=at,
                )
        for pod in self.store.list("Pod", ns):
            if _owned_by(pod, sts):
                index = int(pod["metadata"]["name"].rsplit("-", 1)[-1])
                if index >= want:
                    self.pods.delete_pod(pod, at)

    def daemonset(self, ds: Obj, at: datetime) -> None:
        existing = {p["spec"].get("nodeName") for p in self.store.owned("Pod", ds)}
        for node in self.store.list("Node"):
            node_name = node["metadata"]["name"]
            if node_name in existing:
                continue
            if not tolerates(ds["spec"]["template"]["spec"], node):
                continue
            name = f"{ds['metadata']['name']}-{self.store.random_suffix()}"
            self.pods.create_pod(ds, name, ds["spec"]["template"], at, node=node_name)

    def job(self, job: Obj, at: datetime) -> None:
        uid = job["metadata"]["uid"]
        if uid in self.jobs_started:
            return
        self.jobs_started.add(uid)
        if self.store.owned("Pod", job):
            return
        name = f"{job['metadata']['name']}-{self.store.random_suffix()}"
        self.pods.create_pod(job, name, job["spec"]["template"], at)

    def hash_of(self, workload: Obj) -> str:
        """The pod-template-hash of a workload's current template (cached per resourceVersion)."""
        meta = workload["metadata"]
        key = (meta["uid"], meta.get("resourceVersion", ""))
        cached = self.hashes.get(key)
        if cached is None:
            cached = template_hash(workload["spec"]["template"])
            self.hashes[key] = cached
        return cached

    def garbage_collect(self) -> None:
        """Delete objects whose owners are gone, cascading (Deployment -> ReplicaSet -> Pod)."""
        for _ in range(4):
            before = sum(1 for _obj in self.store.all())
            self._collect_once()
            if sum(1 for _obj in self.store.all()) == before:
                break

    def _collect_once(self) -> None:
        uids = {o["metadata"]["uid"] for o in self.store.all()}
        for kind in ("ReplicaSet", "Pod", "Endpoints"):
            for obj in self.store.list(kind):
                refs = obj["metadata"].get("ownerReferences", [])
                if refs and not any(r["uid"] in uids for r in refs):
                    if kind == "Pod":
                        self.pods.delete_pod(obj, self.clock.now())
                    else:
                        self.store.delete(
                            kind, obj["metadata"]["namespace"], obj["metadata"]["name"]
                        )
        for ep in self.store.list("Endpoints"):
            if (
                self.store.get("Service", ep["metadata"]["namespace"], ep["metadata"]["name"])
                is None
            ):
                self.store.delete("Endpoints", ep["metadata"]["namespace"], ep["metadata"]["name"])


# --- helpers ----------------------------------------------------------------------------
def _owned_by(obj: Obj, owner: Obj) -> bool:
    uid = owner["metadata"]["uid"]
    return any(ref.get("uid") == uid for ref in obj["metadata"].get("ownerReferences", []))
