"""JavaScript's operators on the subset's values: truthiness, equality, arithmetic, typeof.

Every result stays small: numbers past 2**53 become floats, as JavaScript's doubles, and a
string or a value to be printed past a size limit throws, so that a hostile script cannot
exhaust memory with the few operators it has.
"""

from __future__ import annotations

import math
import re
from typing import Any, TypeGuard

from aoi.twin.surface.mongo.format import display
from aoi.twin.surface.mongo.values import UNDEFINED, Function, JsError, Method, Special

MAX_STRING = 1 << 20  # characters in one string
MAX_NODES = 100_000  # values inside one value that is printed or turned into a string
MAX_DEPTH = 100  # nesting of arrays and objects in such a value
_SAFE_INT = 2**53
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|infinity)", re.IGNORECASE)


def is_number(x: Any) -> TypeGuard[int | float]:
    return isinstance(x, int | float) and not isinstance(x, bool)


def truthy(x: Any) -> bool:
    """JavaScript's ToBoolean: false, 0, NaN, "", null and undefined are false."""
    if x is None or x is UNDEFINED:
        return False
    if isinstance(x, bool):
        return x
    if is_number(x):
        return not (x == 0 or math.isnan(x))
    if isinstance(x, str):
        return bool(x)
    return True


def to_number(x: Any) -> float | int:
    """JavaScript's ToNumber."""
    if isinstance(x, bool):
        return int(x)
    if is_number(x):
        return x
    if x is None:
        return 0
    if isinstance(x, str):
        text = x.strip()
        if not text:
            return 0
        if _NUMBER.fullmatch(text):
            value = float(text)
            return int(value) if value.is_integer() and abs(value) < _SAFE_INT else value
        return float("nan")
    if isinstance(x, Special):
        m = re.fullmatch(r'Number(?:Long|Int)\("?(-?\d+)"?\)', x.text)
        return int(m.group(1)) if m else float("nan")
    if isinstance(x, list):
        return to_number(display(x))
    return float("nan")


def to_int(x: Any) -> int:
    """A number as an int for counts and indexes: NaN is 0, infinities are clamped."""
    value = to_number(x)
    if math.isnan(value):
        return 0
    return int(max(-_SAFE_INT, min(_SAFE_INT, value)))


def _number(x: float) -> float | int:
    if isinstance(x, int) and abs(x) > _SAFE_INT:
        return float(x)
    return x


def typeof(x: Any) -> str:
    if x is UNDEFINED:
        return "undefined"
    if isinstance(x, bool):
        return "boolean"
    if is_number(x):
        return "number"
    if isinstance(x, str):
        return "string"
    if isinstance(x, Function | Method):
        return "function"
    return "object"


def is_primitive(x: Any) -> bool:
    return x is None or x is UNDEFINED or isinstance(x, bool | int | float | str)


def strict_equals(a: Any, b: Any) -> bool:
    """`a === b`: same type and value for primitives, the same object otherwise."""
    if is_number(a) and is_number(b):
        return bool(a == b)
    if isinstance(a, str | bool) and type(a) is type(b):
        return bool(a == b)
    return a is b


def loose_equals(a: Any, b: Any) -> bool:
    """`a == b` with JavaScript's conversions: null == undefined, "1" == 1, [1] == "1"."""
    nullish_a, nullish_b = a is None or a is UNDEFINED, b is None or b is UNDEFINED
    if nullish_a or nullish_b:
        return nullish_a and nullish_b
    if is_primitive(a) == is_primitive(b) and (typeof(a) == typeof(b) or not is_primitive(a)):
        return strict_equals(a, b)
    if isinstance(a, bool) or isinstance(b, bool):
        return loose_equals(to_number(a), to_number(b))
    if not is_primitive(a):
        return loose_equals(to_string(a), b)
    if not is_primitive(b):
        return loose_equals(a, to_string(b))
    return bool(to_number(a) == to_number(b))


def to_string(x: Any) -> str:
    """String(x), refusing values too large to write."""
    check_size(x)
    return cap(display(x))


def cap(s: str) -> str:
    if len(s) > MAX_STRING:
        raise JsError("InternalError", "allocation size overflow")
    return s


def check_size(x: Any) -> None:
    """Throw where writing `x` out would be huge (arrays can share parts, so count them all)."""
    if not isinstance(x, list | dict):
        return
    nodes = chars = 0
    stack: list[tuple[Any, int]] = [(x, 1)]
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if isinstance(value, str):
            chars += len(value)
        if nodes > MAX_NODES or chars > MAX_STRING:
            raise JsError("InternalError", "allocation size overflow")
        if depth > MAX_DEPTH:
            raise JsError("InternalError", "too much recursion")
        if isinstance(value, list | dict):
            children = value.values() if isinstance(value, dict) else value
            stack.extend((v, depth + 1) for v in children)


def binary(op: str, a: Any, b: Any) -> Any:
    """The value of `a op b` for the arithmetic, comparison and equality operators."""
    if op == "===":
        return strict_equals(a, b)
    if op == "!==":
        return not strict_equals(a, b)
    if op == "==":
        return loose_equals(a, b)
    if op == "!=":
        return not loose_equals(a, b)
    if op == "+":
        pa = a if is_primitive(a) else to_string(a)
        pb = b if is_primitive(b) else to_string(b)
        if isinstance(pa, str) or isinstance(pb, str):
            return cap(display(pa) + display(pb))
        return _number(to_number(pa) + to_number(pb))
    if op in ("<", ">", "<=", ">="):
        return _compare(op, a, b)
    x, y = to_number(a), to_number(b)
    if op == "-":
        return _number(x - y)
    if op == "*":
        return _number(x * y)
    if op == "/":
        if y == 0:
            if x == 0 or math.isnan(x):
                return float("nan")
            return math.copysign(math.inf, math.copysign(1, x) * math.copysign(1, y))
        return x / y
    if y == 0 or math.isinf(x) or math.isnan(x) or math.isnan(y):
        return float("nan")
    rest = math.fmod(x, y)
    return int(rest) if isinstance(x, int) and isinstance(y, int) else rest


def _compare(op: str, a: Any, b: Any) -> bool:
    pa = a if is_primitive(a) else to_string(a)
    pb = b if is_primitive(b) else to_string(b)
    if isinstance(pa, str) and isinstance(pb, str):
        x: Any = pa
        y: Any = pb
    else:
        x, y = to_number(pa), to_number(pb)
        if math.isnan(x) or math.isnan(y):
            return False
    if op == "<":
        return bool(x < y)
    if op == ">":
        return bool(x > y)
    if op == "<=":
        return bool(x <= y)
    return bool(x >= y)
