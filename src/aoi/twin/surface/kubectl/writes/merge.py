"""Strategic merge patch, JSON merge patch (RFC 7386) and kubectl apply's three-way merge.

The functions take plain JSON values and return new ones; inputs are never changed.
Strategic merge follows apimachinery's `strategicpatch`: maps merge key by key, `null`
deletes, lists merge by their declared key (else are replaced), the directives
`$patch` (merge/replace/delete), `$retainKeys`, `$deleteFromPrimitiveList/<f>` and
`$setElementOrder/<f>` are honoured, and merged lists keep apimachinery's order
(patch items in patch order, interleaved with server-only items in server order).
"""

from __future__ import annotations

import copy
from typing import Any

from aoi.twin.surface.kubectl.writes.schema import Field, root_type, type_of

DIRECTIVE = "$patch"
RETAIN = "$retainKeys"
DELETE_PRIMITIVE = "$deleteFromPrimitiveList/"
ELEMENT_ORDER = "$setElementOrder/"


class PatchError(ValueError):
    """A patch apimachinery would refuse; str() is its message."""


class _Deleted:
    pass


_DELETED = _Deleted()


# --- strategic merge patch -------------------------------------------------------------------
def strategic_merge(original: dict[str, Any], patch: dict[str, Any], kind: str) -> dict[str, Any]:
    """`original` with a strategic merge patch applied, as the API server applies it."""
    merged = _merge_map(original, patch, root_type(kind))
    return {} if isinstance(merged, _Deleted) else merged


def _merge_map(original: dict[str, Any], patch: dict[str, Any], type_name: str | None) -> Any:
    directive = patch.get(DIRECTIVE)
    if directive == "delete":
        return _DELETED
    if directive == "replace":
        return _strip({k: v for k, v in patch.items() if k != DIRECTIVE})
    if directive not in (None, "merge"):
        raise PatchError(f"Unknown patch type: {directive}")
    schema = type_of(type_name)
    result = copy.deepcopy(original)
    retain = patch.get(RETAIN)
    if retain is not None:
        if not isinstance(retain, list):
            raise PatchError(f"invalid type for $retainKeys: {_go(retain)}")
        result = {k: v for k, v in result.items() if k in retain}
    for key, value in patch.items():
        if key.startswith(DELETE_PRIMITIVE):
            name = key[len(DELETE_PRIMITIVE) :]
            current = result.get(name)
            if isinstance(current, list) and isinstance(value, list):
                result[name] = [item for item in current if item not in value]
    orders: dict[str, list[Any]] = {}
    for key, value in patch.items():
        if key in (DIRECTIVE, RETAIN) or key.startswith(DELETE_PRIMITIVE):
            continue
        if key.startswith(ELEMENT_ORDER):
            if isinstance(value, list):
                orders[key[len(ELEMENT_ORDER) :]] = value
            continue
        if value is None:
            result.pop(key, None)
            continue
        spec = schema.get(key)
        current = result.get(key)
        if isinstance(value, dict):
            merged = _merge_map(current if isinstance(current, dict) else {}, value, spec.type)
            if isinstance(merged, _Deleted):
                result.pop(key, None)
            else:
                result[key] = merged
        elif isinstance(value, list):
            result[key] = _merge_list(current if isinstance(current, list) else [], value, spec)
        else:
            result[key] = value
    for key, order in orders.items():
        if isinstance(result.get(key), list):
            spec = schema.get(key)
            before = original.get(key)
            server = before if isinstance(before, list) else []
            result[key] = _normalize(result[key], order, server, spec.merge_key)
    return result


def _merge_list(original: list[Any], patch: list[Any], spec: Field) -> list[Any]:
    key = spec.merge_key
    if key is None and not spec.merge_primitives:
        return _strip(patch)
    if key is None:
        merged = list(original)
        for item in patch:
            if item not in merged:
                merged.append(item)
        return _normalize(merged, patch, original, None)
    if any(isinstance(item, dict) and item.get(DIRECTIVE) == "replace" for item in patch):
        return [_strip(i) for i in patch if not (isinstance(i, dict) and DIRECTIVE in i)]
    merged = [copy.deepcopy(item) for item in original]
    for item in patch:
        if not isinstance(item, dict):
            return _strip(patch)
        if key not in item:
            raise PatchError(f"map: {_go(item)} does not contain declared merge key: {key}")
        if item.get(DIRECTIVE) == "delete":
            merged = [m for m in merged if not (isinstance(m, dict) and m.get(key) == item[key])]
            continue
        at = next(
            (i for i, m in enumerate(merged) if isinstance(m, dict) and m.get(key) == item[key]),
            None,
        )
        if at is None:
            new = _merge_map({}, item, spec.type)
            if not isinstance(new, _Deleted):
                merged.append(new)
        else:
            new = _merge_map(merged[at], item, spec.type)
            if isinstance(new, _Deleted):
                merged.pop(at)
            else:
                merged[at] = new
    order = [i for i in patch if not (isinstance(i, dict) and i.get(DIRECTIVE) == "delete")]
    return _normalize(merged, order, original, key)


