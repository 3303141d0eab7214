"""Faults made with plain Kubernetes writes: Services, Deployments, volumes and namespaces."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from aoi.twin.cluster.clock import rfc3339
from aoi.twin.cluster.store import Obj
from aoi.twin.faults import injector

if TYPE_CHECKING:
    from aoi.twin.core import Twin


def _deployment(twin: Twin, ns: str, name: str) -> Obj:
    dep = twin.store.get("Deployment", ns, name)
    if dep is None:
        raise LookupError(f"deployment {ns}/{name} does not exist")
    return dep


def _template_changed(twin: Twin, dep: Obj) -> None:
    dep["metadata"]["generation"] = dep["metadata"].get("generation", 1) + 1
    twin.store.touch(dep)


@injector("k8s_target_port-misconfig")
def target_port(twin: Twin, ns: str, target: str | None, params: dict[str, Any]) -> None:
    """`kubectl patch service T --type=json -p '[{"op":"replace","path":"/spec/ports/0/targetPort","value":9999}]'`"""
    assert target is not None
    svc = twin.store.get("Service", ns, target)
    if svc is None:
        raise LookupError(f"service {ns}/{target} does not exist")
    port = int(params.get("port", 9090))
    for entry in svc["spec"]["ports"]:
        if entry["port"] == port:
            entry["targetPort"] = int(params.get("faulty_target_port", 9999))
    twin.store.touch(svc)


@injector("scale_pod_zero_social_net")
def scale_to_zero(twin: Twin, ns: str, target: str | None, params: dict[str, Any]) -> None:
    """`kubectl scale deployment T --replicas=0`"""
    assert target is not None
    dep = _deployment(twin, ns, target)
    dep["spec"]["replicas"] = int(params.get("replicas", 0))
    _template_changed(twin, dep)


def _recreate(twin: Twin, dep: Obj) -> Obj:
    """Delete a Deployment (and what it owns) and create it again from its manifest."""
    ns, name = dep["metadata"]["namespace"], dep["metadata"]["name"]
    manifest = copy.deepcopy(dep)
    twin.store.delete("Deployment", ns, name)
    twin.controller.reconcile()  # garbage-collects the old ReplicaSet and pods
    meta = manifest["metadata"]
    for key in ("uid", "resourceVersion", "creationTimestamp", "generation"):
        meta.pop(key, None)
    meta.get("annotations", {}).pop("deployment.kubernetes.io/revision", None)
    manifest["status"] = {}
    return twin.store.add(manifest, created=rfc3339(twin.clock.now()))


@injector("assign_to_non_existent_node_social_net")
def non_existent_node(twin: Twin, ns: str, target: str | None, params: dict[str, Any]) -> None:
    """The deployment is recreated with a nodeSelector no node satisfies."""
    assert target is not None
    dep = _deployment(twin, ns, target)
    selector = params.get("node_selector") or {"kubernetes.io/hostname": "extra-node"}
    dep = _recreate(twin, dep)
    dep["spec"]["template"]["spec"]["nodeSelector"] = dict(selector)


@injector("wrong_bin_usage")
def wrong_binary(twin: Twin, ns: str, target: str | None, params: dict[str, Any]) -> None:
    """The deployment is recreated with the container command of another service's binary."""
    assert target is not None
    dep = _recreate(twin, _deployment(twin, ns, target))
    container = dep["spec"]["template"]["spec"]["containers"][0]
    container["command"] = [str(params.get("wrong_binary", "geo"))]


@injector("misconfig_app_hotel_res")
def buggy_image(twin: Twin, ns: str, target: str | None, params: dict[str, Any]) -> None:
    """The container image is switched to a known-bad build (a rollout follows)."""
    assert target is not None
    dep = _recreate(twin, _deployment(twin, ns, target))
    image = str(params.get("image", f"yinfangchen/{target}:app3")).replace("{target}", target)
    twin.register_bad_image(image, like="yinfangchen/geo:app3", service=target)
    dep["spec"]["template"]["spec"]["containers"][0]["image"] = image


@injector("redeploy_without_PV")
def redeploy_without_pv(twin: Twin, ns: str, target: str | None, params: dict[str, Any]) -> None:
    """Delete the namespace (hostPath PVs stay, Released), then re-apply the app at once.

    The new claims find their volumes Released, still holding the old claims'
    references, so they stay Pending and so do the pods that mount them.
    """
    from aoi.twin.apps.build import build_app

    app = twin.app_for(ns)
    if app is None:
        raise LookupError(f"no application in namespace {ns}")
    twin.delete_namespace(ns)
    pvs = {pv["metadata"]["name"]: copy.deepcopy(pv) for pv in twin.store.list("PersistentVolume")}
    for name in list(pvs):
        twin.store.delete("PersistentVolume", None, name)
    build_app(twin.store, app, created=rfc3339(twin.clock.now()))
    for pv_name, old in pvs.items():
        fresh = twin.store.get("PersistentVolume", None, pv_name)
        claim_ref = old["spec"].get("claimRef", {})
        if fresh is None or claim_ref.get("namespace") != ns:
            if fresh is None:
                twin.store.add(old, created=old["metadata"]["creationTimestamp"])
            continue
        # The old PV object survived the namespace deletion: keep it, Released.
        twin.store.delete("PersistentVolume", None, pv_name)
        old["status"] = {"phase": "Released", "lastPhaseTransitionTime": rfc3339(twin.clock.now())}
        twin.store.add(old, created=old["metadata"]["creationTimestamp"])
        claim = twin.store.get("PersistentVolumeClaim", ns, claim_ref.get("name", ""))
        if claim is not None:
            claim["spec"].pop("volumeName", None)
            claim["status"] = {"phase": "Pending"}
            for key in ("pv.kubernetes.io/bind-completed", "pv.kubernetes.io/bound-by-controller"):
                claim["metadata"].get("annotations", {}).pop(key, None)
            twin.store.touch(claim)
            twin.controller.events.record(
                claim,
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set",
                component="persistentvolume-controller",
                at=twin.clock.now(),
                type="Warning",
            )
    for name, comp_state in list(twin.mongo.items()):
        if name[0] == ns:
            # the data lives on the volumes; the new mongods have not mounted them yet
            twin.mongo[name] = comp_state
