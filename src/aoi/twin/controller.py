"""The control plane of the twin: workload controllers, scheduler, kubelet status and endpoints.

Given the declared objects (Deployments, StatefulSets, DaemonSets, Jobs, Services),
`Controller.reconcile` creates and deletes ReplicaSets and Pods the way the real
controllers do (template hash, rollouts, name suffixes), schedules pods onto nodes
(nodeSelector, taints, cordons, unbound claims), and writes pod status from the
container runtimes. `refresh` moves time-dependent state (crash loops, back-off)
to the clock's present. Events are recorded as the real components record them.
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aoi.twin.clock import parse_rfc3339, rfc3339
from aoi.twin.events import EventRecorder
from aoi.twin.runtime import ContainerRuntime
from aoi.twin.store import Obj, Store, match_labels, owner_ref

if TYPE_CHECKING:
    from aoi.twin.core import Twin

EVENT_TTL = timedelta(hours=1)
PULL_SECONDS = 2.0


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


class Controller:
    """Everything the control plane and the kubelets of the twin do."""

    def __init__(self, twin: Twin) -> None:
        self.twin = twin
        self.store: Store = twin.store
        self.events = EventRecorder(twin.store)
        self.runtimes: dict[str, dict[str, ContainerRuntime]] = {}
        self._ip_next: dict[str, int] = {}
        self._jobs_started: set[str] = set()
        self._hashes: dict[tuple[str, str], str] = {}

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
        at = at or self.twin.clock.now()
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
        at = at or self.twin.clock.now()
        oracle = self.twin.oracle
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
        self.twin.oracle.invalidate()
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

    # --- workloads ----------------------------------------------------------------
    def _deployment(self, dep: Obj, at: datetime) -> None:
        spec = dep["spec"]
        phash = self.template_hash(dep)
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
            self.events.record(
                dep,
                "ScalingReplicaSet",
                f"Scaled up replica set {current['metadata']['name']} from 0 to {replicas}",
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
        phash = self.template_hash(dep)
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

    def _progress_rollouts(self, at: datetime) -> bool:
        """Finish rolling updates whose new pods are ready: the old ReplicaSets go to zero."""
        changed = False
        for dep in self.store.list("Deployment"):
            owned = self.store.owned("ReplicaSet", dep)
            old = [rs for rs in owned if rs["spec"].get("replicas", 0)]
            if len(old) < 2:
                continue
            phash = self.template_hash(dep)
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
                    self._replicaset(rs, at)
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

    def _replicaset(self, rs: Obj, at: datetime) -> None:
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
            self._create_pod(rs, name, rs["spec"]["template"], at)
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
                self.delete_pod(pod, at)
                self.events.record(
                    rs,
                    "SuccessfulDelete",
                    f"Deleted pod: {pod['metadata']['name']}",
                    component="replicaset-controller",
                    at=at,
                )

    def _statefulset(self, sts: Obj, at: datetime) -> None:
        ns, name = sts["metadata"]["namespace"], sts["metadata"]["name"]
        want = int(sts["spec"].get("replicas", 1))
        for index in range(want):
            pod_name = f"{name}-{index}"
            if self.store.get("Pod", ns, pod_name) is None:
                template = copy.deepcopy(sts["spec"]["template"])
                labels = template.setdefault("metadata", {}).setdefault("labels", {})
                labels["statefulset.kubernetes.io/pod-name"] = pod_name
                labels["apps.kubernetes.io/pod-index"] = str(index)
                self._create_pod(sts, pod_name, template, at)
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
                    self.delete_pod(pod, at)

    def _daemonset(self, ds: Obj, at: datetime) -> None:
        existing = {p["spec"].get("nodeName") for p in self.store.owned("Pod", ds)}
        for node in self.store.list("Node"):
            node_name = node["metadata"]["name"]
            if node_name in existing:
                continue
            if not _tolerates(ds["spec"]["template"]["spec"], node):
                continue
            name = f"{ds['metadata']['name']}-{self.store.random_suffix()}"
            self._create_pod(ds, name, ds["spec"]["template"], at, node=node_name)

    def _job(self, job: Obj, at: datetime) -> None:
        uid = job["metadata"]["uid"]
        if uid in self._jobs_started:
            return
        self._jobs_started.add(uid)
        if self.store.owned("Pod", job):
            return
        name = f"{job['metadata']['name']}-{self.store.random_suffix()}"
        self._create_pod(job, name, job["spec"]["template"], at)

    # --- pods ---------------------------------------------------------------------
    def _create_pod(
        self, owner: Obj, name: str, template: dict[str, Any], at: datetime, node: str | None = None
    ) -> Obj:
        ns = owner["metadata"]["namespace"]
        tmeta = template.get("metadata", {})
        spec = copy.deepcopy(template["spec"])
        token = f"kube-api-access-{self.store.random_suffix()}"
        spec.setdefault("serviceAccountName", "default")
        spec["serviceAccount"] = spec["serviceAccountName"]
        spec.setdefault("enableServiceLinks", True)
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
        spec.setdefault("priority", 0)
        spec.setdefault("tolerations", [])
        for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
            spec["tolerations"].append(
                {"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
            )
        spec.setdefault("volumes", []).append(_api_access_volume(token))
        for container in spec.get("containers", []):
            container.setdefault("volumeMounts", []).append(
                {
                    "name": token,
                    "readOnly": True,
                    "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                }
            )
        pod: Obj = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": name,
                "namespace": ns,
                "labels": dict(tmeta.get("labels", {})),
                "ownerReferences": [owner_ref(owner)],
            },
            "spec": spec,
            "status": {"phase": "Pending", "qosClass": _qos(spec)},
        }
        if owner["kind"] in ("ReplicaSet", "DaemonSet", "Job"):
            pod["metadata"]["generateName"] = name[: name.rfind("-") + 1]
        if tmeta.get("annotations"):
            pod["metadata"]["annotations"] = dict(tmeta["annotations"])
        if owner["kind"] == "Job":
            pod["metadata"]["labels"].setdefault("job-name", owner["metadata"]["name"])
        if node:
            spec["nodeName"] = node
        self.store.add(pod, created=rfc3339(at))
        self.runtimes[pod["metadata"]["uid"]] = {}
        self._schedule(pod, at)
        return pod

    def create_static_pod(
        self, node_name: str, name: str, template: dict[str, Any], namespace: str, at: datetime
    ) -> Obj:
        """A kubelet's mirror pod for a static manifest (etcd, kube-apiserver, ...)."""
        node = self.store.get("Node", None, node_name)
        assert node is not None, node_name
        owner = {**node, "metadata": {**node["metadata"], "namespace": namespace}}
        template = copy.deepcopy(template)
        digest = hashlib.md5(json.dumps(template, sort_keys=True).encode()).hexdigest()
        template.setdefault("metadata", {}).setdefault("annotations", {}).update(
            {
                "kubernetes.io/config.hash": digest,
                "kubernetes.io/config.mirror": digest,
                "kubernetes.io/config.seen": rfc3339(at).replace("Z", ".000000000Z"),
                "kubernetes.io/config.source": "file",
            }
        )
        template["spec"]["priorityClassName"] = "system-node-critical"
        template["spec"]["priority"] = 2000001000
        template["spec"]["hostNetwork"] = True
        pod = self._create_pod(owner, name, template, at, node=node_name)
        pod["metadata"]["ownerReferences"][0]["controller"] = True
        return pod

    def delete_pod(self, pod: Obj, at: datetime, *, reason: str = "Killing") -> None:
        """Remove a pod now (the twin does not model graceful termination's 30 s)."""
        uid = pod["metadata"]["uid"]
        for rt in self.runtimes.get(uid, {}).values():
            if rt.state == "running":
                self.events.record(
                    pod,
                    "Killing",
                    f"Stopping container {rt.name}",
                    component="kubelet",
                    host=pod["spec"].get("nodeName"),
                    at=at,
                    field_path=f"spec.containers{{{rt.name}}}",
                )
        self.runtimes.pop(uid, None)
        self.store.delete("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])
        self.twin.oracle.invalidate()

    def _schedule_pending(self, at: datetime) -> None:
        for pod in self.store.list("Pod"):
            if not pod["spec"].get("nodeName"):
                self._schedule(pod, at)

    def _schedule(self, pod: Obj, at: datetime) -> None:
        spec = pod["spec"]
        node_name = spec.get("nodeName")
        if node_name is None:
            problem, node_name = self._pick_node(pod)
            if node_name is None:
                self._unschedulable(pod, problem, at)
                return
            spec["nodeName"] = node_name
            self.events.record(
                pod,
                "Scheduled",
                f"Successfully assigned {pod['metadata']['namespace']}/"
                f"{pod['metadata']['name']} to {node_name}",
                component="default-scheduler",
                at=at,
            )
        node = self.store.get("Node", None, node_name)
        status = pod["status"]
        status["hostIP"] = _node_ip(node)
        status["hostIPs"] = [{"ip": status["hostIP"]}]
        status["podIP"] = self._pod_ip(pod, node)
        status["podIPs"] = [{"ip": status["podIP"]}]
        status["startTime"] = rfc3339(at)
        status.pop("nominatedNodeName", None)
        restart_policy = spec.get("restartPolicy", "Always")
        runtimes = self.runtimes.setdefault(pod["metadata"]["uid"], {})
        for c in spec.get("containers", []):
            rt = ContainerRuntime(
                name=c["name"],
                created=at,
                restart_policy=restart_policy,
                next_start=at + timedelta(seconds=PULL_SECONDS + self.store.rng.random() * 8),
                container_id=self._container_id(),
            )
            runtimes[c["name"]] = rt
            self.events.record(
                pod,
                "Pulled",
                f'Container image "{c["image"]}" already present on machine',
                component="kubelet",
                host=node_name,
                at=at + timedelta(seconds=1),
                field_path=f"spec.containers{{{c['name']}}}",
            )

    def _pick_node(self, pod: Obj) -> tuple[str, str | None]:
        spec = pod["spec"]
        nodes = self.store.list("Node")
        claims = [
            v["persistentVolumeClaim"]["claimName"]
            for v in spec.get("volumes", [])
            if "persistentVolumeClaim" in v
        ]
        ns = pod["metadata"]["namespace"]
        for claim in claims:
            pvc = self.store.get("PersistentVolumeClaim", ns, claim)
            if pvc is None:
                return f'persistentvolumeclaim "{claim}" not found', None
            if pvc.get("status", {}).get("phase") != "Bound":
                return "pod has unbound immediate PersistentVolumeClaims", None
        reasons: dict[str, int] = {}
        fits: list[str] = []
        load = self._node_load()
        for node in nodes:
            reason = _misfit(spec, node)
            capacity = int(str(node.get("status", {}).get("allocatable", {}).get("pods", "110")))
            if not reason and load.get(node["metadata"]["name"], 0) >= capacity:
                reason = "Too many pods"
            if reason:
                reasons[reason] = reasons.get(reason, 0) + 1
            else:
                fits.append(node["metadata"]["name"])
        if not fits:
            detail = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items()))
            total = len(nodes)
            return (
                f"0/{total} nodes are available: {detail}. preemption: 0/{total} nodes are "
                f"available: {total} Preemption is not helpful for scheduling.",
                None,
            )
        # spread: prefer the worker, as kind's control plane is tainted anyway
        fits.sort(key=lambda n: (n.endswith("control-plane"), n))
        return "", fits[0]

    def _node_load(self) -> dict[str, int]:
        """Pods bound to each node (the scheduler's view of the kubelet's pod limit)."""
        load: dict[str, int] = {}
        for pod in self.store.list("Pod"):
            node = pod["spec"].get("nodeName")
            if node and pod["status"].get("phase") not in ("Succeeded", "Failed"):
                load[node] = load.get(node, 0) + 1
        return load

    def _unschedulable(self, pod: Obj, message: str, at: datetime) -> None:
        status = pod["status"]
        status["phase"] = "Pending"
        status["conditions"] = [
            {
                "type": "PodScheduled",
                "status": "False",
                "lastProbeTime": None,
                "lastTransitionTime": rfc3339(at),
                "reason": "Unschedulable",
                "message": message,
            }
        ]
        self.store.touch(pod)
        self.events.record(
            pod, "FailedScheduling", message, component="default-scheduler", at=at, type="Warning"
        )

    def _pod_ip(self, pod: Obj, node: Obj | None) -> str:
        if pod["spec"].get("hostNetwork") and node is not None:
            return _node_ip(node)
        cidr = (node or {}).get("spec", {}).get("podCIDR", "10.244.1.0/24")
        base = cidr.split("/")[0].rsplit(".", 1)[0]
        nxt = self._ip_next.get(base, 2 + self.store.rng.randrange(4))
        self._ip_next[base] = nxt + 1
        return f"{base}.{nxt}"

    def _container_id(self) -> str:
        return "containerd://" + "".join(f"{self.store.rng.getrandbits(8):02x}" for _ in range(32))

    # --- status -------------------------------------------------------------------
    def _write_pod_status(self, pod: Obj, at: datetime) -> None:
        uid = pod["metadata"]["uid"]
        runtimes = self.runtimes.get(uid)
        if not runtimes:
            return
        status = pod["status"]
        spec = pod["spec"]
        started_at = status.get("startTime", rfc3339(at))
        statuses = []
        all_ready = True
        all_terminated = True
        any_failed = False
        for c in spec.get("containers", []):
            rt = runtimes.get(c["name"])
            if rt is None:
                continue
            cs: dict[str, Any] = {
                "name": c["name"],
                "image": c["image"],
                "imageID": _image_id(c["image"]),
                "ready": rt.ready,
                "restartCount": rt.restart_count,
                "started": rt.state == "running",
                "lastState": {},
                "state": {},
            }
            if rt.state == "running" and rt.started is not None:
                cs["containerID"] = rt.container_id
                cs["state"] = {"running": {"startedAt": rfc3339(rt.started)}}
            elif rt.state == "terminated" and rt.current_exit is not None:
                cs["containerID"] = rt.container_id
                cs["state"] = {"terminated": _terminated(rt.current_exit, rt.container_id)}
            else:
                waiting: dict[str, str] = {"reason": rt.waiting_reason or "ContainerCreating"}
                if rt.waiting_message and rt.waiting_reason != "ContainerCreating":
                    waiting["message"] = _pod_message(rt.waiting_message, pod)
                cs["state"] = {"waiting": waiting}
                if rt.last is not None:
                    cs["containerID"] = rt.container_id
            if rt.last is not None:
                cs["lastState"] = {"terminated": _terminated(rt.last, rt.container_id)}
            if not rt.ready:
                all_ready = False
            if rt.state != "terminated":
                all_terminated = False
            elif rt.current_exit and rt.current_exit.exit_code != 0:
                any_failed = True
            statuses.append(cs)
        status["containerStatuses"] = statuses
        if all_terminated and statuses:
            status["phase"] = "Failed" if any_failed else "Succeeded"
        else:
            status["phase"] = (
                "Running"
                if any(s["state"].get("running") for s in statuses)
                else ("Running" if any(s["lastState"] for s in statuses) else "Pending")
            )
        ready = "True" if all_ready and status["phase"] == "Running" else "False"
        created = any(s["state"].get("running") or s["lastState"] for s in statuses)
        prior = {c["type"]: c for c in status.get("conditions", [])}
        conditions = []
        for ctype, value in (
            ("PodReadyToStartContainers", "True" if created else "False"),
            ("Initialized", "True"),
            ("Ready", ready if status["phase"] != "Succeeded" else "False"),
            ("ContainersReady", ready if status["phase"] != "Succeeded" else "False"),
            ("PodScheduled", "True"),
        ):
            old = prior.get(ctype)
            cond: dict[str, Any] = {
                "type": ctype,
                "status": value,
                "lastProbeTime": None,
                "lastTransitionTime": old["lastTransitionTime"]
                if old and old["status"] == value
                else rfc3339(at if old else parse_rfc3339(started_at)),
            }
            if value == "False" and ctype in ("Ready", "ContainersReady"):
                unready = [s["name"] for s in statuses if not s["ready"]]
                if status["phase"] == "Succeeded":
                    cond["reason"] = "PodCompleted"
                else:
                    cond["reason"] = "ContainersNotReady"
                    cond["message"] = f"containers with unready status: [{' '.join(unready)}]"
            conditions.append(cond)
        status["conditions"] = conditions
        self.store.touch(pod)

    def _flush_runtime_events(self, pod: Obj, rt: ContainerRuntime) -> None:
        host = pod["spec"].get("nodeName")
        for reason, message, etype, when in rt.events:
            if reason in ("Created", "Started") and rt.restart_count == 0 and when > rt.created:
                pass
            self.events.record(
                pod,
                reason,
                _pod_message(message, pod),
                component="kubelet",
                host=host,
                at=when,
                type=etype,
                field_path=f"spec.containers{{{rt.name}}}",
            )
            if reason == "Started" and rt.restart_count > 0:
                image = next(
                    (c["image"] for c in pod["spec"]["containers"] if c["name"] == rt.name), ""
                )
                self.events.record(
                    pod,
                    "Pulled",
                    f'Container image "{image}" already present on machine',
                    component="kubelet",
                    host=host,
                    at=when,
                    field_path=f"spec.containers{{{rt.name}}}",
                )
        rt.events.clear()

    def _endpoints(self) -> None:
        for svc in self.store.list("Service"):
            self._endpoints_for(svc)

    def _endpoints_for(self, svc: Obj) -> None:
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

    def _workload_status(self, at: datetime, owners: set[str] | None = None) -> None:
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
            revision = f"{sts['metadata']['name']}-{self.template_hash(sts)}"
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

    def template_hash(self, workload: Obj) -> str:
        """The pod-template-hash of a workload's current template (cached per resourceVersion)."""
        meta = workload["metadata"]
        key = (meta["uid"], meta.get("resourceVersion", ""))
        cached = self._hashes.get(key)
        if cached is None:
            cached = template_hash(workload["spec"]["template"])
            self._hashes[key] = cached
        return cached

    def _deployment_status(self, dep: Obj, at: datetime) -> None:
        owned = self.store.owned("ReplicaSet", dep)
        phash = self.template_hash(dep)
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

    def _garbage_collect(self) -> None:
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
                        self.delete_pod(obj, self.twin.clock.now())
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


