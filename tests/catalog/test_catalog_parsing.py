"""Reading an agent's reply into a call, by AIOpsLab's rules."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aoi.catalog import (
    INVALID_FORMAT,
    extract_code_block,
    get_task,
    parse_action,
    score_detection,
)


def fenced(body: str, lang: str = "") -> str:
    return f"I will check.\n```{lang}\n{body}\n```\nThat is all."


def test_plain_fence() -> None:
    action = parse_action(fenced('get_logs("test-hotel-reservation", "geo")'))
    assert action.ok
    assert (action.api, action.args) == ("get_logs", ["test-hotel-reservation", "geo"])


def test_python_fence() -> None:
    action = parse_action(fenced('submit(["user-service"])', "python"))
    assert (action.api, action.args, action.solution) == (
        "submit",
        [["user-service"]],
        ["user-service"],
    )


def test_keyword_only_submit_is_invalid_format() -> None:
    action = parse_action(fenced('submit(has_anomaly="Yes")'))
    assert action.ok and action.args == [] and action.kwargs == {"has_anomaly": "Yes"}
    assert action.solution == []
    grade = score_detection(get_task("wrong_bin_usage-detection-1"), action.solution)
    assert grade.results["Detection Accuracy"] == INVALID_FORMAT and not grade.success


def test_two_blocks_take_the_first() -> None:
    text = '```\nsubmit("No")\n```\nor maybe\n```\nsubmit("Yes")\n```'
    assert parse_action(text).solution == "No"


def test_two_calls_in_one_block() -> None:
    # AIOpsLab reads "func(<args>)" as a module and keeps its first statement,
    # so a second statement is dropped; text that is no statement is an error.
    action = parse_action(fenced('get_logs("ns", "a")\nsubmit("Yes")'))
    assert (action.api, action.args) == ("get_logs", ["ns", "a"])
    action = parse_action(fenced('get_logs("ns", "a") submit("Yes")'))
    assert action.error is not None and action.error.startswith("Error parsing response")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "submit('Yes')",  # no fence at all
        "```\nsubmit('Yes')",  # one fence line only
        fenced("just words"),
        fenced(""),
        fenced("f(("),
    ],
)
def test_no_call_found(text: str) -> None:
    action = parse_action(text)
    assert action.error == "No API call found!"


@pytest.mark.parametrize(
    "body",
    [
        "submit(-1)",
        "submit(foo)",
        "submit([1, (2, 3)])",
        "submit(*x)",
        "submit({[1]: 2})",
        "f(1) + (2)",
    ],
)
def test_non_literal_arguments_are_errors(body: str) -> None:
    action = parse_action(fenced(body))
    assert action.error is not None and action.error.startswith("Error parsing response")


def test_literals() -> None:
    body = 'submit({"system_level": "Application", "fault_type": "Misconfiguration"})'
    assert parse_action(fenced(body)).solution == {
        "system_level": "Application",
        "fault_type": "Misconfiguration",
    }
    assert parse_action(fenced("f((1, 2), True, None, 2.5)")).args == [[1, 2], True, None, 2.5]
    assert parse_action(fenced('submit("a", "b")')).solution == ["a", "b"]
    assert parse_action(fenced("submit()")).solution == []


def test_exec_shell_takes_one_quoted_string() -> None:
    assert parse_action(fenced('exec_shell("kubectl get pods -n x")')).args == [
        "kubectl get pods -n x"
    ]
    assert parse_action(fenced("exec_shell('echo \"hi\"')")).args == ['echo "hi"']
    assert parse_action(fenced('exec_shell(command="ls")')).args == ["ls"]
    assert parse_action(fenced("exec_shell(ls)")).error == (
        "Error when parsing response: commands must be quoted strings"
    )


def test_code_block_extraction() -> None:
    assert extract_code_block("a\n```bash\nx\ny\n```\nb") == "x\ny"
    assert extract_code_block("no fences") == ""


@given(st.text())
def test_parser_never_raises(text: str) -> None:
    action = parse_action(text)
    assert action.ok or isinstance(action.error, str)


@given(st.text(), st.text())
def test_parser_never_raises_inside_a_fence(prefix: str, body: str) -> None:
    action = parse_action(f"```\n{prefix}({body})\n```")
    assert action.ok or isinstance(action.error, str)


LITERALS: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=0)
    | st.text().filter(lambda s: "```" not in s),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8).filter(lambda s: "```" not in s), inner, max_size=4)
    ),
    max_leaves=10,
)


@given(LITERALS)
def test_submitted_literals_round_trip(value: Any) -> None:
    action = parse_action(fenced(f"submit({value!r})"))
    assert action.ok, action.error
    assert action.api == "submit" and action.solution == value
