"""jq subset: outputs checked against the real jq binary, errors in jq 1.7 wording."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aoi.shelltools import JqError, compile_jq, jq, run_filter

# (jq arguments, stdout, exit code) for `kubectl get pods -o json | jq ARGS`, as jq prints them.
CASES = [
    (
        ["."],
        '{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n    {\n      "apiVersion": "v1",\n      "kind": "Pod",\n      "metadata": {\n        "name": "frontend-7d9c8b6f5-abcde",\n        "namespace": "default",\n        "labels": {\n          "app": "frontend",\n          "app.kubernetes.io/name": "frontend"\n        }\n      },\n      "spec": {\n        "containers": [\n          {\n            "name": "main",\n            "image": "nginx:1.25"\n          }\n        ]\n      },\n      "status": {\n        "phase": "Running",\n        "conditions": [\n          {\n            "type": "Ready",\n            "status": "True"\n          }\n        ],\n        "containerStatuses": [\n          {\n            "name": "main",\n            "restartCount": 0\n          }\n        ]\n      }\n    },\n    {\n      "apiVersion": "v1",\n      "kind": "Pod",\n      "metadata": {\n        "name": "cart-5f6d7c8b9-xyz12",\n        "namespace": "default",\n        "labels": {\n          "app": "cart",\n          "app.kubernetes.io/name": "cart"\n        }\n      },\n      "spec": {\n        "containers": [\n          {\n            "name": "main",\n            "image": "cart:v2"\n          }\n        ]\n      },\n      "status": {\n        "phase": "Pending",\n        "conditions": [\n          {\n            "type": "Ready",\n            "status": "False"\n          }\n        ],\n        "containerStatuses": [\n          {\n            "name": "main",\n            "restartCount": 7\n          }\n        ]\n      }\n    },\n    {\n      "apiVersion": "v1",\n      "kind": "Pod",\n      "metadata": {\n        "name": "redis-cart-6b9c5d-qwert",\n        "namespace": "default",\n        "labels": {\n          "app": "redis",\n          "app.kubernetes.io/name": "redis"\n        }\n      },\n      "spec": {\n        "containers": [\n          {\n            "name": "main",\n            "image": "redis:alpine"\n          }\n        ]\n      },\n      "status": {\n        "phase": "Running",\n        "conditions": [\n          {\n            "type": "Ready",\n            "status": "True"\n          }\n        ],\n        "containerStatuses": [\n          {\n            "name": "main",\n            "restartCount": 0\n          }\n        ]\n      }\n    }\n  ],\n  "metadata": {\n    "resourceVersion": ""\n  }\n}\n',
        0,
    ),
    (
        ["-c", "."],
        '{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"frontend-7d9c8b6f5-abcde","namespace":"default","labels":{"app":"frontend","app.kubernetes.io/name":"frontend"}},"spec":{"containers":[{"name":"main","image":"nginx:1.25"}]},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"containerStatuses":[{"name":"main","restartCount":0}]}},{"apiVersion":"v1","kind":"Pod","metadata":{"name":"cart-5f6d7c8b9-xyz12","namespace":"default","labels":{"app":"cart","app.kubernetes.io/name":"cart"}},"spec":{"containers":[{"name":"main","image":"cart:v2"}]},"status":{"phase":"Pending","conditions":[{"type":"Ready","status":"False"}],"containerStatuses":[{"name":"main","restartCount":7}]}},{"apiVersion":"v1","kind":"Pod","metadata":{"name":"redis-cart-6b9c5d-qwert","namespace":"default","labels":{"app":"redis","app.kubernetes.io/name":"redis"}},"spec":{"containers":[{"name":"main","image":"redis:alpine"}]},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"containerStatuses":[{"name":"main","restartCount":0}]}}],"metadata":{"resourceVersion":""}}\n',
        0,
    ),
    ([".items[0].metadata.name"], '"frontend-7d9c8b6f5-abcde"\n', 0),
    (
        ["-r", ".items[].metadata.name"],
        "frontend-7d9c8b6f5-abcde\ncart-5f6d7c8b9-xyz12\nredis-cart-6b9c5d-qwert\n",
        0,
    ),
    (
        ['.items[0].metadata["labels"]'],
        '{\n  "app": "frontend",\n  "app.kubernetes.io/name": "frontend"\n}\n',
        0,
    ),
    ([".items[1].spec.containers[0].image"], '"cart:v2"\n', 0),
    ([".items | length"], "3\n", 0),
    (["-c", ".items[0] | keys"], '["apiVersion","kind","metadata","spec","status"]\n', 0),
    (["-c", "[.items[] | .status.phase]"], '["Running","Pending","Running"]\n', 0),
    (
        ["-r", '.items[] | select(.status.phase == "Running") | .metadata.name'],
        "frontend-7d9c8b6f5-abcde\nredis-cart-6b9c5d-qwert\n",
        0,
    ),
    (
        ["-r", '.items[] | select(.status.phase != "Running") | .metadata.name'],
        "cart-5f6d7c8b9-xyz12\n",
        0,
    ),
    (
        ["-c", ".items[] | {name: .metadata.name, phase: .status.phase}"],
        '{"name":"frontend-7d9c8b6f5-abcde","phase":"Running"}\n{"name":"cart-5f6d7c8b9-xyz12","phase":"Pending"}\n{"name":"redis-cart-6b9c5d-qwert","phase":"Running"}\n',
        0,
    ),
    (
        ["-r", '.items[] | "\\(.metadata.name) \\(.status.phase)"'],
        "frontend-7d9c8b6f5-abcde Running\ncart-5f6d7c8b9-xyz12 Pending\nredis-cart-6b9c5d-qwert Running\n",
        0,
    ),
    (
        ["-c", "map(.)"],
        '["v1","List",[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"frontend-7d9c8b6f5-abcde","namespace":"default","labels":{"app":"frontend","app.kubernetes.io/name":"frontend"}},"spec":{"containers":[{"name":"main","image":"nginx:1.25"}]},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"containerStatuses":[{"name":"main","restartCount":0}]}},{"apiVersion":"v1","kind":"Pod","metadata":{"name":"cart-5f6d7c8b9-xyz12","namespace":"default","labels":{"app":"cart","app.kubernetes.io/name":"cart"}},"spec":{"containers":[{"name":"main","image":"cart:v2"}]},"status":{"phase":"Pending","conditions":[{"type":"Ready","status":"False"}],"containerStatuses":[{"name":"main","restartCount":7}]}},{"apiVersion":"v1","kind":"Pod","metadata":{"name":"redis-cart-6b9c5d-qwert","namespace":"default","labels":{"app":"redis","app.kubernetes.io/name":"redis"}},"spec":{"containers":[{"name":"main","image":"redis:alpine"}]},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"containerStatuses":[{"name":"main","restartCount":0}]}}],{"resourceVersion":""}]\n',
        0,
    ),
    (
        ["-c", ".items | map(.metadata.name)"],
        '["frontend-7d9c8b6f5-abcde","cart-5f6d7c8b9-xyz12","redis-cart-6b9c5d-qwert"]\n',
        0,
    ),
    (["-c", '.items | map(select(.metadata.labels.app == "cart"))  | length'], "1\n", 0),
    (
        ["-r", ".items[] | [.metadata.name, .spec.containers[0].image] | @tsv"],
        "frontend-7d9c8b6f5-abcde\tnginx:1.25\ncart-5f6d7c8b9-xyz12\tcart:v2\nredis-cart-6b9c5d-qwert\tredis:alpine\n",
        0,
    ),
    (
        ["-r", ".items[] | [.metadata.name, .status.phase] | @csv"],
        '"frontend-7d9c8b6f5-abcde","Running"\n"cart-5f6d7c8b9-xyz12","Pending"\n"redis-cart-6b9c5d-qwert","Running"\n',
        0,
    ),
    (['.metadata.missing // "default"'], '"default"\n', 0),
    (
        ["-c", ".items[0].metadata.labels | to_entries"],
        '[{"key":"app","value":"frontend"},{"key":"app.kubernetes.io/name","value":"frontend"}]\n',
        0,
    ),
    (
        ["-c", ".items | sort_by(.metadata.name) | map(.metadata.name)"],
        '["cart-5f6d7c8b9-xyz12","frontend-7d9c8b6f5-abcde","redis-cart-6b9c5d-qwert"]\n',
        0,
    ),
    (
        ["-c", ".items | group_by(.status.phase) | map({phase: .[0].status.phase, count: length})"],
        '[{"phase":"Pending","count":1},{"phase":"Running","count":2}]\n',
        0,
    ),
    (["-c", "[.items[].status.phase] | unique"], '["Pending","Running"]\n', 0),
    (["-c", "[.items[].status.containerStatuses[0].restartCount] | add"], "7\n", 0),
    (
        ["-r", '.items[] | select(.metadata.name | test("^cart")) | .metadata.name'],
        "cart-5f6d7c8b9-xyz12\n",
        0,
    ),
    (
        ["-r", '.items[] | select(.metadata.name | startswith("redis")) | .metadata.name'],
        "redis-cart-6b9c5d-qwert\n",
        0,
    ),
    (
        [
            "-c",
            '.items[] | select(.spec.containers[0].image | contains("alpine")) | .metadata.name',
        ],
        '"redis-cart-6b9c5d-qwert"\n',
        0,
    ),
    (["-c", '.items[0] | has("spec"), has("nope")'], "true\nfalse\n", 0),
    (
        [
            "-c",
            '.items[] | select(.status.conditions[] | .type == "Ready" and .status == "False") | .metadata.name',
        ],
        '"cart-5f6d7c8b9-xyz12"\n',
        0,
    ),
    (
        [
            "-c",
            '.items[] | select(.status.phase == "Pending" or .status.phase == "Failed") | .metadata.name',
        ],
        '"cart-5f6d7c8b9-xyz12"\n',
        0,
    ),
    (["-c", "[.items[] | .status.phase | not]"], "[false,false,false]\n", 0),
    (
        ["-c", ".items[0].status.conditions[0] | to_entries | from_entries"],
        '{"type":"Ready","status":"True"}\n',
        0,
    ),
    (["-c", ".items[-1].metadata.name"], '"redis-cart-6b9c5d-qwert"\n', 0),
    (["-c", ".items[1:] | length"], "2\n", 0),
    (["-c", "[.items[] | .metadata.name | length] | max"], "24\n", 0),
    (
        ["-c", '[.items[].metadata.name] | join(", ")'],
        '"frontend-7d9c8b6f5-abcde, cart-5f6d7c8b9-xyz12, redis-cart-6b9c5d-qwert"\n',
        0,
    ),
    (["-c", '.items[0].metadata.name | split("-")'], '["frontend","7d9c8b6f5","abcde"]\n', 0),
    (
        ["-c", "[.items[].metadata.name | ascii_upcase]"],
        '["FRONTEND-7D9C8B6F5-ABCDE","CART-5F6D7C8B9-XYZ12","REDIS-CART-6B9C5D-QWERT"]\n',
        0,
    ),
    (["-c", ".items[0] | [paths] | length"], "23\n", 0),
    (["-c", '[.items[] | .metadata.name] | index("cart-5f6d7c8b9-xyz12")'], "1\n", 0),
    (["-c", "[limit(2; .items[])] | length"], "2\n", 0),
    (["-c", '[.items[] | if .status.phase == "Running" then 1 else 0 end] | add'], "2\n", 0),
    (["-c", "reduce .items[] as $p (0; . + 1)"], "3\n", 0),
    (
        ["-c", ".items[] as $p | $p.metadata.name"],
        '"frontend-7d9c8b6f5-abcde"\n"cart-5f6d7c8b9-xyz12"\n"redis-cart-6b9c5d-qwert"\n',
        0,
    ),
    (
        ["-c", '[.items[] | .metadata.labels | with_entries(select(.key == "app"))]'],
        '[{"app":"frontend"},{"app":"cart"},{"app":"redis"}]\n',
        0,
    ),
    (["-c", ".items[0] | del(.status, .spec) | keys"], '["apiVersion","kind","metadata"]\n', 0),
    (
        ["-c", ".items[0].metadata.name |= ascii_upcase | .items[0].metadata.name"],
        '"FRONTEND-7D9C8B6F5-ABCDE"\n',
        0,
    ),
    (
        ["-c", '[.items[].metadata.name] | map(ltrimstr("cart-"))'],
        '["frontend-7d9c8b6f5-abcde","5f6d7c8b9-xyz12","redis-cart-6b9c5d-qwert"]\n',
        0,
    ),
    (["-c", "[..|.image? // empty]"], '["nginx:1.25","cart:v2","redis:alpine"]\n', 0),
    (
        ["-c", '[.items[] | .metadata.labels["app.kubernetes.io/name"]]'],
        '["frontend","cart","redis"]\n',
        0,
    ),
    (
        ["-c", ".items | map(.metadata.name) | sort | reverse"],
        '["redis-cart-6b9c5d-qwert","frontend-7d9c8b6f5-abcde","cart-5f6d7c8b9-xyz12"]\n',
        0,
    ),
    (["-c", '{"a": 1} + {"b": 2} | keys'], '["a","b"]\n', 0),
    (["-c", "[1,2,3] | map(. * 2) | add / 2"], "6\n", 0),
    (["-c", '"x" * 0'], "null\n", 0),
    (
        ["-c", "[.items[] | .status.phase] | group_by(.) | map([.[0], length])"],
        '[["Pending",1],["Running",2]]\n',
        0,
    ),
    (["-c", "tojson | fromjson | .kind"], '"List"\n', 0),
    (
        ["-c", ".items[0].spec.containers[0] | tostring"],
        '"{\\"name\\":\\"main\\",\\"image\\":\\"nginx:1.25\\"}"\n',
        0,
    ),
    (["-c", '[.items[].metadata.name | sub("-.*"; "")]'], '["frontend","cart","redis"]\n', 0),
    (
        ["-c", '[.items[].metadata.name | gsub("[0-9]"; "#")]'],
        '["frontend-#d#c#b#f#-abcde","cart-#f#d#c#b#-xyz##","redis-cart-#b#c#d-qwert"]\n',
        0,
    ),
    (["-c", ".items[0].metadata | to_entries | map(.key)"], '["name","namespace","labels"]\n', 0),
    (["-c", 'try error("boom") catch .'], '"boom"\n', 0),
    (["-c", "[.items[] | .nope?]"], "[null,null,null]\n", 0),
    (["-c", '.items | any(.status.phase == "Pending")'], "true\n", 0),
    (["-c", '.items | all(.status.phase == "Running")'], "false\n", 0),
    (["-c", '[.items[] | .metadata.name | test("CART"; "i")]'], "[false,true,true]\n", 0),
    (["-c", ".items | min_by(.metadata.name) | .metadata.name"], '"cart-5f6d7c8b9-xyz12"\n', 0),
    (
        ["-c", '[.items[] | .spec.containers[0].image | capture("(?<repo>[a-z]+):(?<tag>.*)")]'],
        '[{"repo":"nginx","tag":"1.25"},{"repo":"cart","tag":"v2"},{"repo":"redis","tag":"alpine"}]\n',
        0,
    ),
    (
        ["-r", '.items[] | .metadata.name + "\t" + .status.phase'],
        "frontend-7d9c8b6f5-abcde\tRunning\ncart-5f6d7c8b9-xyz12\tPending\nredis-cart-6b9c5d-qwert\tRunning\n",
        0,
    ),
    (["-c", '[.items[] | select(.status.phase | IN("Running"))]|length'], "2\n", 0),
    (
        ["-j", ".items[].metadata.name"],
        "frontend-7d9c8b6f5-abcdecart-5f6d7c8b9-xyz12redis-cart-6b9c5d-qwert",
        0,
    ),
    (["-c", "-S", ".items[0].status.conditions[0]"], '{"status":"True","type":"Ready"}\n', 0),
    (
        [
            "--arg",
            "n",
            "cart-5f6d7c8b9-xyz12",
            "-c",
            ".items[] | select(.metadata.name == $n) | .status.phase",
        ],
        '"Pending"\n',
        0,
    ),
    (["-e", ".items[5]"], "null\n", 1),
    (["-n", "-c", "[1,2]"], "[1,2]\n", 0),
    (["-s", "-c", "length"], "1\n", 0),
    (
        ["--tab", ".items[0].status.conditions"],
        '[\n\t{\n\t\t"type": "Ready",\n\t\t"status": "True"\n\t}\n]\n',
        0,
    ),
    (
        ["--indent", "1", ".items[0].status.conditions"],
        '[\n {\n  "type": "Ready",\n  "status": "True"\n }\n]\n',
        0,
    ),
    (["-c", "(1,2) as $x | $x * 10"], "10\n20\n", 0),
    (["-c", '"\\(1,2)-\\("a","b")"'], '"1-a"\n"2-a"\n"1-b"\n"2-b"\n', 0),
    (["-c", "[.items[].metadata.name | .[0:4]]"], '["fron","cart","redi"]\n', 0),
    (["-c", "{(.kind): 1}"], '{"List":1}\n', 0),
    (["-c", "[range(3)], [range(1;4)]"], "[0,1,2]\n[1,2,3]\n", 0),
    (["-c", ".items[0].metadata.labels | keys_unsorted"], '["app","app.kubernetes.io/name"]\n', 0),
    (["-c", "[.items[] | .status.containerStatuses[0].restartCount] | sort | .[-1]"], "7\n", 0),
    (
        ["-c", ".items | map(.status.containerStatuses[0].restartCount) | (add / length)"],
        "2.3333333333333335\n",
        0,
    ),
    (["-c", '[1, null, "a", true] | map(type)'], '["number","null","string","boolean"]\n', 0),
    (["-c", ".kind | ascii_downcase"], '"list"\n', 0),
    (["-c", "[1,[2,[3]]] | flatten"], "[1,2,3]\n", 0),
    (["-c", "{a: 1} | .a += 1"], '{"a":2}\n', 0),
    (["-c", ".items | length > 2"], "true\n", 0),
    (["-c", '[.items[] | .metadata.name] | contains(["cart"])'], "true\n", 0),
    (["-c", '"abc" | .[1:]'], '"bc"\n', 0),
    (["-c", "[-1, 2] | map(-.)"], "[1,-2]\n", 0),
    (["-c", "10 % 3, 7 - 2, 1 == 1.0"], "1\n5\ntrue\n", 0),
    (["-c", "null | length"], "0\n", 0),
    (["-c", '[splits("a")]?'], "", 0),
]


@pytest.fixture
def pods_json(pod_list: dict[str, Any]) -> str:
    return json.dumps(pod_list, indent=4) + "\n"


@pytest.mark.parametrize(("args", "stdout", "code"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_matches_jq(args: list[str], stdout: str, code: int, pods_json: str) -> None:
    result = run_filter(["jq", *args], pods_json)
    assert (result.stdout, result.stderr, result.exit_code) == (stdout, "", code)


def test_pretty_print_is_json_dumps_indent_2_and_keeps_key_order() -> None:
    value = {"z": 1, "a": [1, {"é": None}], "m": {}, "e": []}
    result = run_filter(["jq", "."], json.dumps(value))
    assert result.stdout == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


ERRORS = [
    (
        [".items[0].metadata.name.x"],
        'jq: error (at <stdin>:{lines}): Cannot index string with "x"\n',
        5,
    ),
    (
        [".items[0] | keys | .[0] | keys"],
        'jq: error (at <stdin>:{lines}): string ("apiVersion") has no keys\n',
        5,
    ),
    ([".kind | .[]"], 'jq: error (at <stdin>:{lines}): Cannot iterate over string ("List")\n', 5),
    ([".items | .foo"], 'jq: error (at <stdin>:{lines}): Cannot index array with "foo"\n', 5),
    (
        [".kind + 1"],
        'jq: error (at <stdin>:{lines}): string ("List") and number (1) cannot be added\n',
        5,
    ),
    (["error({a: 1})"], 'jq: error (at <stdin>:{lines}) (not a string): {"a":1}\n', 5),
    (
        [".items |"],
        "jq: error: syntax error, unexpected end of file (Unix shell quoting issues?) at <top-level>, line 1:\n"
        ".items |\njq: 1 compile error\n",
        3,
    ),
    (
        [".a)"],
        "jq: error: syntax error, unexpected INVALID_CHARACTER, expecting end of file"
        " (Unix shell quoting issues?) at <top-level>, line 1:\n.a)\njq: 1 compile error\n",
        3,
    ),
    (
        ['{a: .x // "d"}'],
        "jq: error: syntax error, unexpected //, expecting '}' (Unix shell quoting issues?)"
        ' at <top-level>, line 1:\n{a: .x // "d"}\njq: 1 compile error\n',
        3,
    ),
    (
        ["foo"],
        "jq: error: foo/0 is not defined at <top-level>, line 1:\nfoo\njq: 1 compile error\n",
        3,
    ),
    (
        ["-z", "."],
        "jq: Unknown option: -z\nUse jq --help for help with command-line options,\n"
        "or see the jq manpage, or online docs  at https://jqlang.github.io/jq\n",
        2,
    ),
    ([".", "pods.json"], "jq: error: Could not open pods.json: No such file or directory\n", 2),
]


@pytest.mark.parametrize(("args", "stderr", "code"), ERRORS, ids=[" ".join(e[0]) for e in ERRORS])
def test_errors_read_like_jq(args: list[str], stderr: str, code: int, pods_json: str) -> None:
    result = run_filter(["jq", *args], pods_json)
    lines = pods_json.count("\n")
    assert (result.stdout, result.stderr, result.exit_code) == (
        "",
        stderr.replace("{lines}", str(lines)),
        code,
    )


@pytest.mark.parametrize(
    ("stdin", "stderr"),
    [
        (
            "NAME   READY   STATUS\n",
            "jq: parse error: Invalid numeric literal at line 1, column 5\n",
        ),
        (
            "No resources found in default namespace.\n",
            "jq: parse error: Invalid numeric literal at line 1, column 3\n",
        ),
        ('{"a":1,}', "jq: parse error: Expected another key-value pair at line 1, column 8\n"),
        ('{"a":1', "jq: parse error: Unfinished JSON term at EOF at line 1, column 6\n"),
        ("[1,2]]", "jq: parse error: Unmatched ']' at line 1, column 6\n"),
        ('{"a":\n tru }', "jq: parse error: Invalid literal at line 2, column 5\n"),
    ],
)
def test_non_json_input_is_a_parse_error(stdin: str, stderr: str) -> None:
    result = run_filter(["jq", "."], stdin)
    assert (result.stderr, result.exit_code) == (stderr, 2)


def test_outputs_before_a_runtime_error_are_kept() -> None:
    result = run_filter(["jq", ".a + 1"], '{"a":1}\n{"a":"s"}\n')
    assert result.stdout == "2\n"
    assert (
        result.stderr == 'jq: error (at <stdin>:2): string ("s") and number (1) cannot be added\n'
    )
    assert result.exit_code == 5


def test_streams_are_generators() -> None:
    program = compile_jq("(1,2) as $x | (10,20) | . + $x")
    assert list(program(None)) == [11, 21, 12, 22]
    assert jq("[.[] | select(. > 1)]", [1, 2, 3]) == [[2, 3]]
    assert jq("first(range(10; 1000000000))", None) == [10]


def test_library_api_raises_jq_error_with_stderr_text() -> None:
    with pytest.raises(JqError) as err:
        jq(".a.b", {"a": "x"})
    assert err.value.exit_code == 5
    assert err.value.text == 'jq: error (at <unknown>): Cannot index string with "b"\n'
    with pytest.raises(JqError) as syntax:
        jq(".[", {})
    assert syntax.value.exit_code == 3


def test_compile_is_cached() -> None:
    assert compile_jq(".items[].metadata.name") is compile_jq(".items[].metadata.name")
