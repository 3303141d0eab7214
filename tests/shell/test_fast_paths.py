"""The parser's shortcuts (plain lines, operator-only lines, literal lines) against its full grammar.

`parse` tries cheap paths before the full recursive-descent parser; each must
give the tree the full grammar gives, or hand the line on. For generated lines
of words, quotes and operators, the words and the shape of the two trees agree,
and a line the full grammar refuses is refused by `parse` too.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aoi.shell import AndOr, Pipeline, Sequence, ShellSyntaxError, Simple, parse
from aoi.shell.parse import _Parser

_WORDS = st.sampled_from(
    [
        *("kubectl", "get", "pods", "-n", "x", "grep", "geo", "head", "-3", "a=b", "--o=wide"),
        *("if", "for", "!", "case", "time", "[[", "-l=a,b", "a#b", "'a b'", '"c d"', "'|'"),
        *("x'y'z", '"a;b"', "\\;", "e\\ f", "'$x'"),
    ]
)
_GLUE = st.sampled_from([" ", "  ", "\t", " | ", "|", " || ", "&&", " && ", "; ", ";", " & ", "&"])


@st.composite
def _lines(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(["", " ", "\t"]))]
    for _ in range(draw(st.integers(1, 8))):
        parts.append(draw(_WORDS))
        parts.append(draw(_GLUE))
    if draw(st.booleans()):
        parts.pop()
    return "".join(parts)


def _shape(node: Any) -> Any:
    if isinstance(node, Sequence):
        return tuple(_shape(item) for item in node.items)
    if isinstance(node, AndOr):
        return (_shape(node.first), tuple((op, _shape(p)) for op, p in node.rest))
    if isinstance(node, Pipeline):
        return (node.negated, tuple(_shape(c) for c in node.commands))
    if isinstance(node, Simple):
        words = tuple(w.literal if w.literal is not None else repr(w.parts) for w in node.words)
        return (tuple((n, w.literal) for n, w in node.assigns), words, node.redirects)
    return repr(node)


def _full(text: str) -> Any:
    tree = _Parser(text).program()
    if not tree.items:
        raise ShellSyntaxError("empty command")
    return _shape(tree)


@settings(max_examples=400, deadline=None)
@given(_lines())
def test_shortcuts_give_the_full_grammars_tree(text: str) -> None:
    try:
        expected = _full(text)
    except ShellSyntaxError:
        try:
            parse(text)
        except ShellSyntaxError:
            return
        raise AssertionError(f"parse accepted {text!r}, which the full grammar refuses") from None
    assert _shape(parse(text)) == expected, text


def test_operator_lines_keep_their_structure() -> None:
    tree = parse("kubectl get pods -n x | grep geo && echo ok; kubectl get svc -n x;")
    assert _shape(tree) == _full(
        "kubectl get pods -n x | grep geo && echo ok; kubectl get svc -n x;"
    )
    assert len(tree.items) == 2
    assert tree.items[0].rest[0][0] == "&&"
