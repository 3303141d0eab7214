"""The persistent-volume controller's part the twin needs: binding claims, releasing volumes.

`bind_claims` runs after every write. It follows Kubernetes' rules: a Pending claim binds
to an Available volume with the same storage class and volume mode, enough capacity and
the access modes it asks for (the smallest such volume wins); a volume whose claim was
deleted becomes Released and keeps its claimRef, so it binds nothing until someone removes
that claimRef (then it is Available again); volumes with reclaim policy Delete go away.
Claims and volumes being deleted stay Terminating while a pod (or a claim) still uses them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aoi.twin.cluster.clock import rfc3339
from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.quantity import Quantity

if TYPE_CHECKING:
    from aoi.twin.world import World

BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
BIND_COMPLETED = "pv.kubernetes.io/bind-completed"


def bind_claims(twin: World) -> bool:
    """Bind, release and finalize claims and volumes as the controllers would, now.

    Returns whether anything changed (so a caller can let the scheduler retry pending pods)."""
    store = twin.store
    before = _fingerprint(twin)
    now = rfc3339(twin.clock.now())
    _finish_deletions(twin)
    claims = {
        (c["metadata"]["namespace"], c["metadata"]["name"]): c
        for c in store.list("PersistentVolumeClaim")
    }
    for pv in store.list("PersistentVolume"):
        _sync_volume(twin, pv, claims, now)
    for claim in claims.values():
        phase = claim.get("status", {}).get("phase")
        if phase == "Bound":
            volume = claim["spec"].get("volumeName")
            if volume and store.get("PersistentVolume", None, volume) is None:
                claim["status"]["phase"] = "Lost"
                store.touch(claim)
        elif phase != "Lost":
            _bind(twin, claim, now)
    return _fingerprint(twin) != before


def _fingerprint(twin: World) -> list[tuple[str, str, str]]:
    return [
        (obj["kind"], obj["metadata"]["name"], obj.get("status", {}).get("phase", ""))
        for kind in ("PersistentVolume", "PersistentVolumeClaim")
        for obj in twin.store.list(kind)
    ]


def _set_phase(twin: World, pv: Obj, phase: str, now: str) -> None:
    status = pv.setdefault("status", {})
    if status.get("phase") != phase:
        status["phase"] = phase
        status["lastPhaseTransitionTime"] = now
        twin.store.touch(pv)


def _sync_volume(twin: World, pv: Obj, claims: dict[tuple[str, str], Obj], now: str) -> None:
    ref = pv["spec"].get("claimRef")
    phase = pv.get("status", {}).get("phase")
    if pv["metadata"].get("deletionTimestamp"):
        return
    if not ref:
        if phase != "Available":
            _set_phase(twin, pv, "Available", now)
        return
    claim = claims.get((ref.get("namespace", ""), ref.get("name", "")))
    if claim is not None and (not ref.get("uid") or ref["uid"] == claim["metadata"]["uid"]):
        if not ref.get("uid") and phase != "Available":
            # pre-bound to a claim by name: the claim binds in _bind
            _set_phase(twin, pv, "Available", now)
        return
    if ref.get("uid") is None:
        # pre-bound by name to a claim that does not exist yet
        if phase != "Available":
            _set_phase(twin, pv, "Available", now)
        return
    if phase in ("Released", "Failed"):
        return
    if pv["spec"].get("persistentVolumeReclaimPolicy") == "Delete":
        twin.store.delete("PersistentVolume", None, pv["metadata"]["name"])
        return
    _set_phase(twin, pv, "Released", now)


def _bind(twin: World, claim: Obj, now: str) -> None:
    if claim["metadata"].get("deletionTimestamp"):
        return
    pv = _find_volume(twin, claim)
    if pv is None:
        return
    meta = claim["metadata"]
    ref = pv["spec"].get("claimRef")
    annotations = pv["metadata"].setdefault("annotations", {})
    if not ref:
        annotations[BOUND_BY_CONTROLLER] = "yes"
    pv["spec"]["claimRef"] = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "name": meta["name"],
        "namespace": meta["namespace"],
        "resourceVersion": meta.get("resourceVersion", ""),
        "uid": meta["uid"],
    }
    _set_phase(twin, pv, "Bound", now)
    twin.store.touch(pv)
    claim["spec"]["volumeName"] = pv["metadata"]["name"]
    claim_annotations = meta.setdefault("annotations", {})
    claim_annotations[BIND_COMPLETED] = "yes"
    claim_annotations[BOUND_BY_CONTROLLER] = "yes"
    claim["status"] = {
        "accessModes": list(pv["spec"].get("accessModes", [])),
        "capacity": dict(pv["spec"].get("capacity", {})),
        "phase": "Bound",
    }
    twin.store.touch(claim)


def _find_volume(twin: World, claim: Obj) -> Obj | None:
    spec = claim["spec"]
    meta = claim["metadata"]
    wanted = spec.get("volumeName")
    candidates = []
    for pv in twin.store.list("PersistentVolume"):
        if pv["metadata"].get("deletionTimestamp"):
            continue
        if wanted and pv["metadata"]["name"] != wanted:
            continue
        if pv.get("status", {}).get("phase") != "Available":
            continue
        ref = pv["spec"].get("claimRef")
        if ref and (ref.get("namespace"), ref.get("name")) != (meta["namespace"], meta["name"]):
            continue
        if ref and ref.get("uid") and ref["uid"] != meta["uid"]:
            continue
        if not _fits(pv["spec"], spec):
            continue
        candidates.append(pv)
    if not candidates:
        return None
    # a volume pre-bound to this claim first, then the smallest that fits
    candidates.sort(
        key=lambda pv: (
            not pv["spec"].get("claimRef"),
            Quantity.parse(pv["spec"].get("capacity", {}).get("storage")).value,
        )
    )
    return candidates[0]


def _fits(pv_spec: dict[str, Any], claim_spec: dict[str, Any]) -> bool:
    if (pv_spec.get("storageClassName") or "") != (claim_spec.get("storageClassName") or ""):
        return False
    if pv_spec.get("volumeMode", "Filesystem") != claim_spec.get("volumeMode", "Filesystem"):
        return False
    if not set(claim_spec.get("accessModes") or []) <= set(pv_spec.get("accessModes") or []):
        return False
    request = ((claim_spec.get("resources") or {}).get("requests") or {}).get("storage")
    capacity = (pv_spec.get("capacity") or {}).get("storage")
    return Quantity.parse(request).value <= Quantity.parse(capacity).value


def _finish_deletions(twin: World) -> None:
    """Claims and volumes held by protection finalizers go once nothing uses them."""
    store = twin.store
    for claim in store.list("PersistentVolumeClaim"):
        if not claim["metadata"].get("deletionTimestamp"):
            continue
        ns, name = claim["metadata"]["namespace"], claim["metadata"]["name"]
        if not claim_in_use(twin, ns, name):
            store.delete("PersistentVolumeClaim", ns, name)
    for pv in store.list("PersistentVolume"):
        if not pv["metadata"].get("deletionTimestamp"):
            continue
        claim_ref = pv["spec"].get("claimRef") or {}
        holder = store.get(
            "PersistentVolumeClaim", claim_ref.get("namespace"), claim_ref.get("name", "")
        )
        if pv.get("status", {}).get("phase") != "Bound" or holder is None:
            store.delete("PersistentVolume", None, pv["metadata"]["name"])


def claim_in_use(twin: World, namespace: str, name: str) -> bool:
    """Whether a pod of the namespace mounts the claim (the pvc-protection finalizer's test)."""
    for pod in twin.store.list("Pod", namespace):
        if pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
            continue
        for volume in pod["spec"].get("volumes", []):
            if (volume.get("persistentVolumeClaim") or {}).get("claimName") == name:
                return True
    return False
