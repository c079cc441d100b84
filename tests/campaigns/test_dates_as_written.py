"""Campaign dates as a Vietnamese administrator writes them (dd/mm/yyyy), and as machines do."""

from datetime import date

import pytest

from server.campaigns.settings import clean_cutoffs, parse_deadline
from server.config import LOCAL_TIME


def test_a_date_written_either_way_is_the_same_deadline():
    assert parse_deadline("30/11/2025") == parse_deadline("2025-11-30")
    assert parse_deadline("30/11/2025").astimezone(LOCAL_TIME).time().hour == 23
    assert parse_deadline("01/10/2025 08:00", opening=True) == parse_deadline(
        "2025-10-01T08:00", opening=True)
    with pytest.raises(ValueError, match=r"'31/02/2025' is not a date \(dd/mm/yyyy\)"):
        parse_deadline("31/02/2025")


def test_cutoffs_are_stored_iso_and_refused_naming_the_form():
    rows, problems = clean_cutoffs([{"label": "Số liệu 9 tháng", "date": "30/09/2025"},
                                    {"label": "Cả năm", "date": "2025-12-31"}])
    assert [r["date"] for r in rows] == ["2025-09-30", "2025-12-31"] and problems == {}
    assert date.fromisoformat(rows[0]["date"]) == date(2025, 9, 30)
    _rows, problems = clean_cutoffs([{"label": "x", "date": "9/2025"}])
    assert str(problems["data_cutoffs.0.date"]) == "'9/2025' is not a date (dd/mm/yyyy)"
