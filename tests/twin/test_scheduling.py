"""The scheduler's filters and its FitError, as kube-scheduler v1.32 composes them."""

from __future__ import annotations

from aoi.twin.cluster.scheduling import fit_error
from aoi.twin.core import Twin

HR = "test-hotel-reservation"
HOST_PORT = (
    "kubectl patch deployment recommendation -n test-hotel-reservation --type=json "
    """-p='[{"op": "add", "path": "/spec/template/spec/containers/0/ports/0/hostPort", """
    """"value": 9100}]'"""
)


def _pods(twin: Twin, service: str) -> list[dict[str, object]]:
    return [
        p
        for p in twin.store.list("Pod", HR)
        if p["metadata"]["labels"].get("io.kompose.service") == service
    ]


def test_reasons_and_preemption_are_sorted_count_strings() -> None:
    message = fit_error(
        3, {"node(s) had untolerated taint {a: }": 1, "Too many pods": 2, "node(s) x": 10}
    )
    assert message == (
        "0/3 nodes are available: 1 node(s) had untolerated taint {a: }, 10 node(s) x, "
        "2 Too many pods. preemption: 0/3 nodes are available: 11 Preemption is not helpful "
        "for scheduling, 2 No preemption victims found for incoming pod."
    )
    assert fit_error(2, {}, "pod has unbound immediate PersistentVolumeClaims") == (
        "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
        "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
    )


def test_a_host_port_node_exporter_holds_keeps_the_pod_pending_until_it_is_removed() -> None:
    twin = Twin.fresh("hotel-reservation", 0)
    assert twin.run(HOST_PORT).exit_code == 0
    twin.tick(5)
    pending = [p for p in _pods(twin, "recommendation") if not p["spec"].get("nodeName")]
    assert len(pending) == 1
    condition = pending[0]["status"]["conditions"][0]
    assert "1 node(s) didn't have free ports for the requested pod ports" in condition["message"]
    assert "untolerated taint {node-role.kubernetes.io/control-plane: }" in condition["message"]
    # the old pod keeps serving: the rollout waits for the new one
    assert any(p["status"].get("phase") == "Running" for p in _pods(twin, "recommendation"))
    undo = (
        "kubectl patch deployment recommendation -n test-hotel-reservation --type=json "
        """-p='[{"op": "remove", "path": "/spec/template/spec/containers/0/ports/0/hostPort"}]'"""
    )
    assert twin.run(undo).exit_code == 0
    twin.tick(60)
    pods = _pods(twin, "recommendation")
    assert pods and all(p["spec"].get("nodeName") for p in pods)


def test_a_free_host_port_schedules() -> None:
    twin = Twin.fresh("hotel-reservation", 0)
    assert twin.run(HOST_PORT.replace("9100", "19100")).exit_code == 0
    twin.tick(60)
    pods = _pods(twin, "recommendation")
    assert pods and all(p["spec"].get("nodeName") == "kind-worker" for p in pods)
