"""`kubectl label|annotate` and the node verbs (`cordon|uncordon|drain|taint`) on the twin."""

from __future__ import annotations

import json

import pytest

from aoi.twin.core import Twin

HOTEL = "test-hotel-reservation"


@pytest.fixture(name="hotel")
def hotel_fixture() -> Twin:
    return Twin("hotel-reservation", seed=1)


def geo_pod(twin: Twin) -> str:
    return twin.run(
        f"kubectl get pods -n {HOTEL} -l io.kompose.service=geo -o name"
    ).stdout.split()[0]


def test_label_set_overwrite_remove(hotel: Twin) -> None:
    pod = geo_pod(hotel)
    added = hotel.run(f"kubectl label {pod} -n {HOTEL} team=geo")
    assert added.stdout == f"{pod} labeled\n"
    assert "team=geo" in hotel.run(f"kubectl get {pod} -n {HOTEL} --show-labels").stdout
    same = hotel.run(f"kubectl label {pod} -n {HOTEL} team=geo")
    assert same.stdout == f"{pod} not labeled\n"
    clash = hotel.run(f"kubectl label {pod} -n {HOTEL} team=other")
    assert (clash.stderr, clash.exit_code) == (
        "error: 'team' already has a value (geo), and --overwrite is false\n",
        1,
    )
    assert (
        hotel.run(f"kubectl label {pod} -n {HOTEL} team=other --overwrite").stdout
        == f"{pod} labeled\n"
    )
    assert hotel.run(f"kubectl label {pod} -n {HOTEL} team-").stdout == f"{pod} unlabeled\n"
    assert (
        hotel.run(f"kubectl label {pod} -n {HOTEL}").stderr
        == "error: at least one label update is required\n"
    )
    bad = hotel.run(f"kubectl label {pod} -n {HOTEL} 'x=a b'")
    assert bad.stderr.startswith(
        'error: invalid label value: "x=a b": a valid label must be an empty string'
    )


def test_label_a_node_lets_a_pending_pod_schedule(hotel: Twin) -> None:
    hotel.run(
        f"""kubectl patch deploy geo -n {HOTEL} -p '{{"spec":{{"template":{{"spec":{{"nodeSelector":{{"disk":"ssd"}}}}}}}}}}'"""
    )
    assert "Pending" in hotel.run(f"kubectl get pods -n {HOTEL} -l io.kompose.service=geo").stdout
    assert (
        hotel.run("kubectl label node kind-worker disk=ssd").stdout == "node/kind-worker labeled\n"
    )
    hotel.tick(30)
    assert "Running" in hotel.run(f"kubectl get pods -n {HOTEL} -l io.kompose.service=geo").stdout


def test_annotate(hotel: Twin) -> None:
    result = hotel.run(f"kubectl annotate deploy geo -n {HOTEL} owner=sre")
    assert result.stdout == "deployment.apps/geo annotated\n"
    clash = hotel.run(f"kubectl annotate deploy geo -n {HOTEL} owner=dev")
    assert clash.stderr == (
        "error: --overwrite is false but found the following declared annotation(s): "
        "'owner' already has a value (sre)\n"
    )
    assert (
        hotel.run(f"kubectl annotate deploy geo -n {HOTEL} owner-").stdout
        == "deployment.apps/geo annotated\n"
    )
    doc = json.loads(hotel.run(f"kubectl get deploy geo -n {HOTEL} -o json").stdout)
    assert "owner" not in doc["metadata"]["annotations"]


def test_cordon_and_uncordon(hotel: Twin) -> None:
    assert hotel.run("kubectl cordon kind-worker").stdout == "node/kind-worker cordoned\n"
    assert hotel.run("kubectl cordon kind-worker").stdout == "node/kind-worker already cordoned\n"
    assert "Ready,SchedulingDisabled" in hotel.run("kubectl get node kind-worker").stdout
    hotel.run(f"kubectl delete {geo_pod(hotel)} -n {HOTEL}")
    pending = hotel.run(f"kubectl get pods -n {HOTEL} -l io.kompose.service=geo").stdout
    assert "Pending" in pending
    assert hotel.run("kubectl uncordon kind-worker").stdout == "node/kind-worker uncordoned\n"
    assert (
        hotel.run("kubectl uncordon kind-worker").stdout == "node/kind-worker already uncordoned\n"
    )
    assert (
        "Pending" not in hotel.run(f"kubectl get pods -n {HOTEL} -l io.kompose.service=geo").stdout
    )
    missing = hotel.run("kubectl cordon nope")
    assert missing.stderr == 'Error from server (NotFound): nodes "nope" not found\n'


def test_drain_refuses_daemonset_pods_then_evicts(hotel: Twin) -> None:
    refused = hotel.run("kubectl drain kind-worker")
    assert refused.stdout == "node/kind-worker cordoned\n"
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        'error: unable to drain node "kind-worker" due to error: [cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): '
    )
    assert "There are pending nodes to be drained:\n kind-worker\n" in refused.stderr
    drained = hotel.run("kubectl drain kind-worker --ignore-daemonsets --delete-emptydir-data")
    assert drained.exit_code == 0
    assert drained.stderr.startswith("Warning: ignoring DaemonSet-managed Pods: ")
    assert drained.stdout.startswith("node/kind-worker already cordoned\nevicting pod ")
    assert drained.stdout.endswith("node/kind-worker drained\n")
    pods = hotel.run(f"kubectl get pods -n {HOTEL} --no-headers").stdout.splitlines()
    assert pods and all("Pending" in line for line in pods)


def test_taint(hotel: Twin) -> None:
    assert (
        hotel.run("kubectl taint nodes kind-worker dedicated=db:NoSchedule").stdout
        == "node/kind-worker tainted\n"
    )
    clash = hotel.run("kubectl taint nodes kind-worker dedicated=db:NoSchedule")
    assert clash.stderr == (
        "error: node kind-worker already has dedicated taint(s) with same effect(s) and --overwrite is false\n"
    )
    assert (
        hotel.run("kubectl taint nodes kind-worker dedicated:NoSchedule-").stdout
        == "node/kind-worker untainted\n"
    )
    assert hotel.run("kubectl taint nodes kind-worker dedicated:NoSchedule-").stderr == (
        'error: taint "dedicated:NoSchedule" not found\n'
    )
    assert hotel.run("kubectl taint nodes kind-worker a=b:Sometimes").stderr == (
        "error: invalid taint effect: Sometimes, unsupported taint effect\n"
    )
    evicted = hotel.run("kubectl taint nodes kind-worker maintenance=now:NoExecute")
    assert evicted.stdout == "node/kind-worker tainted\n"
    assert "Pending" in hotel.run(f"kubectl get pods -n {HOTEL} -l io.kompose.service=geo").stdout
