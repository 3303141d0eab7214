"""JSON Patch (RFC 6902) with the messages of evanphx/json-patch, which kubectl and the API server use."""

from __future__ import annotations

import copy
from typing import Any


class JsonPatchError(ValueError):
    """An operation that does not apply; str() is json-patch's message."""


class JsonPatchFormatError(ValueError):
    """A document that is not a JSON Patch at all (not a list of operations)."""


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _split(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        return [_unescape(path)]
    return [_unescape(p) for p in path[1:].split("/")]


def _container(doc: Any, parts: list[str]) -> Any:
    """The value holding the last token of `parts`, or None when the path is missing."""
    node = doc
    for token in parts[:-1]:
        if isinstance(node, dict):
            if token not in node:
                return None
            node = node[token]
        elif isinstance(node, list):
            if not token.isdigit() or int(token) >= len(node):
                return None
            node = node[int(token)]
        else:
            return None
    return node


def _index(token: str, size: int, *, allow_end: bool) -> int:
    if token == "-" and allow_end:
        return size
    if not token.lstrip("-").isdigit():
        raise JsonPatchError(f"Unable to access invalid index: {token}: invalid index referenced")
    index = int(token)
    limit = size if allow_end else size - 1
    if index < 0:
        index += size
    if index < 0 or index > limit:
        raise JsonPatchError(f"Unable to access invalid index: {token}: invalid index referenced")
    return index


def _get(doc: Any, path: str) -> tuple[bool, Any]:
    parts = _split(path)
    if not parts:
        return True, doc
    parent = _container(doc, parts)
    last = parts[-1]
    if isinstance(parent, dict):
        return (last in parent), parent.get(last)
    if isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        return True, parent[int(last)]
    return False, None


def _add(doc: Any, path: str, value: Any, op: str = "add") -> Any:
    parts = _split(path)
    if not parts:
        return copy.deepcopy(value)
    parent = _container(doc, parts)
    last = parts[-1]
    if isinstance(parent, dict):
        parent[last] = copy.deepcopy(value)
    elif isinstance(parent, list):
        try:
            parent.insert(_index(last, len(parent), allow_end=True), copy.deepcopy(value))
        except JsonPatchError as exc:
            raise JsonPatchError(f"error in {op} for path: '{path}': {exc}") from None
    else:
        raise JsonPatchError(
            f'{op} operation does not apply: doc is missing path: "{path}": missing value'
        )
    return doc


def _remove(doc: Any, path: str, op: str = "remove") -> tuple[Any, Any]:
    parts = _split(path)
    parent = _container(doc, parts) if parts else None
    last = parts[-1] if parts else ""
    if isinstance(parent, dict):
        if last not in parent:
            raise JsonPatchError(
                f"error in {op} for path: '{path}': Unable to remove nonexistent key: {last}: missing value"
            )
        return doc, parent.pop(last)
    if isinstance(parent, list):
        try:
            index = _index(last, len(parent), allow_end=False)
        except JsonPatchError as exc:
            raise JsonPatchError(f"error in {op} for path: '{path}': {exc}") from None
        return doc, parent.pop(index)
    raise JsonPatchError(
        f'{op} operation does not apply: doc is missing path: "{path}": missing value'
    )


def _replace(doc: Any, path: str, value: Any) -> Any:
    parts = _split(path)
    if not parts:
        return copy.deepcopy(value)
    parent = _container(doc, parts)
    last = parts[-1]
    if isinstance(parent, dict):
        parent[last] = copy.deepcopy(value)
        return doc
    if isinstance(parent, list):
        try:
            parent[_index(last, len(parent), allow_end=False)] = copy.deepcopy(value)
        except JsonPatchError as exc:
            raise JsonPatchError(f"error in replace for path: '{path}': {exc}") from None
        return doc
    raise JsonPatchError(
        f"replace operation does not apply: doc is missing path: {path}: missing value"
    )


def decode(patch: Any) -> list[dict[str, Any]]:
    """The operations of a decoded JSON Patch document; raises JsonPatchFormatError."""
    if isinstance(patch, dict):
        raise JsonPatchFormatError(
            "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
        )
    if not isinstance(patch, list):
        kind = {str: "string", bool: "bool", int: "number", float: "number"}.get(
            type(patch), "value"
        )
        raise JsonPatchFormatError(
            f"json: cannot unmarshal {kind} into Go value of type jsonpatch.Patch"
        )
    for op in patch:
        if not isinstance(op, dict):
            kind = (
                "array" if isinstance(op, list) else "string" if isinstance(op, str) else "number"
            )
            raise JsonPatchFormatError(
                f"json: cannot unmarshal {kind} into Go value of type jsonpatch.Operation"
            )
    return patch


def apply_json_patch(doc: Any, operations: list[dict[str, Any]]) -> Any:
    """Apply RFC 6902 operations to a copy of `doc`; raises JsonPatchError."""
    doc = copy.deepcopy(doc)
    for op in operations:
        kind = op.get("op")
        path = op.get("path")
        if kind not in ("add", "remove", "replace", "move", "copy", "test"):
            raise JsonPatchError(f"Unexpected kind: {kind if isinstance(kind, str) else 'unknown'}")
        if not isinstance(path, str):
            raise JsonPatchError(f"{kind} operation missing path")
        if kind in ("add", "replace", "test") and "value" not in op:
            raise JsonPatchError(f"{kind} operation missing value")
        if kind == "add":
            doc = _add(doc, path, op["value"])
        elif kind == "remove":
            doc, _ = _remove(doc, path)
        elif kind == "replace":
            doc = _replace(doc, path, op["value"])
        elif kind == "test":
            found, value = _get(doc, path)
            if (not found and op["value"] is not None) or (found and value != op["value"]):
                raise JsonPatchError(f"testing value {path} failed: test failed")
        else:
            source = op.get("from")
            if not isinstance(source, str):
                raise JsonPatchError(f"{kind} operation missing from")
            if kind == "move":
                doc, value = _remove(doc, source, "move")
                doc = _add(doc, path, value, "move")
            else:
                _, value = _get(doc, source)
                doc = _add(doc, path, value, "copy")
    return doc
