"""apimachinery's resource.Quantity: parse `2048Mi`, `0.5`, `100m` and print the canonical form.

kubectl prints quantities through this type (`describe`, `top`, PV capacities),
so the twin does too: `2048Mi` becomes `2Gi`, `1000m` becomes `1`.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any

_QTY = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?([a-zA-Z]*|[eE][+-]?\d+)$")
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_SUFFIX = {exp: suffix for suffix, exp in _DECIMAL.items()}
_BINARY_SUFFIX = {bits: suffix for suffix, bits in _BINARY.items()}


class Quantity:
    """A parsed quantity: an exact value and the format its String() keeps."""

    __slots__ = ("format", "value")

    def __init__(self, value: Fraction = Fraction(0), fmt: str = "DecimalSI") -> None:
        self.value = value
        self.format = fmt

    @classmethod
    def parse(cls, text: Any) -> Quantity:
        """Parse `100m`, `128Mi`, `1e3`, `2`; anything unparsable counts as zero."""
        if isinstance(text, int | float):
            text = str(text)
        match = _QTY.match(str(text or "").strip())
        if match is None or not (match.group(2) or match.group(3)):
            return cls()
        sign, whole, frac, suffix = match.groups()
        value = Fraction(int((whole or "0") + (frac or "")), 10 ** len(frac or ""))
        if suffix in _BINARY:
            value, fmt = value * 2 ** _BINARY[suffix], "BinarySI"
        elif suffix in _DECIMAL:
            value, fmt = value * Fraction(10) ** _DECIMAL[suffix], "DecimalSI"
        elif suffix[:1] in "eE" and suffix:
            value, fmt = value * Fraction(10) ** int(suffix[1:]), "DecimalExponent"
        else:
            return cls()
        # Quantities keep nano precision, rounding away from zero.
        value = Fraction(math.ceil(value * 10**9), 10**9)
        return cls(-value if sign == "-" else value, fmt)

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(self.value + other.value, self.format)

    def milli(self) -> int:
        return math.ceil(self.value * 1000)

    def whole(self) -> int:
        return math.ceil(self.value)

    def __str__(self) -> str:
        if self.value == 0:
            return "0"
        fmt = self.format
        if fmt == "BinarySI" and (-1024 < self.value < 1024 or self.value.denominator != 1):
            fmt = "DecimalSI"
        if fmt == "BinarySI":
            amount, bits = int(self.value), 0
            while amount % 1024 == 0 and bits < 60:
                amount //= 1024
                bits += 10
            return f"{amount}{_BINARY_SUFFIX.get(bits, '')}"
        # Integer mantissa and a power-of-ten exponent, made a multiple of 3.
        scaled = self.value * 10**9
        amount, exponent = int(scaled), -9
        while amount != 0 and amount % 10 == 0:
            amount //= 10
            exponent += 1
        shift = exponent % 3
        amount, exponent = amount * 10**shift, exponent - shift
        if fmt == "DecimalExponent":
            return f"{amount}e{exponent}" if exponent else str(amount)
        return f"{amount}{_DECIMAL_SUFFIX.get(exponent, f'e{exponent}')}"


def quantity(text: Any) -> str:
    """The canonical form kubectl prints for a quantity string (`2048Mi` -> `2Gi`)."""
    if text is None or text == "":
        return "0"
    return str(Quantity.parse(text))
