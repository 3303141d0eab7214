"""extract_json reads what models actually write."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from aoi.llm import JSONExtractionError, count_json_objects, extract_json, extract_json_objects

DECISION = {"next": "probe", "subtask": "check geo logs", "done": False}


@pytest.mark.parametrize(
    "text",
    [
        '{"next": "probe", "subtask": "check geo logs", "done": false}',
        'Sure! Here is my decision:\n```json\n{"next": "probe", "subtask": "check geo logs",'
        ' "done": false}\n```\nLet me know.',
        '```\n{"next": "probe", "subtask": "check geo logs", "done": false}\n```',
        'I think {"next": "probe", "subtask": "check geo logs", "done": false} is best.',
        '{"next": "probe", "subtask": "check geo logs", "done": false,}',
        "{'next': 'probe', 'subtask': 'check geo logs', 'done': False}",
        '{next: "probe", subtask: "check geo logs", done: false}',
        '{\n  // the Probe reads\n  "next": "probe", /* why */ "subtask": "check geo logs",\n'
        '  "done": false, # Python style\n}',
        '```json\n{"next": "probe", "subtask": "check geo logs", "done": false}',  # no closing fence
    ],
    ids=[
        "plain",
        "fenced-json",
        "fenced-bare",
        "in-prose",
        "trailing-comma",
        "single-quotes-python",
        "bare-keys",
        "comments",
        "unclosed-fence",
    ],
)
def test_common_shapes_all_give_the_decision(text: str) -> None:
    assert extract_json(text) == DECISION


def test_python_literals_and_nested_values() -> None:
    text = "{'a': None, 'b': [True, False], 'c': {'d': 'it\\'s'}, 'e': 1.5e3}"
    assert extract_json(text) == {"a": None, "b": [True, False], "c": {"d": "it's"}, "e": 1500.0}


def test_strings_keep_braces_quotes_and_words_that_look_like_literals() -> None:
    text = '{"cmd": "kubectl get pods -o jsonpath=\'{.items[*].metadata.name}\'", "note": "True"}'
    assert extract_json(text) == {
        "cmd": "kubectl get pods -o jsonpath='{.items[*].metadata.name}'",
        "note": "True",
    }


def test_raw_newlines_inside_strings_are_accepted() -> None:
    assert extract_json('{"thought": "line one\nline two"}') == {"thought": "line one\nline two"}


def test_a_fenced_block_wins_over_an_example_in_the_prose() -> None:
    text = 'Format is {"next": "..."}.\n```json\n{"next": "submit"}\n```'
    assert extract_json(text) == {"next": "submit"}


def test_the_first_parsable_object_wins_over_earlier_garbage() -> None:
    text = 'Plan: {step one, step two} then {"next": "executor"}'
    assert extract_json(text) == {"next": "executor"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no '{'"),
        ("I cannot help with that.", "no '{'"),
        ('{"next": "probe", "subtask": "check', "never closes"),
        ("[1, 2, 3]", "no '{'"),
        ("{not json at all}", "invalid JSON"),
    ],
)
def test_failures_say_why(text: str, reason: str) -> None:
    with pytest.raises(JSONExtractionError) as err:
        extract_json(text)
    assert reason in err.value.reason
    assert isinstance(err.value, ValueError)


def test_a_lone_array_is_not_a_decision_but_an_object_inside_one_is_found() -> None:
    with pytest.raises(JSONExtractionError, match="array"):
        extract_json("Here: ```json\n[1, 2]\n```")
    assert extract_json('```json\n[{"a": 1}]\n```') == {"a": 1}


def test_count_json_objects_for_the_format_reward() -> None:
    assert count_json_objects('{"a": 1}') == 1
    assert count_json_objects('```json\n{"a": 1}\n```') == 1
    assert count_json_objects('{"a": 1}\n\nor maybe\n```json\n{"b": 2}\n```') == 2
    assert count_json_objects('{"a": {"nested": 1}}') == 1
    assert count_json_objects("no json here {nope}") == 0
    assert extract_json_objects('{"a": 1} {"b": 2,}') == [{"a": 1}, {"b": 2}]


def test_deep_nesting_is_an_extraction_error_not_a_crash() -> None:
    with pytest.raises(JSONExtractionError):
        extract_json("{" * 5000 + "}" * 4999)
    deep = '{"a":' * 3000 + "1" + "}" * 3000
    with contextlib.suppress(JSONExtractionError):
        extract_json(deep)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_extract_json_raises_nothing_but_extraction_errors_on_any_text(text: str) -> None:
    try:
        result = extract_json(text)
    except JSONExtractionError:
        return
    assert isinstance(result, dict)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="{}[]\"':,/*#\\ \nTrueFalseNone0123abc", max_size=120))
def test_extract_json_survives_json_shaped_noise(text: str) -> None:
    with contextlib.suppress(JSONExtractionError):
        assert isinstance(extract_json(text), dict)
    assert count_json_objects(text) >= 0


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=8), json_values, max_size=5), st.text(max_size=40))
@example(obj={"": {}, "```": None}, prose="")  # a fence inside a JSON string once cut the object
def test_any_object_round_trips_through_prose_and_fences(obj: dict, prose: str) -> None:
    dumped = json.dumps(obj)
    prose = prose.replace("{", "(").replace("`", "'")
    assert extract_json(f"{prose}\n```json\n{dumped}\n```") == obj
    assert extract_json(f"{prose} {dumped}") == obj
