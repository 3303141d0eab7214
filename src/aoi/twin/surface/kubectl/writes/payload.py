"""Reading what users pass to writes: patch text (JSON or YAML) and the API server's decode errors."""

from __future__ import annotations

import json
from typing import Any

import yaml

from aoi.twin.surface.kubectl.common import KubectlError


def yaml_error(exc: yaml.YAMLError) -> str:
    """A PyYAML error in go-yaml's words: `yaml: line N: <problem>`."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    problem = problem.replace(
        "expected ',' or ']', but got", "did not find expected ',' or ']'; got"
    )
    if mark is not None:
        return f"yaml: line {mark.line + 1}: {problem}"
    return f"yaml: {problem}"


def to_json_text(text: str) -> str:
    """kubectl's yaml.ToJSON: JSON passes through untouched, YAML is converted (or refused)."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        return text
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise KubectlError(f'error: unable to parse "{text}": {yaml_error(exc)}') from None
    return json.dumps(value)


def decode_json(text: str) -> Any:
    """json.Unmarshal on the API server; errors are Go's, as a BadRequest."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise KubectlError(f"Error from server (BadRequest): {go_json_error(text, exc)}") from None


def go_json_error(text: str, exc: json.JSONDecodeError) -> str:
    """The message encoding/json gives for the syntax error Python found."""
    pos = exc.pos
    if pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
        return "unexpected end of JSON input"
    char = _go_char(text[pos])
    msg = exc.msg
    if msg.startswith("Expecting property name"):
        where = "looking for beginning of object key string"
    elif msg == "Expecting ',' delimiter":
        where = (
            "after object key:value pair" if _inside(text, pos) == "{" else "after array element"
        )
    elif msg == "Expecting ':' delimiter":
        where = "after object key"
    elif msg == "Extra data":
        where = "after top-level value"
    elif msg.startswith("Invalid control character"):
        where = "in string literal"
    else:
        where = "looking for beginning of value"
    return f"invalid character {char} {where}"


def _go_char(ch: str) -> str:
    if ch == "'":
        return "'\\''"
    if ch == "\n":
        return "'\\n'"
    if ch == "\t":
        return "'\\t'"
    return f"'{ch}'"


def _inside(text: str, pos: int) -> str:
    """The innermost open bracket at `pos` (strings skipped)."""
    stack: list[str] = []
    in_string = escaped = False
    for ch in text[:pos]:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append(ch)
        elif ch in "}]" and stack:
            stack.pop()
    return stack[-1] if stack else ""


def go_type_name(value: Any) -> str:
    """The JSON type word of encoding/json's `cannot unmarshal X into ...` messages."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "array"
    if value is None:
        return "null"
    return "object"
