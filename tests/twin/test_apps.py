"""The application and cluster data files against the facts of reference/apps.md."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from aoi.twin.apps import APP_KEYS, app_key, load_app, load_cluster
from aoi.twin.apps.spec import App, Component, EnvVar

HOTEL_GO = {
    "frontend": 5000,
    "search": 8082,
    "geo": 8083,
    "profile": 8081,
    "rate": 8084,
    "recommendation": 8085,
    "user": 8086,
    "reservation": 8087,
}
HOTEL_MONGO = ["geo", "profile", "rate", "recommendation", "reservation", "user"]
SOCIAL_THRIFT = {
    "compose-post-service": "ComposePostService",
    "home-timeline-service": "HomeTimelineService",
    "user-timeline-service": "UserTimelineService",
    "post-storage-service": "PostStorageService",
    "social-graph-service": "SocialGraphService",
    "user-service": "UserService",
    "user-mention-service": "UserMentionService",
    "text-service": "TextService",
    "url-shorten-service": "UrlShortenService",
    "unique-id-service": "UniqueIdService",
    "media-service": "MediaService",
}
OTEL_PORTS = {
    "frontend-proxy": 8080,
    "frontend": 8080,
    "ad": 8080,
    "cart": 8080,
    "checkout": 8080,
    "currency": 8080,
    "email": 8080,
    "payment": 8080,
    "product-catalog": 8080,
    "quote": 8080,
    "recommendation": 8080,
    "shipping": 8080,
    "image-provider": 8081,
    "flagd": 8013,
    "kafka": 9092,
    "valkey-cart": 6379,
    "jaeger-query": 16686,
    "otel-collector": 4317,
    "prometheus": 9090,
    "grafana": 80,
    "opensearch": 9200,
    "load-generator": 8089,
}
INFRA_CALLS = {"consul", "jaeger", "flagd", "otel-collector"}


def service_ports(app: App, service: str) -> set[int]:
    comp = app.components_by_service()[service]
    svc = next(s for s in comp.services() if (s.name or comp.name) == service)
    return {p.port for p in svc.ports}


def call_graph(app: App, skip: set[str] = INFRA_CALLS) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for comp in app.components:
        peers = {c.service for c in comp.calls if c.service not in skip}
        if peers:
            graph[comp.name] = peers
    return graph


@pytest.mark.parametrize("key", APP_KEYS)
def test_every_app_loads_and_its_calls_resolve(key: str) -> None:
    app = load_app(key)
    assert app.key == key
    services = app.components_by_service()
    for comp in app.components:
        assert comp.selector.items() <= comp.pod_labels.items()
        for call in comp.calls:
            assert call.service in services, f"{comp.name} calls unknown {call.service}"
            target = services[call.service]
            ports = service_ports(app, call.service) | {
                p.container_port for p in target.container_ports
            }
            assert call.port in ports, f"{comp.name} -> {call.service}:{call.port}"


@pytest.mark.parametrize(
    ("alias", "key"),
    [
        ("hotel", "hotel-reservation"),
        ("social", "social-network"),
        ("astronomy", "astronomy-shop"),
        ("otel-demo", "astronomy-shop"),
        ("Hotel-Reservation", "hotel-reservation"),
    ],
)
def test_aliases(alias: str, key: str) -> None:
    assert load_app(alias) is load_app(key)
    assert app_key(alias) == key


def test_unknown_app_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="hotel-reservation"):
        load_app("trainticket")


def test_models_reject_unknown_fields_and_bad_selectors() -> None:
    with pytest.raises(ValidationError):
        Component.model_validate({"name": "x", "image": "i", "bogus": 1})
    with pytest.raises(ValidationError):
        Component.model_validate(
            {"name": "x", "image": "i", "pod_labels": {"a": "1"}, "selector": {"a": "2"}}
        )
    with pytest.raises(ValidationError):
        EnvVar(name="X", value="1", field_path="status.podIP")


# --- HotelReservation ------------------------------------------------------------------------


def test_hotel_components_ports_images_commands() -> None:
    app = load_app("hotel-reservation")
    assert app.namespace == "test-hotel-reservation"
    assert app.deploy == "kubectl" and app.helm is None
    assert app.log_label == "io.kompose.service"
    assert (app.frontend, app.frontend_port) == ("frontend", 5000)
    expected = (
        set(HOTEL_GO)
        | {f"mongodb-{d}" for d in HOTEL_MONGO}
        | {"memcached-profile", "memcached-rate", "memcached-reserve", "consul", "jaeger"}
    )
    assert {c.name for c in app.components} == expected
    for name, port in HOTEL_GO.items():
        comp = app.component(name)
        assert comp.image == "yinfangchen/hotelreservation:latest"
        assert comp.command == [name]
        assert comp.container == f"hotel-reserv-{name}"
        assert comp.pod_labels == {"io.kompose.service": name}
        assert service_ports(app, name) == {port}
        assert EnvVar(name="JAEGER_SAMPLE_RATIO", value="1") in comp.env
        assert comp.resources == {"requests": {"cpu": "100m"}, "limits": {"cpu": "1000m"}}
        assert comp.program == f"hotel/{name}" and comp.language == "go"
    for db in HOTEL_MONGO:
        comp = app.component(f"mongodb-{db}")
        assert comp.image == "mongo:4.4.6"
        assert comp.container == f"hotel-reserv-{db}-mongo"
        assert service_ports(app, f"mongodb-{db}") == {27017}
        assert any(m.source == "pvc" and m.ref == f"{db}-pvc" for m in comp.volume_mounts)
        assert comp.database is not None
        assert comp.database.auth == (db in ("geo", "rate"))
        assert (comp.args == ["--auth"]) == (db in ("geo", "rate"))
    assert app.component("memcached-reserve").container == "hotel-reserv-reservation-mmc"
    assert service_ports(app, "consul") == {8300, 8400, 8500, 8600}
    assert service_ports(app, "jaeger") == {14269, 5778, 14268, 14267, 16686, 5775, 6831, 6832}
    assert app.components_by_service()["jaeger-out"].name == "jaeger"
    assert app.component("jaeger").image == "jaegertracing/all-in-one:1.57"


def test_hotel_mongo_users_and_clients() -> None:
    app = load_app("hotel")
    geo_db = app.component("mongodb-geo").database
    assert geo_db is not None
    users = {u.user: {(r.role, r.db) for r in u.roles} for u in geo_db.users}
    assert users["admin"] == {("userAdminAnyDatabase", "admin"), ("readWrite", "geo-db")}
    assert users["root"] == users["admin"]
    client = app.component("geo").mongo_client
    assert client is not None
    assert (client.service, client.user, client.password) == ("mongodb-geo", "admin", "admin")
    assert any(
        c.service == "mongodb-geo" and c.required_at_start for c in app.component("geo").calls
    )


def test_hotel_configmaps_volumes_and_bad_image() -> None:
    app = load_app("hotel")
    maps = {cm.name: cm for cm in app.configmaps}
    assert set(maps) == {
        "mongo-rate-script",
        "mongo-geo-script",
        "failure-admin-rate",
        "failure-admin-geo",
    }
    assert "db.createUser" in maps["mongo-geo-script"].data["k8s-geo-mongo.sh"]
    assert set(maps["failure-admin-geo"].data) == {
        "revoke-admin-geo-mongo.sh",
        "revoke-mitigate-admin-geo-mongo.sh",
        "remove-admin-mongo.sh",
        "remove-mitigate-admin-geo-mongo.sh",
    }
    assert "revokeRolesFromUser" in maps["failure-admin-rate"].data["revoke-admin-rate-mongo.sh"]
    assert {(v.name, v.claim, v.host_path, v.storage_class) for v in app.volumes} == {
        (f"{d}-pv", f"{d}-pvc", f"/data/volumes/{d}-pv", f"{d}-storage") for d in HOTEL_MONGO
    }
    bad = app.bad_images["yinfangchen/geo:app3"]
    # a build of geo that dials its MongoDB at a port the Service does not serve
    assert (bad.program, bad.dials, bad.log) == ("hotel/geo", {"mongodb-geo": 27777}, [])
    built = bad.component(app)
    assert built is not None and built.name == "geo"
    assert {(d.service, d.port) for d in built.calls if d.protocol == "mongodb"} == {
        ("mongodb-geo", 27777)
    }


def test_hotel_call_graph() -> None:
    graph = call_graph(load_app("hotel"))
    assert graph == {
        "frontend": {"search", "profile", "recommendation", "user", "reservation"},
        "search": {"geo", "rate"},
        "geo": {"mongodb-geo"},
        "rate": {"mongodb-rate", "memcached-rate"},
        "profile": {"mongodb-profile", "memcached-profile"},
        "recommendation": {"mongodb-recommendation"},
        "reservation": {"mongodb-reservation", "memcached-reserve"},
        "user": {"mongodb-user"},
    }
    app = load_app("hotel")
    for name in HOTEL_GO:
        calls = {c.service: c for c in app.component(name).calls}
        assert {"consul", "jaeger"} <= set(calls)
        grpc = [c for c in calls.values() if c.protocol == "grpc"]
        assert all(c.via == "consul" for c in grpc)


def test_program_for() -> None:
    app = load_app("hotel")
    geo = app.program_for("yinfangchen/hotelreservation:latest", ["geo"], [])
    assert geo is not None and geo.name == "geo"
    # A wrong command makes the pod run another service's program; the tag does not matter.
    swapped = app.program_for("yinfangchen/hotelreservation:v2", ["rate"], [])
    assert swapped is not None and swapped.name == "rate"
    assert app.program_for("yinfangchen/hotelreservation:latest", ["nosuch"], []) is None
    assert app.program_for("yinfangchen/geo:app3", ["geo"], []) is None
    mongo = app.program_for("mongo:4.4.6", [], ["--auth"], prefer="mongodb-rate")
    assert mongo is not None and mongo.name == "mongodb-rate" and mongo.program == "mongod"
    social = load_app("social")
    user = social.program_for(
        "docker.io/deathstarbench/social-network-microservices", ["UserService"], []
    )
    assert user is not None and user.name == "user-service"
    redis = social.program_for("redis:6.2.4", [], ["/x/redis.conf"])
    assert redis is not None and redis.program == "redis-server"
    otel = load_app("astronomy")
    cart = otel.program_for("ghcr.io/open-telemetry/demo:2.0.2-cart", [], [])
    assert cart is not None and cart.name == "cart"


# --- SocialNetwork ---------------------------------------------------------------------------


def test_social_components() -> None:
    app = load_app("social-network")
    assert app.namespace == "test-social-network"
    assert app.deploy == "helm" and app.helm is not None
    assert app.helm.release == "social-network"
    assert app.helm.values["url-shorten-mongodb"]["tls"]["mode"] == "disabled"
    assert app.log_label == "app" and app.frontend == "nginx-thrift"
    redis = {"home-timeline-redis", "user-timeline-redis", "social-graph-redis"}
    memcached = {
        "post-storage-memcached",
        "url-shorten-memcached",
        "user-memcached",
        "media-memcached",
    }
    mongo = {
        "post-storage-mongodb",
        "user-timeline-mongodb",
        "social-graph-mongodb",
        "user-mongodb",
        "url-shorten-mongodb",
        "media-mongodb",
    }
    expected = (
        set(SOCIAL_THRIFT)
        | redis
        | memcached
        | mongo
        | {"nginx-thrift", "media-frontend", "jaeger"}
    )
    assert {c.name for c in app.components} == expected
    for name, binary in SOCIAL_THRIFT.items():
        comp = app.component(name)
        assert comp.command == [binary]
        assert comp.image == "docker.io/deathstarbench/social-network-microservices:latest"
        assert comp.image_pull_policy == "Always"
        assert comp.pod_labels == {"service": name, "app": name}
        assert comp.selector == {"service": name}
        assert service_ports(app, name) == {9090}
        svc = comp.service
        assert svc is not None and svc.ports[0].target == 9090
    for name in redis:
        assert app.component(name).image.endswith("redis:6.2.4")
        assert service_ports(app, name) == {6379}
    for name in memcached:
        assert app.component(name).image.endswith("memcached:1.6.7")
        assert service_ports(app, name) == {11211}
    for name in mongo:
        comp = app.component(name)
        assert comp.image.endswith("mongo:4.4.6") and "--config" in comp.args
        assert service_ports(app, name) == {27017}
    media = app.component("media-frontend").service
    assert media is not None and (media.ports[0].port, media.ports[0].target) == (8081, 8080)
    assert app.component("nginx-thrift").image.endswith("yg397/openresty-thrift:xenial")
    assert service_ports(app, "jaeger") == {5775, 6831, 6832, 5778, 16686, 14268, 9411}


def test_social_config_and_tls() -> None:
    app = load_app("social")
    maps = {cm.name: cm for cm in app.configmaps}
    config = json.loads(maps["compose-post-service"].data["service-config.json"])
    assert config["text-service"] == {
        "addr": "text-service",
        "port": 9090,
        "connections": 512,
        "timeout_ms": 10000,
        "keepalive_ms": 10000,
    }
    assert config["url-shorten-mongodb"]["port"] == 27017
    assert "param: 0.01" in maps["compose-post-service"].data["jaeger-config.yml"]
    assert "mode: disabled" in maps["url-shorten-mongodb"].data["mongod.conf"]
    secret = next(s for s in app.secrets if s.name == "mongodb-tls")
    assert set(secret.string_data) == {"tls.pem", "ca.crt"}
    assert secret.string_data["ca.crt"].startswith("-----BEGIN CERTIFICATE-----")
    mounts = app.component("url-shorten-mongodb").volume_mounts
    assert any(
        m.source == "secret" and m.ref == "mongodb-tls" and m.mount_path == "/etc/tls"
        for m in mounts
    )
    # Every configMap a component mounts exists and holds the key it mounts.
    for comp in app.components:
        for m in comp.volume_mounts:
            if m.source == "configMap":
                assert m.ref in maps
                assert m.sub_path is None or m.sub_path in maps[m.ref].data


def test_social_call_graph() -> None:
    graph = call_graph(load_app("social"))
    assert graph == {
        "nginx-thrift": {
            "compose-post-service",
            "home-timeline-service",
            "user-timeline-service",
            "user-service",
            "social-graph-service",
        },
        "media-frontend": {"media-mongodb", "media-memcached"},
        "compose-post-service": {
            "text-service",
            "media-service",
            "unique-id-service",
            "user-service",
            "post-storage-service",
            "user-timeline-service",
            "home-timeline-service",
        },
        "text-service": {"url-shorten-service", "user-mention-service"},
        "url-shorten-service": {"url-shorten-mongodb", "url-shorten-memcached"},
        "user-mention-service": {"user-mongodb", "user-memcached"},
        "user-service": {"user-mongodb", "user-memcached", "social-graph-service"},
        "social-graph-service": {"social-graph-mongodb", "social-graph-redis", "user-service"},
        "post-storage-service": {"post-storage-mongodb", "post-storage-memcached"},
        "user-timeline-service": {
            "user-timeline-mongodb",
            "user-timeline-redis",
            "post-storage-service",
        },
        "home-timeline-service": {
            "home-timeline-redis",
            "post-storage-service",
            "social-graph-service",
        },
    }


# --- AstronomyShop ---------------------------------------------------------------------------


def test_astronomy_components() -> None:
    app = load_app("astronomy-shop")
    assert app.namespace == "astronomy-shop" and app.deploy == "helm"
    assert app.helm is not None and app.helm.release == "astronomy-shop"
    assert app.log_label == "app.kubernetes.io/name" and app.frontend == "frontend-proxy"
    expected = {
        "accounting",
        "ad",
        "cart",
        "checkout",
        "currency",
        "email",
        "flagd",
        "fraud-detection",
        "frontend",
        "frontend-proxy",
        "image-provider",
        "kafka",
        "load-generator",
        "payment",
        "product-catalog",
        "quote",
        "recommendation",
        "shipping",
        "valkey-cart",
        "jaeger",
        "otel-collector",
        "prometheus",
        "grafana",
        "opensearch",
    }
    assert {c.name for c in app.components} == expected
    for service, port in OTEL_PORTS.items():
        assert port in service_ports(app, service), service
    assert 4000 in service_ports(app, "flagd")
    assert 4318 in service_ports(app, "otel-collector")
    assert {s.name for s in app.component("flagd").sidecars} == {"flagd-ui"}
    demo = {
        "accounting",
        "ad",
        "cart",
        "checkout",
        "currency",
        "email",
        "fraud-detection",
        "frontend",
        "frontend-proxy",
        "image-provider",
        "kafka",
        "load-generator",
        "payment",
        "product-catalog",
        "quote",
        "recommendation",
        "shipping",
    }
    for name in demo:
        comp = app.component(name)
        assert comp.image == f"ghcr.io/open-telemetry/demo:2.0.2-{name}"
        assert comp.pod_labels["app.kubernetes.io/name"] == name
        assert comp.pod_labels["app.kubernetes.io/instance"] == "astronomy-shop"
        assert comp.labels["app.kubernetes.io/component"] == name
        assert comp.labels["app.kubernetes.io/part-of"] == "opentelemetry-demo"
    assert app.component("ad").language == "java"
    assert app.component("opensearch").workload == "StatefulSet"


def test_astronomy_flags() -> None:
    app = load_app("astronomy")
    config = next(cm for cm in app.configmaps if cm.name == "flagd-config")
    flags = json.loads(config.data["demo.flagd.json"])["flags"]
    assert set(flags) >= {
        "adFailure",
        "adHighCpu",
        "adManualGc",
        "cartFailure",
        "imageSlowLoad",
        "kafkaQueueProblems",
        "loadGeneratorFloodHomepage",
        "paymentFailure",
        "paymentUnreachable",
        "productCatalogFailure",
        "recommendationCacheFailure",
    }
    for name, flag in flags.items():
        assert flag["state"] == "ENABLED", name
        assert flag["defaultVariant"] == "off", name
        assert "off" in flag["variants"], name
    assert set(flags["imageSlowLoad"]["variants"]) == {"5sec", "10sec", "off"}
    assert {"100%", "90%", "off"} <= set(flags["paymentFailure"]["variants"])
    assert all(isinstance(v, int) for v in flags["kafkaQueueProblems"]["variants"].values())


def test_astronomy_call_graph() -> None:
    graph = call_graph(load_app("astronomy"), skip={"flagd", "otel-collector"})
    assert {"frontend", "image-provider"} <= graph["frontend-proxy"]
    assert graph["frontend"] == {
        "ad",
        "cart",
        "checkout",
        "currency",
        "product-catalog",
        "recommendation",
        "shipping",
    }
    assert graph["checkout"] == {
        "cart",
        "currency",
        "email",
        "payment",
        "product-catalog",
        "shipping",
        "kafka",
    }
    assert graph["cart"] == {"valkey-cart"}
    assert graph["recommendation"] == {"product-catalog"}
    assert graph["shipping"] == {"quote"}
    assert graph["accounting"] == {"kafka"} and graph["fraud-detection"] == {"kafka"}
    app = load_app("astronomy")
    for name in ("ad", "cart", "checkout", "payment", "product-catalog", "recommendation"):
        assert any(c.protocol == "flagd" for c in app.component(name).calls), name


# --- the cluster -----------------------------------------------------------------------------


def test_cluster() -> None:
    cluster = load_cluster()
    control, worker = cluster.node("kind-control-plane"), cluster.node("kind-worker")
    assert (control.internal_ip, control.pod_cidr) == ("172.18.0.2", "10.244.0.0/24")
    assert (worker.internal_ip, worker.pod_cidr) == ("172.18.0.3", "10.244.1.0/24")
    assert "node-role.kubernetes.io/control-plane" in control.labels
    assert control.taints == [
        {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
    ]
    assert control.kubelet_version.startswith("v1.32.")
    assert control.container_runtime.startswith("containerd://")
    names = {ns.name for ns in cluster.namespaces}
    assert names >= {
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "default",
        "local-path-storage",
        "observe",
    }
    system = {c.name: c for c in cluster.namespace("kube-system").components}
    assert system["coredns"].replicas == 2
    assert {
        system[n].workload
        for n in ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler")
    } == {"StaticPod"}
    assert system["kindnet"].workload == system["kube-proxy"].workload == "DaemonSet"
    observe = {c.name: c for c in cluster.namespace("observe").components}
    server = observe["prometheus-server"].service
    assert server is not None and server.type == "NodePort"
    assert (server.ports[0].port, server.ports[0].node_port) == (80, 32000)
    assert observe["prometheus-prometheus-node-exporter"].workload == "DaemonSet"
    job = cluster.namespace("default").components[0]
    assert (job.name, job.workload, job.image) == (
        "wrk2-job",
        "Job",
        "deathstarbench/wrk2-client:latest",
    )
    assert any(cm.name == "wrk2-payload-script" for cm in cluster.namespace("default").configmaps)
