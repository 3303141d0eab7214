"""Pods and the scheduler: pod creation (static pods too), deletion, node choice, pod IPs.

The scheduler honours nodeSelector, taints and tolerations, cordons, the kubelet's
pod limit, host ports and unbound claims, and says why in the scheduler's own words.
"""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from aoi.twin.cluster.clock import rfc3339
from aoi.twin.cluster.events import EventRecorder
from aoi.twin.cluster.images import ImageManager
from aoi.twin.cluster.runtime import ContainerRuntime, StartOracle
from aoi.twin.cluster.store import Obj, Store, match_labels, owner_ref

PULL_SECONDS = 2.0
PORTS_TAKEN = "node(s) didn't have free ports for the requested pod ports"
NO_VICTIMS = "No preemption victims found for incoming pod"
# filter failures that evicting lower-priority pods could resolve (Unschedulable, not
# UnschedulableAndUnresolvable)
RESOLVABLE = frozenset({PORTS_TAKEN, "Too many pods"})


class Scheduler:
    """Creating, scheduling and deleting pods; owns the pods' container runtimes.

    `runtimes` (pod uid -> container name -> runtime) is shared with the caller,
    which advances the runtimes; `ip_next` is the next free address per node CIDR.
    """

    def __init__(
        self,
        store: Store,
        events: EventRecorder,
        oracle: StartOracle,
        runtimes: dict[str, dict[str, ContainerRuntime]],
    ) -> None:
        self.store = store
        self.events = events
        self.oracle = oracle
        self.runtimes = runtimes
        self.ip_next: dict[str, int] = {}
        self.images = ImageManager()

    def create_pod(
        self, owner: Obj, name: str, template: dict[str, Any], at: datetime, node: str | None = None
    ) -> Obj:
        """Create a pod owned by `owner` from a template, and schedule it (onto `node` if given)."""
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
        spec.setdefault("volumes", []).append(api_access_volume(token))
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
            "status": {"phase": "Pending", "qosClass": qos_class(spec)},
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
        pod = self.create_pod(owner, name, template, at, node=node_name)
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
        self.oracle.invalidate()

    def schedule_pending(self, at: datetime) -> None:
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
            start = at + timedelta(seconds=PULL_SECONDS + self.store.rng.random() * 8)
            policy = c.get("imagePullPolicy", "IfNotPresent")
            size = self.oracle.image_size(c["image"])
            pull = self.images.ensure(
                node_name, c["image"], policy, at + timedelta(seconds=1), size
            )
            rt = ContainerRuntime(
                name=c["name"],
                created=at,
                restart_policy=restart_policy,
                next_start=max(start, pull.ready + timedelta(seconds=0.5)),
                container_id=self._container_id(),
                pod_ref=pod_ref(pod),
                image=c["image"],
                pull_policy=policy,
                image_size=size,
            )
            runtimes[c["name"]] = rt
            # the kubelet reports a pull as it starts; what it pulled, when the container starts
            first = pull.events[0]
            if first[0] == "Pulling":
                self.events.record(
                    pod,
                    first[0],
                    first[1],
                    component="kubelet",
                    host=node_name,
                    at=first[3],
                    field_path=f"spec.containers{{{c['name']}}}",
                )
            assert rt.next_start is not None
            rt.pull_events = [
                (reason, message, etype, when if first[0] == "Pulling" else rt.next_start)
                for reason, message, etype, when in pull.events
                if reason != "Pulling"
            ]

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
                return fit_error(len(nodes), {}, f'persistentvolumeclaim "{claim}" not found'), None
            if pvc.get("status", {}).get("phase") != "Bound":
                unbound = "pod has unbound immediate PersistentVolumeClaims"
                return fit_error(len(nodes), {}, unbound), None
        reasons: dict[str, int] = {}
        fits: list[str] = []
        load = self._node_load()
        taken = self._host_ports()
        for node in nodes:
            name = node["metadata"]["name"]
            reason = _misfit(spec, node)
            if not reason and _wanted_ports(spec) & taken.get(name, set()):
                reason = PORTS_TAKEN
            capacity = int(str(node.get("status", {}).get("allocatable", {}).get("pods", "110")))
            if not reason and load.get(name, 0) >= capacity:
                reason = "Too many pods"
            if reason:
                reasons[reason] = reasons.get(reason, 0) + 1
            else:
                fits.append(name)
        if not fits:
            return fit_error(len(nodes), reasons), None
        # spread: prefer the worker, as kind's control plane is tainted anyway
        fits.sort(key=lambda n: (n.endswith("control-plane"), n))
        return "", fits[0]

    def _host_ports(self) -> dict[str, set[tuple[str, str, int]]]:
        """(hostIP, protocol, hostPort) held on each node by the pods bound to it."""
        taken: dict[str, set[tuple[str, str, int]]] = {}
        for pod in self.store.list("Pod"):
            node = pod["spec"].get("nodeName")
            if node and pod["status"].get("phase") not in ("Succeeded", "Failed"):
                taken.setdefault(node, set()).update(_wanted_ports(pod["spec"]))
        return taken

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
        nxt = self.ip_next.get(base, 2 + self.store.rng.randrange(4))
        self.ip_next[base] = nxt + 1
        return f"{base}.{nxt}"

    def _container_id(self) -> str:
        return "containerd://" + "".join(f"{self.store.rng.getrandbits(8):02x}" for _ in range(32))


