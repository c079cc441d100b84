"""Numbers and dates in pages the Vietnamese way: a decimal comma, dd/mm/yyyy."""

from datetime import date
from decimal import Decimal

from server.web.filters import number_text, vn_date


def test_numbers_in_fields_and_answers_keep_every_digit_with_a_comma():
    assert number_text("0.333") == "0,333" and number_text(Decimal("9.50")) == "9,5"
    assert number_text(12) == "12" and number_text(2.4) == "2,4" and number_text("1,5") == "1,5"
    assert number_text(None) == "" and number_text("chín mươi") == "chín mươi"


def test_dates_are_day_month_year():
    assert vn_date("2023-01-01") == "01/01/2023" and vn_date(date(2021, 1, 27)) == "27/01/2021"
