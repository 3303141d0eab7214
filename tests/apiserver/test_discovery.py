"""Discovery and errors over plain HTTP, as any client sees them."""

from __future__ import annotations

import httpx

from aoi.apiserver.discovery import AGGREGATED
from aoi.apiserver.serve import Served


def test_core_and_group_discovery(hotel: Served) -> None:
    with httpx.Client(base_url=hotel.url, timeout=10) as http:
        assert http.get("/api").json()["versions"] == ["v1"]
        groups = {g["name"] for g in http.get("/apis").json()["groups"]}
        assert {"apps", "batch", "metrics.k8s.io", "chaos-mesh.org"} <= groups
        core = http.get("/api/v1").json()
        pods = next(r for r in core["resources"] if r["name"] == "pods")
        assert pods["shortNames"] == ["po"] and pods["categories"] == ["all"]
        assert any(r["name"] == "pods/log" for r in core["resources"])
        scale = next(
            r
            for r in http.get("/apis/apps/v1").json()["resources"]
            if r["name"] == "deployments/scale"
        )
        assert (scale["group"], scale["kind"]) == ("autoscaling", "Scale")
        assert http.get("/version").json()["gitVersion"].startswith("v1.")


def test_aggregated_discovery_when_asked() -> None:
    from aoi.apiserver.discovery import wants_aggregated

    kubectl_accept = (
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
        "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
    )
    assert wants_aggregated(kubectl_accept)
    assert not wants_aggregated("application/json, */*")


def test_aggregated_document(hotel: Served) -> None:
    accept = f"{AGGREGATED},application/json"
    with httpx.Client(base_url=hotel.url, timeout=10) as http:
        reply = http.get("/apis", headers={"Accept": accept})
    assert reply.headers["content-type"].startswith("application/json;g=apidiscovery.k8s.io")
    apps = next(i for i in reply.json()["items"] if i["metadata"].get("name") == "apps")
    deployments = next(
        r for r in apps["versions"][0]["resources"] if r["resource"] == "deployments"
    )
    assert deployments["scope"] == "Namespaced"
    assert {s["subresource"] for s in deployments["subresources"]} == {"scale", "status"}


def test_errors_are_status_objects(hotel: Served) -> None:
    with httpx.Client(base_url=hotel.url, timeout=10) as http:
        missing = http.get("/api/v1/namespaces/test-hotel-reservation/pods/nope")
        assert missing.status_code == 404
        body = missing.json()
        assert (body["kind"], body["reason"], body["message"]) == (
            "Status",
            "NotFound",
            'pods "nope" not found',
        )
        assert body["details"] == {"name": "nope", "kind": "pods"}
        deploy = http.get("/apis/apps/v1/namespaces/test-hotel-reservation/deployments/nope")
        assert deploy.json()["message"] == 'deployments.apps "nope" not found'
        assert http.get("/api/v1/nosuchthings").status_code == 404
        bad = http.get(
            "/api/v1/namespaces/test-hotel-reservation/pods", params={"fieldSelector": "spec.foo=1"}
        )
        assert bad.status_code == 400
        assert bad.json()["message"] == "field label not supported: spec.foo"


def test_selectors_filter_lists(hotel: Served) -> None:
    base = "/api/v1/namespaces/test-hotel-reservation/pods"
    with httpx.Client(base_url=hotel.url, timeout=10) as http:
        everything = http.get(base).json()["items"]
        geo = http.get(base, params={"labelSelector": "io.kompose.service=geo"}).json()["items"]
        not_geo = http.get(base, params={"labelSelector": "io.kompose.service!=geo"}).json()[
            "items"
        ]
        running = http.get(base, params={"fieldSelector": "status.phase=Running"}).json()["items"]
        one = http.get(
            base, params={"fieldSelector": f"metadata.name={everything[0]['metadata']['name']}"}
        ).json()["items"]
    assert len(geo) == 1 and geo[0]["metadata"]["labels"]["io.kompose.service"] == "geo"
    assert len(not_geo) == len(everything) - 1
    assert len(running) == len(everything)
    assert [p["metadata"]["name"] for p in one] == [everything[0]["metadata"]["name"]]


def test_table_rows_come_from_the_printers(hotel: Served) -> None:
    accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
    with httpx.Client(base_url=hotel.url, timeout=10) as http:
        table = http.get(
            "/api/v1/namespaces/test-hotel-reservation/pods", headers={"Accept": accept}
        ).json()
    assert table["kind"] == "Table"
    names = [c["name"] for c in table["columnDefinitions"]]
    assert names[:5] == ["Name", "Ready", "Status", "Restarts", "Age"]
    assert [c["priority"] for c in table["columnDefinitions"]][4:6] == [0, 1]
    first = table["rows"][0]
    assert first["object"]["kind"] == "PartialObjectMetadata"
    assert first["cells"][2] == "Running"