def _is_ready(pod: Obj) -> bool:
    return any(
        c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", [])
    )


def _node_ip(node: Obj | None) -> str:
    if node is None:
        return ""
    for addr in node.get("status", {}).get("addresses", []):
        if addr["type"] == "InternalIP":
            return str(addr["address"])
    return ""


def _misfit(spec: dict[str, Any], node: Obj) -> str:
    """Why the scheduler rejects `node` for a pod, in its own words; empty when it fits."""
    labels = node["metadata"].get("labels", {})
    if node["spec"].get("unschedulable"):
        return "node(s) were unschedulable"
    selector = spec.get("nodeSelector") or {}
    if not match_labels(labels, selector):
        return "node(s) didn't match Pod's node affinity/selector"
    for taint in node["spec"].get("taints", []):
        if taint.get("effect") not in ("NoSchedule", "NoExecute"):
            continue
        if not _tolerated(spec.get("tolerations", []), taint):
            value = f"{taint['key']}: {taint['value']}" if taint.get("value") else taint["key"]
            return f"node(s) had untolerated taint {{{value}}}"
    return ""


def _tolerates(spec: dict[str, Any], node: Obj) -> bool:
    return all(
        _tolerated(spec.get("tolerations", []), t)
        for t in node["spec"].get("taints", [])
        if t.get("effect") in ("NoSchedule", "NoExecute")
    )


