"""Commands inside the twin's containers: env, files, processes, DNS, mongo and missing binaries."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aoi.shelltools import CommandResult
from aoi.twin.cluster.store import Obj
from aoi.twin.core import Twin
from aoi.twin.surface.container_exec import exec_in_container

HOTEL = "test-hotel-reservation"
SOCIAL = "test-social-network"


@cache
def shared() -> Twin:
    """One twin for the tests that only read."""
    return Twin(["hotel-reservation", "social-network"], seed=5)


def _pod(twin: Twin, ns: str, prefix: str) -> Obj:
    return next(p for p in twin.store.list("Pod", ns) if p["metadata"]["name"].startswith(prefix))


def run(ns: str, prefix: str, *argv: str, twin: Twin | None = None) -> CommandResult:
    twin = twin or shared()
    pod = _pod(twin, ns, prefix)
    return exec_in_container(twin, pod, pod["spec"]["containers"][0]["name"], list(argv))


def test_env_has_declared_values_service_links_and_basics() -> None:
    twin = shared()
    pod = _pod(twin, HOTEL, "geo-")
    out = run(HOTEL, "geo-", "env").stdout.splitlines()
    geo = twin.store.get("Service", HOTEL, "geo")
    assert geo is not None
    ip = geo["spec"]["clusterIP"]
    assert (
        out[0]
        == "PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    )
    assert out[1] == f"HOSTNAME={pod['metadata']['name']}"
    assert out[-1] == "HOME=/root"
    for line in (
        "JAEGER_SAMPLE_RATIO=1",
        f"GEO_SERVICE_HOST={ip}",
        "GEO_SERVICE_PORT=8083",
        f"GEO_PORT=tcp://{ip}:8083",
        f"GEO_PORT_8083_TCP_ADDR={ip}",
        "GEO_PORT_8083_TCP_PROTO=tcp",
        "MONGODB_GEO_SERVICE_PORT_27017=27017",
        "KUBERNETES_SERVICE_HOST=10.96.0.1",
        "KUBERNETES_SERVICE_PORT_HTTPS=443",
    ):
        assert line in out
    assert any(line.startswith("JAEGER_PORT_6831_UDP=udp://") for line in out)


def test_printenv_one_name() -> None:
    assert run(HOTEL, "mongodb-geo", "printenv", "MONGO_VERSION").stdout == "4.4.6\n"
    missing = run(HOTEL, "mongodb-geo", "printenv", "NOPE")
    assert (missing.stdout, missing.exit_code) == ("", 1)


def test_hotel_config_json_in_the_working_directory() -> None:
    text = run(HOTEL, "geo-", "cat", "config.json").stdout
    assert '"consulAddress": "consul:8500"' in text
    assert '"GeoMongoAddress": "mongodb-geo:27017"' in text
    same = run(HOTEL, "geo-", "cat", "/go/src/github.com/harlow/go-micro-services/config.json")
    assert same.stdout == text


def test_mounted_configmaps_and_secrets() -> None:
    scripts = run(HOTEL, "mongodb-geo", "ls", "/scripts").stdout.split()
    assert "revoke-admin-geo-mongo.sh" in scripts
    body = run(HOTEL, "mongodb-geo", "cat", "/scripts/revoke-admin-geo-mongo.sh").stdout
    assert "db.revokeRolesFromUser('$ADMIN_USER'" in body
    conf = run(
        SOCIAL, "url-shorten-mongodb", "cat", "/social-network-microservices/config/mongod.conf"
    )
    assert conf.stdout == "net:\n  tls:\n    mode: disabled\n"
    assert run(SOCIAL, "url-shorten-mongodb", "ls", "/etc/tls").stdout == "ca.crt\ntls.pem\n"
    cert = run(SOCIAL, "url-shorten-mongodb", "cat", "/etc/tls/ca.crt").stdout
    assert cert.startswith("-----BEGIN CERTIFICATE-----\n")
    service = run(
        SOCIAL,
        "compose-post-service",
        "cat",
        "/social-network-microservices/config/service-config.json",
    )
    assert '"addr": "user-service"' in service.stdout


def test_kubelet_files() -> None:
    twin = shared()
    pod = _pod(twin, HOTEL, "geo-")
    resolv = run(HOTEL, "geo-", "cat", "/etc/resolv.conf").stdout
    assert resolv == (
        "search test-hotel-reservation.svc.cluster.local svc.cluster.local cluster.local\n"
        "nameserver 10.96.0.10\noptions ndots:5\n"
    )
    hosts = run(HOTEL, "geo-", "cat", "/etc/hosts").stdout
    assert hosts.startswith("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n")
    assert hosts.endswith(f"{pod['status']['podIP']}\t{pod['metadata']['name']}\n")
    social_host = run(SOCIAL, "compose-post-service", "hostname").stdout
    assert social_host == "compose-post-service\n"
    token_dir = run(HOTEL, "geo-", "ls", "/var/run/secrets/kubernetes.io/serviceaccount").stdout
    assert token_dir == "ca.crt\nnamespace\ntoken\n"


def test_file_errors() -> None:
    missing = run(HOTEL, "geo-", "cat", "/nope")
    assert (missing.stderr, missing.exit_code) == ("cat: /nope: No such file or directory\n", 1)
    directory = run(HOTEL, "geo-", "cat", "/etc")
    assert directory.stderr == "cat: /etc: Is a directory\n"
    listing = run(HOTEL, "geo-", "ls", "/nope")
    assert (listing.stderr, listing.exit_code) == (
        "ls: cannot access '/nope': No such file or directory\n",
        2,
    )


def test_missing_binary_is_an_oci_error() -> None:
    result = run(HOTEL, "geo-", "curl", "http://frontend:5000")
    assert result == CommandResult(
        "",
        "OCI runtime exec failed: exec failed: unable to start container process: "
        'exec: "curl": executable file not found in $PATH: unknown\n',
        126,
    )
    assert run(HOTEL, "mongodb-geo", "mongosh").exit_code == 126
    assert run(HOTEL, "mongodb-geo", "ps", "aux").exit_code == 126


def test_processes_dns_and_date() -> None:
    ps = run(HOTEL, "geo-", "ps", "aux").stdout.splitlines()
    assert ps[0] == "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND"
    assert ps[1].startswith("root           1 ") and ps[1].endswith(" geo")
    twin = shared()
    geo = twin.store.get("Service", HOTEL, "geo")
    assert geo is not None
    lookup = run(HOTEL, "consul", "nslookup", "geo").stdout
    assert lookup == (
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
        f"Name:\tgeo.test-hotel-reservation.svc.cluster.local\nAddress: {geo['spec']['clusterIP']}\n\n"
    )
    assert run(HOTEL, "consul", "nslookup", "nope").exit_code == 1
    hosts = run(HOTEL, "geo-", "getent", "hosts", "geo").stdout
    assert hosts == f"{geo['spec']['clusterIP']:<15} geo.test-hotel-reservation.svc.cluster.local\n"
    assert run(HOTEL, "geo-", "date").stdout.endswith(" UTC 2026\n")


def test_shell_dash_c_runs_the_script_with_the_images_programs() -> None:
    assert run(HOTEL, "geo-", "sh", "-c", "echo $JAEGER_SAMPLE_RATIO").stdout == "1\n"
    # the golang image has no dnsutils: dash says so in its own words
    assert run(HOTEL, "geo-", "sh", "-c", "nslookup geo") == CommandResult(
        "", "sh: 1: nslookup: not found\n", 127
    )
    piped = run(HOTEL, "geo-", "sh", "-c", "cat config.json | grep Geo")
    assert piped.exit_code == 0
    assert piped.stdout == '  "GeoPort": "8083",\n  "GeoMongoAddress": "mongodb-geo:27017",\n'


def test_mongo_through_exec_repairs_the_revoke_fault() -> None:
    twin = Twin("hotel-reservation", seed=9)
    state = twin.mongo[(HOTEL, "mongodb-rate")]
    state.users[("admin", "admin")].roles.remove(("readWrite", "rate-db"))
    script = "db.grantRolesToUser('admin', [{role: 'readWrite', db: 'rate-db'}]);"
    result = run(
        HOTEL,
        "mongodb-rate",
        "mongo",
        "admin",
        "-u",
        "root",
        "-p",
        "root",
        "--authenticationDatabase",
        "admin",
        "--eval",
        script,
        twin=twin,
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("MongoDB shell version v4.4.6\n")
    assert state.check_client("admin", "admin", "rate-db") == ""


def test_containers_that_are_not_running() -> None:
    twin = Twin("hotel-reservation", seed=2)
    pod = _pod(twin, HOTEL, "geo-")
    pod["status"]["containerStatuses"][0]["state"] = {"waiting": {"reason": "CrashLoopBackOff"}}
    result = exec_in_container(twin, pod, "hotel-reserv-geo", ["env"])
    assert result == CommandResult(
        "", 'error: unable to upgrade connection: container not found ("hotel-reserv-geo")\n', 1
    )


@pytest.mark.parametrize("argv", [["ls", "-la", "/scripts"], ["id"], ["uname", "-a"], ["pwd"]])
def test_other_commands_answer(argv: list[str]) -> None:
    result = run(HOTEL, "mongodb-geo", *argv)
    assert result.exit_code == 0 and result.stdout


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=4))
def test_any_argv_answers_without_raising(argv: list[str]) -> None:
    result = run(HOTEL, "mongodb-geo", *argv)
    assert isinstance(result, CommandResult)
