"""Rules about workloads themselves: replicas, placement, images, binaries, crashes, restarts."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from aoi.agents.expert.notes import DeploymentFact, Notes
from aoi.agents.expert.rules import Finding, is_database, is_infra, rule

PAUSE_IMAGES = ("pause:", "/pause")
RECENT_RESTART_S = 120.0


@rule("scaled_to_zero")
def scaled_to_zero(notes: Notes) -> list[Finding]:
    out = []
    for dep in notes.deployments.values():
        if dep.replicas == 0:
            callers = sorted({c.caller for c in notes.complaints_about(dep.name)})
            out.append(
                Finding(
                    "scaled_to_zero",
                    [dep.name],
                    "Virtualization",
                    "Operation Error",
                    95,
                    f"deployment {dep.name} is scaled to 0 replicas: no pod serves it",
                    [f"deployment {dep.name}: spec.replicas=0, no pods"],
                    [f"{c} cannot reach {dep.name}" for c in callers],
                )
            )
    return out


def _selector_satisfied(selector: dict[str, str], notes: Notes) -> bool | None:
    if not notes.node_labels:
        return None
    return any(
        all(labels.get(k) == v for k, v in selector.items())
        for labels in notes.node_labels.values()
    )


@rule("unschedulable_node_selector")
def unschedulable(notes: Notes) -> list[Finding]:
    out = []
    for dep in notes.deployments.values():
        if not dep.node_selector:
            continue
        pending = [p for p in notes.pods_of(dep.name) if p.phase == "Pending"]
        events = [
            e
            for e in notes.events
            if e.reason == "FailedScheduling"
            and e.obj.startswith(f"pod/{dep.name}-")
            and ("node affinity/selector" in e.message or "node selector" in e.message)
        ]
        satisfied = _selector_satisfied(dep.node_selector, notes)
        if satisfied is True or not (pending or events):
            continue
        confidence = 95 if satisfied is False and (pending or events) else 75
        selector = ",".join(f"{k}={v}" for k, v in dep.node_selector.items())
        evidence = [f"deployment {dep.name} selects nodes {selector}"]
        if satisfied is False:
            evidence.append("no node carries these labels")
        evidence.extend(e.message for e in events[:1])
        out.append(
            Finding(
                "unschedulable_node_selector",
                [dep.name],
                "Virtualization",
                "Dependency Problem",
                confidence,
                f"{dep.name} pods cannot be scheduled: nodeSelector {selector} matches no node",
                evidence,
                [f"pod {p.name} Pending" for p in pending],
                {"selector": selector},
            )
        )
    return out


def app_peers(notes: Notes) -> list[DeploymentFact]:
    """Deployments that run the application's own binaries (they have a command)."""
    return [d for d in notes.deployments.values() if d.command and not is_infra(d.name)]


def _norm(text: str) -> str:
    return text.lower().replace("-", "").replace("_", "").removesuffix("service")


def expected_command(dep: DeploymentFact, notes: Notes) -> str:
    """The binary a deployment should run, by the pattern its peers follow."""
    peers = [d for d in app_peers(notes) if d.name != dep.name]
    own = [d for d in peers if d.command and _norm(d.command[0]) == _norm(d.name)]
    if own:
        sample = own[0]
        if sample.command[0] == sample.name:
            return dep.name
        return "".join(part.capitalize() for part in dep.name.split("-"))
    return dep.name


@rule("wrong_binary")
def wrong_binary(notes: Notes) -> list[Finding]:
    peers = app_peers(notes)
    names = {_norm(d.name): d.name for d in notes.deployments.values()}
    matching = [d for d in peers if _norm(d.command[0]) == _norm(d.name)]
    if len(matching) < 2:
        return []
    out = []
    for dep in peers:
        binary = dep.command[0]
        if _norm(binary) == _norm(dep.name):
            continue
        other = names.get(_norm(binary))
        if other is None:
            continue
        complaints = notes.complaints_about(dep.name)
        out.append(
            Finding(
                "wrong_binary",
                [dep.name],
                "Application",
                "Network/Storage Issue",
                92,
                f"deployment {dep.name} runs the binary of {other} ({binary!r}) instead of its own",
                [
                    f"deployment {dep.name}: command {dep.command}",
                    f"its peers run their own binary (e.g. {matching[0].name}: {matching[0].command})",
                ],
                [f"{c.caller}: {c.line[:160]}" for c in complaints[:2]],
                {"binary": expected_command(dep, notes)},
            )
        )
    return out


