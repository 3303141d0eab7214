"""`kubectl apply|create|replace` on the twin, and claims binding to volumes after writes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from aoi.twin.core import Twin

HOTEL = "test-hotel-reservation"

GEO = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    kompose.cmd: kompose convert
    kompose.version: 1.22.0 (955b78124)
  labels:
    io.kompose.service: geo
  name: geo
  namespace: test-hotel-reservation
spec:
  replicas: 1
  selector:
    matchLabels:
      io.kompose.service: geo
  template:
    metadata:
      annotations:
        kompose.cmd: kompose convert
        kompose.version: 1.22.0 (955b78124)
        sidecar.istio.io/statsInclusionPrefixes: cluster.outbound,cluster_manager,listener_manager,http_mixer_filter,tcp_mixer_filter,server,cluster.xds-grp,listener,connection_manager
        sidecar.istio.io/statsInclusionRegexps: http.*
      labels:
        io.kompose.service: geo
    spec:
      containers:
        - command:
            - geo
          env:
            - name: JAEGER_SAMPLE_RATIO
              value: "1"
          image: yinfangchen/hotelreservation:latest
          imagePullPolicy: IfNotPresent
          name: hotel-reserv-geo
          ports:
            - containerPort: 8083
          resources:
            limits:
              cpu: 1000m
            requests:
              cpu: 100m
"""

CLAIM = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: geo-pvc
  namespace: test-hotel-reservation
spec:
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 1Gi
  storageClassName: geo-storage
