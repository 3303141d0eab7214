"""helm on the twin: release tables, values, upgrades that change mongod TLS, rollbacks, errors."""

from __future__ import annotations

import re

import pytest

from aoi.shelltools import CommandResult
from aoi.twin.apps.helmrecord import decode_helm_release
from aoi.twin.core import Twin
from aoi.twin.surface.container_exec import exec_in_container
from aoi.twin.surface.helm import merge, run_helm, to_yaml

NS = "test-social-network"
CHART = "/root/AIOpsLab/aiopslab-applications/socialNetwork/helm-chart/socialnetwork/"
VALUES = CHART + "values.yaml"
REQUIRE_TLS = [
    "--set",
    "url-shorten-mongodb.tls.mode=requireTLS",
    "--set",
    "url-shorten-mongodb.tls.certificateKeyFile=/etc/tls/tls.pem",
    "--set",
    "url-shorten-mongodb.tls.CAFile=/etc/tls/ca.crt",
]


@pytest.fixture()
def twin() -> Twin:
    return Twin(["hotel-reservation", "social-network"], seed=4)


def helm(twin: Twin, *argv: str) -> CommandResult:
    return run_helm(twin, list(argv))


def _mongo_pods(twin: Twin) -> list[str]:
    return [
        p["metadata"]["name"]
        for p in twin.store.list("Pod", NS)
        if p["metadata"]["name"].startswith("url-shorten-mongodb-")
    ]


def test_list_table(twin: Twin) -> None:
    out = helm(twin, "list", "-n", NS).stdout
    lines = out.splitlines()
    assert lines[0] == (
        "NAME          \tNAMESPACE          \tREVISION\tUPDATED                      \tSTATUS  \t"
        "CHART               \tAPP VERSION"
    )
    assert re.fullmatch(
        r"social-network\ttest-social-network\t1       \t2026-11-26 \d\d:\d\d:\d\d \+0000 UTC\t"
        r"deployed\tsocial-network-0\.1\.0\t1\.16\.0     ",
        lines[1],
    )
    assert len(lines) == 2


def test_list_in_the_hotel_namespace_is_empty(twin: Twin) -> None:
    out = helm(twin, "list", "-n", "test-hotel-reservation")
    assert out == CommandResult("NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\n")
    every = helm(twin, "list", "-A").stdout
    assert "prometheus" in every and "social-network" in every


def test_status_block(twin: Twin) -> None:
    out = helm(twin, "status", "social-network", "-n", NS).stdout
    assert re.fullmatch(
        r"NAME: social-network\nLAST DEPLOYED: Thu Nov 26 \d\d:\d\d:\d\d 2026\n"
        r"NAMESPACE: test-social-network\nSTATUS: deployed\nREVISION: 1\nTEST SUITE: None\n",
        out,
    )


def test_get_values(twin: Twin) -> None:
    out = helm(twin, "get", "values", "social-network", "-n", NS).stdout
    assert out.startswith("USER-SUPPLIED VALUES:\nglobal:\n  defaultImageVersion: latest\n")
    assert out.endswith("url-shorten-mongodb:\n  tls:\n    mode: disabled\n")
    assert "    localAgentHostPort: jaeger:6831\n" in out
    as_json = helm(twin, "get", "values", "social-network", "-n", NS, "-o", "json").stdout
    assert as_json.endswith('"url-shorten-mongodb":{"tls":{"mode":"disabled"}}}\n')