def _tolerated(tolerations: list[dict[str, Any]], taint: dict[str, Any]) -> bool:
    for tol in tolerations:
        if tol.get("operator") == "Exists" and not tol.get("key"):
            return True
        if tol.get("key") != taint.get("key"):
            continue
        if tol.get("effect") and tol["effect"] != taint.get("effect"):
            continue
        if tol.get("operator") == "Exists" or tol.get("value") == taint.get("value"):
            return True
    return False


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


def _qos(spec: dict[str, Any]) -> str:
    containers = spec.get("containers", [])
    any_set = False
    guaranteed = True
    for c in containers:
        res = c.get("resources", {})
        if res.get("requests") or res.get("limits"):
            any_set = True
        limits, requests = res.get("limits", {}), res.get("requests", {})
        for key in ("cpu", "memory"):
            if key not in limits or requests.get(key, limits[key]) != limits[key]:
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def _api_access_volume(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {
                    "configMap": {
                        "name": "kube-root-ca.crt",
                        "items": [{"key": "ca.crt", "path": "ca.crt"}],
                    }
                },
                {
                    "downwardAPI": {
                        "items": [
                            {
                                "path": "namespace",
                                "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                            }
                        ]
                    }
                },
            ],
        },
    }


def _image_id(image: str) -> str:
    repo = image.split("@")[0]
    slash, colon = repo.rfind("/"), repo.rfind(":")
    if colon > slash:
        repo = repo[:colon]
    if "/" not in repo:
        repo = f"docker.io/library/{repo}"
    elif "." not in repo.split("/")[0]:
        repo = f"docker.io/{repo}"
    digest = hashlib.sha256(image.encode()).hexdigest()
    return f"{repo}@sha256:{digest}"


def _terminated(term: Any, container_id: str) -> dict[str, Any]:
    out = {
        "exitCode": term.exit_code,
        "reason": term.reason,
        "startedAt": rfc3339(term.started),
        "finishedAt": rfc3339(term.finished),
        "containerID": container_id,
    }
    if term.message:
        out["message"] = term.message
    return out


def _pod_message(message: str, pod: Obj) -> str:
    if message.startswith("back-off ") and " pod=" not in message:
        meta = pod["metadata"]
        return f"{message} pod={meta['name']}_{meta['namespace']}({meta['uid']})"
    return message
