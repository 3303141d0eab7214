"""The expert's parsers and diagnosis rules, one test per rule, on recorded command output."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aoi.agents.expert.evidence import PARSERS, absorb, split_blocks
from aoi.agents.expert.notes import Notes
from aoi.agents.expert.rules import RULES, diagnose

HR = "test-hotel-reservation"
SN = "test-social-network"

# `kubectl get deployments -o jsonpath=...` rows: name|replicas|ready|containers|images|command|nodeSelector|ports
HOTEL_DEPLOYMENTS = """\
consul|1|1|consul|hashicorp/consul:latest|||8300 8400 8500 53
frontend|1|1|hotel-reserv-frontend|yinfangchen/hotelreservation:latest|["frontend"]||5000
geo|1|1|hotel-reserv-geo|yinfangchen/hotelreservation:latest|["geo"]||8083
mongodb-geo|1|1|hotel-reserv-geo-mongo|mongo:4.4.6|||27017
mongodb-rate|1|1|hotel-reserv-rate-mongo|mongo:4.4.6|||27017
profile|1|1|hotel-reserv-profile|yinfangchen/hotelreservation:latest|["profile"]||8081
rate|1|1|hotel-reserv-rate|yinfangchen/hotelreservation:latest|["rate"]||8084
search|1|1|hotel-reserv-search|yinfangchen/hotelreservation:latest|["search"]||8082
user|1|1|hotel-reserv-user|yinfangchen/hotelreservation:latest|["user"]||8086
"""
# pods: name|phase|ready|restarts|waiting|lastReason|lastFinished|started|images|ip
HOTEL_PODS = """\
consul-5hkxqkh798-dxsk6|Running|true|0||||2026-11-26T08:49:29Z|hashicorp/consul:latest|10.244.1.9
frontend-trp6znldql-dxppb|Running|true|0||||2026-11-26T08:49:29Z|yinfangchen/hotelreservation:latest|10.244.1.10
geo-jzggsfsrjh-n55l8|Running|true|0||||2026-11-26T08:49:29Z|yinfangchen/hotelreservation:latest|10.244.1.11
mongodb-geo-pnfhc7vbkr-g2p7t|Running|true|0||||2026-11-26T08:49:29Z|mongo:4.4.6|10.244.1.16
mongodb-rate-ggbw6s9tgf-qd8cb|Running|true|0||||2026-11-26T08:49:29Z|mongo:4.4.6|10.244.1.18
profile-jqgcptpcxz-h85pb|Running|true|0||||2026-11-26T08:49:29Z|yinfangchen/hotelreservation:latest|10.244.1.22
rate-rvfbtzkzvd-lb5gz|Running|true|1||Error|2026-11-26T08:49:32Z|2026-11-26T08:49:29Z|yinfangchen/hotelreservation:latest|10.244.1.23
search-mkwl8bgz6m-p5cbq|Running|true|0||||2026-11-26T08:49:29Z|yinfangchen/hotelreservation:latest|10.244.1.26
user-7x5qjn6vtw-6vnk9|Running|true|1||Error|2026-11-26T08:49:35Z|2026-11-26T08:49:29Z|yinfangchen/hotelreservation:latest|10.244.1.27
"""
HOTEL_SERVICES = (
    "frontend|5000|5000\ngeo|8083|8083\nrate|8084|8084\nsearch|8082|8082\nuser|8086|8086\n"
)


def notes_from(*outputs: tuple[str, str, str], ns: str = HR) -> Notes:
    """Notes after reading (kind, subject, output) triples, as the expert would."""
    notes = Notes(namespace=ns)
    for kind, subject, output in outputs:
        PARSERS[kind](notes, output, subject)
    return notes


def hotel(
    *extra: tuple[str, str, str], pods: str = HOTEL_PODS, deployments: str = HOTEL_DEPLOYMENTS
) -> Notes:
    return notes_from(
        ("pods", "", pods),
        ("deployments", "", deployments),
        ("services", "", HOTEL_SERVICES),
        *extra,
    )


def rules_fired(notes: Notes) -> dict[str, list[str]]:
    return {f.rule: f.services for f in diagnose(notes) if f.confidence >= 60}


def test_every_rule_has_a_test_here() -> None:
    tested = {
        "scaled_to_zero",
        "unschedulable_node_selector",
        "wrong_binary",
        "bad_image",
        "pod_failure",
        "recent_restart",
        "crash_loop",
        "service_target_port",
        "peer_unreachable",
        "unbound_claims",
        "mongo_tls_required",
        "mongo_user_missing",
        "mongo_role_revoked",
        "feature_flag",
    }
    assert set(RULES) == tested


def test_background_noise_fires_nothing() -> None:
    # rate and user restarted once at start-up (before mongo was ready): noise, not a fault
    logs = ("log_grep", "frontend", "")
    assert rules_fired(hotel(logs)) == {}


def test_split_blocks_reads_compressed_iterations() -> None:
    text = (
        "$ kubectl get pods -n x  [probe, exit 0, READ]\na|Running\n... [3 lines omitted]\n\n"
        "$ kubectl logs deploy/y -n x  [probe, exit 1, READ]\nError from server (NotFound)"
    )
    blocks = split_blocks(text)
    assert [b.command for b in blocks] == ["kubectl get pods -n x", "kubectl logs deploy/y -n x"]
    assert blocks[1].exit_code == 1 and not blocks[1].ok


def test_absorb_parses_by_the_command_it_issued() -> None:
    notes = Notes(namespace=HR)
    command = "kubectl get deployments -n test-hotel-reservation -o jsonpath=..."
    absorb(
        notes,
        f"$ {command}  [probe, exit 0, READ]\n{HOTEL_DEPLOYMENTS}",
        {command: ("deployments", "")},
    )
    assert notes.deployments["geo"].command == ["geo"]
    assert notes.deployments["geo"].ports == [8083]
    assert command in notes.ran


@given(st.text(max_size=400))
def test_parsers_never_raise(text: str) -> None:
    notes = Notes(namespace=HR)
    for fn in PARSERS.values():
        fn(notes, text, "subject")
    split_blocks(text)


def test_scaled_to_zero() -> None:
    deployments = HOTEL_DEPLOYMENTS.replace("user|1|1|", "user|0||")
    assert rules_fired(hotel(deployments=deployments))["scaled_to_zero"] == ["user"]


def test_unschedulable_node_selector() -> None:
    deployments = HOTEL_DEPLOYMENTS.replace(
        'user|1|1|hotel-reserv-user|yinfangchen/hotelreservation:latest|["user"]||',
        'user|1||hotel-reserv-user|yinfangchen/hotelreservation:latest|["user"]|{"kubernetes.io/hostname":"extra-node"}|',
    )
    pods = HOTEL_PODS.replace(
        "user-7x5qjn6vtw-6vnk9|Running|true|1||Error|2026-11-26T08:49:35Z|2026-11-26T08:49:29Z|",
        "user-ddq6b22q69-bwt56|Pending||||||||",
    )
    events = (
        "LAST SEEN   TYPE      REASON             OBJECT                              MESSAGE\n"
        "50s         Warning   FailedScheduling   pod/user-ddq6b22q69-bwt56   0/2 nodes are available: "
        "2 node(s) didn't match Pod's node affinity/selector."
    )
    nodes = (
        'kind-control-plane|{"kubernetes.io/hostname":"kind-control-plane"}\n'
        'kind-worker|{"kubernetes.io/hostname":"kind-worker"}'
    )
    notes = hotel(("events", "", events), ("nodes", "", nodes), pods=pods, deployments=deployments)
    finding = diagnose(notes)[0]
    assert (finding.rule, finding.services, finding.confidence) == (
        "unschedulable_node_selector",
        ["user"],
        95,
    )


def test_wrong_binary() -> None:
    deployments = HOTEL_DEPLOYMENTS.replace('["profile"]', '["geo"]')
    finding = diagnose(hotel(deployments=deployments))[0]
    assert (finding.rule, finding.services, finding.detail["binary"]) == (
        "wrong_binary",
        ["profile"],
        "profile",
    )


def test_bad_image_of_a_crashing_service() -> None:
    deployments = HOTEL_DEPLOYMENTS.replace(
        "hotel-reserv-geo|yinfangchen/hotelreservation:latest",
        "hotel-reserv-geo|yinfangchen/geo:app3",
    )
    pods = HOTEL_PODS.replace(
        "geo-jzggsfsrjh-n55l8|Running|true|0||||",
        "geo-l6gqn5zxck-skznz|Running|false|2|CrashLoopBackOff|Error|2026-11-26T09:00:30Z|",
    )
    finding = diagnose(hotel(pods=pods, deployments=deployments))[0]
    assert (finding.rule, finding.services) == ("bad_image", ["geo"])
    assert finding.detail == {
        "image": "yinfangchen/hotelreservation:latest",
        "container": "hotel-reserv-geo",
    }


def test_pod_failure_shows_as_a_pause_image() -> None:
    pods = HOTEL_PODS.replace(
        "|2026-11-26T08:49:29Z|yinfangchen/hotelreservation:latest|10.244.1.27",
        "|2026-11-26T08:49:29Z|gcr.io/google-containers/pause:latest|10.244.1.27",
    )
    assert rules_fired(hotel(pods=pods))["pod_failure"] == ["user"]


def test_recent_restart_is_not_startup_noise() -> None:
    pods = HOTEL_PODS.replace(
        "geo-jzggsfsrjh-n55l8|Running|true|0||||",
        "geo-jzggsfsrjh-n55l8|Running|true|1||Error|2026-11-26T09:00:00Z|",
    )
    assert rules_fired(hotel(pods=pods)) == {"recent_restart": ["geo"]}


def test_crash_loop_without_a_better_explanation() -> None:
    pods = HOTEL_PODS.replace(
        "search-mkwl8bgz6m-p5cbq|Running|true|0||||",
        "search-mkwl8bgz6m-p5cbq|Running|false|3|CrashLoopBackOff|Error|2026-11-26T09:00:00Z|",
    )
    assert rules_fired(hotel(pods=pods)) == {"crash_loop": ["search"]}


SOCIAL_DEPLOYMENTS = """\
compose-post-service|1|1|compose-post-service|docker.io/deathstarbench/social-network-microservices:latest|["ComposePostService"]||9090
media-frontend|1|1|media-frontend|docker.io/yg397/media-frontend:xenial|||8081
user-service|1|1|user-service|docker.io/deathstarbench/social-network-microservices:latest|["UserService"]||9090
text-service|1|1|text-service|docker.io/deathstarbench/social-network-microservices:latest|["TextService"]||9090
url-shorten-service|1|1|url-shorten-service|docker.io/deathstarbench/social-network-microservices:latest|["UrlShortenService"]||9090
url-shorten-mongodb|1|1|url-shorten-mongodb|docker.io/library/mongo:4.4.6|||27017
"""
SOCIAL_SERVICES = """\
compose-post-service|9090|9090
media-frontend|8081|8080
user-service|9090|9999
text-service|9090|9090
url-shorten-service|9090|9090
url-shorten-mongodb|27017|27017
"""


def social(*extra: tuple[str, str, str], services: str = SOCIAL_SERVICES) -> Notes:
    return notes_from(
        ("deployments", "", SOCIAL_DEPLOYMENTS), ("services", "", services), *extra, ns=SN
    )


def test_target_port_needs_callers_that_fail() -> None:
    # a port mismatch alone (media-frontend forwards 8081 to 8080 by design) is not a fault
    quiet = social(
        services=SOCIAL_SERVICES.replace("user-service|9090|9999", "user-service|9090|9090")
    )
    assert rules_fired(quiet) == {}
    timeouts = "     41 <Host: user-service Port: 9090>: Connection timed out"
    notes = social(("log_grep", "compose-post-service", timeouts))
    finding = diagnose(notes)[0]
    assert (finding.rule, finding.services, finding.detail["port"]) == (
        "service_target_port",
        ["user-service"],
        "9090",
    )


def test_peer_unreachable_follows_the_chain_to_its_end() -> None:
    notes = hotel(
        ("log_grep", "frontend", "      9 slow response from search:8082: took 20"),
        ("log_grep", "search", "      7 slow response from geo:8083: took 20"),
    )
    assert rules_fired(notes) == {"peer_unreachable": ["geo"]}


def test_peer_unreachable_blames_a_caller_that_loses_every_peer() -> None:
    notes = hotel(
        ("log_grep", "frontend", "     50 dial tcp 10.244.1.26:8082: i/o timeout"),
        (
            "log_grep",
            "search",
            "    128 dial tcp 10.244.1.23:8084: i/o timeout\n    128 dial tcp 10.244.1.11:8083: i/o timeout",
        ),
    )
    assert rules_fired(notes) == {"peer_unreachable": ["search"]}


def test_unbound_claims() -> None:
    pvcs = "geo-pvc|Pending||geo-storage\nrate-pvc|Pending||rate-storage"
    pvs = "geo-pv|Released|test-hotel-reservation|geo-pvc|geo-storage\nrate-pv|Released|test-hotel-reservation|rate-pvc|rate-storage"
    finding = diagnose(hotel(("pvcs", "", pvcs), ("pvs", "", pvs)))[0]
    assert (finding.rule, finding.services, finding.detail["volumes"]) == (
        "unbound_claims",
        [],
        "geo-pv rate-pv",
    )


HELM_VALUES = """\
USER-SUPPLIED VALUES:
global:
  replicas: 1
