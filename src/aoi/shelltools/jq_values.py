"""jq's value model on plain JSON-shaped Python values: types, order, arithmetic, dumps."""

from __future__ import annotations

import json
import math
from typing import Any


class JqRuntimeError(Exception):
    """A jq runtime error; `value` is what `error(...)` was given (usually a message)."""

    def __init__(self, value: Any) -> None:
        super().__init__(value)
        self.value = value


def type_name(v: Any) -> str:
    if v is None:
        return "null"
    if v is True or v is False:
        return "boolean"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def dump_compact(v: Any) -> str:
    return json.dumps(normalize(v), ensure_ascii=False, separators=(",", ":"))


def brief(v: Any) -> str:
    """`type (value)` with the value cut the way jq cuts it in error messages."""
    text = dump_compact(v)
    if len(text) > 14:
        text = text[:11] + "..."
    return f"{type_name(v)} ({text})"


def truthy(v: Any) -> bool:
    return v is not None and v is not False


def normalize(v: Any) -> Any:
    """Replace non-finite floats the way jq prints them (nan -> null, inf -> max double)."""
    if isinstance(v, float) and not math.isfinite(v):
        if math.isnan(v):
            return None
        return 1.7976931348623157e308 if v > 0 else -1.7976931348623157e308
    if isinstance(v, list):
        return (
            [normalize(x) for x in v] if any(isinstance(x, list | dict | float) for x in v) else v
        )
    if isinstance(v, dict):
        return {k: normalize(x) for k, x in v.items()}
    return v


def num(x: float) -> int | float:
    """Computed numbers print like jq's %.17g: integral floats lose their `.0`."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e17:
        return int(x)
    return x


def sort_key(v: Any) -> tuple[Any, ...]:
    """jq's total order: null < false < true < numbers < strings < arrays < objects."""
    if v is None:
        return (0,)
    if v is False:
        return (1,)
    if v is True:
        return (2,)
    if isinstance(v, int | float):
        return (3, 0 if v != v else v)
    if isinstance(v, str):
        return (4, v)
    if isinstance(v, list):
        return (5, tuple(sort_key(x) for x in v))
    keys = sorted(v)
    return (6, tuple(keys), tuple(sort_key(v[k]) for k in keys))


def equal(a: Any, b: Any) -> bool:
    if type(a) is type(b) and isinstance(a, str):
        return bool(a == b)
    return sort_key(a) == sort_key(b)


def compare(op: str, a: Any, b: Any) -> bool:
    if op == "==":
        return equal(a, b)
    if op == "!=":
        return not equal(a, b)
    ka, kb = sort_key(a), sort_key(b)
    if op == "<":
        return ka < kb
    if op == "<=":
        return ka <= kb
    if op == ">":
        return ka > kb
    return ka >= kb


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def add(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    if _is_num(a) and _is_num(b):
        return num(a + b)
    if isinstance(a, str) and isinstance(b, str):
        return a + b
    if isinstance(a, list) and isinstance(b, list):
        return a + b
    if isinstance(a, dict) and isinstance(b, dict):
        return {**a, **b}
    raise JqRuntimeError(f"{brief(a)} and {brief(b)} cannot be added")


def _deep_merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        if isinstance(out.get(k), dict) and isinstance(v, dict):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def arith(op: str, a: Any, b: Any) -> Any:
    if op == "+":
        return add(a, b)
    if _is_num(a) and _is_num(b):
        if op == "-":
            return num(a - b)
        if op == "*":
            return num(a * b)
        if b == 0 or (op == "%" and (not math.isfinite(a) or not math.isfinite(b) or int(b) == 0)):
            raise JqRuntimeError(
                f"{brief(a)} and {brief(b)} cannot be divided because the divisor is zero"
            )
        if op == "/":
            return num(a / b)
        return int(math.fmod(int(a), int(b)))
    if op == "-" and isinstance(a, list) and isinstance(b, list):
        return [x for x in a if not any(equal(x, y) for y in b)]
    if op == "*":
        if isinstance(a, dict) and isinstance(b, dict):
            return _deep_merge(a, b)
        if (isinstance(a, str) and _is_num(b)) or (isinstance(b, str) and _is_num(a)):
            s, n = (a, b) if isinstance(a, str) else (b, a)
            if n <= 0:
                return None
            if not math.isfinite(n) or len(s) * n > 10_000_000:
                raise JqRuntimeError("Repeat string result too long")
            return s * max(int(n), 1)
    if op == "/" and isinstance(a, str) and isinstance(b, str):
        return a.split(b) if a else []
    verb = {"-": "subtracted", "*": "multiplied", "/": "divided", "%": "divided"}[op]
    raise JqRuntimeError(f"{brief(a)} and {brief(b)} cannot be {verb}")


def index(v: Any, k: Any) -> Any:
    """`v[k]` with jq's null-propagation and error wording (jq 1.7)."""
    if isinstance(k, str):
        if isinstance(v, dict):
            return v.get(k)
        if v is None:
            return None
        raise JqRuntimeError(
            f"Cannot index {type_name(v)} with {json.dumps(k, ensure_ascii=False)}"
        )
    if _is_num(k):
        if isinstance(v, list):
            i = math.floor(_clamp(k))
            if i < 0:
                i += len(v)
            return v[i] if 0 <= i < len(v) else None
        if v is None:
            return None
        raise JqRuntimeError(f"Cannot index {type_name(v)} with number")
    if isinstance(k, dict) and v is None:
        return None
    raise JqRuntimeError(f"Cannot index {type_name(v)} with {type_name(k)}")


def slice_(v: Any, lo: Any, hi: Any) -> Any:
    if v is None:
        return None
    if not isinstance(v, list | str):
        raise JqRuntimeError(f"Cannot index {type_name(v)} with object")
    for bound in (lo, hi):
        if bound is not None and not _is_num(bound):
            raise JqRuntimeError("Start and end indices of an array slice must be numbers")
    start = None if lo is None else math.floor(_clamp(lo))
    stop = None if hi is None else math.ceil(_clamp(hi))
    return v[start:stop]


def _clamp(x: float) -> float:
    return max(min(x, 1e18), -1e18) if x == x else 0.0


def iterate(v: Any) -> list[Any]:
    if isinstance(v, list):
        return v
    if isinstance(v, dict):
        return list(v.values())
    raise JqRuntimeError(f"Cannot iterate over {brief(v)}")


def length(v: Any) -> Any:
    if v is None:
        return 0
    if v is True or v is False:
        raise JqRuntimeError(f"{brief(v)} has no length")
    if _is_num(v):
        return abs(v)
    return len(v)


def tostring(v: Any) -> str:
    return v if isinstance(v, str) else dump_compact(v)
