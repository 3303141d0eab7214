"""How the shell writes values: tojson's layout, print's String(x), JSON.stringify."""

from __future__ import annotations

import math
import re
from typing import Any

from aoi.twin.surface.mongo.values import (
    UNDEFINED,
    CollHandle,
    Cursor,
    DbHandle,
    Function,
    Method,
    Special,
)


def tojson(x: Any, indent: str = "", nolint: bool | None = None) -> str:
    """The shell's tojson: tabs and newlines, collapsed to one line when short at top level."""
    if x is None:
        return "null"
    if x is UNDEFINED:
        return "undefined"
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int | float):
        return number(x)
    if isinstance(x, str):
        return js_string(x)
    if isinstance(x, Special):
        return x.text
    if isinstance(x, list | dict):
        s = _tojson_object(x, indent, bool(nolint))
        if nolint in (None, True) and len(s) < 80 and not indent:
            s = re.sub(r"[\t\r\n]+", " ", s)
        return s
    return display(x)


def _tojson_object(x: list[Any] | dict[str, Any], indent: str, nolint: bool) -> str:
    sep = " " if nolint else "\n"
    if isinstance(x, list):
        if not x:
            return "[ ]"
        inner = "" if nolint else indent + "\t"
        items = [inner + tojson(v, inner, nolint) for v in x]
        return "[" + sep + ("," + sep).join(items) + sep + ("" if nolint else indent) + "]"
    inner = indent + ("" if nolint else "\t")
    fields = [f'{inner}"{k}" : {tojson(v, inner, nolint)}' for k, v in x.items()]
    body = ("," + sep).join(fields) if fields else inner
    return "{" + sep + body + sep + indent + "}"


def number(x: float) -> str:
    """A number as JavaScript writes it: 3 for 3.0, NaN, Infinity."""
    if isinstance(x, float) and not math.isfinite(x):
        return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    return repr(x)


def js_string(s: str) -> str:
    """A string literal as tojson writes it."""
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out) + '"'


def display(x: Any) -> str:
    """What `print(x)` shows for a value (String(x) in JavaScript)."""
    if isinstance(x, str):
        return x
    if x is None or x is UNDEFINED or isinstance(x, bool | int | float | Special):
        return tojson(x)
    if isinstance(x, list):
        return ",".join("" if v is None or v is UNDEFINED else display(v) for v in x)
    if isinstance(x, dict):
        return "[object Object]"
    if isinstance(x, DbHandle):
        return x.name
    if isinstance(x, CollHandle):
        return f"{x.db}.{x.name}"
    if isinstance(x, Method):
        return f"function() {{\n    [native code for {x.name}]\n}}"
    if isinstance(x, Function):
        return x.source
    if isinstance(x, Cursor):
        return "[object Object]"
    return "[object Object]"


# --- JSON.stringify ------------------------------------------------------------------------

_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r"}
_JSON_ESCAPES["\t"] = "\\t"
# BSON values as JSON.stringify writes them (relaxed extended JSON; a Date is its ISO string)
_EXTENDED = (
    (re.compile(r'ObjectId\("(.*)"\)'), lambda v: {"$oid": v}),
    (re.compile(r"NumberLong\((.*)\)"), lambda v: {"$numberLong": v.strip('"')}),
    (re.compile(r'UUID\("(.*)"\)'), lambda v: {"$uuid": v}),
    (re.compile(r'ISODate\("(.*)"\)'), lambda v: v),
)


def _json_quote(s: str) -> str:
    return (
        '"'
        + "".join(
            _JSON_ESCAPES.get(ch) or (f"\\u{ord(ch):04x}" if ord(ch) < 0x20 else ch) for ch in s
        )
        + '"'
    )


def json_stringify(x: Any, gap: str = "", indent: str = "") -> str | None:
    """JSON.stringify(x, null, gap); None where JavaScript gives undefined (functions too)."""
    if x is UNDEFINED or isinstance(x, Function | Method):
        return None
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int | float):
        return number(x) if math.isfinite(x) else "null"
    if isinstance(x, str):
        return _json_quote(x)
    if isinstance(x, Special):
        for pattern, convert in _EXTENDED:
            m = pattern.fullmatch(x.text)
            if m:
                return json_stringify(convert(m.group(1)), gap, indent)
        return _json_quote(x.text)
    inner = indent + gap
    colon = ": " if gap else ":"
    if isinstance(x, list):
        items = [json_stringify(v, gap, inner) or "null" for v in x]
        return _json_join("[", items, "]", gap, indent)
    if isinstance(x, dict):
        fields = []
        for k, v in x.items():
            text = json_stringify(v, gap, inner)
            if text is not None:
                fields.append(_json_quote(k) + colon + text)
        return _json_join("{", fields, "}", gap, indent)
    return "{}"


def _json_join(open_: str, items: list[str], close: str, gap: str, indent: str) -> str:
    if not items:
        return open_ + close
    if not gap:
        return open_ + ",".join(items) + close
    inner = indent + gap
    return open_ + "\n" + ",\n".join(inner + i for i in items) + "\n" + indent + close
