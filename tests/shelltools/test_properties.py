"""Property tests: filters, jq and JSONPath answer every input with text, never an exception."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aoi.shelltools import FILTERS, custom_columns, jsonpath, run_filter

_TOKENS = st.sampled_from(
    [
        "-i",
        "-v",
        "-E",
        "-F",
        "-c",
        "-n",
        "-o",
        "-w",
        "-x",
        "-A",
        "-B",
        "-C",
        "-e",
        "-m",
        "-2",
        "-n",
        "-5",
        "+2",
        "-k",
        "-t",
        "-u",
        "-h",
        "-r",
        "-d",
        "-f",
        "-s",
        "-F:",
        "-l",
        "-w",
        "-c",
        "--",
        "-",
        "1",
        "2,3",
        "1-",
        "x",
        "a-z",
        ":",
        "[",
        "\\(",
        "(",
        ")",
        "{",
        "}",
        "*",
        "$",
        ".",
        "..",
        "|",
        "//",
        "\\",
        '"',
        "'",
        "{print $1}",
        "NR>1",
        "/x/",
        ".items[]",
        "select(.a)",
        "@tsv",
        "{a: .b}",
        "[.[]]",
        '"\\(.)"',
        "--arg",
        "-r",
        "-z",
        "--foo",
        "1/0",
        "\n",
        "ü",
    ]
)
_ARGS = st.lists(st.one_of(_TOKENS, st.text(max_size=8)), max_size=6)
_JSON: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=12,
)
_STDIN = st.one_of(
    st.text(max_size=60),
    st.just('{"items":[{"metadata":{"name":"a"}},{"metadata":{}}]}\n'),
    st.just("NAME   READY\npod-a  1/1\n"),
)


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from([*sorted(FILTERS), "nope"]), args=_ARGS, stdin=_STDIN)
def test_run_filter_never_raises(name: str, args: list[str], stdin: str) -> None:
    result = run_filter([name, *args], stdin)
    assert isinstance(result.stdout, str) and isinstance(result.stderr, str)
    assert result.exit_code == 0 or result.exit_code in (1, 2, 3, 4, 5, 127)


@settings(max_examples=300, deadline=None)
@given(program=st.text(alphabet='.[]{}()|,:;$@"\\ abcxy01-+*/=<>!?', max_size=20), value=_JSON)
def test_jq_never_raises(program: str, value: Any) -> None:
    import json

    result = run_filter(["jq", "-c", program], json.dumps(value))
    assert isinstance(result.stdout, str)


@settings(max_examples=300, deadline=None)
@given(template=st.text(alphabet="{}[]().*@$?!=<>'\"\\,:-0123 abnrgeitm", max_size=24), value=_JSON)
def test_jsonpath_never_raises(template: str, value: Any) -> None:
    assert isinstance(jsonpath(template, value), str)


@settings(max_examples=150, deadline=None)
@given(spec=st.text(alphabet="AB:.{}[]*,ab01-", max_size=16), items=st.lists(_JSON, max_size=3))
def test_custom_columns_never_raises(spec: str, items: list[Any]) -> None:
    assert isinstance(custom_columns(spec, items), str)
