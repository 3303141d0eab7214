"""`kubectl patch` on the twin: patch semantics (strategic, merge, JSON) against real kubectl,
outputs and errors, and the Service port repair of issue 3 end to end."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from aoi.twin.core import Twin
from aoi.twin.surface.kubectl.writes.jsonpatch import JsonPatchError, apply_json_patch
from aoi.twin.surface.kubectl.writes.merge import PatchError, json_merge, strategic_merge, three_way

NS = "test-social-network"
HOTEL = "test-hotel-reservation"

SERVICE: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "user-service", "namespace": NS},
    "spec": {
        "ports": [{"name": "9090", "port": 9090, "protocol": "TCP", "targetPort": 9090}],
        "selector": {"service": "user-service"},
        "type": "ClusterIP",
    },
}

DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "geo", "namespace": HOTEL, "finalizers": ["a", "b"]},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "geo"}},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}},
        "template": {
            "metadata": {"labels": {"app": "geo"}},
            "spec": {
                "nodeSelector": {"kubernetes.io/hostname": "extra-node"},
                "tolerations": [{"key": "a", "operator": "Exists"}],
                "containers": [
                    {
                        "name": "hotel-reserv-geo",
                        "image": "yinfangchen/hotelreservation:latest",
                        "command": ["geo"],
                        "env": [
                            {"name": "JAEGER_SAMPLE_RATIO", "value": "1"},
                            {"name": "E2", "value": "2"},
                        ],
                        "ports": [{"containerPort": 8083}, {"containerPort": 9090}],
                        "volumeMounts": [{"name": "v", "mountPath": "/m"}],
                    },
                    {"name": "sidecar", "image": "busybox", "command": ["sleep", "1d"]},
                ],
                "volumes": [{"name": "v", "emptyDir": {}}],
            },
        },
    },
}

# (object, patch type, patch): realistic repairs and the directive corner cases.
CASES: list[tuple[dict[str, Any], str, Any]] = [
    (SERVICE, "strategic", {"spec": {"ports": [{"port": 9090, "targetPort": 9999}]}}),
    (SERVICE, "strategic", {"spec": {"ports": [{"port": 8080, "targetPort": 8080, "name": "x"}]}}),
    (SERVICE, "merge", {"spec": {"ports": [{"port": 9090, "targetPort": 9999}]}}),
    (DEPLOYMENT, "strategic", {"spec": {"template": {"spec": {"nodeSelector": None}}}}),
    (
        DEPLOYMENT,
        "strategic",
        {
            "spec": {
                "template": {
                    "spec": {"containers": [{"name": "hotel-reserv-geo", "command": ["geo", "-v"]}]}
                }
            }
        },
    ),
    (
        DEPLOYMENT,
        "strategic",
        {
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {"name": "hotel-reserv-geo", "env": [{"name": "NEW", "value": "x"}]}
                        ]
                    }
                }
            }
        },
    ),
    (
        DEPLOYMENT,
        "strategic",
        {
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {"name": "hotel-reserv-geo", "image": "yinfangchen/geo:app3"}
                        ]
                    }
                }
            }
        },
    ),
    (
        DEPLOYMENT,
        "strategic",
        {
            "metadata": {"finalizers": ["c", "a"]},
            "spec": {
                "template": {
                    "spec": {
                        "tolerations": [{"key": "b"}],
                        "containers": [
                            {"name": "extra", "image": "i3"},
                            {
                                "name": "hotel-reserv-geo",
                                "env": [
                                    {"name": "E3", "value": "3"},
                                    {"name": "E2", "$patch": "delete"},
                                ],
                                "ports": [{"containerPort": 9090, "$patch": "delete"}],
                            },
                        ],
                    }
                }
            },
        },
    ),
    (
        DEPLOYMENT,
        "strategic",
        {
            "metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]},
            "spec": {
                "strategy": {"$retainKeys": ["type"], "type": "Recreate"},
                "template": {
                    "spec": {
                        "$setElementOrder/containers": [
                            {"name": "sidecar"},
                            {"name": "hotel-reserv-geo"},
                        ],
                        "containers": [{"name": "hotel-reserv-geo", "image": "n"}],
                        "nodeSelector": {"$patch": "replace", "disk": "ssd"},
                        "volumes": [{"$patch": "replace"}, {"name": "w", "emptyDir": {}}],
                    }
                },
            },
        },
    ),
    (
        DEPLOYMENT,
        "merge",
        {"spec": {"template": {"spec": {"nodeSelector": None, "containers": [{"name": "only"}]}}}},
    ),
    (
        DEPLOYMENT,
        "json",
        [
            {"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "img:2"},
            {"op": "remove", "path": "/spec/template/spec/nodeSelector"},
            {
                "op": "add",
                "path": "/spec/template/spec/containers/0/env/-",
                "value": {"name": "A", "value": "1"},
            },
            {"op": "test", "path": "/spec/replicas", "value": 1},
            {"op": "move", "from": "/metadata/finalizers", "path": "/metadata/moved"},
            {"op": "copy", "from": "/spec/selector", "path": "/spec/copied"},
        ],
    ),
]


def ours(obj: dict[str, Any], kind: str, patch: Any) -> Any:
    if kind == "json":
        return apply_json_patch(obj, patch)
    if kind == "merge":
        return json_merge(obj, patch)
    return strategic_merge(obj, patch, obj["kind"])


def real_kubectl(obj: dict[str, Any], kind: str, patch: Any, tmp_path: Path) -> Any:
    path = tmp_path / "obj.json"
    path.write_text(json.dumps(obj))
    out = subprocess.run(
        [
            "kubectl",
            "patch",
            "--local",
            "-f",
            str(path),
            "--type",
            kind,
            "-p",
            json.dumps(patch),
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(out.stdout)


@pytest.mark.parametrize(("obj", "kind", "patch"), CASES)
def test_patch_semantics_match_real_kubectl(
    obj: dict, kind: str, patch: Any, tmp_path: Path
) -> None:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not installed")
    before = copy.deepcopy(obj)
    assert ours(obj, kind, patch) == real_kubectl(obj, kind, patch, tmp_path)
    assert obj == before  # inputs are never changed


def test_strategic_merge_by_key_and_null() -> None:
    patched = strategic_merge(
        SERVICE, {"spec": {"ports": [{"port": 9090, "targetPort": 9999}]}}, "Service"
    )
    assert patched["spec"]["ports"] == [
        {"name": "9090", "port": 9090, "protocol": "TCP", "targetPort": 9999}
    ]
    removed = strategic_merge(
        DEPLOYMENT, {"spec": {"template": {"spec": {"nodeSelector": None}}}}, "Deployment"
    )
    assert "nodeSelector" not in removed["spec"]["template"]["spec"]
    # tolerations have no merge key: a patch replaces them
    tolerated = strategic_merge(
        DEPLOYMENT, {"spec": {"template": {"spec": {"tolerations": [{"key": "b"}]}}}}, "Deployment"
    )
    assert tolerated["spec"]["template"]["spec"]["tolerations"] == [{"key": "b"}]


def test_strategic_merge_requires_the_merge_key() -> None:
    with pytest.raises(PatchError, match="does not contain declared merge key: name"):
        strategic_merge(
            DEPLOYMENT,
            {"spec": {"template": {"spec": {"containers": [{"image": "z"}]}}}},
            "Deployment",
        )


def test_json_patch_errors_are_json_patch_messages() -> None:
    with pytest.raises(JsonPatchError, match="Unable to remove nonexistent key: foo"):
        apply_json_patch(SERVICE, [{"op": "remove", "path": "/spec/foo"}])
    with pytest.raises(JsonPatchError, match="testing value /spec/type failed"):
        apply_json_patch(SERVICE, [{"op": "test", "path": "/spec/type", "value": "x"}])
    with pytest.raises(JsonPatchError, match="Unexpected kind: foo"):
        apply_json_patch(SERVICE, [{"op": "foo", "path": "/spec"}])


def test_three_way_apply_keeps_server_fields_and_drops_removed_ones() -> None:
    last = {
        "spec": {
            "template": {
                "spec": {"nodeSelector": {"a": "b"}, "containers": [{"name": "c", "image": "1"}]}
            }
        }
    }
    live = {
        "spec": {
            "replicas": 3,
            "template": {
                "spec": {
                    "nodeSelector": {"a": "b"},
                    "containers": [{"name": "c", "image": "1", "imagePullPolicy": "Always"}],
                }
            },
        }
    }
    new = {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "2"}]}}}}
    merged = three_way(last, new, live, "Deployment")
    assert merged["spec"]["replicas"] == 3  # never in the manifest: the server's
    assert "nodeSelector" not in merged["spec"]["template"]["spec"]  # dropped from the manifest
    assert merged["spec"]["template"]["spec"]["containers"] == [
        {"name": "c", "image": "2", "imagePullPolicy": "Always"}
    ]


# --- the verb on a twin ------------------------------------------------------------------------
@pytest.fixture(name="social")
def social_fixture() -> Twin:
    return Twin("social-network", seed=1)


def endpoint_ports(twin: Twin) -> str:
    return twin.run(
        f"kubectl get ep user-service -n {NS} -o jsonpath='{{.subsets[0].ports[0].port}}'"
    ).stdout


def test_target_port_fault_and_repair(social: Twin) -> None:
    bad = social.run(
        f"""kubectl patch svc user-service -n {NS} -p '{{"spec":{{"ports":[{{"port":9090,"targetPort":9999}}]}}}}'"""
    )
    assert bad.stdout == "service/user-service patched\n"
    assert endpoint_ports(social) == "9999"
    fixed = social.run(
        f"""kubectl patch svc user-service -n {NS} -p '{{"spec":{{"ports":[{{"port":9090,"targetPort":9090}}]}}}}'"""
    )
    assert fixed.stdout == "service/user-service patched\n"
    assert endpoint_ports(social) == "9090"
    again = social.run(
        f"""kubectl patch svc user-service -n {NS} --type merge -p '{{"spec":{{"selector":{{"service":"user-service"}}}}}}'"""
    )
    assert again.stdout == "service/user-service patched (no change)\n"


def test_patch_json_type_on_the_twin(social: Twin) -> None:
    result = social.run(
        f"""kubectl patch svc user-service -n {NS} --type json -p '[{{"op":"replace","path":"/spec/ports/0/targetPort","value":9999}}]'"""
    )
    assert result.exit_code == 0
    assert endpoint_ports(social) == "9999"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (
            "kubectl patch svc user-service -n NS",
            "error: must specify --patch or --patch-file containing the contents of the patch\n",
        ),
        (
            "kubectl patch svc nope -n NS -p '{}'",
            'Error from server (NotFound): services "nope" not found\n',
        ),
        (
            "kubectl patch deploy nope -n NS -p '{}'",
            'Error from server (NotFound): deployments.apps "nope" not found\n',
        ),
        (
            """kubectl patch svc user-service -n NS -p '{"spec":{"ports":[{"port":9090,"targetPort":99999}]}}'""",
            'The Service "user-service" is invalid: spec.ports[0].targetPort: Invalid value: 99999: must be between 1 and 65535, inclusive\n',
        ),
        (
            """kubectl patch svc user-service -n NS -p '{"spec":{"ports":[{"port":9090,"targetPort":"bad name"}]}}'""",
            'The Service "user-service" is invalid: spec.ports[0].targetPort: Invalid value: "bad name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)\n',
        ),
        (
            "kubectl patch svc user-service -n NS -p '{bad'",
            "Error from server (BadRequest): invalid character 'b' looking for beginning of object key string\n",
        ),
        (
            "kubectl patch svc user-service -n NS -p 'spec: [bad'",
            'error: unable to parse "spec: [bad": yaml: line 1: ',
        ),
        (
            """kubectl patch svc user-service -n NS --type json -p '[{"op":"remove","path":"/spec/foo"}]'""",
            "The request is invalid: the server rejected our request due to an error in our request\n",
        ),
        (
            """kubectl patch svc user-service -n NS --type json -p '{"op":"remove"}'""",
            "Error from server (BadRequest): json: cannot unmarshal object into Go value of type jsonpatch.Patch\n",
        ),
        (
            "kubectl patch svc user-service -n NS --type foo -p '{}'",
            'error: --type must be one of [json merge strategic], not "foo"\n',
        ),
        (
            """kubectl patch deploy user-service -n NS -p '{"spec":{"replicas":"2"}}'""",
            'Error from server (BadRequest): Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32\n',
        ),
        (
            """kubectl patch deploy user-service -n NS -p '{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}'""",
            "Error from server: map: map[image:x] does not contain declared merge key: name\n",
        ),
    ],
)
def test_patch_errors(social: Twin, command: str, message: str) -> None:
    result = social.run(command.replace("NS", NS))
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert result.stdout == ""


def test_patch_output_and_dry_run(social: Twin) -> None:
    patch = """'{"spec":{"replicas":2}}'"""
    dry = social.run(f"kubectl patch deploy user-service -n {NS} -p {patch} --dry-run=server")
    assert dry.stdout == "deployment.apps/user-service patched (server dry run)\n"
    assert (
        social.run(
            f"kubectl get deploy user-service -n {NS} -o jsonpath='{{.spec.replicas}}'"
        ).stdout
        == "1"
    )
    shown = social.run(f"kubectl patch deploy user-service -n {NS} -p {patch} -o json")
    doc = json.loads(shown.stdout)
    assert doc["spec"]["replicas"] == 2
    assert doc["metadata"]["generation"] == 2
    named = social.run(f"kubectl patch deploy user-service -n {NS} -p {patch} -o name")
    assert named.stdout == "deployment.apps/user-service\n"


def test_patch_local_prints_without_touching_the_cluster(social: Twin, tmp_path: Path) -> None:
    path = tmp_path / "svc.json"
    path.write_text(json.dumps(SERVICE))
    result = social.run(
        f"""kubectl patch --local -f {path} -p '{{"spec":{{"type":"NodePort"}}}}' -o json"""
    )
    assert json.loads(result.stdout)["spec"]["type"] == "NodePort"
    assert (
        social.run(f"kubectl get svc user-service -n {NS} -o jsonpath='{{.spec.type}}'").stdout
        == "ClusterIP"
    )


def normalised(value: Any) -> Any:
    """The client writes datetimes in isoformat; bring them back to Kubernetes' form."""
    if isinstance(value, dict):
        return {k: normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    if isinstance(value, str) and value.endswith("+00:00") and "T" in value:
        return datetime.fromisoformat(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def test_patched_objects_deserialize(social: Twin, round_trip: Any) -> None:
    social.run(
        f"""kubectl patch deploy user-service -n {NS} -p '{{"spec":{{"template":{{"spec":{{"containers":[{{"name":"user-service","env":[{{"name":"A","value":"1"}}]}}]}}}}}}}}'"""
    )
    doc = json.loads(social.run(f"kubectl get deploy user-service -n {NS} -o json").stdout)
    assert normalised(round_trip(doc, "V1Deployment")) == doc
    svc = json.loads(social.run(f"kubectl get svc user-service -n {NS} -o json").stdout)
    assert normalised(round_trip(svc, "V1Service")) == svc
