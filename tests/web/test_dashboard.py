"""A unit's first page after login: this year's dossier state, the deadline countdown in Vietnam
days, the items left, the council's questions waiting for a reply, last year's index and rank."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from server.appraisal import explanations
from server.config import LOCAL_TIME
from server.extensions import db
from server.results.dashboard import days_until
from tests.two_years import two_years
from tests.web.ranking_pages import number


@pytest.fixture
def years(app, make):
    return two_years(app, make)


def tile(html: str, name: str) -> str:
    """The text of one dashboard tile, tags dropped."""
    found = re.search(rf'<li class="tile {name}[^"]*">(.*?)</li>', html, re.S)
    assert found, f"no {name} tile"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_the_unit_sees_its_dossier_at_a_glance(client, login, years, province_set):
    login(years["editor"])
    html = client.get("/").get_data(as_text=True)
    assert 'id="dashboard-P02"' in html
    assert 'data-state="explanation_requested"' in html
    deadline = years["now"].explanation_deadline
    days = (deadline.astimezone(LOCAL_TIME).date() - datetime.now(LOCAL_TIME).date()).days
    assert tile(html, "deadline").startswith(f"Còn {days} ngày Hạn giải trình: ")
    self_items = sum(1 for leaf in province_set.leaves() if leaf.source == "self")
    assert tile(html, "items-left").startswith(f"{self_items - 2} tiêu chí chưa tự đánh giá")
    assert tile(html, "questions").startswith("1 câu hỏi")
    row = next(r for r in years["publication"].results["ranking"]["rows"]
               if r["unit_code"] == "P02")
    figure, words = tile(html, "last-year").split("% ", 1)
    assert number(figure) == Decimal(row["index"])
    assert words == f"Chỉ số năm 2020, xếp thứ {row['rank']} · Phiếu kết quả"
    assert f'href="/scorecards/{years["before"].id}/P02"' in html

    explanations.save_reply(years["p02"], years["editor"], "1.1.2", "Báo cáo số 12/BC-UBND")
    assert tile(client.get("/").get_data(as_text=True), "questions").startswith("0 câu hỏi")


def test_a_passed_deadline_counts_the_days_late(client, login, years):
    years["now"].explanation_deadline = datetime.now(UTC) - timedelta(days=3, hours=1)
    db.session.commit()
    login(years["editor"])
    html = client.get("/").get_data(as_text=True)
    assert '<li class="tile deadline late">' in html
    assert re.match(r"Quá hạn [34] ngày", tile(html, "deadline"))


def test_a_unit_without_a_dossier_and_the_department_see_no_dashboard(client, login, years,
                                                                       make):
    unit = make.unit("P09", level="province", group="province", name="Tỉnh P09")
    login(make.user("unit_head", unit))
    html = client.get("/").get_data(as_text=True)
    assert "Đơn vị chưa có hồ sơ" in html and 'class="tile' not in html

    client.post("/logout")
    login(years["admin"])
    html = client.get("/").get_data(as_text=True)
    assert "dashboard" not in html and "Chỉ số CCHC năm 2021" in html


def test_days_are_counted_in_vietnam_time():
    # 23:30 in Hà Nội; the deadline is 00:30 the next day there, one hour later.
    now = datetime(2021, 3, 1, 16, 30, tzinfo=UTC)
    assert days_until(now + timedelta(hours=1), now) == 1
    assert days_until(now + timedelta(minutes=20), now) == 0
    assert days_until(now - timedelta(days=2), now) == -2
