"""Repairs the catalog did not foresee: any write that removes the fault's cause works; one that
only hides a symptom does not.

Each mitigation fault gets at least one repair other than the expert's (another
patch type, another field path, another role or user that carries the needed
privilege, another value route) and one plausible non-repair (restarting or
deleting what shows the symptom). Every sequence runs through the Executor and
its gate on a fresh twin of the task (`aoi.loop.replay`), and is graded in
strict mode: every pod healthy, the original replicas back and traffic through
the application working. The lax AIOpsLab rule (pods healthy) is known to pass
some non-repairs: a C++ client that keeps retrying its MongoDB pool stays Ready
while every request fails, so the strict grade is the one that tells a cause
removed from a symptom hidden.
"""

from __future__ import annotations

import json

import pytest

from aoi.loop.replay import ReplayCommand, replay

SN = "test-social-network"
HR = "test-hotel-reservation"
MONGO_ROOT = "mongo admin -u root -p root --authenticationDatabase admin --quiet --eval"


def w(command: str) -> ReplayCommand:
    return ReplayCommand("executor", command)


def patch(
    kind: str, name: str, ns: str | None, body: object, kind_of_patch: str = ""
) -> ReplayCommand:
    where = f" -n {ns}" if ns else ""
    how = f" --type={kind_of_patch}" if kind_of_patch else ""
    return w(f"kubectl patch {kind} {name}{where}{how} -p '{json.dumps(body)}'")


def mongo(ns: str, db: str, js: str) -> ReplayCommand:
    return w(f'kubectl exec deploy/mongodb-{db} -n {ns} -- {MONGO_ROOT} "{js}"')


HOTEL_PVS = ("geo", "profile", "rate", "recommendation", "reservation", "user")

