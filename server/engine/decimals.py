"""Numbers as the engine reads and writes them: Decimal in, Decimal out, never float arithmetic."""

import math
import re
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

# Plain numbers only: "12", "-3", "0.5" and the Vietnamese "0,5". No exponents, thousands
# separators or words such as "NaN", so a typo can never turn into a number.
_NUMBER_TEXT = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")


class NotANumber(ValueError):
    """The value is not a finite number (bools, NaN, Infinity and free text included)."""


def parse_decimal(value) -> Decimal:
    """`value` as a Decimal: an int, a finite float or Decimal, or a plain number string."""
    # bool is an int subclass: True must not silently become 1 point.
    if isinstance(value, bool):
        raise NotANumber(f"{value!r} is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float) and math.isfinite(value):
        # JSON and YAML hand us floats; repr is the shortest text that reads back as the same
        # float, so 0.1 becomes Decimal("0.1") and not 0.1000000000000000055...
        return Decimal(repr(value))
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, str):
        text = value.strip()
        if _NUMBER_TEXT.fullmatch(text):
            return Decimal(text.replace(",", "."))
    raise NotANumber(f"{value!r} is not a number")


_HUNDREDTH = Decimal("0.01")


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """`value` rounded half-up (0.005 -> 0.01), the way published PAR INDEX figures are rounded."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent(points: Decimal, max_points: Decimal) -> Decimal:
    """points / max_points x 100, rounded half-up to 2 places with no rounding before that.

    Exact integer arithmetic, so a ratio like 66.665 exactly is never nudged either way by the
    precision of an intermediate Decimal division.
    """
    numerator, denominator = points.as_integer_ratio()
    max_numerator, max_denominator = max_points.as_integer_ratio()
    # floor(n/d / (mn/md) x 10,000 + 1/2) = floor((20,000 n md + d mn) / (2 d mn))
    below = denominator * max_numerator
    hundredths = (20000 * numerator * max_denominator + below) // (2 * below)
    return Decimal(hundredths).scaleb(-2, ENGINE_CONTEXT)


def plain(value: Decimal) -> str:
    """`value` as text with no exponent or trailing zeros: 0.50 -> "0.5", 1E+2 -> "100"."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def two_places(value: Decimal) -> str:
    """A total, points or an index as the API and stored totals give it: rounded half-up once,
    always two decimals ("82.00", "9.50"), whatever the value's own exponent."""
    # str() of a value quantized to hundredths never uses an exponent, and is twice as fast as
    # format(): a national ranking formats 200,000 figures.
    return str(value.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP))


def vn_number(value: Decimal) -> str:
    """`value` as a Vietnamese reader writes it, for labels and headers: 9.5 -> "9,5", 0.50 ->
    "0,5" (no rounding; data cells, CSV and the API keep `plain`)."""
    return plain(value).replace(".", ",")


# Scoring runs in its own context so a caller's decimal settings can never change a score.
ENGINE_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN,
                         traps=[InvalidOperation, DivisionByZero, Overflow])
