"""Reading numbers and rounding them the way published PAR INDEX figures are rounded."""

from decimal import Decimal

import pytest

from server.engine import parse_decimal, round_half_up


@pytest.mark.parametrize(("value", "expected"), [
    (3, Decimal(3)),
    (Decimal("0.25"), Decimal("0.25")),
    ("0.5", Decimal("0.5")),
    ("0,5", Decimal("0.5")),  # the Vietnamese decimal comma
    (" 12,75 ", Decimal("12.75")),
    ("-1", Decimal(-1)),
    (2.75, Decimal("2.75")),  # JSON floats keep their written digits
    (0.1, Decimal("0.1")),
])
def test_numbers_accepted(value, expected):
    assert parse_decimal(value) == expected


def test_a_float_keeps_its_short_form():
    assert str(parse_decimal(0.1)) == "0.1"


@pytest.mark.parametrize("value", [
    True, False, None, "", "abc", "1e3", "1.000,5", "1 000", "0.5.1", ".5", "5.", "NaN", "nan",
    "Infinity", "inf", float("nan"), float("inf"), Decimal("NaN"), Decimal("Infinity"), [1], {},
    "١٢",  # digits of another script are not a number here
])
def test_garbage_refused(value):
    with pytest.raises(ValueError, match="is not a number"):
        parse_decimal(value)


@pytest.mark.parametrize(("value", "places", "expected"), [
    ("66.665", 2, "66.67"),  # half-even would give 66.66
    ("66.664999", 2, "66.66"),
    ("0.125", 2, "0.13"),
    ("99.995", 2, "100.00"),
    ("2.5", 0, "3"),
    ("1.2345", 3, "1.235"),
])
def test_round_half_up(value, places, expected):
    rounded = round_half_up(Decimal(value), places)
    assert str(rounded) == expected