def _identity(item: Any, key: str | None) -> Any:
    if key is None:
        return _freeze(item)
    return _freeze(item.get(key)) if isinstance(item, dict) else _freeze(item)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _normalize(
    merged: list[Any], order: list[Any], server: list[Any], key: str | None
) -> list[Any]:
    """apimachinery's normalizeElementOrder: patch items by `order`, server-only items by `server`."""
    order_ids = [_identity(i, key) for i in order]
    server_ids = [_identity(i, key) for i in server]
    in_patch = [m for m in merged if _identity(m, key) in order_ids]
    server_only = [m for m in merged if _identity(m, key) not in order_ids]
    in_patch.sort(key=lambda m: order_ids.index(_identity(m, key)))
    server_only.sort(
        key=lambda m: (
            server_ids.index(_identity(m, key))
            if _identity(m, key) in server_ids
            else len(server_ids)
        )
    )

    def position(item: Any) -> int:
        ident = _identity(item, key)
        return server_ids.index(ident) if ident in server_ids else -1

    out: list[Any] = []
    i = j = 0
    while i < len(server_only) or j < len(in_patch):
        if i >= len(server_only):
            out.append(in_patch[j])
            j += 1
        elif j >= len(in_patch):
            out.append(server_only[i])
            i += 1
        else:
            left, right = position(server_only[i]), position(in_patch[j])
            if left >= 0 and right >= 0 and left < right:
                out.append(server_only[i])
                i += 1
            else:
                out.append(in_patch[j])
                j += 1
    return out


def _strip(value: Any) -> Any:
    """A patch value without directives, as it lands in an object where nothing was."""
    if isinstance(value, dict):
        if value.get(DIRECTIVE) == "delete":
            return {}
        return {
            k: _strip(v)
            for k, v in value.items()
            if k not in (DIRECTIVE, RETAIN)
            and not k.startswith((DELETE_PRIMITIVE, ELEMENT_ORDER))
            and v is not None
        }
    if isinstance(value, list):
        return [
            _strip(v) for v in value if not (isinstance(v, dict) and v.get(DIRECTIVE) == "delete")
        ]
    return copy.deepcopy(value)


# --- JSON merge patch (RFC 7386) -------------------------------------------------------------
def json_merge(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge recursively, `null` deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = json_merge(result.get(key), value)
    return result


# --- kubectl apply ---------------------------------------------------------------------------
def three_way(
    last_applied: dict[str, Any] | None, modified: dict[str, Any], live: dict[str, Any], kind: str
) -> dict[str, Any]:
    """What `kubectl apply` makes of `live`: fields the manifest dropped since the last
    apply are deleted, fields it sets are set, fields only the server set are kept."""
    return _three_map(last_applied or {}, modified, live, root_type(kind), retain=False)


def _three_map(
    original: dict[str, Any],
    modified: dict[str, Any],
    live: dict[str, Any],
    type_name: str | None,
    *,
    retain: bool,
) -> dict[str, Any]:
    schema = type_of(type_name)
    result = copy.deepcopy(live)
    if retain:
        result = {k: v for k, v in result.items() if k in modified}
    for key in original:
        if key not in modified:
            result.pop(key, None)
    for key, want in modified.items():
        spec = schema.get(key)
        have = result.get(key)
        before = original.get(key)
        if want is None:
            result.pop(key, None)
        elif isinstance(want, dict) and isinstance(have, dict):
            result[key] = _three_map(
                before if isinstance(before, dict) else {},
                want,
                have,
                spec.type,
                retain=spec.retain_keys,
            )
        elif isinstance(want, list) and isinstance(have, list) and spec.merge_key:
            result[key] = _three_list(before if isinstance(before, list) else [], want, have, spec)
        elif isinstance(want, list) and isinstance(have, list) and spec.merge_primitives:
            dropped = [i for i in (before if isinstance(before, list) else []) if i not in want]
            kept = [i for i in have if i not in dropped]
            result[key] = _normalize(kept + [i for i in want if i not in kept], want, have, None)
        else:
            result[key] = copy.deepcopy(want)
    return result


def _three_list(
    original: list[Any], modified: list[Any], live: list[Any], spec: Field
) -> list[Any]:
    key = spec.merge_key
    assert key is not None
    if not all(isinstance(i, dict) and key in i for i in modified):
        return copy.deepcopy(modified)
    wanted = {_freeze(i[key]) for i in modified}
    dropped = {
        _freeze(i.get(key))
        for i in original
        if isinstance(i, dict) and _freeze(i.get(key)) not in wanted
    }
    merged = [
        copy.deepcopy(i)
        for i in live
        if not (isinstance(i, dict) and _freeze(i.get(key)) in dropped)
    ]
    for item in modified:
        ident = _freeze(item[key])
        before = next(
            (o for o in original if isinstance(o, dict) and _freeze(o.get(key)) == ident), {}
        )
        at = next(
            (
                n
                for n, m in enumerate(merged)
                if isinstance(m, dict) and _freeze(m.get(key)) == ident
            ),
            None,
        )
        if at is None:
            merged.append(copy.deepcopy(item))
        else:
            merged[at] = _three_map(before, item, merged[at], spec.type, retain=spec.retain_keys)
    return _normalize(merged, modified, live, key)


# --- Go's %v, for messages that quote values -------------------------------------------------
def _go(value: Any) -> str:
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_go(v) for v in value) + "]"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def go_value(value: Any) -> str:
    """A JSON value as Go's fmt `%v` prints the decoded interface{}."""
    return _go(value)