"""


@pytest.fixture(name="hotel")
def hotel_fixture() -> Twin:
    return Twin("hotel-reservation", seed=1)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_apply_unchanged_configured_created(hotel: Twin, tmp_path: Path) -> None:
    same = write(tmp_path, "geo.yaml", GEO)
    assert hotel.run(f"kubectl apply -f {same}").stdout == "deployment.apps/geo unchanged\n"
    changed = write(tmp_path, "geo2.yaml", GEO.replace("replicas: 1", "replicas: 2"))
    assert hotel.run(f"kubectl apply -f {changed}").stdout == "deployment.apps/geo configured\n"
    pods = hotel.run(f"kubectl get pods -n {HOTEL} -l io.kompose.service=geo -o name").stdout
    assert len(pods.split()) == 2
    last = json.loads(
        json.loads(hotel.run(f"kubectl get deploy geo -n {HOTEL} -o json").stdout)["metadata"][
            "annotations"
        ]["kubectl.kubernetes.io/last-applied-configuration"]
    )
    assert last["spec"]["replicas"] == 2
    assert hotel.run(f"kubectl delete deploy geo -n {HOTEL}").exit_code == 0
    assert hotel.run(f"kubectl apply -f {same}").stdout == "deployment.apps/geo created\n"
    assert (
        len(
            hotel.run(
                f"kubectl get pods -n {HOTEL} -l io.kompose.service=geo -o name"
            ).stdout.split()
        )
        == 1
    )


def test_apply_from_stdin_multi_document_and_list(hotel: Twin, tmp_path: Path) -> None:
    docs = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n---\n"
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: b\n"
    )
    path = write(tmp_path, "cms.yaml", docs)
    result = hotel.run(f"kubectl apply -f {path}")
    assert result.stdout == "configmap/a created\nconfigmap/b created\n"
    stdin = hotel.run("kubectl get cm a -o yaml | kubectl apply -f -")
    assert stdin.stdout == "configmap/a unchanged\n"


def test_apply_removes_fields_dropped_from_the_manifest(hotel: Twin, tmp_path: Path) -> None:
    selector = GEO.replace(
        "    spec:\n      containers:",
        "    spec:\n      nodeSelector:\n        disk: ssd\n      containers:",
    )
    assert hotel.run(f"kubectl apply -f {write(tmp_path, 'a.yaml', selector)}").exit_code == 0
    assert "Pending" in hotel.run(f"kubectl get pods -n {HOTEL} -l io.kompose.service=geo").stdout
    assert (
        hotel.run(f"kubectl apply -f {write(tmp_path, 'b.yaml', GEO)}").stdout
        == "deployment.apps/geo configured\n"
    )
    spec = json.loads(hotel.run(f"kubectl get deploy geo -n {HOTEL} -o json").stdout)["spec"]
    assert "nodeSelector" not in spec["template"]["spec"]
    pods = hotel.run(f"kubectl get pods -n {HOTEL} -l io.kompose.service=geo --no-headers").stdout
    assert len(pods.splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n",
            'error: resource mapping not found for name: "x" namespace: "" from "FILE": no matches for kind "Foo" in version "v1"\nensure CRDs are installed first\n',
        ),
        (
            "kind: ConfigMap\nmetadata:\n  name: x\n",
            'error: error validating "FILE": error validating data: apiVersion not set; if you choose to ignore these errors, turn validation off with --validate=false\n',
        ),
        ("", "error: no objects passed to apply\n"),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: nope\n",
            'Error from server (NotFound): error when creating "FILE": namespaces "nope" not found\n',
        ),
        ("a: [b\n", "error: error parsing FILE: error converting YAML to JSON: yaml: line "),
    ],
)
def test_apply_errors(hotel: Twin, tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "f.yaml", text)
    result = hotel.run(f"kubectl apply -f {path}")
    assert result.exit_code == 1
    assert result.stderr.startswith(message.replace("FILE", path))


def test_apply_needs_a_file(hotel: Twin) -> None:
    assert hotel.run("kubectl apply").stderr == "error: must specify one of -f and -k\n"
    assert (
        hotel.run("kubectl apply -f /no/such.yaml").stderr
        == 'error: the path "/no/such.yaml" does not exist\n'
    )


def test_create_from_file_and_already_exists(hotel: Twin, tmp_path: Path) -> None:
    path = write(tmp_path, "geo.yaml", GEO)
    exists = hotel.run(f"kubectl create -f {path}")
    assert exists.stderr == (
        f'Error from server (AlreadyExists): error when creating "{path}": deployments.apps "geo" already exists\n'
    )
    assert hotel.run(f"kubectl delete -f {path}").stdout == 'deployment.apps "geo" deleted\n'
    assert hotel.run(f"kubectl create -f {path}").stdout == "deployment.apps/geo created\n"


def test_create_generators(hotel: Twin) -> None:
    assert hotel.run(
        "kubectl create deployment web --image=nginx:1.25 --replicas=2 --port=80"
    ).stdout == ("deployment.apps/web created\n")
    assert len(hotel.run("kubectl get pods -l app=web -o name").stdout.split()) == 2
    again = hotel.run("kubectl create deployment web --image=nginx")
    assert (
        again.stderr
        == 'error: failed to create deployment: deployments.apps "web" already exists\n'
    )
    assert (
        hotel.run("kubectl create deployment x").stderr
        == 'error: required flag(s) "image" not set\n'
    )
    assert hotel.run("kubectl create namespace tools").stdout == "namespace/tools created\n"
    assert hotel.run("kubectl create namespace tools").stderr == (
        'Error from server (AlreadyExists): namespaces "tools" already exists\n'
    )
    assert hotel.run("kubectl get sa default -n tools -o name").stdout == "serviceaccount/default\n"
    assert (
        hotel.run("kubectl create configmap c -n tools --from-literal=a=b").stdout
        == "configmap/c created\n"
    )
    assert (
        hotel.run("kubectl create secret generic s -n tools --from-literal=a=b").stdout
        == "secret/s created\n"
    )
    assert hotel.run("kubectl get secret s -n tools -o jsonpath='{.data.a}'").stdout == "Yg=="
    assert (
        hotel.run("kubectl create service clusterip web --tcp=80:80").stdout
        == "service/web created\n"
    )
    assert "10.244." in hotel.run("kubectl get ep web").stdout
    job = hotel.run("kubectl create job --from=cronjob/nightly j")
    assert job.stderr == 'Error from server (NotFound): cronjobs.batch "nightly" not found\n'


@pytest.mark.parametrize(
    "args",
    [
        "deployment geo --image=nginx --replicas=2 --port=80",
        "service clusterip geo --tcp=80:8080",
        "configmap c --from-literal=a=b --from-literal=x=y",
        "secret generic s --from-literal=a=b",
        "namespace foo",
    ],
)
def test_create_dry_run_client_matches_real_kubectl(hotel: Twin, args: str) -> None:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not installed")
    real = subprocess.run(
        ["kubectl", "create", *args.split(), "--dry-run=client", "-o", "yaml"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    ours = hotel.run(f"kubectl create {args} --dry-run=client -o yaml")
    assert yaml.safe_load(ours.stdout) == yaml.safe_load(real.stdout)
    assert hotel.run(f"kubectl create {args} --dry-run=client").stdout.endswith(
        " created (dry run)\n"
    )


def test_replace(hotel: Twin, tmp_path: Path) -> None:
    path = write(tmp_path, "geo.yaml", GEO.replace("replicas: 1", "replicas: 3"))
    assert hotel.run(f"kubectl replace -f {path}").stdout == "deployment.apps/geo replaced\n"
    assert (
        hotel.run(f"kubectl get deploy geo -n {HOTEL} -o jsonpath='{{.spec.replicas}}'").stdout
        == "3"
    )


# --- claims and volumes -----------------------------------------------------------------------
def test_namespace_deletion_leaves_released_volumes_until_claim_ref_is_removed(
    hotel: Twin, tmp_path: Path
) -> None:
    assert hotel.run(f"kubectl delete namespace {HOTEL}").stdout == f'namespace "{HOTEL}" deleted\n'
    assert (
        hotel.run(f"kubectl get pods -n {HOTEL}").stderr
        == f"No resources found in {HOTEL} namespace.\n"
    )
    pv = json.loads(hotel.run("kubectl get pv geo-pv -o json").stdout)
    assert pv["status"]["phase"] == "Released"
    assert pv["spec"]["claimRef"]["name"] == "geo-pvc"
    assert hotel.run(f"kubectl create namespace {HOTEL}").exit_code == 0
    assert hotel.run(f"kubectl apply -f {write(tmp_path, 'pvc.yaml', CLAIM)}").stdout == (
        "persistentvolumeclaim/geo-pvc created\n"
    )
    assert "Pending" in hotel.run(f"kubectl get pvc geo-pvc -n {HOTEL}").stdout
    hotel.run("""kubectl patch pv geo-pv -p '{"spec":{"claimRef":null}}'""")
    claim = hotel.run(f"kubectl get pvc geo-pvc -n {HOTEL} --no-headers").stdout.split()
    assert claim[1:3] == ["Bound", "geo-pv"]
    assert "Bound" in hotel.run("kubectl get pv geo-pv").stdout
    assert "Released" in hotel.run("kubectl get pv user-pv").stdout


def test_claim_in_use_stays_terminating(hotel: Twin) -> None:
    result = hotel.run(f"kubectl delete pvc geo-pvc -n {HOTEL}")
    assert result.stdout == 'persistentvolumeclaim "geo-pvc" deleted\n'
    claim = json.loads(hotel.run(f"kubectl get pvc geo-pvc -n {HOTEL} -o json").stdout)
    assert claim["metadata"]["deletionTimestamp"]
    hotel.run(f"kubectl scale deploy mongodb-geo -n {HOTEL} --replicas=0")
    assert hotel.run(f"kubectl get pvc geo-pvc -n {HOTEL}").exit_code == 1
    assert "Released" in hotel.run("kubectl get pv geo-pv").stdout
