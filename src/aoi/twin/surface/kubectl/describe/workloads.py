"""`kubectl describe` for Deployments, ReplicaSets, StatefulSets, DaemonSets and Jobs."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from aoi.twin.cluster.clock import human_duration
from aoi.twin.cluster.store import Store, match_labels
from aoi.twin.surface.kubectl.describe.pods import pod_template_section
from aoi.twin.surface.kubectl.describe.writer import (
    Obj,
    Writer,
    annotations_multiline,
    controlled_by,
    controller_of,
    events_for,
    events_section,
    labels_multiline,
    meta,
)
from aoi.twin.surface.kubectl.quantity import quantity
from aoi.twin.surface.kubectl.values import (
    format_labels,
    format_selector,
    parse_time,
    rfc1123z,
    selector_string,
)

_EPOCH = datetime.min.replace(tzinfo=UTC)


def _owned(store: Store, kind: str, owner: Obj) -> list[Obj]:
    """Objects of `kind` matching the owner's selector and controlled by it, oldest first."""
    m = meta(owner)
    selector = (owner.get("spec") or {}).get("selector") or {}
    found = []
    for obj in store.list(kind, m.get("namespace")):
        ref = controller_of(obj)
        if ref is None or ref.get("uid") != m.get("uid"):
            continue
        if not match_labels(meta(obj).get("labels"), selector.get("matchLabels")):
            continue
        found.append(obj)
    found.sort(
        key=lambda o: (parse_time(meta(o).get("creationTimestamp")) or _EPOCH, meta(o)["name"])
    )
    return found


def _pods_status(store: Store, owner: Obj) -> str:
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in _owned(store, "Pod", owner):
        phase = (pod.get("status") or {}).get("phase", "")
        if phase in counts:
            counts[phase] += 1
    return (
        f"{counts['Running']} Running / {counts['Pending']} Waiting / "
        f"{counts['Succeeded']} Succeeded / {counts['Failed']} Failed"
    )


def _header(w: Writer, obj: Obj, *, created: bool) -> None:
    w.write(0, f"Name:\t{meta(obj).get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta(obj).get('namespace', '')}\n")
    if created:
        w.write(0, f"CreationTimestamp:\t{rfc1123z(meta(obj).get('creationTimestamp'))}\n")


def _template_without_hash(template: Obj | None) -> Obj:
    template = copy.deepcopy(template or {})
    labels = (template.get("metadata") or {}).get("labels") or {}
    labels.pop("pod-template-hash", None)
    return template


def _split_replicasets(store: Store, deployment: Obj) -> tuple[list[Obj], Obj | None]:
    """deploymentutil.GetAllReplicaSets: (all old ReplicaSets, the new one)."""
    sets = _owned(store, "ReplicaSet", deployment)
    template = _template_without_hash((deployment.get("spec") or {}).get("template"))
    new = next(
        (rs for rs in sets if _template_without_hash(rs["spec"].get("template")) == template), None
    )
    if new is None:
        # A twin ReplicaSet may not copy every defaulted field: fall back to the revision.
        revision = (meta(deployment).get("annotations") or {}).get(
            "deployment.kubernetes.io/revision"
        )
        new = next(
            (
                rs
                for rs in sets
                if revision
                and (meta(rs).get("annotations") or {}).get("deployment.kubernetes.io/revision")
                == revision
            ),
            None,
        )
    return [rs for rs in sets if rs is not new], new


def _replica_sets_text(sets: list[Obj]) -> str:
    text = ", ".join(
        f"{meta(rs)['name']} ({(rs.get('status') or {}).get('replicas', 0)}/"
        f"{(rs.get('spec') or {}).get('replicas', 1)} replicas created)"
        for rs in sets
    )
    return text or "<none>"


def _int_or_string(value: object, default: str) -> str:
    return default if value is None else str(value)


def _conditions(w: Writer, conditions: list[Obj] | None) -> None:
    if not conditions:
        return
    w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
    w.write(1, "----\t------\t------\n")
    for cond in conditions:
        w.write(1, f"{cond.get('type', '')} \t{cond.get('status', '')}\t{cond.get('reason', '')}\n")


