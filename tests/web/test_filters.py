"""Numbers and dates in pages the Vietnamese way: a decimal comma, dd/mm/yyyy."""

from datetime import date
from decimal import Decimal

from server.web.filters import change_mark, number_text, vn_date


def test_numbers_in_fields_and_answers_keep_every_digit_with_a_comma():
    assert number_text("0.333") == "0,333" and number_text(Decimal("9.50")) == "9,5"
    assert number_text(12) == "12" and number_text(2.4) == "2,4" and number_text("1,5") == "1,5"
    assert number_text(None) == "" and number_text("chín mươi") == "chín mươi"


def test_dates_are_day_month_year():
    assert vn_date("2023-01-01") == "01/01/2023" and vn_date(date(2021, 1, 27)) == "27/01/2021"


def test_the_change_against_last_year_is_marked_up_down_or_same(app):
    with app.test_request_context("/"):
        assert str(change_mark("2.50")) == (
            '<span class="up" title="Tăng so với năm trước">▲ +2,5</span>')
        assert "▼ -0,25" in str(change_mark("-0.25"))
        assert "= 0" in str(change_mark("0.00")) and "–" in str(change_mark(None))
