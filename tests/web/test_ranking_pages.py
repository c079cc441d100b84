"""Ranking pages: the numbers match the engine's ranking, the SVG bars are proportional to the
index, administrators alone see the live preview, and everyone else only what was published."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from server.results.publications import latest_publication, publish
from server.results.ranking import rank_group
from server.results.ranking_data import ranking_dict
from server.web.charts import PLOT_WIDTH
from tests.web.ranking_pages import (
    cell,
    elements,
    number,
    table_rows,
    zero_first_leaf,
)


def _url(group, suffix=""):
    return f"/rankings/{group['campaign'].id}/province{suffix}"


def test_the_live_preview_matches_the_engine_for_an_administrator(client, login, group):
    expected = ranking_dict(rank_group(group["campaign"], "province"))
    login(group["admin"])
    response = client.get(_url(group))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "preview-banner" in html and "Bản xem trước — chưa công bố" in html
    rows = table_rows(html)
    assert set(rows) == {"P01", "P02", "P03", "P04"}
    for row in expected["rows"]:
        code = row["unit_code"]
        assert cell(rows, code, "index") and number(cell(rows, code, "index")) == Decimal(
            row["index"])
        assert number(cell(rows, code, "total")) == pytest.approx(
            Decimal(row["total"]), abs=Decimal("0.005"))
        assert number(cell(rows, code, "self-points")) == pytest.approx(
            Decimal(row["self_points"]), abs=Decimal("0.005"))
        assert number(cell(rows, code, "survey-points")) == pytest.approx(
            Decimal(row["survey_points"]), abs=Decimal("0.005"))
        assert [number(text) for text in rows[code]["domain-points"]] == [
            pytest.approx(Decimal(d["points"]), abs=Decimal("0.005")) for d in row["domains"]]
        rank = cell(rows, code, "rank")
        assert rank == (str(row["rank"]) if row["rank"] else "không xếp hạng")
        assert cell(rows, code, "classification") == (row["classification"] or "–")
    # Ranked units first, in rank order; the unit set apart last, after its note.
    order = [code for code in rows]
    assert order == [row["unit_code"] for row in expected["rows"]] and order[-1] == "P04"
    assert html.index("not-ranked-note") < html.index('data-unit="P04"')


def test_the_chart_has_one_bar_per_ranked_unit_proportional_to_its_index(client, login, group,
                                                                        province_set):
    expected = ranking_dict(rank_group(group["campaign"], "province"))
    login(group["admin"])
    html = client.get(_url(group)).get_data(as_text=True)
    bars = elements(html, "rect", "bar")
    ranked = [row for row in expected["rows"] if row["rank"] is not None]
    assert [bar["data-unit"] for bar in bars] == [row["unit_code"] for row in ranked]
    for bar, row in zip(bars, ranked, strict=True):
        assert Decimal(bar["width"]) == pytest.approx(
            Decimal(row["index"]) * PLOT_WIDTH / 100, abs=Decimal("0.01"))
    widths = [Decimal(bar["width"]) for bar in bars]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]
    # Accessible: a title and a description, the values printed as text.
    assert '<title id="index-chart-title">' in html and '<desc id="index-chart-desc">' in html
    for row in ranked:
        assert f"{number_text(row['index'])}%</text>" in html
    # The set's bands above 0 % as lines (A 90, B 80, C 70).
    lines = elements(html, "line", "band")
    assert len(lines) == len([b for b in province_set.bands if b.min > 0]) == 3
    assert {Decimal(line["x1"]) for line in lines} == {
        Decimal(260) + b.min * PLOT_WIDTH / 100 for b in province_set.bands if b.min > 0}


def number_text(value: str) -> str:
    """An index as the page prints it: 2 places at most, decimal comma, no trailing zeros."""
    text = format(Decimal(value).quantize(Decimal("0.01")), "f").rstrip("0").rstrip(".")
    return text.replace(".", ",")


def test_others_see_nothing_before_publication(client, login, group):
    for user in (group["viewer"], group["heads"]["P01"]):
        login(user)
        for suffix in ("", "?live=1"):
            response = client.get(_url(group, suffix))
            assert response.status_code == 404
            html = response.get_data(as_text=True)
            assert "chưa được công bố" in html and "data-unit" not in html
        for download in ("/workbook.xlsx", "/long-table.csv"):
            assert client.get(_url(group, download)).status_code == 404
            assert client.get(_url(group, f"{download}?live=1")).status_code == 404
        client.post("/logout")


def test_login_is_required(client, group):
    response = client.get(_url(group))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_unknown_campaign_or_unpinned_group_is_404(client, login, group):
    login(group["admin"])
    assert client.get(f"/rankings/{group['campaign'].id + 99}/province").status_code == 404
    assert client.get(f"/rankings/{group['campaign'].id}/commune").status_code == 404
    assert client.get(f"/rankings/{group['campaign'].id}/commune?live=1").status_code == 404


def test_after_publication_everyone_sees_the_snapshot_and_the_admin_both(
        client, login, group, province_set):
    publication = publish(group["campaign"], "province", group["admin"])
    published = publication.results["ranking"]
    zero_first_leaf(group, province_set)
    live = ranking_dict(rank_group(group["campaign"], "province"))
    before = next(r for r in published["rows"] if r["unit_code"] == "P01")["index"]
    after = next(r for r in live["rows"] if r["unit_code"] == "P01")["index"]
    assert before != after

    login(group["viewer"])
    for suffix in ("", "?live=1"):  # a viewer asking for live data still gets the snapshot
        html = client.get(_url(group, suffix)).get_data(as_text=True)
        assert "preview-banner" not in html and "published-note" in html
        assert number(cell(table_rows(html), "P01", "index")) == Decimal(before)
    client.post("/logout")

    login(group["admin"])
    html = client.get(_url(group)).get_data(as_text=True)
    assert "preview-banner" not in html
    assert number(cell(table_rows(html), "P01", "index")) == Decimal(before)
    html = client.get(_url(group, "?live=1")).get_data(as_text=True)
    assert "preview-banner" in html
    assert number(cell(table_rows(html), "P01", "index")) == Decimal(after)


def _workbook_totals(response) -> dict[str, float]:
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    return {row[1]: row for row in sheet.iter_rows(values_only=True)
            if isinstance(row[1], str) and row[1].startswith("P0")}


def test_workbooks_published_for_all_live_for_administrators(client, login, group,
                                                            province_set):
    publication = publish(group["campaign"], "province", group["admin"])
    zero_first_leaf(group, province_set)
    total_column = 3 + len(province_set.domains) + 2
    published = {r["unit_code"]: float(r["total"])
                 for r in publication.results["ranking"]["rows"]}
    live = {r["unit_code"]: float(r["total"])
            for r in ranking_dict(rank_group(group["campaign"], "province"))["rows"]}

    login(group["viewer"])
    rows = _workbook_totals(client.get(_url(group, "/workbook.xlsx")))
    assert {code: row[total_column] for code, row in rows.items()} == pytest.approx(published)
    assert client.get(_url(group, "/workbook.xlsx?live=1")).status_code == 404
    client.post("/logout")

    login(group["admin"])
    response = client.get(_url(group, "/workbook.xlsx?live=1"))
    assert "xem-truoc" in response.headers["Content-Disposition"]
    rows = _workbook_totals(response)
    assert {code: row[total_column] for code, row in rows.items()} == pytest.approx(live)


def _long_table(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_long_tables_published_for_all_live_for_administrators(client, login, group,
                                                              province_set):
    publication = publish(group["campaign"], "province", group["admin"])
    first_leaf = next(leaf.code for leaf in province_set.leaves() if leaf.source == "self")
    zero_first_leaf(group, province_set)
    leaves = len(province_set.leaves())

    login(group["viewer"])
    assert _url(group, "/long-table.csv") in client.get(_url(group)).get_data(as_text=True)
    response = client.get(_url(group, "/long-table.csv"))
    assert f"cong-bo-{publication.number}" in response.headers["Content-Disposition"]
    lines = _long_table(response)
    assert lines[0][:3] == ["Hạng", "Mã đơn vị", "Đơn vị"] and len(lines) == 1 + 4 * leaves
    published = {line[1]: line[7] for line in lines[1:] if line[5] == first_leaf}
    assert client.get(_url(group, "/long-table.csv?live=1")).status_code == 404
    client.post("/logout")

    login(group["admin"])
    live = {line[1]: line[7] for line in
            _long_table(client.get(_url(group, "/long-table.csv?live=1")))[1:]
            if line[5] == first_leaf}
    # The live table reads today's data; the published one stays as it was published.
    assert live["P01"] == "0" != published["P01"]


def test_the_rankings_index_lists_publications_and_previews(client, login, group):
    publish(group["campaign"], "province", group["admin"])
    login(group["viewer"])
    html = client.get("/rankings").get_data(as_text=True)
    assert _url(group) in html and "live=1" not in html
    choice = f'<option value="{group["campaign"].id}/province"'
    assert choice in html and html.count("<option") == 1  # only what has results
    response = client.get(f"/rankings?ranking={group['campaign'].id}/province")
    assert response.status_code == 302 and response.headers["Location"].endswith(_url(group))
    client.post("/logout")
    login(group["admin"])
    html = client.get("/rankings").get_data(as_text=True)
    assert _url(group, "?live=1") in html and choice in html
    assert f'<option value="{group["campaign"].id}/province/live"' in html
    response = client.get(f"/rankings?ranking={group['campaign'].id}/province/live")
    assert response.headers["Location"].endswith(_url(group, "?live=1"))


def test_the_selector_says_so_when_nothing_has_results(client, login, group, make):
    login(group["viewer"])  # nothing published yet: nothing to choose
    html = client.get("/rankings").get_data(as_text=True)
    assert 'id="no-rankings"' in html and 'name="ranking"' not in html
    assert "Chưa có nhóm đơn vị nào có kết quả" in html
    client.post("/logout")
    make.campaign(2030, pins=(("district", "province-2020", "1.0.0"),))  # pinned, no dossiers
    login(group["admin"])
    html = client.get("/rankings").get_data(as_text=True)
    assert f'value="{group["campaign"].id}/province/live"' in html
    assert "/district" not in html


def test_unit_links_lead_to_scorecards_a_user_may_open(client, login, group):
    publish(group["campaign"], "province", group["admin"])
    campaign_id = group["campaign"].id
    login(group["heads"]["P02"])
    html = client.get(_url(group)).get_data(as_text=True)
    assert f"/scorecards/{campaign_id}/P02" in html and f"/scorecards/{campaign_id}/P01" not in html
    client.post("/logout")
    login(group["admin"])
    html = client.get(_url(group)).get_data(as_text=True)
    assert all(f"/scorecards/{campaign_id}/{code}" in html for code in group["dossiers"])


def test_the_correction_is_shown_with_its_reason(client, login, group, province_set):
    publish(group["campaign"], "province", group["admin"])
    zero_first_leaf(group, province_set)
    publish(group["campaign"], "province", group["admin"], reason="Sửa điểm tiêu chí 1.1")
    assert latest_publication(group["campaign"].id, "province").number == 2
    login(group["viewer"])
    html = client.get(_url(group)).get_data(as_text=True)
    assert "Sửa điểm tiêu chí 1.1" in html
