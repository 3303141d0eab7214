"""Container logs of the twin: startup, requests, errors that separate cause from symptom."""

from __future__ import annotations

import re

import pytest

from aoi.twin.behaviour.logs import LogUnavailable
from aoi.twin.cluster.store import Obj
from aoi.twin.core import Twin

HOTEL = "test-hotel-reservation"
SOCIAL = "test-social-network"


def pod_of(twin: Twin, ns: str, label: str, value: str) -> Obj:
    pods = twin.store.list("Pod", ns, {label: value})
    assert pods, f"no pod {label}={value}"
    return pods[0]


def log(twin: Twin, pod: Obj, **kw: object) -> str:
    return twin.logs.container_log(pod, pod["spec"]["containers"][0]["name"], **kw)  # type: ignore[arg-type]


def hotel_log(twin: Twin, service: str, **kw: object) -> str:
    return log(twin, pod_of(twin, HOTEL, "io.kompose.service", service), **kw)


@pytest.fixture(scope="module")
def hotel() -> Twin:
    twin = Twin("hotel-reservation", seed=7)
    twin.tick(300)
    return twin


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain(text: str) -> str:
    return ANSI.sub("", text)


def test_a_healthy_go_service_logs_its_banner_and_nothing_per_request(hotel: Twin) -> None:
    text = hotel_log(hotel, "geo")
    lines = text.splitlines()
    # tls's init() and tune.Init() log through zerolog's JSON logger before main sets its own
    assert lines[0] == '{"level":"info","time":"' + lines[0][24:44] + '","message":"TLS disabled."}'
    assert '"message":"Set global log level: info"' in lines[1]
    assert '"message":"Tune: setGCPercent to 100"' in lines[2]
    for line in (
        "Reading config...",
        "Read database URL: mongodb-geo:27017",
        "New session successfull...",
        "Read target port: 8083",
        "Jaeger client: adjusted sample ratio 1.000000",
        "Starting server...",
    ):
        assert line in text
    # zerolog's ConsoleWriter: grey time, green INF, bold caller, cyan ">", bold message
    assert re.search(
        r"^\x1b\[90m2026-11-26T\d\d:\d\d:\d\dZ\x1b\[0m \x1b\[32mINF\x1b\[0m "
        r"\x1b\[1mcmd/geo/main\.go:23\x1b\[0m\x1b\[36m >\x1b\[0m \x1b\[1mReading config\.\.\.\x1b\[0m$",
        text,
        re.M,
    )
    assert plain(lines[-1]).endswith(
        "INF services/geo/server.go:110 > Successfully registered in consul"
    )
    # requests are logged at trace level only: five minutes of traffic leave no line
    assert "In geo Nearby" not in text and len(lines) == 20


def test_the_containers_env_sets_level_colours_and_tunables() -> None:
    twin = Twin("hotel-reservation", seed=7)
    twin.run(
        "kubectl set env deployment/geo -n test-hotel-reservation "
        "LOG_LEVEL=trace NO_COLOR=1 JAEGER_SAMPLE_RATIO=0.5"
    )
    twin.tick(120)
    pods = [p for p in twin.store.list("Pod", HOTEL, {"io.kompose.service": "geo"})]
    text = log(twin, max(pods, key=lambda p: p["metadata"]["creationTimestamp"]))
    assert "\x1b[" not in text
    assert "Set global log level: trace" in text
    assert "Jaeger client: adjusted sample ratio 0.500000" in text
    assert re.search(r"TRC services/geo/server\.go:122 > In geo Nearby$", text, re.M)
    quiet = Twin("hotel-reservation", seed=7)
    quiet.run("kubectl set env deployment/geo -n test-hotel-reservation LOG_LEVEL=error")
    quiet.tick(60)
    pods = [p for p in quiet.store.list("Pod", HOTEL, {"io.kompose.service": "geo"})]
    text = log(quiet, max(pods, key=lambda p: p["metadata"]["creationTimestamp"]))
    # only tls's init() runs before the level is set; every info line after it is dropped
    assert text.splitlines() == [text.splitlines()[0]] and "TLS disabled." in text