# task -> (repairs outside the catalog that remove the cause, non-repairs that only hide a symptom)
CASES: dict[str, tuple[dict[str, list[ReplayCommand]], dict[str, list[ReplayCommand]]]] = {
    "k8s_target_port-misconfig-mitigation-1": (
        {
            # a strategic merge patch keyed by port, not the expert's JSON patch by index
            "strategic-patch-by-port": [
                patch(
                    "service",
                    "user-service",
                    SN,
                    {"spec": {"ports": [{"port": 9090, "targetPort": 9090}]}},
                )
            ],
        },
        {"restart-the-backend": [w(f"kubectl rollout restart deployment/user-service -n {SN}")]},
    ),
    "scale_pod_zero_social_net-mitigation-1": (
        {"patch-replicas": [patch("deployment", "user-service", SN, {"spec": {"replicas": 1}})]},
        {"restart-at-zero": [w(f"kubectl rollout restart deployment/user-service -n {SN}")]},
    ),
    "assign_to_non_existent_node_social_net-mitigation-1": (
        {
            # a merge patch's null deletes the key (RFC 7386), where the expert used a JSON patch remove
            "merge-patch-null-selector": [
                patch(
                    "deployment",
                    "user-service",
                    SN,
                    {"spec": {"template": {"spec": {"nodeSelector": None}}}},
                    "merge",
                )
            ],
        },
        {"delete-the-pending-pod": [w(f"kubectl delete pods -n {SN} -l service=user-service")]},
    ),
    "wrong_bin_usage-mitigation-1": (
        {
            "strategic-patch-command": [
                patch(
                    "deployment",
                    "profile",
                    HR,
                    {
                        "spec": {
                            "template": {
                                "spec": {
                                    "containers": [
                                        {"name": "hotel-reserv-profile", "command": ["profile"]}
                                    ]
                                }
                            }
                        }
                    },
                )
            ],
        },
        {"restart-the-wrong-binary": [w(f"kubectl rollout restart deployment/profile -n {HR}")]},
    ),
    "misconfig_app_hotel_res-mitigation-1": (
        {
            "strategic-patch-image": [
                patch(
                    "deployment",
                    "geo",
                    HR,
                    {
                        "spec": {
                            "template": {
                                "spec": {
                                    "containers": [
                                        {
                                            "name": "hotel-reserv-geo",
                                            "image": "yinfangchen/hotelreservation:latest",
                                        }
                                    ]
                                }
                            }
                        }
                    },
                )
            ],
        },
        {"delete-the-crashing-pod": [w(f"kubectl delete pods -n {HR} -l io.kompose.service=geo")]},
    ),
    "revoke_auth_mongodb-mitigation-1": (
        {
            # dbOwner includes readWrite on the database: another role that carries the privilege
            "grant-dbOwner": [
                mongo(HR, "geo", "db.grantRolesToUser('admin', [{role: 'dbOwner', db: 'geo-db'}])"),
                w(f"kubectl rollout restart deployment/geo -n {HR}"),
            ],
        },
        {"restart-the-client": [w(f"kubectl rollout restart deployment/geo -n {HR}")]},
    ),
    "revoke_auth_mongodb-mitigation-2": (
        {
            "grant-readWriteAnyDatabase-and-delete-pod": [
                mongo(
                    HR,
                    "rate",
                    "db.grantRolesToUser('admin', [{role: 'readWriteAnyDatabase', db: 'admin'}])",
                ),
                w(f"kubectl delete pods -n {HR} -l io.kompose.service=rate"),
            ],
        },
        {"delete-the-client-pod": [w(f"kubectl delete pods -n {HR} -l io.kompose.service=rate")]},
    ),
    "user_unregistered_mongodb-mitigation-1": (
        {
            # the user comes back with another role than the catalog's: root covers readWrite on geo-db
            "create-user-as-root-role": [
                mongo(
                    HR,
                    "geo",
                    "db.createUser({user: 'admin', pwd: 'admin', roles: [{role: 'root', db: 'admin'}]})",
                ),
                w(f"kubectl rollout restart deployment/geo -n {HR}"),
            ],
        },
        {"restart-the-client": [w(f"kubectl rollout restart deployment/geo -n {HR}")]},
    ),
    "auth_miss_mongodb-mitigation-1": (
        {
            # not a rollback: a new release revision that turns the TLS requirement off
            "helm-upgrade-tls-disabled": [
                w(
                    f"helm upgrade social-network ./socialnetwork -n {SN} --reuse-values "
                    "--set url-shorten-mongodb.tls.mode=disabled"
                ),
                w(f"kubectl rollout restart deployment/url-shorten-service -n {SN}"),
            ],
        },
        {
            "restart-the-client": [
                w(f"kubectl rollout restart deployment/url-shorten-service -n {SN}")
            ]
        },
    ),
    "redeploy_without_PV-mitigation-1": (
        {
            # the PVs freed by a merge patch, then the clients that crashed while their mongod
            # was pending deleted (not rolled out): else they wait out the kubelet's back-off,
            # minutes by then, as on a real cluster
            "merge-patch-null-claimRef": [
                *(
                    patch("pv", f"{name}-pv", None, {"spec": {"claimRef": None}}, "merge")
                    for name in HOTEL_PVS
                ),
                w(
                    f"kubectl delete pods -n {HR} -l "
                    f"'io.kompose.service in ({','.join(HOTEL_PVS)})'"
                ),
            ],
        },
        {"restart-the-pending-workloads": [w(f"kubectl rollout restart deployment/geo -n {HR}")]},
    ),
}


def _params(which: int) -> list[object]:
    return [
        pytest.param(task, commands, id=f"{task}:{name}")
        for task, pair in CASES.items()
        for name, commands in pair[which].items()
    ]


@pytest.mark.parametrize(("task", "commands"), _params(0))
def test_a_repair_outside_the_catalog_that_removes_the_cause_succeeds(
    task: str, commands: list[ReplayCommand]
) -> None:
    result = replay(task, 0, commands, strict=True)
    assert not result.errors, result.errors
    assert result.outcome.success and result.outcome.strict_success, result.outcome.problems


@pytest.mark.parametrize(("task", "commands"), _params(1))
def test_a_write_that_only_hides_a_symptom_fails(task: str, commands: list[ReplayCommand]) -> None:
    result = replay(task, 0, commands, strict=True)
    assert not result.errors, result.errors  # it ran: the failure is the grade's, not the gate's
    assert not result.outcome.strict_success, "a symptom-hiding write passed the strict grade"
    assert result.outcome.problems


def test_every_mitigation_fault_family_has_both_kinds_of_case() -> None:
    from aoi.catalog import TaskType, list_tasks

    families = {
        t.id.rsplit("-mitigation", 1)[0] for t in list_tasks() if t.type is TaskType.MITIGATION
    }
    covered = {task.rsplit("-mitigation", 1)[0] for task in CASES}
    assert families <= covered, sorted(families - covered)
    for task, (repairs, hides) in CASES.items():
        assert repairs and hides, task
