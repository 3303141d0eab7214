"""The printers oracle: real kubectl against a served twin prints what the in-process kubectl prints.

For every kind the twin's printers know and every output kubectl offers (tables, -o wide,
-o name, yaml, json, jsonpath, custom-columns, --show-labels, --no-headers, describe and the
NotFound errors), both sides must agree byte for byte on one still twin. Only two things are
allowed to differ, both computed by kubectl itself on the client: ages in describe's Events and
node pod tables (kubectl measures them from the machine's clock, the twin from its simulated
one), and the order of a ConfigMap's or a Secret's keys in describe (kubectl walks a Go map, whose
order is random).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from aoi.apiserver.clients import Kubectl, kubectl_path
from aoi.apiserver.serve import serving
from aoi.twin.core import Twin
from aoi.twin.surface.kubectl.cli import run_kubectl

pytestmark = pytest.mark.skipif(kubectl_path() is None, reason="the kubectl binary is not on PATH")

# resource name -> kind, for every kind the twin prints a table for
RESOURCES = {
    "pods": "Pod",
    "deployments": "Deployment",
    "replicasets": "ReplicaSet",
    "statefulsets": "StatefulSet",
    "daemonsets": "DaemonSet",
    "jobs": "Job",
    "services": "Service",
    "endpoints": "Endpoints",
    "endpointslices": "EndpointSlice",
    "configmaps": "ConfigMap",
    "secrets": "Secret",
    "serviceaccounts": "ServiceAccount",
    "namespaces": "Namespace",
    "nodes": "Node",
    "pv": "PersistentVolume",
    "pvc": "PersistentVolumeClaim",
    "events": "Event",
    "storageclasses": "StorageClass",
    "leases": "Lease",
    "podchaos": "PodChaos",
    "networkchaos": "NetworkChaos",
}
LIST_FORMATS = [
    "",
    "-o wide",
    "-o name",
    "-o yaml",
    "-o json",
    "-o jsonpath={.items[*].metadata.name}",
    "-o custom-columns=NAME:.metadata.name,NS:.metadata.namespace,KIND:.kind",
    "--no-headers",
    "--show-labels",
]
ONE_FORMATS = ["", "-o yaml", "-o json", "-o jsonpath={.metadata.labels}", "-o wide"]
_AGE = re.compile(r"\b(\d+[smhdy])+\b")


@pytest.fixture(scope="module", params=["hotel-reservation", "social-network", "astronomy-shop"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Twin, Kubectl]]:
    if kubectl_path() is None:
        pytest.skip("the kubectl binary is not on PATH")
    twin = Twin.fresh(request.param, 0)
    with serving(twin, clock="still") as server:
        yield twin, Kubectl(server, tmp_path_factory.mktemp("oracle"))


def _lines(twin: Twin, full: bool) -> list[list[str]]:
    """The commands to compare: every kind x format on the first app, a sample on the others."""
    out: list[list[str]] = []
    for resource, kind in RESOURCES.items():
        first = run_kubectl(twin, ["get", resource, "-A", "-o", "name"]).stdout.split("\n")[0]
        name = first.rpartition("/")[2] or "nosuch"
        listed = run_kubectl(
            twin, ["get", resource, "-A", "-o", "jsonpath={.items[0].metadata.namespace}"]
        )
        ns = ["-n", listed.stdout] if listed.stdout else []
        formats = LIST_FORMATS if full else ["", "-o yaml"]
        out += [["get", resource, "-A", *shlex.split(f)] for f in formats]
        if full:
            out += [["get", resource, name, *ns, *shlex.split(f)] for f in ONE_FORMATS]
            out += [["get", resource, "nosuch", *ns], ["describe", resource, "nosuch", *ns]]
        if kind != "Event":
            out.append(["describe", resource, "-A"])
    return out


def _client_side(argv: list[str], text: str) -> str:
    """Text with what kubectl computes on the client normalised (see the module's docstring)."""
    if argv[0] != "describe":
        return text
    blocks: list[str] = []
    for obj in text.split("\n\n\nName:"):
        head, sep, rest = obj.partition("\nData\n====\n")
        if sep:
            data, binary, tail = rest.partition("\nBinaryData\n")
            if "\n----\n" in data:  # a ConfigMap: "key:\n----\nvalue" blocks
                keys = sorted(k.strip("\n") for k in re.split(r"\n(?=\S[^\n]*:\n----\n)", data))
                obj = head + sep + "\n<key>\n".join(keys) + binary + tail
            else:  # a Secret: one "key:  N bytes" line per key, also walked in Go map order
                listed, blank, after = data.partition("\n\n")
                obj = head + sep + "\n".join(sorted(listed.split("\n"))) + blank + after
                obj += ("\nBinaryData\n" if binary else "") + tail
        lines, client = [], False
        for line in obj.split("\n"):
            if line.startswith(("Events:", "Non-terminated Pods:")):
                client = True
            elif line and not line.startswith(" "):
                client = False
            lines.append(" ".join(_AGE.sub("AGE", line).split()) if client else line)
        blocks.append("\n".join(lines))
    return "\n\n\nName:".join(blocks)


def test_real_kubectl_prints_what_the_twin_prints(served: tuple[Twin, Kubectl]) -> None:
    twin, kubectl = served
    full = twin.apps.get("test-hotel-reservation") is not None
    differences = []
    lines = _lines(twin, full)
    for argv in lines:
        real = kubectl(*argv)
        mine = run_kubectl(twin, argv)
        got = (_client_side(argv, real.stdout), real.stderr, real.exit_code)
        want = (_client_side(argv, mine.stdout), mine.stderr, mine.exit_code)
        if got != want:
            differences.append(shlex.join(argv))
    assert differences == [], f"{len(differences)} of {len(lines)} commands differ: {differences}"
    assert len(lines) >= (300 if full else 50)


def test_the_normalisation_keeps_what_the_server_decides() -> None:
    """Only client-side ages and ConfigMap key order are normalised; anything else still differs."""
    a = "Name: x\nData\n====\nb:\n----\n2\n\na:\n----\n1\n\n\nBinaryData\n====\n\nEvents:  <none>\n"
    b = "Name: x\nData\n====\na:\n----\n1\n\nb:\n----\n2\n\n\nBinaryData\n====\n\nEvents:  <none>\n"
    assert _client_side(["describe"], a) == _client_side(["describe"], b)
    events = "Events:\n  Normal  Pulled  7d19h  kubelet  pulled\n"
    assert _client_side(["describe"], events) == _client_side(
        ["describe"], events.replace("7d19h", "9m   ")
    )
    assert _client_side(["describe"], events) != _client_side(
        ["describe"], events.replace("pulled", "created")
    )
    assert _client_side(["describe"], "Endpoints: 10.0.0.1:80\n") != _client_side(
        ["describe"], "Endpoints: <none>\n"
    )
    assert _client_side(["get"], "AGE 9m") != _client_side(["get"], "AGE 7d")


def test_describe_service_reads_endpoint_slices_as_kubectl_does(tmp_path: Path) -> None:
    """kubectl 1.32 reads EndpointSlices: a not-ready address is left out, an unnamed port works."""
    twin = Twin.fresh("hotel-reservation", 0)
    ep = twin.store.get("Endpoints", "test-hotel-reservation", "search")
    assert ep is not None
    ep["subsets"][0]["notReadyAddresses"] = ep["subsets"][0].pop("addresses")
    with serving(twin, clock="still") as server:
        kubectl = Kubectl(server, tmp_path)
        for argv in (
            ["describe", "svc", "search", "-n", "test-hotel-reservation"],
            ["describe", "svc", "jaeger-out", "-n", "test-hotel-reservation"],
            ["describe", "endpointslices", "-n", "test-hotel-reservation"],
        ):
            real, mine = kubectl(*argv), run_kubectl(twin, argv)
            assert (real.stdout, real.stderr, real.exit_code) == (
                mine.stdout,
                mine.stderr,
                mine.exit_code,
            )
    search = run_kubectl(twin, ["describe", "svc", "search", "-n", "test-hotel-reservation"])
    assert "Endpoints:                \n" in search.stdout