def test_a_healthy_cluster_logs_no_errors_only_noise(hotel: Twin) -> None:
    for pod in hotel.store.list("Pod", HOTEL):
        for container in pod["spec"]["containers"]:
            text = hotel.logs.container_log(pod, container["name"], tail=300)
            assert " ERR " not in text and " PNC " not in text, pod["metadata"]["name"]
            assert "Authentication failed" not in text


def test_mongod_prints_its_structured_banner(hotel: Twin) -> None:
    text = hotel_log(hotel, "mongodb-geo")
    assert '"msg":"Waiting for connections","attr":{"port":27017,"ssl":"off"}' in text
    assert (
        '{"t":{"$date":"2026-11-26T' in text and '"s":"I",  "c":"NETWORK",  "id":23016,   ' in text
    )


def test_tail_since_and_timestamps(hotel: Twin) -> None:
    full = hotel_log(hotel, "mongodb-geo").splitlines()
    assert hotel_log(hotel, "mongodb-geo", tail=5).splitlines() == full[-5:]
    assert hotel_log(hotel, "mongodb-geo", tail=0) == ""
    recent = hotel_log(hotel, "mongodb-geo", since_seconds=60).splitlines()
    assert 0 < len(recent) < len(full)
    stamped = hotel_log(hotel, "frontend", tail=3, timestamps=True).splitlines()
    assert all(re.match(r"^2026-11-26T\d\d:\d\d:\d\d(\.\d+)?Z \S", s) for s in stamped)


def test_asking_again_returns_the_same_history(hotel: Twin) -> None:
    first = hotel_log(hotel, "search", tail=50)
    assert hotel_log(hotel, "search", tail=50) == first
    hotel.tick(30)
    later = hotel_log(hotel, "search").splitlines()
    assert all(line in later for line in first.splitlines())


def test_previous_needs_a_terminated_run(hotel: Twin) -> None:
    pod = pod_of(hotel, HOTEL, "io.kompose.service", "consul")
    with pytest.raises(LogUnavailable) as err:
        log(hotel, pod, previous=True)
    assert (
        err.value.message
        == f'previous terminated container "consul" in pod "{pod["metadata"]["name"]}" not found'
    )
    assert hotel.logs.log_error(pod, "consul", previous=True) == err.value.message
    with pytest.raises(LogUnavailable, match="is not valid for pod"):
        hotel.logs.container_log(pod, "nope")


def test_same_seed_same_logs_other_seed_other_logs() -> None:
    a, b, c = (
        Twin("hotel-reservation", seed=3),
        Twin("hotel-reservation", seed=3),
        Twin("hotel-reservation", seed=4),
    )
    for twin in (a, b, c):
        twin.tick(120)
    assert hotel_log(a, "frontend") == hotel_log(b, "frontend")
    assert hotel_log(a, "frontend") != hotel_log(c, "frontend")


def _crash_loop(twin: Twin) -> Obj:
    twin.controller.delete_pod(pod_of(twin, HOTEL, "io.kompose.service", "geo"), twin.clock.now())
    twin.changed()
    twin.tick(60)
    twin.tick(60)
    return pod_of(twin, HOTEL, "io.kompose.service", "geo")


def test_an_unregistered_user_crash_loops_geo_with_an_auth_panic() -> None:
    twin = Twin("hotel-reservation", seed=11)
    del twin.mongo[(HOTEL, "mongodb-geo")].users[("admin", "admin")]
    geo = _crash_loop(twin)
    text = log(twin, geo, previous=True)
    assert "Initializing DB connection..." in text
    assert (
        "PNC cmd/geo/db.go:26 > server returned error on SASL authentication step: Authentication failed."
        in plain(text)
    )
    assert (
        "/go/src/github.com/harlow/go-micro-services/vendor/github.com/rs/zerolog/log.go:405"
        in text
    )
    assert re.search(r"cmd/geo/main\.go:38 \+0x[0-9a-f]+$", text.rstrip())
    assert "Starting server..." not in text
    mongod = hotel_log(twin, "mongodb-geo", since_seconds=300)
    assert '"msg":"Authentication failed"' in mongod and "UserNotFound" in mongod