def test_upgrade_requires_tls_then_rollback_restores(twin: Twin) -> None:
    state = twin.mongo[(NS, "url-shorten-mongodb")]
    before = _mongo_pods(twin)
    result = helm(twin, "upgrade", "social-network", CHART, "-n", NS, "-f", VALUES, *REQUIRE_TLS)
    assert result.exit_code == 0
    assert result.stdout.startswith(
        'Release "social-network" has been upgraded. Happy Helming!\nNAME: social-network\n'
    )
    assert "REVISION: 2\n" in result.stdout
    assert state.tls_mode == "requireTLS"
    after = _mongo_pods(twin)
    assert after and after != before  # the pod rolled
    conf = twin.store.get("ConfigMap", NS, "url-shorten-mongodb")
    assert conf is not None
    assert conf["data"]["mongod.conf"] == (
        "net:\n  tls:\n    mode: requireTLS\n    certificateKeyFile: /etc/tls/tls.pem\n"
        "    CAFile: /etc/tls/ca.crt\n"
    )
    twin.tick(30)  # the new pod pulls and starts
    new = [name for name in after if name not in before]
    pod = next(p for p in twin.store.list("Pod", NS) if p["metadata"]["name"] == new[0])
    cat = exec_in_container(
        twin,
        pod,
        "url-shorten-mongodb",
        ["cat", "/social-network-microservices/config/mongod.conf"],
    )
    assert "mode: requireTLS" in cat.stdout
    secret = twin.store.get("Secret", NS, "sh.helm.release.v1.social-network.v2")
    assert secret is not None
    assert (
        decode_helm_release(secret)["config"]["url-shorten-mongodb"]["tls"]["mode"] == "requireTLS"
    )

    rollback = helm(twin, "rollback", "social-network", "1", "-n", NS)
    assert rollback == CommandResult("Rollback was a success! Happy Helming!\n")
    assert state.tls_mode == "disabled"
    assert conf["data"]["mongod.conf"] == "net:\n  tls:\n    mode: disabled\n"
    history = helm(twin, "history", "social-network", "-n", NS).stdout.splitlines()
    assert history[0].split() == [
        "REVISION",
        "UPDATED",
        "STATUS",
        "CHART",
        "APP",
        "VERSION",
        "DESCRIPTION",
    ]
    assert [line.split("\t")[2].strip() for line in history[1:]] == [
        "superseded",
        "superseded",
        "deployed",
    ]
    assert history[3].endswith("\tRollback to 1   ")
    listed = helm(twin, "list", "-n", NS).stdout.splitlines()[1]
    assert listed.split("\t")[2].strip() == "3"


def test_upgrade_back_to_disabled_the_aiopslab_way(twin: Twin) -> None:
    helm(twin, "upgrade", "social-network", CHART, "-n", NS, "-f", VALUES, *REQUIRE_TLS)
    fix = helm(
        twin,
        "upgrade",
        "social-network",
        CHART,
        "-n",
        NS,
        "-f",
        VALUES,
        "--set",
        "url-shorten-mongodb.tls.mode=disabled",
        "--set-string",
        "url-shorten-mongodb.tls.certificateKeyFile=",
        "--set-string",
        "url-shorten-mongodb.tls.CAFile=",
    )
    assert fix.exit_code == 0
    assert twin.mongo[(NS, "url-shorten-mongodb")].tls_mode == "disabled"


def test_replicas_follow_the_values(twin: Twin) -> None:
    dep = twin.store.get("Deployment", NS, "user-service")
    assert dep is not None
    dep["spec"]["replicas"] = 0  # scaled away behind helm's back
    twin.changed()
    helm(
        twin,
        "upgrade",
        "social-network",
        "socialnetwork",
        "-n",
        NS,
        "--reuse-values",
        "--set",
        "user-service.replicas=2",
    )
    assert dep["spec"]["replicas"] == 2
    other = twin.store.get("Deployment", NS, "text-service")
    assert other is not None and other["spec"]["replicas"] == 1


@pytest.mark.parametrize(
    ("argv", "stderr"),
    [
        (["status", "nope", "-n", NS], "Error: release: not found\n"),
        (
            ["upgrade", "social-network", "-n", NS],
            'Error: "helm upgrade" requires 2 arguments\n\nUsage:  helm upgrade [RELEASE] [CHART] [flags]\n',
        ),
        (["list", "--foo"], "Error: unknown flag: --foo\n"),
        (["list", "-z"], "Error: unknown shorthand flag: 'z' in -z\n"),
        (
            ["frobnicate"],
            'Error: unknown command "frobnicate" for "helm"\nRun \'helm --help\' for usage.\n',
        ),
        (
            ["upgrade", "hotel", CHART, "-n", "test-hotel-reservation"],
            'Error: UPGRADE FAILED: "hotel" has no deployed releases\n',
        ),
        (
            ["upgrade", "social-network", "./elsewhere", "-n", NS],
            'Error: path "./elsewhere" not found\n',
        ),
        (
            ["upgrade", "social-network", CHART, "-n", NS, "-f", "mine.yaml"],
            "Error: open mine.yaml: no such file or directory\n",
        ),
        (["rollback", "social-network", "9", "-n", NS], "Error: release has no 9 version\n"),
    ],
)
def test_errors(twin: Twin, argv: list[str], stderr: str) -> None:
    assert helm(twin, *argv) == CommandResult("", stderr, 1)


def test_version() -> None:
    twin = Twin("hotel-reservation", seed=1)
    assert helm(twin, "version", "--short").stdout == "v3.14.4+g81c902a\n"


def test_yaml_and_merge() -> None:
    assert to_yaml({"b": [1, {"x": "1"}], "a": {"on": "yes", "e": ""}}) == (
        'a:\n  e: ""\n  "on": "yes"\nb:\n- 1\n- x: "1"\n'
    )
    assert merge({"a": {"b": 1, "c": 2}}, {"a": {"c": None, "d": 3}}) == {"a": {"b": 1, "d": 3}}
