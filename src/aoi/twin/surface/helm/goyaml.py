"""YAML as helm prints it: sigs.k8s.io/yaml over go-yaml v2 (block scalars, quoting, key order)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


_PLAIN_UNSAFE = re.compile(r"^[-?:,\[\]{}#&*!|>'\"%@`\s]|[\s]$|: | #|^$")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"}


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    numeric = re.fullmatch(
        r"[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+|0x[0-9a-fA-F]+|\.inf|\.nan)", text
    )
    if _PLAIN_UNSAFE.search(text) or text.lower() in _YAML_WORDS or numeric:
        return json.dumps(text)
    return text


def to_yaml(value: Any, indent: int = 0) -> str:
    """Block YAML with sorted keys, lists not indented under their key, as helm prints values."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return pad + "{}\n"
        out = []
        for key in sorted(value, key=str):
            out.append(_entry(f"{pad}{_scalar(str(key))}:", value[key], indent, nested=indent + 2))
        return "".join(out)
    if isinstance(value, list):
        if not value:
            return pad + "[]\n"
        out = []
        for item in value:
            if isinstance(item, dict) and item:
                body = to_yaml(item, indent + 2)
                out.append(pad + "- " + body[indent + 2 :])
            else:
                out.append(_entry(f"{pad}-", item, indent, nested=indent + 2))
        return "".join(out)
    return pad + _scalar(value) + "\n"


def _entry(head: str, value: Any, indent: int, nested: int) -> str:
    if isinstance(value, dict) and value:
        return head + "\n" + to_yaml(value, nested)
    if isinstance(value, list) and value:
        return head + "\n" + to_yaml(value, indent if head.endswith(":") else nested)
    if isinstance(value, dict):
        return head + " {}\n"
    if isinstance(value, list):
        return head + " []\n"
    if isinstance(value, str) and "\n" in value:
        body = value[:-1] if value.endswith("\n") else value
        marker = "|" if value.endswith("\n") else "|-"
        lines = "".join((" " * nested + line if line else "") + "\n" for line in body.split("\n"))
        return f"{head} {marker}\n{lines}"
    return f"{head} {_scalar(value)}\n"