url-shorten-mongodb:
  tls:
    mode: requireTLS
"""


def test_mongo_tls_required() -> None:
    notes = social(
        (
            "log_grep",
            "url-shorten-service",
            "    201 calling ismaster on 'url-shorten-mongodb:27017'",
        ),
        ("helm_values", "social-network", HELM_VALUES),
    )
    finding = diagnose(notes)[0]
    assert (finding.rule, finding.services, finding.fault_type) == (
        "mongo_tls_required",
        ["url-shorten-mongodb"],
        "Misconfiguration",
    )


GEO_CRASH = """\
2026-11-26T09:00:40Z INF cmd/geo/main.go:36 > Read database URL: mongodb-geo:27017
2026-11-26T09:00:40Z INF cmd/geo/main.go:37 > Initializing DB connection...
2026-11-26T09:00:40Z PNC cmd/geo/db.go:24 > server returned error on SASL authentication step: Authentication failed.
panic: server returned error on SASL authentication step: Authentication failed.
"""
ROOT_ONLY = """\
[
\t{
\t\t"_id" : "admin.root",
\t\t"user" : "root",
\t\t"db" : "admin",
\t\t"roles" : [
\t\t\t{
\t\t\t\t"role" : "userAdminAnyDatabase",
\t\t\t\t"db" : "admin"
\t\t\t},
\t\t\t{
\t\t\t\t"role" : "readWrite",
\t\t\t\t"db" : "geo-db"
\t\t\t}
\t\t]
\t}
]
"""
MONGO_LOG = (
    '{"c":"ACCESS","msg":"Authentication failed","attr":{"principalName":"admin",'
    '"error":"UserNotFound: Could not find user \\"admin\\" for db \\"admin\\""}}'
)


def test_mongo_user_missing_blames_the_database_not_the_crashing_client() -> None:
    pods = HOTEL_PODS.replace(
        "geo-jzggsfsrjh-n55l8|Running|true|0||||",
        "geo-jzggsfsrjh-phnlt|Running|false|2|CrashLoopBackOff|Error|2026-11-26T09:00:40Z|",
    )
    notes = hotel(
        ("crash_log", "geo", GEO_CRASH),
        ("mongo_users", "mongodb-geo", ROOT_ONLY),
        ("mongo_log", "mongodb-geo", MONGO_LOG),
        pods=pods,
    )
    finding = diagnose(notes)[0]
    assert (finding.rule, finding.services, finding.fault_type) == (
        "mongo_user_missing",
        ["mongodb-geo"],
        "Network/Storage Issue",
    )
    assert finding.detail["user"] == "admin"
    assert finding.detail["roles"] == "userAdminAnyDatabase@admin;readWrite@geo-db"


def test_mongo_role_revoked() -> None:
    crash = GEO_CRASH.replace(
        "server returned error on SASL authentication step: Authentication failed.",
        'not authorized on geo-db to execute command { count: "geo" }',
    )
    admin_without_rw = ROOT_ONLY.replace(
        '"_id" : "admin.root"',
        '"_id" : "admin.admin",\n\t\t"user" : "admin",\n\t\t"db" : "admin",\n\t\t"roles" : [{"role" : "userAdminAnyDatabase", "db" : "admin"}]\n\t},\n\t{\n\t\t"_id" : "admin.root"',
    )
    notes = hotel(("crash_log", "geo", crash), ("mongo_users", "mongodb-geo", admin_without_rw))
    finding = diagnose(notes)[0]
    assert (finding.rule, finding.services, finding.fault_type) == (
        "mongo_role_revoked",
        ["mongodb-geo"],
        "Authentication Issue",
    )
    assert finding.detail == {"client": "geo", "user": "admin", "database": "geo-db"}


def test_feature_flag_maps_to_the_component_it_breaks() -> None:
    flags = "adFailure=off\npaymentUnreachable=on\nimageSlowLoad=off"
    notes = notes_from(("flags", "", flags), ns="astronomy-shop")
    assert rules_fired(notes) == {"feature_flag": ["checkout"]}
    assert rules_fired(notes_from(("flags", "", "adFailure=off\ncartFailure=off"))) == {}
