"""Splitting without a shell: quotes are honoured, control syntax is refused."""

from __future__ import annotations

import pytest

from aoi.gate.lexer import LexError, split_pipeline


@pytest.mark.parametrize(
    ("command", "stages"),
    [
        ("kubectl get pods", [["kubectl", "get", "pods"]]),
        ("  kubectl\tget  pods  ", [["kubectl", "get", "pods"]]),
        ("kubectl get pods|grep x", [["kubectl", "get", "pods"], ["grep", "x"]]),
        (
            "kubectl get pods | grep 'a|b' | wc -l",
            [["kubectl", "get", "pods"], ["grep", "a|b"], ["wc", "-l"]],
        ),
        (
            "kubectl get pods -o jsonpath='{.items[*]}'",
            [["kubectl", "get", "pods", "-o", "jsonpath={.items[*]}"]],
        ),
        ("mongo --eval \"db.getUser('admin')\"", [["mongo", "--eval", "db.getUser('admin')"]]),
        ('echo "a\\"b" "c\\\\d" "e\\nf"', [["echo", 'a"b', "c\\d", "e\\nf"]]),
        ("echo '' \"\" x", [["echo", "", "", "x"]]),
        ("echo a\\;b a\\ b", [["echo", "a;b", "a b"]]),
        ("echo a#b 'x;y' \"p&q\"", [["echo", "a#b", "x;y", "p&q"]]),
        ("echo '$(id)' 'a`b`'", [["echo", "$(id)", "a`b`"]]),
        ("echo 'multi\nline'", [["echo", "multi\nline"]]),
    ],
)
def test_splits_like_shlex(command: str, stages: list[list[str]]) -> None:
    assert split_pipeline(command) == stages


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("a; b", "`;`"),
        ("a && b", "`&`"),
        ("a || b", "`||`"),
        ("a | | b", "both sides"),
        ("a |", "both sides"),
        ("| a", "both sides"),
        ("a > f", "redirection"),
        ("a < f", "redirection"),
        ("a $(b)", "expansion"),
        ('a "$(b)"', "substitution"),
        ('a "`b`"', "substitution"),
        ("a `b`", "backticks"),
        ("(a)", "sub-shells"),
        ("a\nb", "line break"),
        ("a \\\nb", "backslash"),
        ("a 'b", "unterminated single"),
        ('a "b', "unterminated double"),
        ("a # c", "comment"),
        ("a\x00b", "control"),
        ("a\u00a0b", "whitespace"),
        ("a\u2003b", "whitespace"),
        ("", "empty"),
        ("   ", "empty"),
    ],
)
def test_refuses_shell_syntax_with_a_reason(command: str, reason: str) -> None:
    with pytest.raises(LexError) as info:
        split_pipeline(command)
    assert reason in info.value.reason
