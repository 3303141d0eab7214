"""Resolving what users type after `kubectl get` to resource types, as discovery does."""

from __future__ import annotations

import pytest

from aoi.twin.cluster.store import KINDS
from aoi.twin.surface.kubectl.resources import (
    UnknownResourceError,
    api_resources_table,
    info_for_kind,
    resolve,
    resolve_many,
)


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("po", "Pod"),
        ("pod", "Pod"),
        ("pods", "Pod"),
        ("PODS", "Pod"),
        ("Pod", "Pod"),
        ("svc", "Service"),
        ("service", "Service"),
        ("deploy", "Deployment"),
        ("deployment", "Deployment"),
        ("deployments.apps", "Deployment"),
        ("deployment.apps", "Deployment"),
        ("deployments.v1.apps", "Deployment"),
        ("rs", "ReplicaSet"),
        ("sts", "StatefulSet"),
        ("ds", "DaemonSet"),
        ("ep", "Endpoints"),
        ("endpoints", "Endpoints"),
        ("cm", "ConfigMap"),
        ("secret", "Secret"),
        ("pvc", "PersistentVolumeClaim"),
        ("pv", "PersistentVolume"),
        ("ns", "Namespace"),
        ("no", "Node"),
        ("node", "Node"),
        ("nodes", "Node"),
        ("ev", "Event"),
        ("events", "Event"),
        ("events.events.k8s.io", "Event"),
        ("sa", "ServiceAccount"),
        ("job", "Job"),
        ("jobs.batch", "Job"),
        ("sc", "StorageClass"),
        ("storageclass", "StorageClass"),
    ],
)
def test_held_kinds_resolve(typed: str, kind: str) -> None:
    info = resolve(typed)
    assert info.kind == kind
    assert info.held
    # The store's own description of the kind agrees with discovery's.
    assert (info.api_version, info.plural, info.namespaced) == (
        KINDS[kind].api_version,
        KINDS[kind].plural,
        KINDS[kind].namespaced,
    )


@pytest.mark.parametrize(
    ("typed", "kind", "namespaced"),
    [
        ("ingress", "Ingress", True),
        ("ing", "Ingress", True),
        ("hpa", "HorizontalPodAutoscaler", True),
        ("cronjobs", "CronJob", True),
        ("cj", "CronJob", True),
        ("networkpolicies", "NetworkPolicy", True),
        ("netpol", "NetworkPolicy", True),
        ("crd", "CustomResourceDefinition", False),
        ("pdb", "PodDisruptionBudget", True),
    ],
)
def test_real_but_unheld_kinds_resolve_to_empty_types(
    typed: str, kind: str, namespaced: bool
) -> None:
    info = resolve(typed)
    assert (info.kind, info.namespaced, info.held) == (kind, namespaced, False)


@pytest.mark.parametrize("typed", ["foo", "podz", "deployments.batch", "deployments.v2.apps", ""])
def test_unknown_types_fail_with_kubectls_message(typed: str) -> None:
    with pytest.raises(UnknownResourceError) as err:
        resolve(typed)
    assert str(err.value) == f'error: the server doesn\'t have a resource type "{typed}"'


def test_all_expands_in_kubectls_printing_order() -> None:
    kinds = [info.kind for info in resolve_many("all")]
    held = [k for k in kinds if k in KINDS]
    assert held == ["Pod", "Service", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet", "Job"]
    assert "CronJob" in kinds and "HorizontalPodAutoscaler" in kinds


def test_comma_lists_keep_order_without_duplicates() -> None:
    assert [i.kind for i in resolve_many("svc,po,pods")] == ["Service", "Pod"]
    with pytest.raises(UnknownResourceError):
        resolve_many("po,nope")


def test_qualified_names_for_output() -> None:
    assert info_for_kind("Deployment").qualified == "deployment.apps"
    assert info_for_kind("Pod").qualified == "pod"
    assert info_for_kind("Job").qualified == "job.batch"


def test_api_resources_table() -> None:
    lines = api_resources_table().splitlines()
    assert lines[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    by_name = {line.split()[0] + "/" + line.split()[-1]: line.split() for line in lines[1:]}
    assert by_name["pods/Pod"] == ["pods", "po", "v1", "true", "Pod"]
    assert by_name["deployments/Deployment"] == [
        "deployments",
        "deploy",
        "apps/v1",
        "true",
        "Deployment",
    ]
    assert by_name["secrets/Secret"] == ["secrets", "v1", "true", "Secret"]
    assert by_name["customresourcedefinitions/CustomResourceDefinition"][1] == "crd,crds"
    # Columns line up: every row starts its APIVERSION where the header does.
    column = lines[0].index("APIVERSION")
    assert all(line[column - 1] == " " and line[column] != " " for line in lines[1:])
    assert all(not line.endswith(" ") for line in lines)
