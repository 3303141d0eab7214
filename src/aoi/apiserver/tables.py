"""Server-side printing: objects as a `meta.k8s.io/v1` Table, the rows the twin's printers make.

The cells come from the same row functions as the twin's in-process `kubectl get`, called as
the API server calls its printers (wide: every column, the extra ones at priority 1); kubectl
then lays the table out, adds NAMESPACE, -L and --show-labels columns and hides the wide ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aoi.twin.cluster.store import Obj
from aoi.twin.surface.kubectl.printers import PRINTERS

TABLE_ACCEPT = "as=Table"
_NAME_DESCRIPTION = (
    "Name must be unique within a namespace. Is required when creating resources, although "
    "some resources may allow a client to request the generation of an appropriate name "
    "automatically. Name is primarily intended for creation idempotence and configuration "
    "definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)


def wants_table(accept: str) -> bool:
    """True when the Accept header asks for a meta.k8s.io Table (kubectl get does)."""
    first = accept.split(",", 1)[0]
    return TABLE_ACCEPT in first.replace(" ", "")


def _column_name(header: str) -> str:
    # The server names columns in title case; kubectl upper-cases them again.
    special = {"IP": "IP", "CLUSTER-IP": "Cluster-IP", "EXTERNAL-IP": "External-IP"}
    if header in special:
        return special[header]
    if header == "INTERNAL-IP":
        return "Internal-IP"
    return " ".join(w.capitalize() if w.isalpha() else w.title() for w in header.split(" "))


def columns(kind: str) -> list[dict[str, Any]]:
    base, wide, _row = PRINTERS[kind]
    if kind == "Event":
        ordered = [*base[:4], *wide]
    else:
        ordered = [*base, *wide]
    out = []
    for header in ordered:
        column: dict[str, Any] = {
            "name": _column_name(header),
            "type": "string",
            "format": "name" if header == "NAME" and kind != "Event" else "",
            "description": _NAME_DESCRIPTION if header == "NAME" else header.lower(),
            "priority": 0 if header in base else 1,
        }
        out.append(column)
    return out


def partial_metadata(obj: Obj) -> dict[str, Any]:
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj.get("metadata", {}),
    }


def table(
    kind: str,
    objs: list[Obj],
    *,
    now: datetime,
    include_object: str = "Metadata",
    resource_version: str = "",
    no_headers: bool = False,
) -> dict[str, Any]:
    """The Table of objects of one kind the twin prints (include_object: None|Metadata|Object)."""
    row_fn = PRINTERS[kind][2]
    rows = []
    for obj in objs:
        row: dict[str, Any] = {"cells": row_fn(obj, now, True)}
        if include_object == "Object":
            row["object"] = obj
        elif include_object != "None":
            row["object"] = partial_metadata(obj)
        rows.append(row)
    body: dict[str, Any] = {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version},
        "columnDefinitions": [] if no_headers else columns(kind),
        "rows": rows,
    }
    return body


def default_table(objs: list[Obj], *, now: datetime, include_object: str) -> dict[str, Any]:
    """The Table of a kind without a printer: Name and Created At, as the server's default."""
    from aoi.twin.surface.kubectl.printers import since

    rows = []
    for obj in objs:
        row: dict[str, Any] = {
            "cells": [obj["metadata"]["name"], since(obj["metadata"].get("creationTimestamp"), now)]
        }
        if include_object == "Object":
            row["object"] = obj
        elif include_object != "None":
            row["object"] = partial_metadata(obj)
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": ""},
        "columnDefinitions": [
            {
                "name": "Name",
                "type": "string",
                "format": "name",
                "description": _NAME_DESCRIPTION,
                "priority": 0,
            },
            {"name": "Age", "type": "date", "format": "", "description": "age", "priority": 0},
        ],
        "rows": rows,
    }