def describe_deployment(d: Obj, store: Store, now: datetime) -> str:
    m, spec, status = meta(d), d.get("spec") or {}, d.get("status") or {}
    w = Writer()
    _header(w, d, created=True)
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    w.write(
        0,
        f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('updatedReplicas', 0)} updated"
        f" | {status.get('replicas', 0)} total | {status.get('availableReplicas', 0)} available"
        f" | {status.get('unavailableReplicas', 0)} unavailable\n",
    )
    strategy = spec.get("strategy") or {}
    w.write(0, f"StrategyType:\t{strategy.get('type', 'RollingUpdate')}\n")
    w.write(0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
    rolling = strategy.get("rollingUpdate")
    if rolling is not None:
        w.write(
            0,
            f"RollingUpdateStrategy:\t{_int_or_string(rolling.get('maxUnavailable'), '25%')} max "
            f"unavailable, {_int_or_string(rolling.get('maxSurge'), '25%')} max surge\n",
        )
    pod_template_section(w, spec.get("template"))
    _conditions(w, status.get("conditions"))
    old, new = _split_replicasets(store, d)
    if old or new is not None:
        w.write(0, f"OldReplicaSets:\t{_replica_sets_text(old)}\n")
        w.write(0, f"NewReplicaSet:\t{_replica_sets_text([new] if new else [])}\n")
    events_section(w, events_for(store, d), now)
    return w.text()


def describe_replicaset(rs: Obj, store: Store, now: datetime) -> str:
    m, spec, status = meta(rs), rs.get("spec") or {}, rs.get("status") or {}
    w = Writer()
    _header(w, rs, created=False)
    w.write(0, f"Selector:\t{format_selector(spec.get('selector'))}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    if owner := controlled_by(rs):
        w.write(0, f"Controlled By:\t{owner}\n")
    w.write(
        0, f"Replicas:\t{status.get('replicas', 0)} current / {spec.get('replicas', 1)} desired\n"
    )
    w.write(0, "Pods Status:\t")
    w.write(0, _pods_status(store, rs) + "\n")
    pod_template_section(w, spec.get("template"))
    _conditions(w, status.get("conditions"))
    events_section(w, events_for(store, rs), now)
    return w.text()


def describe_statefulset(sts: Obj, store: Store, now: datetime) -> str:
    m, spec, status = meta(sts), sts.get("spec") or {}, sts.get("status") or {}
    w = Writer()
    _header(w, sts, created=True)
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(
        0, f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('replicas', 0)} total\n"
    )
    strategy = spec.get("updateStrategy") or {}
    w.write(0, f"Update Strategy:\t{strategy.get('type', 'RollingUpdate')}\n")
    rolling = strategy.get("rollingUpdate")
    if rolling is not None and rolling.get("partition") is not None:
        w.write(1, f"Partition:\t{rolling['partition']}\n")
        if rolling.get("maxUnavailable") is not None:
            w.write(1, f"MaxUnavailable:\t{rolling['maxUnavailable']}\n")
    w.write(0, f"Pods Status:\t{_pods_status(store, sts)}\n")
    pod_template_section(w, spec.get("template"))
    claims = spec.get("volumeClaimTemplates") or []
    if not claims:
        w.write(0, "Volume Claims:\t<none>\n")
    else:
        w.write(0, "Volume Claims:\n")
        for pvc in claims:
            pm, pspec = pvc.get("metadata") or {}, pvc.get("spec") or {}
            w.write(1, f"Name:\t{pm.get('name', '')}\n")
            storage_class = (pm.get("annotations") or {}).get(
                "volume.beta.kubernetes.io/storage-class", pspec.get("storageClassName", "")
            )
            w.write(1, f"StorageClass:\t{storage_class}\n")
            labels_multiline(w, "Labels", pm.get("labels"), initial_indent="  ")
            labels_multiline(w, "Annotations", pm.get("annotations"), initial_indent="  ")
            storage = ((pspec.get("resources") or {}).get("requests") or {}).get("storage")
            w.write(1, f"Capacity:\t{quantity(storage) if storage else '<default>'}\n")
            w.write(1, f"Access Modes:\t[{' '.join(pspec.get('accessModes') or [])}]\n")
    events_section(w, events_for(store, sts), now)
    return w.text()


def describe_daemonset(ds: Obj, store: Store, now: datetime) -> str:
    m, spec, status = meta(ds), ds.get("spec") or {}, ds.get("status") or {}
    w = Writer()
    w.write(0, f"Name:\t{m.get('name', '')}\n")
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    node_selector = ((spec.get("template") or {}).get("spec") or {}).get("nodeSelector")
    w.write(0, f"Node-Selector:\t{format_labels(node_selector)}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    w.write(0, f"Desired Number of Nodes Scheduled: {status.get('desiredNumberScheduled', 0)}\n")
    w.write(0, f"Current Number of Nodes Scheduled: {status.get('currentNumberScheduled', 0)}\n")
    w.write(
        0,
        "Number of Nodes Scheduled with Up-to-date Pods: "
        f"{status.get('updatedNumberScheduled', 0)}\n",
    )
    w.write(
        0, f"Number of Nodes Scheduled with Available Pods: {status.get('numberAvailable', 0)}\n"
    )
    w.write(0, f"Number of Nodes Misscheduled: {status.get('numberMisscheduled', 0)}\n")
    w.write(0, f"Pods Status:\t{_pods_status(store, ds)}\n")
    pod_template_section(w, spec.get("template"))
    events_section(w, events_for(store, ds), now)
    return w.text()


def describe_job(job: Obj, store: Store, now: datetime) -> str:
    m, spec, status = meta(job), job.get("spec") or {}, job.get("status") or {}
    w = Writer()
    _header(w, job, created=False)
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    labels_multiline(w, "Labels", m.get("labels"))
    annotations_multiline(w, "Annotations", m.get("annotations"))
    if owner := controlled_by(job):
        w.write(0, f"Controlled By:\t{owner}\n")
    if spec.get("parallelism") is not None:
        w.write(0, f"Parallelism:\t{spec['parallelism']}\n")
    if spec.get("completions") is not None:
        w.write(0, f"Completions:\t{spec['completions']}\n")
    else:
        w.write(0, "Completions:\t<unset>\n")
    if spec.get("completionMode") is not None:
        w.write(0, f"Completion Mode:\t{spec['completionMode']}\n")
    if spec.get("suspend") is not None:
        w.write(0, f"Suspend:\t{'true' if spec['suspend'] else 'false'}\n")
    if spec.get("backoffLimit") is not None:
        w.write(0, f"Backoff Limit:\t{spec['backoffLimit']}\n")
    if spec.get("ttlSecondsAfterFinished") is not None:
        w.write(0, f"TTL Seconds After Finished:\t{spec['ttlSecondsAfterFinished']}\n")
    start, end = parse_time(status.get("startTime")), parse_time(status.get("completionTime"))
    if start is not None:
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    if end is not None:
        w.write(0, f"Completed At:\t{rfc1123z(status['completionTime'])}\n")
    if start is not None and end is not None:
        w.write(0, f"Duration:\t{human_duration(end - start)}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    counts = (
        f"{status.get('active', 0)} Active",
        f"{status.get('succeeded', 0)} Succeeded",
        f"{status.get('failed', 0)} Failed",
    )
    if status.get("ready") is not None:
        counts = (f"{counts[0]} ({status['ready']} Ready)", *counts[1:])
    w.write(0, f"Pods Statuses:\t{' / '.join(counts)}\n")
    if spec.get("completionMode") == "Indexed":
        w.write(0, f"Completed Indexes:\t{status.get('completedIndexes') or '<none>'}\n")
    pod_template_section(w, spec.get("template"))
    events_section(w, events_for(store, job), now)
    return w.text()
