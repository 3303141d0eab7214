"""How kubectl writes values in its tables and `describe`: ages, timestamps, labels, selectors.

Each helper is a port of the Go function named in its docstring, so that a cell
reads as kubectl v1.32 prints it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from aoi.twin.cluster.clock import human_duration

Obj = dict[str, Any]

_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def parse_time(text: Any) -> datetime | None:
    """An RFC 3339 timestamp (with or without fractions); None for missing or malformed."""
    if not isinstance(text, str):
        return None
    return _parse_time(text)


@functools.lru_cache(maxsize=4096)
def _parse_time(text: str) -> datetime | None:
    # Tables parse the same few timestamps over and over: cache them.
    match = _TIME.match(text)
    if match is None:
        return None
    base, fraction, zone = match.groups()
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    offset = "+00:00" if zone == "Z" else zone
    return datetime.fromisoformat(base + offset).replace(microsecond=micro)


def since(text: Any, now: datetime) -> str:
    """kubectl's translateTimestampSince: the age of a timestamp, `<unknown>` when unset."""
    moment = parse_time(text)
    if moment is None:
        return "<unknown>"
    return human_duration(now - moment)


def rfc1123z(text: Any) -> str:
    """Go's time.RFC1123Z (`Thu, 26 Nov 2026 09:00:00 +0000`); Go's zero time when unset."""
    moment = parse_time(text) or datetime(1, 1, 1, tzinfo=UTC)
    return moment.strftime("%a, %d %b %Y %H:%M:%S %z")


def format_labels(labels: Mapping[str, str] | None) -> str:
    """labels.FormatLabels: `a=b,c=d` sorted by key, `<none>` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{key}={labels[key]}" for key in sorted(labels))


def selector_string(selector: Mapping[str, Any] | None) -> str:
    """metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key; "" when empty."""
    if not selector:
        return ""
    parts: list[tuple[str, str]] = [
        (key, f"{key}={value}") for key, value in (selector.get("matchLabels") or {}).items()
    ]
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], sorted(expr.get("values") or [])
        text = {
            "In": f"{key} in ({','.join(values)})",
            "NotIn": f"{key} notin ({','.join(values)})",
            "Exists": key,
            "DoesNotExist": f"!{key}",
        }.get(op, key)
        parts.append((key, text))
    return ",".join(text for _key, text in sorted(parts, key=lambda p: p[0]))


def format_selector(selector: Mapping[str, Any] | None) -> str:
    """metav1.FormatLabelSelector: as selector_string, `<none>` when empty."""
    return selector_string(selector) or "<none>"


def node_roles(node: Obj) -> list[str]:
    """findNodeRoles: `node-role.kubernetes.io/X` labels and the `kubernetes.io/role` value."""
    roles: set[str] = set()
    for key, value in (node["metadata"].get("labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/"):
            role = key.removeprefix("node-role.kubernetes.io/")
            if role:
                roles.add(role)
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return sorted(roles)


_ACCESS_MODES = (
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
)


def access_modes(modes: Iterable[str] | None) -> str:
    """GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order, whatever the object's order."""
    have = set(modes or ())
    return ",".join(short for mode, short in _ACCESS_MODES if mode in have)


def pv_class(pv: Obj) -> str:
    annotations = pv["metadata"].get("annotations") or {}
    beta = annotations.get("volume.beta.kubernetes.io/storage-class")
    if beta is not None:
        return str(beta)
    return str(pv.get("spec", {}).get("storageClassName") or "")