# --- helpers ----------------------------------------------------------------------------
def pod_ref(pod: Obj) -> str:
    """A pod as the kubelet names it in its messages (format.Pod): name_namespace(uid)."""
    meta = pod["metadata"]
    return f"{meta['name']}_{meta['namespace']}({meta['uid']})"


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
    for taint in node["spec"].get("taints", []):
        if taint.get("effect") not in ("NoSchedule", "NoExecute"):
            continue
        if not tolerated(spec.get("tolerations", []), taint):
            # the TaintToleration plugin prints key and value, an empty value too
            return f"node(s) had untolerated taint {{{taint['key']}: {taint.get('value', '')}}}"
    selector = spec.get("nodeSelector") or {}
    if not match_labels(labels, selector):
        return "node(s) didn't match Pod's node affinity/selector"
    return ""


def _wanted_ports(spec: dict[str, Any]) -> set[tuple[str, str, int]]:
    """The host ports a pod asks for (NodePorts: hostIP, protocol, port; 0.0.0.0 by default)."""
    wanted = set()
    for c in spec.get("containers", []):
        for port in c.get("ports", []):
            if port.get("hostPort"):
                ip = port.get("hostIP") or "0.0.0.0"
                wanted.add((ip, port.get("protocol", "TCP"), int(port["hostPort"])))
    return wanted


def fit_error(total: int, reasons: dict[str, int], pre_filter: str = "") -> str:
    """The scheduler's FitError: why each node failed, then what preemption found.

    Both histograms are "count reason" strings sorted as strings, as the scheduler
    sorts them. A node failing a filter that evicting pods could fix (ports, pod limit)
    has no victims, since the twin's pods share one priority; the others are
    UnschedulableAndUnresolvable, where preemption is not helpful.
    """
    head = f"0/{total} nodes are available:"
    if pre_filter:
        head += f" {pre_filter}."
        tail = {"Preemption is not helpful for scheduling": total}
    else:
        head += " " + ", ".join(sorted(f"{n} {r}" for r, n in reasons.items())) + "."
        tail = {}
        for reason, n in reasons.items():
            key = NO_VICTIMS if reason in RESOLVABLE else "Preemption is not helpful for scheduling"
            tail[key] = tail.get(key, 0) + n
    victims = ", ".join(sorted(f"{n} {r}" for r, n in tail.items()))
    return f"{head} preemption: 0/{total} nodes are available: {victims}."


def tolerates(spec: dict[str, Any], node: Obj) -> bool:
    return all(
        tolerated(spec.get("tolerations", []), t)
        for t in node["spec"].get("taints", [])
        if t.get("effect") in ("NoSchedule", "NoExecute")
    )


def tolerated(tolerations: list[dict[str, Any]], taint: dict[str, Any]) -> bool:
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


def qos_class(spec: dict[str, Any]) -> str:
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


def api_access_volume(name: str) -> dict[str, Any]:
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
