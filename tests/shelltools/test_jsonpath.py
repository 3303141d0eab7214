"""kubectl JSONPath and custom-columns: outputs recorded from kubectl 1.32, checked live when present."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from aoi.shelltools import custom_columns, jsonpath, render_custom_columns, render_jsonpath

# (template, stdout, stderr or its first part for execution errors, exit code), as kubectl prints them
# for the `holder` object below (a Pod carrying a pod list under `pods`, numbers under `nums`).
CASES = [
    (
        "{.pods[*].metadata.name}",
        "frontend-7d9c8b6f5-abcde cart-5f6d7c8b9-xyz12 redis-cart-6b9c5d-qwert",
        "",
        0,
    ),
    ("{.pods[0].spec.containers[*].image}", "nginx:1.25", "", 0),
    (
        '{range .pods[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}',
        "frontend-7d9c8b6f5-abcde\tRunning\ncart-5f6d7c8b9-xyz12\tPending\nredis-cart-6b9c5d-qwert\tRunning\n",
        "",
        0,
    ),
    ('{.pods[?(@.status.phase!="Running")].metadata.name}', "cart-5f6d7c8b9-xyz12", "", 0),
    ('{.pods[0].status.conditions[?(@.type=="Ready")].status}', "True", "", 0),
    (
        "{.pods[?(@.metadata.name=='cart-5f6d7c8b9-xyz12')].spec.containers[0].image}",
        "cart:v2",
        "",
        0,
    ),
    ("{..image}", "nginx:1.25 cart:v2 redis:alpine", "", 0),
    ("{.pods[0:2].metadata.name}", "frontend-7d9c8b6f5-abcde cart-5f6d7c8b9-xyz12", "", 0),
    ("{.pods[-1:].metadata.name}", "redis-cart-6b9c5d-qwert", "", 0),
    ("{.pods[-1].metadata.name}", "redis-cart-6b9c5d-qwert", "", 0),
    ("{.pods[0].metadata.labels['app.kubernetes.io/name']}", "", "", 0),
    ("{.pods[0].metadata.labels.app\\.kubernetes\\.io/name}", "frontend", "", 0),
    ("name: {.metadata.name}!", "name: holder!", "", 0),
    ("{.metadata.labels}", '{"x":"y"}', "", 0),
    ("{.pods[0].spec.containers}", '[{"image":"nginx:1.25","name":"main"}]', "", 0),
    ("{.pods[*].status.containerStatuses[*].restartCount}", "0 7 0", "", 0),
    (
        "{.nums.i} {.nums.f} {.nums.big} {.nums.tiny} {.nums.t} {.nums.n} {.nums.s}",
        "7 1.5 1e+06 1e-07 true null a<b>&c",
        "",
        0,
    ),
    (
        "{.nums}",
        '{"big":1000000,"f":1.5,"i":7,"n":null,"s":"a\\u003cb\\u003e\\u0026c","t":true,"tiny":1e-7}',
        "",
        0,
    ),
    ("{.missing}", "", "", 0),
    ("{.missing.deeper[0]}", "", "", 0),
    ("{.pods[0,2].metadata.name}", "frontend-7d9c8b6f5-abcde redis-cart-6b9c5d-qwert", "", 0),
    (
        "{range .pods[*]}[{.metadata.name}]{end}",
        "[frontend-7d9c8b6f5-abcde][cart-5f6d7c8b9-xyz12][redis-cart-6b9c5d-qwert]",
        "",
        0,
    ),
    (
        "{range .pods[*]}{range .spec.containers[*]}{.image},{end}{end}",
        "nginx:1.25,cart:v2,redis:alpine,",
        "",
        0,
    ),
    ("{.pods[*].metadata.labels.app}", "frontend cart redis", "", 0),
    ("{@.kind}", "Pod", "", 0),
    ("{$.kind}", "Pod", "", 0),
    (
        "{.pods[?(@.status.containerStatuses[0].restartCount>0)].metadata.name}",
        "cart-5f6d7c8b9-xyz12",
        "",
        0,
    ),
    ("{.pods[?(@.nope)].metadata.name}", "", "", 0),
    (
        "{.pods[?(@.spec)].metadata.name}",
        "frontend-7d9c8b6f5-abcde cart-5f6d7c8b9-xyz12 redis-cart-6b9c5d-qwert",
        "",
        0,
    ),
    ("{.metadata.name", "", "error: error parsing jsonpath {.metadata.name, unclosed action\n", 1),
    ("{.pods[}", "", "error: error parsing jsonpath {.pods[}, unterminated array\n", 1),
    (
        "{.pods[abc]}",
        "",
        "error: error parsing jsonpath {.pods[abc]}, invalid array index abc\n",
        1,
    ),
    (
        "{.pods[9]}",
        "",
        'error: error executing jsonpath "{.pods[9]}": Error executing template: array index out of bounds: index 9, length 3. Printing',
        1,
    ),
    (
        "{.pods[2:1]}",
        "",
        'error: error executing jsonpath "{.pods[2:1]}": Error executing template: starting index 2 is greater than ending index 1. Printing',
        1,
    ),
    (
        "{.kind[0]}",
        "",
        'error: error executing jsonpath "{.kind[0]}": Error executing template: string is not array or slice. Printing',
        1,
    ),
    (
        "{.kind[?(@.x)]}",
        "",
        'error: error executing jsonpath "{.kind[?(@.x)]}": Error executing template: Pod is not array or slice and cannot be filtered. Printing',
        1,
    ),
    (
        "{end}",
        "",
        'error: error executing jsonpath "{end}": Error executing template: not in range, nothing to end. Printing',
        1,
    ),
    (
        "{foo}",
        "",
        'error: error executing jsonpath "{foo}": Error executing template: unrecognized identifier foo. Printing',
        1,
    ),
    ('{.pods[0].metadata.name} {"}"}', "frontend-7d9c8b6f5-abcde }", "", 0),
    (
        "{.pods[?(@.status.phase=='Running')].metadata.name}",
        "frontend-7d9c8b6f5-abcde redis-cart-6b9c5d-qwert",
        "",
        0,
    ),
    (
        '{.pods[*]["metadata"]}',
        "",
        'error: error parsing jsonpath {.pods[*]["metadata"]}, invalid array index "metadata"\n',
        1,
    ),
    (
        "{.pods[*].metadata.name} {.kind}",
        "frontend-7d9c8b6f5-abcde cart-5f6d7c8b9-xyz12 redis-cart-6b9c5d-qwert Pod",
        "",
        0,
    ),
    (
        "{range .pods[*]}{.metadata.name}",
        "frontend-7d9c8b6f5-abcdecart-5f6d7c8b9-xyz12redis-cart-6b9c5d-qwertholder",
        "",
        0,
    ),
    ("{.pods[::2].metadata.name}", "frontend-7d9c8b6f5-abcde redis-cart-6b9c5d-qwert", "", 0),
    ("{.pods[0].metadata.labels.*}", "frontend frontend", "", 0),
    (
        "{.pods[?(@.status.containerStatuses[0].restartCount==7)].metadata.name}",
        "cart-5f6d7c8b9-xyz12",
        "",
        0,
    ),
    (
        '{.pods[?(@.metadata.name=~"^re")].metadata.name}',
        "",
        "error: error parsing jsonpath {.pods[?(@.metadata.name=~\"^re\")].metadata.name}, unrecognized character in action: U+007E '~'\n",
        1,
    ),
]


@pytest.fixture
def holder(pod_list: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "holder", "labels": {"x": "y"}},
        "pods": pod_list["items"],
        "nums": {
            "i": 7,
            "f": 1.5,
            "big": 1000000.0,
            "tiny": 1e-7,
            "t": True,
            "n": None,
            "s": "a<b>&c",
        },
    }


@pytest.mark.parametrize(("template", "stdout", "stderr", "code"), CASES, ids=[c[0] for c in CASES])
def test_matches_kubectl(
    template: str, stdout: str, stderr: str, code: int, holder: dict[str, Any]
) -> None:
    result = render_jsonpath(template, holder)
    assert (result.stdout, result.exit_code) == (stdout, code)
    assert result.stderr.startswith(stderr)
    if stderr.startswith("error: error executing"):
        assert f"\ttemplate was:\n\t\t{template}\n" in result.stderr
        assert result.stderr.endswith("}\n\n\n")


def test_execution_error_dumps_the_object_like_go() -> None:
    result = render_jsonpath("{.a[5]}", {"a": [1, 2.5, None], "b": {"z": "q"}})
    assert result.stderr == (
        'error: error executing jsonpath "{.a[5]}": Error executing template: array index out of'
        " bounds: index 5, length 3. Printing more information for debugging the template:\n"
        "\ttemplate was:\n\t\t{.a[5]}\n"
        "\tobject given to jsonpath engine was:\n"
        '\t\tmap[string]interface {}{"a":[]interface {}{1, 2.5, interface {}(nil)},'
        ' "b":map[string]interface {}{"z":"q"}}\n\n\n'
    )


def test_jsonpath_returns_text_and_never_raises(holder: dict[str, Any]) -> None:
    assert jsonpath("{.pods[*].status.phase}", holder) == "Running Pending Running"
    assert jsonpath("{.metadata.name", holder) == (
        "error: error parsing jsonpath {.metadata.name, unclosed action\n"
    )


def test_missing_keys_can_be_errors(holder: dict[str, Any]) -> None:
    result = render_jsonpath("{.nope}", holder, allow_missing_keys=False)
    assert result.exit_code == 1
    assert "Error executing template: nope is not found." in result.stderr


LIVE = [c[0] for c in CASES[:12]] + ["{.nums}", "{.pods[9]}", "{.metadata.name"]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
@pytest.mark.parametrize("template", LIVE)
def test_live_kubectl_agrees(template: str, holder: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "holder.json"
    path.write_text(json.dumps(holder))
    # `label --local` prints an object offline; the label it sets is already there.
    argv = [
        "kubectl",
        "label",
        "--local",
        "-f",
        str(path),
        "x=y",
        "--overwrite",
        "-o",
        f"jsonpath={template}",
    ]
    real = subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False)
    ours = render_jsonpath(template, holder)
    assert (ours.stdout, ours.stderr, ours.exit_code) == (real.stdout, real.stderr, real.returncode)


SPEC = (
    "NAME:.metadata.name,STATUS:.status.phase,IMAGE:.spec.containers[*].image,NODE:.spec.nodeName"
)


def test_custom_columns_table(pod_list: dict[str, Any]) -> None:
    assert custom_columns(SPEC, pod_list["items"]) == (
        "NAME                       STATUS    IMAGE          NODE\n"
        "frontend-7d9c8b6f5-abcde   Running   nginx:1.25     <none>\n"
        "cart-5f6d7c8b9-xyz12       Pending   cart:v2        <none>\n"
        "redis-cart-6b9c5d-qwert    Running   redis:alpine   <none>\n"
    )


def test_custom_columns_relaxed_paths_maps_and_no_headers(pod_list: dict[str, Any]) -> None:
    spec = "NAME:metadata.name,APP:{.metadata.labels.app},RESTARTS:.status.containerStatuses[*].restartCount"
    assert custom_columns(spec, pod_list["items"], no_headers=True) == (
        "frontend-7d9c8b6f5-abcde   frontend   0\n"
        "cart-5f6d7c8b9-xyz12       cart       7\n"
        "redis-cart-6b9c5d-qwert    redis      0\n"
    )
    labels = custom_columns("L:.metadata.labels", pod_list["items"][:1], no_headers=True)
    assert labels == "map[app:frontend app.kubernetes.io/name:frontend]\n"


def test_custom_columns_nulls_and_minimum_width() -> None:
    assert custom_columns("A:.x,B:.y", [{"x": "a", "y": 1}, {"x": None}, {}]) == (
        "A        B\na        1\n<nil>    <none>\n<none>   <none>\n"
    )


@pytest.mark.parametrize(
    ("spec", "items", "stdout", "stderr"),
    [
        (
            "NAME",
            [{}],
            "",
            "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>\n",
        ),
        ("", [{}], "", "error: custom-columns format specified but no custom columns given\n"),
        ("N:.a[", [{}], "N\n", "error: unterminated array\n"),
        ("N:.a[3]", [{"a": [1]}], "N\n", "error: array index out of bounds: index 3, length 1\n"),
        (
            "N:{{.a}",
            [{}],
            "",
            "error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or"
            " '{name1.name2}' or '{.name1.name2}'\n",
        ),
    ],
)
def test_custom_columns_errors(spec: str, items: list[Any], stdout: str, stderr: str) -> None:
    result = render_custom_columns(spec, items)
    assert (result.stdout, result.stderr, result.exit_code) == (stdout, stderr, 1)
