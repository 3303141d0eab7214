"""Dispatch, edge inputs and regex translation shared by the filters."""

from __future__ import annotations

import re

import pytest

from aoi.shelltools import FILTERS, run_filter
from aoi.shelltools.grep import RegexError, translate


def test_unknown_command_is_bash_127() -> None:
    result = run_filter(["less", "-R"], "x\n")
    assert (result.stdout, result.stderr, result.exit_code) == (
        "",
        "bash: less: command not found\n",
        127,
    )


def test_path_to_a_known_filter_and_grep_aliases() -> None:
    assert run_filter(["/usr/bin/grep", "b"], "a\nb\n").stdout == "b\n"
    assert run_filter(["egrep", "a|b"], "a\nb\nc\n").stdout == "a\nb\n"
    assert run_filter(["fgrep", "a|b"], "a|b\nb\n").stdout == "a|b\n"
    assert {"grep", "head", "tail", "wc", "sort", "uniq", "awk", "cut", "tr", "jq"} <= set(FILTERS)


def test_empty_argv_and_empty_input() -> None:
    assert run_filter([], "x").exit_code == 0
    assert run_filter(["grep", "x"], "").exit_code == 1
    assert run_filter(["wc", "-l"], "").stdout == "0\n"
    assert run_filter(["sort"], "").stdout == ""


def test_last_line_without_newline() -> None:
    assert run_filter(["grep", "b"], "a\nb").stdout == "b\n"
    assert run_filter(["head", "-n", "5"], "a\nb").stdout == "a\nb"
    assert run_filter(["tail", "-n", "1"], "a\nb").stdout == "b"
    assert run_filter(["wc", "-l"], "a\nb").stdout == "1\n"


def test_sort_uniq_count_pipeline() -> None:
    phases = "Running\nPending\nRunning\nFailed\nRunning\n"
    counted = run_filter(["uniq", "-c"], run_filter(["sort"], phases).stdout).stdout
    assert counted == "      1 Failed\n      1 Pending\n      3 Running\n"
    ranked = run_filter(["sort", "-rn"], counted).stdout
    assert ranked.splitlines()[0] == "      3 Running"


def test_sort_human_sizes_from_kubectl_top() -> None:
    top = "a 250Mi\nb 1Gi\nc 900Ki\nd 12Mi\n"
    assert run_filter(["sort", "-k2", "-h"], top).stdout == "c 900Ki\nd 12Mi\na 250Mi\nb 1Gi\n"


def test_grep_context_separators_and_line_numbers() -> None:
    text = "".join(f"l{i}\n" for i in range(1, 10))
    result = run_filter(["grep", "-n", "-A1", "-e", "l2", "-e", "l7"], text)
    assert result.stdout == "2:l2\n3-l3\n--\n7:l7\n8-l8\n"


@pytest.mark.parametrize(
    ("pattern", "extended", "python"),
    [
        (r"a\|b", False, "a|b"),
        (r"\(ab\)*", False, "(ab)*"),
        ("(ab)+", False, r"\(ab\)\+"),
        ("(ab)+", True, "(ab)+"),
        (r"x\{2,3\}", False, "x{2,3}"),
        ("*a", False, r"\*a"),
        ("a^b$", False, r"a\^b$"),
        ("[[:digit:]]+", True, "[0-9]+"),
        (r"[\]", False, r"[\\]"),
        (r"\<pod\>", False, r"\b(?=\w)pod\b(?<=\w)"),
    ],
)
def test_posix_regex_translation(pattern: str, extended: bool, python: str) -> None:
    assert translate(pattern, extended) == python


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("a\\", "Trailing backslash"),
        (r"\(a", "Unmatched ( or \\("),
        ("[a", "Unmatched [, [^, [:, [., or [="),
    ],
)
def test_regex_errors(pattern: str, message: str) -> None:
    with pytest.raises(RegexError, match=re.escape(message)):
        translate(pattern, extended=False)
