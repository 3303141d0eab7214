"""Reading an agent's reply into one API call, with AIOpsLab's rules.

The rules, kept identical so that scores compare:

- the call is the text between the first two lines that contain three
  backticks (so a ```python fence works, and a second block is ignored);
- the API name is the text before the first ``(``; the arguments are the text
  between it and the last ``)``;
- ``exec_shell`` takes one quoted string (a leading ``command=`` is dropped);
- other arguments are Python literals read with ``ast``: constants, lists,
  tuples (read as lists), dicts, True / False / None; anything else, such as
  ``-1`` or a name, is a parse error;
- keyword arguments are kept apart from positional ones; a submission is the
  positional arguments only (one argument: itself; otherwise the list), so a
  keyword-only ``submit(answer="Yes")`` submits ``[]``.

Errors come back in ``ParsedAction.error``; ``parse_action`` never raises.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

FENCE = "```"
NO_CALL = "No API call found!"
SHELL_NOT_QUOTED = "Error when parsing response: commands must be quoted strings"


@dataclass(frozen=True)
class ParsedAction:
    """One parsed call: the API name, its arguments, or the error text to show the agent."""

    api: str
    args: list[Any] = field(default_factory=list)
    kwargs: dict[Any, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the reply parsed into a call."""
        return self.error is None

    @property
    def solution(self) -> Any:
        """What a submit call hands to scoring: the one positional argument, else the list."""
        return self.args[0] if len(self.args) == 1 else list(self.args)


class _ParseError(Exception):
    pass


def extract_code_block(text: str) -> str:
    """The lines between the first two fence lines; "" when there are fewer than two."""
    lines = text.split("\n")
    fences = [i for i, line in enumerate(lines) if FENCE in line]
    if len(fences) < 2:
        return ""
    return "\n".join(lines[fences[0] + 1 : fences[1]])


def parse_action(text: str) -> ParsedAction:
    """Parse an agent's reply into one call; errors are returned, never raised."""
    block = extract_code_block(text)
    paren = block.find("(")
    api = block[:paren].strip() if paren != -1 else ""
    try:
        args, kwargs = _parse_args(block, is_shell=api == "exec_shell")
    except _ParseError as exc:
        return ParsedAction(api=api, error=str(exc))
    return ParsedAction(api=api, args=args, kwargs=kwargs)


def _parse_args(block: str, *, is_shell: bool) -> tuple[list[Any], dict[Any, Any]]:
    first, last = block.find("("), block.rfind(")")
    if first == -1 or last == -1:
        raise _ParseError(NO_CALL)
    inner = block[first + 1 : last].strip()
    if not inner:
        return [], {}
    if is_shell:
        return [_shell_command(inner)], {}
    try:
        return _literal_call(inner)
    # what ast.parse and reading the literals raise on any text an agent may write
    except (SyntaxError, ValueError, TypeError, RecursionError, MemoryError) as exc:
        raise _ParseError(f"Error parsing response: {exc}") from None


def _shell_command(inner: str) -> str:
    if inner.startswith("command="):
        # AIOpsLab drops every occurrence, not just the leading keyword.
        inner = inner.replace("command=", "").strip()
    if inner.startswith('"') and inner.endswith('"'):
        command = inner.strip('"')
    elif inner.startswith("'") and inner.endswith("'"):
        command = inner.strip("'")
    else:
        raise _ParseError(SHELL_NOT_QUOTED)
    return command.replace('\\"', '"').replace("\\'", "'")


def _literal_call(inner: str) -> tuple[list[Any], dict[Any, Any]]:
    tree = ast.parse(f"func({inner})")
    first = tree.body[0]
    if not isinstance(first, ast.Expr) or not isinstance(first.value, ast.Call):
        raise ValueError("not a call")
    call = first.value
    args: list[Any] = []
    for node in call.args:
        if isinstance(node, ast.Constant):
            args.append(node.value)
        elif isinstance(node, ast.List | ast.Tuple):
            args.append([_literal(elt) for elt in node.elts])
        else:
            args.append(_literal(node))
    kwargs = {kw.arg: _literal(kw.value) for kw in call.keywords}
    return args, kwargs


def _literal(node: ast.AST | None) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.List):
        return [_literal(elt) for elt in node.elts]
    if isinstance(node, ast.Dict):
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values, strict=True)}
    if isinstance(node, ast.Name) and node.id in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.id]
    raise ValueError(f"Unsupported AST node type: {type(node)}")
