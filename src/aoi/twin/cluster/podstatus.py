"""The kubelet's side: pod status from the container runtimes, and the runtimes' events."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from aoi.twin.cluster.clock import parse_rfc3339, rfc3339
from aoi.twin.cluster.events import EventRecorder
from aoi.twin.cluster.images import ImageManager, normal_ref
from aoi.twin.cluster.runtime import ContainerRuntime
from aoi.twin.cluster.store import Obj, Store


def write_pod_status(
    store: Store, pod: Obj, runtimes: dict[str, ContainerRuntime] | None, at: datetime
) -> None:
    """Write a pod's status from its containers' runtimes, as the kubelet reports it at `at`."""
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
        elif rt.state == "exited" and rt.last is not None:
            # dead and not yet synced again: the exit itself is the state (STATUS Error)
            cs["containerID"] = rt.container_id
            cs["state"] = {"terminated": _terminated(rt.last, rt.container_id)}
        else:
            waiting: dict[str, str] = {"reason": rt.waiting_reason or "ContainerCreating"}
            if rt.waiting_message and rt.waiting_reason != "ContainerCreating":
                waiting["message"] = rt.waiting_message
            cs["state"] = {"waiting": waiting}
            if rt.last is not None:
                cs["containerID"] = rt.container_id
        shown_last = rt.before_last if rt.state == "exited" else rt.last
        if shown_last is not None:
            cs["lastState"] = {"terminated": _terminated(shown_last, rt.container_id)}
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
            else (
                "Running"
                if any(s["lastState"] or s["state"].get("terminated") for s in statuses)
                else "Pending"
            )
        )
    ready = "True" if all_ready and status["phase"] == "Running" else "False"
    created = any(
        s["state"].get("running") or s["state"].get("terminated") or s["lastState"]
        for s in statuses
    )
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
    store.touch(pod)


def flush_runtime_events(events: EventRecorder, pod: Obj, rt: ContainerRuntime) -> None:
    """Record the events a container runtime produced since the last flush, as the kubelet does."""
    host = pod["spec"].get("nodeName")
    for reason, message, etype, when in rt.events:
        events.record(
            pod,
            reason,
            message,
            component="kubelet",
            host=host,
            at=when,
            type=etype,
            field_path=f"spec.containers{{{rt.name}}}",
        )
        if reason == "Started" and rt.restart_count > 0:
            # every start ensures the image again: present, or pulled anew under Always
            image = rt.image or next(
                (c["image"] for c in pod["spec"]["containers"] if c["name"] == rt.name), ""
            )
            pull = ImageManager(present={"node": {normal_ref(image)}}).ensure(
                "node", image, rt.pull_policy, when, rt.image_size
            )
            for pull_reason, pull_message, _type, pull_when in pull.events:
                events.record(
                    pod,
                    pull_reason,
                    pull_message,
                    component="kubelet",
                    host=host,
                    at=min(pull_when, when),
                    field_path=f"spec.containers{{{rt.name}}}",
                )
    rt.events.clear()


# --- helpers ----------------------------------------------------------------------------
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
