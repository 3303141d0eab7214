"""jq's @formats: @text, @json, @csv, @tsv, @html, @uri, @sh, @base64 and @base64d."""

from __future__ import annotations

import base64
import urllib.parse
from collections.abc import Callable
from typing import Any

from aoi.shelltools.jq_values import (
    JqRuntimeError,
    brief,
    dump_compact,
    tostring,
)


def _csv_cell(x: Any) -> str:
    if isinstance(x, str):
        return '"' + x.replace('"', '""') + '"'
    if x is None:
        return ""
    if isinstance(x, list | dict):
        raise JqRuntimeError(f"{brief(x)} is not valid in a csv row")
    return dump_compact(x)


def _tsv_cell(x: Any) -> str:
    if isinstance(x, str):
        return (
            x.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        )
    if x is None:
        return ""
    if isinstance(x, list | dict):
        raise JqRuntimeError(f"{brief(x)} is not valid in a csv row")
    return dump_compact(x)


def _row(v: Any, kind: str) -> list[Any]:
    if not isinstance(v, list):
        raise JqRuntimeError(f"{brief(v)} cannot be {kind}-formatted, only an array can be")
    return v


def _sh(v: Any) -> str:
    items = v if isinstance(v, list) else [v]
    out = []
    for x in items:
        if isinstance(x, list | dict):
            raise JqRuntimeError(f"{brief(x)} can not be escaped for shell")
        out.append("'" + x.replace("'", "'\\''") + "'" if isinstance(x, str) else dump_compact(x))
    return " ".join(out)


def _base64d(v: Any) -> str:
    text = tostring(v)
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4)).decode("utf-8", "replace")
    except ValueError:
        raise JqRuntimeError(f"{brief(v)} is not valid base64 data") from None


FORMATS: dict[str, Callable[[Any], str]] = {
    "text": tostring,
    "json": dump_compact,
    "csv": lambda v: ",".join(_csv_cell(x) for x in _row(v, "csv")),
    "tsv": lambda v: "\t".join(_tsv_cell(x) for x in _row(v, "tsv")),
    "html": lambda v: (
        tostring(v)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&quot;")
    ),
    "uri": lambda v: urllib.parse.quote(tostring(v), safe="-_.~"),
    "sh": _sh,
    "base64": lambda v: base64.b64encode(tostring(v).encode()).decode(),
    "base64d": _base64d,
}