def _peer_image(dep: DeploymentFact, notes: Notes) -> str:
    counts = Counter(d.images[0] for d in app_peers(notes) if d.images and d.name != dep.name)
    if not counts:
        return ""
    image, count = counts.most_common(1)[0]
    return image if count >= 2 else ""


@rule("bad_image")
def bad_image(notes: Notes) -> list[Finding]:
    out = []
    for dep in app_peers(notes):
        if not dep.images:
            continue
        peer = _peer_image(dep, notes)
        if not peer or dep.images[0] == peer:
            continue
        pods = notes.pods_of(dep.name)
        crashing = [p for p in pods if p.crash_looping or (p.restarts and not p.healthy)]
        # a pod still pulling or starting the odd image is not serving either: the image is
        # the likelier cause than the callers' complaints about it
        starting = [p for p in pods if not p.healthy]
        confidence = 92 if crashing else 85 if starting else 70
        out.append(
            Finding(
                "bad_image",
                [dep.name],
                "Application",
                "Misconfiguration",
                confidence,
                f"deployment {dep.name} runs image {dep.images[0]}, unlike its peers ({peer})"
                + (", and its pods crash" if crashing else ""),
                [f"deployment {dep.name}: image {dep.images[0]}", f"peers: image {peer}"]
                + [
                    f"pod {p.name}: {' '.join(p.waiting) or p.phase}, {p.restarts} restarts"
                    for p in crashing[:2]
                ],
                [],
                {"image": peer, "container": dep.containers[0] if dep.containers else dep.name},
            )
        )
    return out


@rule("pod_failure")
def pod_failure(notes: Notes) -> list[Finding]:
    out = []
    for pod in notes.pods.values():
        owner = notes.owner(pod.name)
        dep = notes.deployments.get(owner)
        paused = [i for i in pod.images if any(mark in i for mark in PAUSE_IMAGES)]
        if not paused or (dep and any(any(m in i for m in PAUSE_IMAGES) for i in dep.images)):
            continue
        out.append(
            Finding(
                "pod_failure",
                [owner],
                "Virtualization",
                "Operation Error",
                90,
                f"pod {pod.name} of {owner} runs {paused[0]} instead of its own image: its service is down",
                [
                    f"pod {pod.name}: image {paused[0]}",
                    f"deployment {owner}: image {' '.join(dep.images) if dep else '?'}",
                ],
            )
        )
    return out


def _seconds(stamp: str) -> float | None:
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


@rule("recent_restart")
def recent_restart(notes: Notes) -> list[Finding]:
    """A container killed after it had been running: not a start-up hiccup."""
    out = []
    for pod in notes.pods.values():
        if not pod.restarts or not pod.last_finished or not pod.started:
            continue
        finished, started = _seconds(pod.last_finished), _seconds(pod.started)
        if finished is None or started is None or finished - started < RECENT_RESTART_S:
            continue
        if pod.crash_looping:
            continue
        owner = notes.owner(pod.name)
        out.append(
            Finding(
                "recent_restart",
                [owner],
                "Virtualization",
                "Operation Error",
                80,
                f"a container of {owner} was killed ({', '.join(pod.last_reason) or 'terminated'}) long after it started",
                [
                    f"pod {pod.name}: restarts {pod.restarts}, last termination {pod.last_finished}, started {pod.started}"
                ],
            )
        )
    return out


@rule("crash_loop")
def crash_loop(notes: Notes) -> list[Finding]:
    """A crash-looping workload whose cause no more specific rule found (the weakest lead)."""
    out = []
    for dep in notes.deployments.values():
        pods = [p for p in notes.pods_of(dep.name) if p.crash_looping]
        if not pods or is_infra(dep.name):
            continue
        logs = notes.crash_logs.get(dep.name, [])
        last = next(
            (
                line
                for line in reversed(logs)
                if any(w in line.lower() for w in ("panic", "fatal", "error", "failed"))
            ),
            "",
        )
        out.append(
            Finding(
                "crash_loop",
                [dep.name],
                "Application",
                "Code Defect",
                62 if not is_database(dep.name) else 65,
                f"{dep.name} crash-loops" + (f": {last[:160]}" if last else ""),
                [f"pod {p.name}: {' '.join(p.waiting)}, {p.restarts} restarts" for p in pods[:2]]
                + ([last] if last else []),
            )
        )
    return out
