"""Label and field selectors, with the API server's syntax and error messages."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aoi.twin.cluster.store import Obj


class SelectorError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    op: str  # = != in notin exists !exists
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        present = self.key in labels
        value = labels.get(self.key)
        if self.op == "=":
            return present and value == self.values[0]
        if self.op == "!=":
            return not present or value != self.values[0]
        if self.op == "in":
            return present and value in self.values
        if self.op == "notin":
            return not present or value not in self.values
        if self.op == "exists":
            return present
        return not present


_REQ = re.compile(
    r"\s*(?P<neg>!)?\s*(?P<key>[A-Za-z0-9][-A-Za-z0-9_./]*)\s*"
    r"(?:(?P<op>==|!=|=|\s+in\s+|\s+notin\s+)\s*(?P<val>\([^)]*\)|[-A-Za-z0-9_.]*))?\s*$"
)


def _split_top(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def parse_label_selector(text: str) -> list[Requirement]:
    """`app=geo,tier!=db`, `env in (a,b)`, `!canary`, `version` -> requirements."""
    if not text.strip():
        return []
    reqs = []
    for part in _split_top(text):
        match = _REQ.match(part)
        if match is None or (match.group("neg") and match.group("op")):
            raise SelectorError(
                f"unable to parse requirement: found '{part.strip()}', expected: identifier"
            )
        key, op, val = match.group("key"), match.group("op"), match.group("val")
        if op is None:
            reqs.append(Requirement(key, "!exists" if match.group("neg") else "exists"))
            continue
        op = op.strip()
        if op in ("in", "notin"):
            if not val or not val.startswith("("):
                raise SelectorError(f"unable to parse requirement: found '{val}', expected: '('")
            values = tuple(v.strip() for v in val[1:-1].split(",") if v.strip())
            reqs.append(Requirement(key, op, values))
        else:
            reqs.append(Requirement(key, "!=" if op == "!=" else "=", (val or "",)))
    return reqs


def label_matcher(text: str | None) -> Callable[[Obj], bool]:
    if not text:
        return lambda _obj: True
    reqs = parse_label_selector(text)
    return lambda obj: all(r.matches(obj["metadata"].get("labels") or {}) for r in reqs)


# Fields each kind supports in --field-selector (the API server rejects the rest).
_FIELDS: dict[str, dict[str, Callable[[Obj], Any]]] = {
    "*": {
        "metadata.name": lambda o: o["metadata"]["name"],
        "metadata.namespace": lambda o: o["metadata"].get("namespace", ""),
    },
    "Pod": {
        "status.phase": lambda o: o.get("status", {}).get("phase", ""),
        "spec.nodeName": lambda o: o["spec"].get("nodeName", ""),
        "spec.restartPolicy": lambda o: o["spec"].get("restartPolicy", ""),
        "spec.schedulerName": lambda o: o["spec"].get("schedulerName", ""),
        "spec.serviceAccountName": lambda o: o["spec"].get("serviceAccountName", ""),
        "status.podIP": lambda o: o.get("status", {}).get("podIP", ""),
        "status.nominatedNodeName": lambda o: "",
    },
    "Event": {
        "involvedObject.kind": lambda o: o["involvedObject"].get("kind", ""),
        "involvedObject.name": lambda o: o["involvedObject"].get("name", ""),
        "involvedObject.namespace": lambda o: o["involvedObject"].get("namespace", ""),
        "involvedObject.uid": lambda o: o["involvedObject"].get("uid", ""),
        "involvedObject.fieldPath": lambda o: o["involvedObject"].get("fieldPath", ""),
        "reason": lambda o: o.get("reason", ""),
        "type": lambda o: o.get("type", ""),
        "source": lambda o: o.get("source", {}).get("component", ""),
        "reportingComponent": lambda o: o.get("reportingComponent", ""),
    },
    "Node": {"spec.unschedulable": lambda o: str(bool(o["spec"].get("unschedulable"))).lower()},
    "Secret": {"type": lambda o: o.get("type", "")},
    "Namespace": {"status.phase": lambda o: o.get("status", {}).get("phase", "")},
    "ReplicaSet": {"status.replicas": lambda o: str(o.get("status", {}).get("replicas", 0))},
    "Job": {"status.successful": lambda o: str(o.get("status", {}).get("succeeded", 0))},
}


def field_matcher(text: str | None, kind: str, resource: str) -> Callable[[Obj], bool]:
    """A --field-selector as a predicate; unsupported fields raise with the server's message."""
    if not text:
        return lambda _obj: True
    terms: list[tuple[Callable[[Obj], Any], str, str]] = []
    supported = {**_FIELDS["*"], **_FIELDS.get(kind, {})}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        match = re.match(r"^([^!=]+?)\s*(==|!=|=)\s*(.*)$", part)
        if match is None:
            raise SelectorError(f"invalid selector: '{text}'; can't understand '{part}'")
        field, op, value = match.groups()
        getter = supported.get(field)
        if getter is None:
            raise SelectorError(
                f'Error from server (BadRequest): Unable to find "/v1, Resource={resource}" '
                f'that match label selector "", field selector "{text}": field label not '
                f"supported: {field}"
            )
        terms.append((getter, "!=" if op == "!=" else "=", value))

    def match_all(obj: Obj) -> bool:
        for getter, op, value in terms:
            actual = str(getter(obj))
            if (actual == value) != (op == "="):
                return False
        return True

    return match_all
