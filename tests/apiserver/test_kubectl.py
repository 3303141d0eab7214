"""The real kubectl binary against a served twin gives what the twin's in-process kubectl gives.

Reads run on one still twin (no simulated time passes) so both sides print the same data;
writes run the same commands on two twins built alike, one through the server and one
in-process, and compare the output of each command and the state they leave.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from aoi.apiserver.clients import Kubectl, kubectl_path
from aoi.twin.core import Twin
from aoi.twin.surface.kubectl.cli import run_kubectl

pytestmark = pytest.mark.skipif(kubectl_path() is None, reason="the kubectl binary is not on PATH")
NS = "test-hotel-reservation"


def _geo_pod() -> str:
    """The geo pod of hotel-reservation, seed 0 (its name follows the seed's random draws)."""
    pods = Twin.fresh("hotel-reservation", 0).store.list("Pod", NS, {"io.kompose.service": "geo"})
    return str(pods[0]["metadata"]["name"])


POD = _geo_pod()

READS = [
    "get pods -n NS",
    "get pods -n NS -o wide",
    "get pods -A",
    "get pods -n NS --show-labels",
    "get pods -n NS -L io.kompose.service",
    "get pod POD -n NS -o yaml",
    "get pod POD -n NS -o json",
    "get pods -n NS -o jsonpath={.items[*].metadata.name}",
    "get pods -n NS -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName",
    "get pods -n NS -o name",
    "get pods -n NS --no-headers",
    "get pods -n NS -l io.kompose.service=geo",
    "get pods -n NS --field-selector status.phase=Running",
    "get pods -n NS --field-selector spec.foo=bar",
    "get pods -n NS --sort-by=.metadata.name",
    "get deploy -n NS -o wide",
    "get deploy geo -n NS -o yaml",
    "get rs -n NS -o wide",
    "get svc -n NS -o wide",
    "get ep -n NS",
    "get cm -n NS",
    "get secrets -n NS",
    "get sa -n NS",
    "get pvc -n NS",
    "get pv",
    "get nodes -o wide",
    "get ns",
    "get sc",
    "get ds -A",
    "get sts -A",
    "get jobs -A",
    "get all -n NS",
    "get pods,svc -n NS",
    "get pod nope -n NS",
    "get deploy nope -n NS",
    "get pods -n nope",
    "get nosuch",
    "describe pod nope -n NS",
    "describe ns NS",
    "logs POD -n NS --tail 5",
    "logs deploy/geo -n NS --tail 3",
    "exec POD -n NS -- ls /",
    "exec POD -n NS -- cat /nope",
    "exec nope -n NS -- ls",
]


def _argv(line: str) -> list[str]:
    return shlex.split(line.replace("POD", POD).replace("NS", NS))


@pytest.mark.parametrize("line", READS)
def test_reads_print_what_the_twin_prints(line: str, kubectl: Kubectl) -> None:
    twin = kubectl.served.api.twin
    argv = _argv(line)
    real = kubectl(*argv)
    mine = run_kubectl(twin, argv)
    assert (real.stdout, real.stderr, real.exit_code) == (mine.stdout, mine.stderr, mine.exit_code)


_AGE = re.compile(r"\b(\d+[smhdy])+\b")


def _events_masked(text: str) -> str:
    """describe's Events table with ages masked: kubectl computes them with the client's clock."""
    head, sep, events = text.partition("\nEvents:")
    return head + sep + "\n".join(_AGE.sub("AGE", line) for line in events.split("\n"))


@pytest.mark.parametrize("line", ["describe pod POD -n NS", "describe deploy geo -n NS"])
def test_describe_matches_but_for_client_side_ages(line: str, kubectl: Kubectl) -> None:
    twin = kubectl.served.api.twin
    argv = _argv(line)
    real = kubectl(*argv)
    mine = run_kubectl(twin, argv)
    assert real.exit_code == mine.exit_code == 0
    assert _events_masked(real.stdout).split("\nEvents:")[0] == mine.stdout.split("\nEvents:")[0]
    real_rows = [r.split()[:3] for r in real.stdout.split("\nEvents:")[1].splitlines()[3:]]
    mine_rows = [r.split()[:3] for r in mine.stdout.split("\nEvents:")[1].splitlines()[3:]]
    assert [r[:2] for r in real_rows] == [r[:2] for r in mine_rows]


DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: test-hotel-reservation
spec:
  replicas: REPLICAS
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
"""

WRITES = [
    "apply -f FILE2",
    "apply -f FILE3",
    "apply -f FILE3",
    "create -f FILE2",
    "scale deploy web -n NS --replicas=1",
    'patch deploy web -n NS -p \'{"spec":{"replicas":2}}\'',
    'patch deploy web -n NS --type merge -p \'{"metadata":{"labels":{"a":"b"}}}\'',
    'patch deploy web -n NS --type json -p \'[{"op":"replace","path":"/spec/replicas","value":3}]\'',
    'patch deploy web -n NS --type json -p \'[{"op":"replace","path":"/spec/nope/x","value":1}]\'',
    'patch deploy geo -n NS -p \'{"spec":{"replicas":-1}}\'',
    "set image deploy/web web=nginx:1.26 -n NS",
    "rollout restart deploy/web -n NS",
    "rollout undo deploy/web -n NS",
    "label deploy web -n NS tier=x",
    "annotate deploy web -n NS note=y",
    "delete pod POD -n NS",
    "delete deploy web -n NS",
    "delete deploy web -n NS",
    "delete svc nope -n NS",
    "scale deploy geo -n NS --replicas=0",
]


def test_writes_act_as_the_in_process_writes(
    fresh_server: Callable[..., tuple[Twin, Kubectl]], tmp_path: Path
) -> None:
    served_twin, kubectl = fresh_server()
    local = Twin.fresh("hotel-reservation", 0)
    for replicas in (2, 3):
        (tmp_path / f"dep{replicas}.yaml").write_text(
            DEPLOYMENT.replace("REPLICAS", str(replicas)), encoding="utf-8"
        )
    for line in WRITES:
        text = line.replace("FILE2", str(tmp_path / "dep2.yaml"))
        text = text.replace("FILE3", str(tmp_path / "dep3.yaml"))
        argv = _argv(text)
        real = kubectl(*argv)
        mine = run_kubectl(local, argv)
        assert (real.stdout, real.stderr, real.exit_code) == (
            mine.stdout,
            mine.stderr,
            mine.exit_code,
        ), line
    for kind in ("Deployment", "ReplicaSet", "Pod"):
        served = [_stable(o) for o in served_twin.store.list(kind, NS)]
        assert served == [_stable(o) for o in local.store.list(kind, NS)], kind


def _stable(obj: dict) -> dict:
    """An object without the fields that differ only by the order writes drew random numbers."""
    meta = obj["metadata"]
    return {
        "name": meta["name"],
        "labels": meta.get("labels"),
        "spec": obj.get("spec"),
        "generation": meta.get("generation"),
    }
