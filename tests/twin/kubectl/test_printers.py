"""`kubectl get` tables, `-o name` and empty-list messages, as kubectl v1.32 prints them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from aoi.twin.cluster.clock import EPOCH
from aoi.twin.surface.kubectl.printers import empty_message, pod_status, print_names, print_table
from aoi.twin.surface.kubectl.quantity import quantity
from aoi.twin.surface.kubectl.tabwriter import tabwrite

NOW = EPOCH


def ago(**delta: float) -> str:
    return (NOW - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def pod(name: str, *statuses: dict[str, Any], phase: str = "Running", **extra: Any) -> dict:
    spec: dict[str, Any] = {
        "containers": [{"name": s["name"], "image": "nginx"} for s in statuses] or [{"name": "c"}],
        "nodeName": "kind-worker",
    }
    spec.update(extra.pop("spec", {}))
    status: dict[str, Any] = {"phase": phase, "containerStatuses": list(statuses)}
    status.update(extra.pop("status", {}))
    meta: dict[str, Any] = {"name": name, "namespace": "default", "creationTimestamp": ago(hours=3)}
    meta.update(extra.pop("metadata", {}))
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def running(name: str = "app", *, ready: bool = True, restarts: int = 0, **extra: Any) -> dict:
    return {
        "name": name,
        "ready": ready,
        "restartCount": restarts,
        "state": {"running": {"startedAt": ago(hours=1)}},
        **extra,
    }


def waiting(reason: str, name: str = "app", restarts: int = 0, **extra: Any) -> dict:
    return {
        "name": name,
        "ready": False,
        "restartCount": restarts,
        "state": {"waiting": {"reason": reason}},
        **extra,
    }


def terminated(reason: str, code: int, name: str = "app", restarts: int = 0) -> dict:
    return {
        "name": name,
        "ready": False,
        "restartCount": restarts,
        "state": {"terminated": {"reason": reason, "exitCode": code, "finishedAt": ago(minutes=9)}},
    }


LAST_EXIT = {"lastState": {"terminated": {"exitCode": 1, "finishedAt": ago(seconds=45)}}}


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (pod("ok", running()), ("Running", "1/1", "0")),
        (
            pod("crash", waiting("CrashLoopBackOff", restarts=3, **LAST_EXIT)),
            ("CrashLoopBackOff", "0/1", "3 (45s ago)"),
        ),
        (pod("pull", waiting("ImagePullBackOff")), ("ImagePullBackOff", "0/1", "0")),
        (
            pod("creating", waiting("ContainerCreating"), phase="Pending"),
            ("ContainerCreating", "0/1", "0"),
        ),
        (pod("done", terminated("Completed", 0), phase="Succeeded"), ("Completed", "0/1", "0")),
        (pod("failed", terminated("Error", 1), phase="Failed"), ("Error", "0/1", "0")),
        (pod("oom", terminated("OOMKilled", 137, restarts=2)), ("OOMKilled", "0/1", "2")),
        (
            pod("noreason", {**terminated("", 3), "state": {"terminated": {"exitCode": 3}}}),
            ("ExitCode:3", "0/1", "0"),
        ),
        (pod("pending", phase="Pending", spec={"nodeName": ""}), ("Pending", "0/1", "0")),
        (
            pod("evicted", phase="Failed", status={"reason": "Evicted"}),
            ("Evicted", "0/1", "0"),
        ),
        (
            pod("bye", running(), metadata={"deletionTimestamp": ago(seconds=5)}),
            ("Terminating", "1/1", "0"),
        ),
        (
            # One container exited cleanly, the other still runs: kubectl calls that NotReady.
            pod("half", terminated("Completed", 0, "a"), running("b", ready=True)),
            ("NotReady", "1/2", "0"),
        ),
    ],
    ids=lambda v: v["metadata"]["name"] if isinstance(v, dict) else "",
)
def test_pod_status_column(obj: dict, expected: tuple[str, str, str]) -> None:
    status, ready, total, _restarts, _last = pod_status(obj)
    assert (status, f"{ready}/{total}") == expected[:2]
    row = print_table("Pod", [obj], now=NOW, no_headers=True)
    assert row.split()[1:2] == [expected[1]]
    assert f"   {expected[0]}   " in row
    assert f"   {expected[2]}   " in row


def init_pod(init_state: dict[str, Any], *, done: int = 0) -> dict:
    inits = [{"name": f"init-{i}", "image": "busybox"} for i in range(2)]
    statuses = [
        {
            "name": f"init-{i}",
            "ready": True,
            "restartCount": 0,
            "state": {"terminated": {"exitCode": 0}},
        }
        for i in range(done)
    ]
    statuses.append({"name": f"init-{done}", "ready": False, "restartCount": 4, **init_state})
    return pod(
        "init",
        waiting("PodInitializing"),
        phase="Pending",
        spec={"initContainers": inits},
        status={"initContainerStatuses": statuses},
    )


@pytest.mark.parametrize(
    ("state", "done", "expected"),
    [
        ({"state": {"running": {}}}, 0, "Init:0/2"),
        ({"state": {"running": {}}}, 1, "Init:1/2"),
        ({"state": {"waiting": {"reason": "CrashLoopBackOff"}}}, 1, "Init:CrashLoopBackOff"),
        ({"state": {"terminated": {"reason": "Error", "exitCode": 1}}}, 0, "Init:Error"),
        ({"state": {"terminated": {"exitCode": 2}}}, 0, "Init:ExitCode:2"),
    ],
)
def test_init_container_status(state: dict[str, Any], done: int, expected: str) -> None:
    status, ready, total, restarts, _last = pod_status(init_pod(state, done=done))
    assert (status, ready, total, restarts) == (expected, 0, 1, 4)


def test_pod_table_layout_matches_kubectl() -> None:
    pods = [
        pod(
            "geo-6b8c9d7f5-q9m7w", waiting("CrashLoopBackOff", "hotel-reserv-geo", 12, **LAST_EXIT)
        ),
        pod("geo-6b8c9d7f5-x2k4j", running("hotel-reserv-geo")),
    ]
    assert print_table("Pod", pods, now=NOW) == (
        "NAME                  READY   STATUS             RESTARTS       AGE\n"
        "geo-6b8c9d7f5-q9m7w   0/1     CrashLoopBackOff   12 (45s ago)   3h\n"
        "geo-6b8c9d7f5-x2k4j   1/1     Running            0              3h\n"
    )


def test_pod_table_wide_all_namespaces_and_labels() -> None:
    obj = pod(
        "web",
        running("web"),
        metadata={"namespace": "shop", "labels": {"tier": "front", "app": "web"}},
        status={"podIP": "10.244.1.5", "podIPs": [{"ip": "10.244.1.5"}]},
    )
    table = print_table("Pod", [obj], now=NOW, wide=True, all_namespaces=True, show_labels=True)
    assert table == (
        "NAMESPACE   NAME   READY   STATUS    RESTARTS   AGE   IP           NODE          "
        "NOMINATED NODE   READINESS GATES   LABELS\n"
        "shop        web    1/1     Running   0          3h    10.244.1.5   kind-worker   "
        "<none>           <none>            app=web,tier=front\n"
    )


def test_label_columns_and_no_headers() -> None:
    obj = pod("web", running("web"), metadata={"labels": {"app.kubernetes.io/name": "web"}})
    assert print_table("Pod", [obj], now=NOW, label_columns=["app.kubernetes.io/name", "tier"]) == (
        "NAME   READY   STATUS    RESTARTS   AGE   NAME   TIER\nweb    1/1     Running   0          3h    web    \n"
    )
    # Without headers the narrow columns still get tabwriter's minimum width of 6.
    assert print_table("Pod", [obj], now=NOW, no_headers=True) == (
        "web   1/1   Running   0     3h\n"
    )


def test_tabwriter_pads_widest_cell_plus_three_and_never_the_last_column() -> None:
    text = tabwrite("a\tbb\tlast\nccccccc\td\tx\n", minwidth=6, padding=3)
    assert text == "a         bb    last\nccccccc   d     x\n"
    assert all(not line.endswith(" ") for line in text.splitlines())


def test_tabwriter_blocks_end_at_lines_without_tabs() -> None:
    text = tabwrite("Name:\tx\nIPs:\n  IP:\t1.2.3.4\n", minwidth=0, padding=2)
    assert text == "Name:  x\nIPs:\n  IP:  1.2.3.4\n"


def deployment(name: str, ready: int, want: int) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": ago(days=3)},
        "spec": {
            "replicas": want,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        {"name": name, "image": f"registry/{name}:1.0"},
                        {"name": "envoy", "image": "envoyproxy/envoy:v1.31"},
                    ]
                },
            },
        },
        "status": {
            "replicas": want,
            "updatedReplicas": want,
            "readyReplicas": ready,
            "availableReplicas": ready,
        },
    }


def test_deployment_table_and_wide() -> None:
    objs = [deployment("frontend", 1, 1), deployment("geo", 0, 2)]
    assert print_table("Deployment", objs, now=NOW) == (
        "NAME       READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "frontend   1/1     1            1           3d\n"
        "geo        0/2     2            0           3d\n"
    )
    assert print_table("Deployment", objs[1:], now=NOW, wide=True) == (
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES"
        "                                    SELECTOR\n"
        "geo    0/2     2            0           3d    geo,envoy    registry/geo:1.0,"
        "envoyproxy/envoy:v1.31   app=geo\n"
    )


def service(name: str, kind: str, ports: list[dict], **spec: Any) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": ago(minutes=75)},
        "spec": {
            "type": kind,
            "ports": ports,
            "clusterIP": "10.96.0.10",
            "clusterIPs": ["10.96.0.10"],
            **spec,
        },
    }


def test_service_table() -> None:
    objs = [
        service("geo", "ClusterIP", [{"port": 8083, "protocol": "TCP"}], selector={"app": "geo"}),
        service(
            "frontend",
            "NodePort",
            [
                {"port": 5000, "nodePort": 32000, "protocol": "TCP"},
                {"port": 9090, "protocol": "UDP"},
            ],
        ),
        service("lb", "LoadBalancer", [{"port": 80, "nodePort": 31080, "protocol": "TCP"}]),
        service("headless", "ClusterIP", [], clusterIP="None", clusterIPs=["None"]),
    ]
    assert print_table("Service", objs, now=NOW, wide=True) == (
        "NAME       TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)                   AGE   SELECTOR\n"
        "geo        ClusterIP      10.96.0.10   <none>        8083/TCP                  75m   app=geo\n"
        "frontend   NodePort       10.96.0.10   <none>        5000:32000/TCP,9090/UDP   75m   <none>\n"
        "lb         LoadBalancer   10.96.0.10   <pending>     80:31080/TCP              75m   <none>\n"
        "headless   ClusterIP      None         <none>        <none>                    75m   <none>\n"
    )


def test_endpoints_table_shows_three_then_counts_the_rest() -> None:
    ips = [{"ip": f"10.244.1.{i}"} for i in range(5, 10)]
    objs = [
        {
            "kind": "Endpoints",
            "metadata": {"name": "geo", "creationTimestamp": ago(hours=2)},
            "subsets": [{"addresses": ips, "ports": [{"port": 8083, "protocol": "TCP"}]}],
        },
        {"kind": "Endpoints", "metadata": {"name": "empty", "creationTimestamp": ago(hours=2)}},
        {
            "kind": "Endpoints",
            "metadata": {"name": "notready", "creationTimestamp": ago(hours=2)},
            "subsets": [{"notReadyAddresses": ips[:1], "ports": [{"port": 80}]}],
        },
    ]
    assert print_table("Endpoints", objs, now=NOW) == (
        "NAME       ENDPOINTS                                                     AGE\n"
        "geo        10.244.1.5:8083,10.244.1.6:8083,10.244.1.7:8083 + 2 more...   120m\n"
        "empty      <none>                                                        120m\n"
        "notready                                                                 120m\n"
    )


def test_node_table_states_and_roles() -> None:
    def node(name: str, ready: str, **spec: Any) -> dict:
        labels = {"node-role.kubernetes.io/control-plane": ""} if name.endswith("plane") else {}
        return {
            "kind": "Node",
            "metadata": {"name": name, "labels": labels, "creationTimestamp": ago(days=12)},
            "spec": spec,
            "status": {
                "conditions": [{"type": "Ready", "status": ready}],
                "nodeInfo": {"kubeletVersion": "v1.32.0"},
            },
        }

    objs = [
        node("kind-control-plane", "True"),
        node("kind-worker", "True", unschedulable=True),
        node("kind-worker2", "Unknown"),
    ]
    assert print_table("Node", objs, now=NOW) == (
        "NAME                 STATUS                     ROLES           AGE   VERSION\n"
        "kind-control-plane   Ready                      control-plane   12d   v1.32.0\n"
        "kind-worker          Ready,SchedulingDisabled   <none>          12d   v1.32.0\n"
        "kind-worker2         NotReady                   <none>          12d   v1.32.0\n"
    )


def test_job_table_status_completions_duration() -> None:
    def job(name: str, conditions: list[str], succeeded: int, **status: Any) -> dict:
        return {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": name, "creationTimestamp": ago(minutes=40)},
            "spec": {"completions": 1, "parallelism": 1},
            "status": {
                "succeeded": succeeded,
                "startTime": ago(minutes=40),
                "conditions": [{"type": c, "status": "True"} for c in conditions],
                **status,
            },
        }

    objs = [
        job("wrk2-job", ["SuccessCriteriaMet", "Complete"], 1, completionTime=ago(minutes=38)),
        job("broken", ["FailureTarget", "Failed"], 0),
        job("busy", [], 0),
    ]
    assert print_table("Job", objs, now=NOW) == (
        "NAME       STATUS     COMPLETIONS   DURATION   AGE\n"
        "wrk2-job   Complete   1/1           2m         40m\n"
        "broken     Failed     0/1           40m        40m\n"
        "busy       Running    0/1           40m        40m\n"
    )


def test_config_secret_namespace_serviceaccount_tables() -> None:
    meta = {"creationTimestamp": ago(days=1)}
    assert (
        print_table(
            "ConfigMap",
            [{"metadata": {"name": "cfg", **meta}, "data": {"a": "1", "b": "2"}}],
            now=NOW,
        )
        == "NAME   DATA   AGE\ncfg    2      24h\n"
    )
    assert (
        print_table(
            "Secret",
            [
                {
                    "metadata": {"name": "mongodb-geo", **meta},
                    "type": "Opaque",
                    "data": {"p": "eA=="},
                }
            ],
            now=NOW,
        )
        == "NAME          TYPE     DATA   AGE\nmongodb-geo   Opaque   1      24h\n"
    )
    assert (
        print_table(
            "Namespace",
            [{"metadata": {"name": "observe", **meta}, "status": {"phase": "Active"}}],
            now=NOW,
        )
        == "NAME      STATUS   AGE\nobserve   Active   24h\n"
    )
    assert print_table("ServiceAccount", [{"metadata": {"name": "default", **meta}}], now=NOW) == (
        "NAME      SECRETS   AGE\ndefault   0         24h\n"
    )


def test_pvc_and_pv_tables() -> None:
    pvc = {
        "metadata": {"name": "geo-pvc", "creationTimestamp": ago(hours=5)},
        "spec": {"volumeName": "geo-pv", "storageClassName": "standard"},
        "status": {
            "phase": "Bound",
            "accessModes": ["ReadWriteOnce"],
            "capacity": {"storage": "1024Mi"},
        },
    }
    pending = {
        "metadata": {"name": "new", "creationTimestamp": ago(hours=5)},
        "spec": {"storageClassName": "standard"},
        "status": {"phase": "Pending"},
    }
    assert print_table("PersistentVolumeClaim", [pvc, pending], now=NOW) == (
        "NAME      STATUS    VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE\n"
        "geo-pvc   Bound     geo-pv   1Gi        RWO            standard       <unset>                 5h\n"
        "new       Pending                                      standard       <unset>                 5h\n"
    )
    pv = {
        "metadata": {"name": "geo-pv", "creationTimestamp": ago(hours=5)},
        "spec": {
            "capacity": {"storage": "1Gi"},
            "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
            "persistentVolumeReclaimPolicy": "Retain",
            "claimRef": {"namespace": "test-hotel-reservation", "name": "geo-pvc"},
            "storageClassName": "standard",
        },
        "status": {"phase": "Bound"},
    }
    assert print_table("PersistentVolume", [pv], now=NOW) == (
        "NAME     CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM                            "
        "STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE\n"
        "geo-pv   1Gi        RWO,RWX        Retain           Bound    test-hotel-reservation/geo-pvc   "
        "standard       <unset>                          5h\n"
    )


def test_events_table() -> None:
    event = {
        "kind": "Event",
        "metadata": {"name": "geo.1", "namespace": "test-hotel-reservation"},
        "involvedObject": {"kind": "Pod", "name": "geo-6b8c9d7f5-x2k4j"},
        "type": "Warning",
        "reason": "BackOff",
        "message": "Back-off restarting failed container\nsecond line",
        "firstTimestamp": ago(minutes=5),
        "lastTimestamp": ago(seconds=30),
        "count": 3,
    }
    assert print_table("Event", [event], now=NOW, all_namespaces=True) == (
        "NAMESPACE                LAST SEEN   TYPE      REASON    OBJECT                    MESSAGE\n"
        "test-hotel-reservation   30s         Warning   BackOff   pod/geo-6b8c9d7f5-x2k4j   "
        "Back-off restarting failed container...\n"
    )


def test_with_kind_prefixes_names_as_get_all_does() -> None:
    obj = deployment("geo", 1, 1)
    assert (
        print_table("Deployment", [obj], now=NOW, with_kind=True)
        .splitlines()[1]
        .startswith("deployment.apps/geo   1/1")
    )


def test_empty_list_prints_nothing_and_message_names_namespace() -> None:
    assert print_table("Pod", [], now=NOW) == ""
    assert empty_message("Pod", "test-hotel-reservation") == (
        "No resources found in test-hotel-reservation namespace."
    )
    assert empty_message("Pod", "default", all_namespaces=True) == "No resources found"
    assert empty_message("Node", None) == "No resources found"


def test_print_names() -> None:
    objs = [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "geo"}},
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "geo-1"}},
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "wrk2"}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "geo"}},
    ]
    assert print_names(objs) == (
        "pod/a\ndeployment.apps/geo\nreplicaset.apps/geo-1\njob.batch/wrk2\nservice/geo\n"
    )


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("100m", "100m"),
        ("1000m", "1"),
        ("0.5", "500m"),
        ("2048Mi", "2Gi"),
        ("1.5Gi", "1536Mi"),
        ("16331484Ki", "16331484Ki"),
        ("512", "512"),
        ("1e3", "1e3"),
        ("0", "0"),
        ("2000", "2k"),
    ],
)
def test_quantities_print_in_canonical_form(text: str, canonical: str) -> None:
    assert quantity(text) == canonical