def test_a_revoked_role_fails_the_first_query() -> None:
    twin = Twin("hotel-reservation", seed=12)
    user = twin.mongo[(HOTEL, "mongodb-geo")].users[("admin", "admin")]
    user.roles = [r for r in user.roles if r != ("readWrite", "geo-db")]
    geo = _crash_loop(twin)
    text = log(twin, geo)
    assert "New session successfull..." in text
    assert 'not authorized on geo-db to execute command { count: "geo"' in text


def test_callers_of_a_broken_service_name_it_while_it_stays_quiet() -> None:
    twin = Twin("social-network", seed=5)
    svc = twin.store.get("Service", SOCIAL, "user-service")
    assert svc is not None
    svc["spec"]["ports"][0]["targetPort"] = 9999
    twin.changed()
    twin.tick(90)
    caller = log(twin, pod_of(twin, SOCIAL, "app", "compose-post-service"), since_seconds=60)
    assert "TSocket::open() connect() <Host: user-service Port: 9090>: Connection refused" in caller
    assert re.search(r"^\[2026-Nov-26 \d\d:\d\d:\d\d\.\d{6}\] <error>: \(", caller, re.M)
    front = log(twin, pod_of(twin, SOCIAL, "app", "nginx-thrift"), since_seconds=60)
    assert "Could not connect to user-service:9090 (connection refused)" in front
    assert "[error]" in front
    callee = log(twin, pod_of(twin, SOCIAL, "app", "user-service"), since_seconds=60)
    assert "<error>" not in callee and "TSocket" not in callee


def test_crash_lines_word_the_failure_in_the_programs_style() -> None:
    twin = Twin("hotel-reservation", seed=1)
    geo = twin.apps[HOTEL].component("geo")
    dep = next(d for d in geo.calls if d.protocol == "mongodb")
    from aoi.twin.behaviour.network import EdgeResult

    lines = twin.logs.crash_lines(
        geo, dep, EdgeResult(False, "refused", "connection refused"), twin.clock.now()
    )
    text = [plain(line) for line in lines]
    assert text[0].endswith('"message":"TLS disabled."}')
    assert text[3].endswith("INF cmd/geo/main.go:23 > Reading config...")
    assert any(line.endswith("PNC cmd/geo/db.go:26 > no reachable servers") for line in text)
    assert "panic: no reachable servers" in lines
    assert twin.logs.crash_exit_code(geo, dep, EdgeResult(False, "refused", "")) == 2


def test_a_buggy_build_prints_what_its_program_does_and_a_route_to_its_address_fixes_it() -> None:
    twin = Twin("hotel-reservation", seed=13)
    twin.run(
        "kubectl set image deployment/geo hotel-reserv-geo=yinfangchen/geo:app3 -n test-hotel-reservation"
    )
    twin.tick(90)
    geo = pod_of(twin, HOTEL, "io.kompose.service", "geo")
    text = plain(log(twin, geo, previous=True))
    assert "Read database URL: mongodb-geo:27777" in text
    assert re.search(r"^\S+ PNC cmd/geo/db.go:26 > no reachable servers$", text, re.M)
    rt = twin.controller.runtimes[geo["metadata"]["uid"]]["hotel-reserv-geo"]
    assert rt.last is not None and rt.last.exit_code == 2
    # not in the catalog: serve the address the build dials, forwarding to mongod
    twin.run(
        "kubectl patch service mongodb-geo -n test-hotel-reservation --type=json "
        '-p=\'[{"op": "add", "path": "/spec/ports/-", "value": {"name": "wrong", "port": 27777, "targetPort": 27017}}]\''
    )
    twin.tick(400)
    geo = pod_of(twin, HOTEL, "io.kompose.service", "geo")
    assert geo["status"]["containerStatuses"][0]["state"].get("running"), geo["status"]
    assert "Successfully registered in consul" in log(twin, geo)
