"""How Go prints unstructured JSON values: fmt's %v and %#v, strconv.Quote, json.Marshal.

kubectl decodes objects into map[string]interface{} (int64 for integers,
float64 otherwise), so these are the printers behind jsonpath and
custom-columns output and their error messages.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any


def _digits(f: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of |f| and the decimal point position."""
    _, digits, exponent = Decimal(repr(abs(f))).as_tuple()
    text = "".join(map(str, digits)).lstrip("0")
    if not text or not isinstance(exponent, int):
        return "0", 1
    return text.rstrip("0"), len(text) + exponent


def _fixed(d: str, dp: int) -> str:
    if dp <= 0:
        return "0." + "0" * -dp + d
    if dp >= len(d):
        return d + "0" * (dp - len(d))
    return d[:dp] + "." + d[dp:]


def _exp(d: str, dp: int, min_exp_digits: int) -> str:
    exp = dp - 1
    mant = d[0] + ("." + d[1:] if len(d) > 1 else "")
    sign = "-" if exp < 0 else "+"
    return f"{mant}e{sign}{abs(exp):0{min_exp_digits}d}"


def go_float(f: float) -> str:
    """fmt.Sprint(float64): %g with the shortest digits (1e+06, 1.5, 1e-07)."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    d, dp = _digits(f)
    sign = "-" if f < 0 else ""
    # strconv's shortest %g switches to an exponent at 1e+06 and below 1e-04.
    if not -4 <= dp - 1 < 6:
        return sign + _exp(d, dp, 2)
    return sign + _fixed(d, dp)


def _json_float(f: float) -> str:
    """encoding/json's float64: plain digits in [1e-6, 1e21), else an exponent."""
    if not math.isfinite(f):
        return "null"
    if f == 0:
        return "0"
    d, dp = _digits(f)
    sign = "-" if f < 0 else ""
    if 1e-6 <= abs(f) < 1e21:
        return sign + _fixed(d, dp)
    text = _exp(d, dp, 2)
    if text[-4:-1] == "e-0":
        text = text[:-2] + text[-1]
    return sign + text


def go_sprint(v: Any) -> str:
    """fmt.Sprint of an interface{} value (maps print sorted, like Go)."""
    if v is None:
        return "<nil>"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return go_float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return "[" + " ".join(go_sprint(x) for x in v) + "]"
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{go_sprint(v[k])}" for k in sorted(v)) + "]"
    return str(v)


_QUOTE_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}


def go_quote(s: str) -> str:
    """strconv.Quote: printable runes kept, others escaped."""
    out = ['"']
    for ch in s:
        if ch in _QUOTE_ESCAPES:
            out.append(_QUOTE_ESCAPES[ch])
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def go_gostring(v: Any, top: bool = True) -> str:
    """fmt's %#v of an interface{} holding unstructured JSON."""
    if v is None:
        return "interface {}(nil)"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return go_float(v)
    if isinstance(v, str):
        return go_quote(v)
    if isinstance(v, list):
        return "[]interface {}{" + ", ".join(go_gostring(x, False) for x in v) + "}"
    if isinstance(v, dict):
        body = ", ".join(f"{go_quote(k)}:{go_gostring(v[k], False)}" for k in sorted(v))
        return "map[string]interface {}{" + body + "}"
    return go_quote(str(v))


_JSON_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def _json_string(s: str) -> str:
    out = ['"']
    for ch in s:
        esc = _JSON_ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ch < " ":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def go_json(v: Any) -> str:
    """encoding/json.Marshal: compact, sorted keys, HTML-safe escapes."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _json_float(v)
    if isinstance(v, str):
        return _json_string(v)
    if isinstance(v, list):
        return "[" + ",".join(go_json(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(f"{_json_string(k)}:{go_json(v[k])}" for k in sorted(v)) + "}"
    return _json_string(str(v))


def go_type(v: Any) -> str:
    """The Go type name kubectl's jsonpath reports for a decoded JSON value."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "[]interface {}"
    if isinstance(v, dict):
        return "map[string]interface {}"
    return "interface {}"
