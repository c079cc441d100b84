"""The unit scorecard (own unit: published only; administrators: live or published; others 404)
and the public pages (no login, published snapshots only)."""

from decimal import Decimal

import pytest
from sqlalchemy import event, select

from server.extensions import db
from server.results.publications import frozen_scores, publish
from server.results.ranking import rank_group
from server.results.ranking_data import ranking_dict
from server.web.charts import PLOT_WIDTH
from tests.ranking_data import accept_all, full_answers, write_answers
from tests.web.ranking_pages import (
    cell,
    elements,
    number,
    table_rows,
    zero_first_leaf,
)


def _card(group, code="P02", suffix=""):
    return f"/scorecards/{group['campaign'].id}/{code}{suffix}"


def _row(data, code):
    return next(row for row in data["rows"] if row["unit_code"] == code)


def test_a_unit_sees_its_own_published_scorecard(client, login, group):
    publication = publish(group["campaign"], "province", group["admin"])
    row = _row(publication.results["ranking"], "P02")
    login(group["heads"]["P02"])
    response = client.get(_card(group))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "published-note" in html and "preview-banner" not in html
    assert f"{row['rank']} trên 3 đơn vị được xếp hạng" in html
    assert number(html.split('<dd class="index">')[1].split("</dd>")[0]) == Decimal(row["index"])
    # One bar per domain: its track as long as the domain maximum, the points on the same scale.
    scale = max(Decimal(d["max_points"]) for d in row["domains"])
    bars, tracks = elements(html, "rect", "bar"), elements(html, "rect", "track")
    assert len(bars) == len(tracks) == len(row["domains"])
    for bar, track, domain in zip(bars, tracks, row["domains"], strict=True):
        assert Decimal(bar["data-points"]) == Decimal(domain["points"])
        assert Decimal(bar["width"]) == pytest.approx(
            Decimal(domain["points"]) * PLOT_WIDTH / scale, abs=Decimal("0.01"))
        assert Decimal(track["width"]) == pytest.approx(
            Decimal(domain["max_points"]) * PLOT_WIDTH / scale, abs=Decimal("0.01"))
    assert '<title id="domain-chart-title">' in html and '<desc id="domain-chart-desc">' in html


def test_a_unit_does_not_see_live_data_or_an_unpublished_scorecard(client, login, group,
                                                                  province_set):
    login(group["heads"]["P01"])
    assert client.get(_card(group, "P01")).status_code == 404
    assert client.get(_card(group, "P01", "?live=1")).status_code == 404
    publication = publish(group["campaign"], "province", group["admin"])
    zero_first_leaf(group, province_set)
    html = client.get(_card(group, "P01", "?live=1")).get_data(as_text=True)
    published = _row(publication.results["ranking"], "P01")["index"]
    assert number(html.split('<dd class="index">')[1].split("</dd>")[0]) == Decimal(published)


@pytest.mark.parametrize("who", ["other unit", "viewer", "reviewer"])
def test_others_get_404_on_a_scorecard(client, login, group, make, who):
    publish(group["campaign"], "province", group["admin"])
    user = {"other unit": group["heads"]["P01"], "viewer": group["viewer"],
            "reviewer": make.user("reviewer")}[who]
    login(user)
    assert client.get(_card(group, "P02")).status_code == 404
    assert client.get(_card(group, "P02", "?live=1")).status_code == 404
    assert client.get(_card(group, "NOPE")).status_code == 404


def test_an_administrator_sees_any_scorecard_live_or_published(client, login, group,
                                                              province_set):
    login(group["admin"])
    html = client.get(_card(group, "P03")).get_data(as_text=True)
    assert "preview-banner" in html  # nothing published yet: the live one
    live = _row(ranking_dict(rank_group(group["campaign"], "province")), "P03")
    assert number(html.split('<dd class="index">')[1].split("</dd>")[0]) == Decimal(
        live["index"])
    publication = publish(group["campaign"], "province", group["admin"])
    zero_first_leaf(group, province_set, "P03")
    html = client.get(_card(group, "P03")).get_data(as_text=True)
    assert "published-note" in html
    assert number(html.split('<dd class="index">')[1].split("</dd>")[0]) == Decimal(
        _row(publication.results["ranking"], "P03")["index"])
    html = client.get(_card(group, "P03", "?live=1")).get_data(as_text=True)
    assert "preview-banner" in html
    assert number(html.split('<dd class="index">')[1].split("</dd>")[0]) == Decimal(
        _row(ranking_dict(rank_group(group["campaign"], "province")), "P03")["index"])
    # A unit set apart is shown as not ranked.
    assert "không xếp hạng" in client.get(_card(group, "P04")).get_data(as_text=True)


def test_last_years_domain_points_come_from_its_publication(client, login, group, make,
                                                            province_set):
    earlier = make.campaign(year=2020)
    dossier = make.assessment(earlier, group["dossiers"]["P02"].unit)
    write_answers(dossier, province_set, full_answers(province_set, 40))
    accept_all(dossier)
    dossier.state = "finalised"
    db.session.commit()
    login(group["admin"])
    # Not published last year: the administrator sees it computed live, marked so.
    html = client.get(_card(group)).get_data(as_text=True)
    assert len(elements(html, "rect", "previous")) == len(province_set.domains)
    assert "previous-live-note" in html
    last_year = publish(earlier, "province", group["admin"])
    publish(group["campaign"], "province", group["admin"])
    client.post("/logout")

    login(group["heads"]["P02"])
    html = client.get(_card(group)).get_data(as_text=True)
    nodes = {code: node.points
             for code, node in frozen_scores(last_year, ["P02"])["P02"].nodes.items()
             if node.level == "domain"}
    previous = elements(html, "rect", "previous")
    assert [Decimal(p["data-points"]) for p in previous] == [
        nodes[d.code] for d in province_set.domains]
    assert "previous-live-note" not in html
    assert ">2020: " in html


def test_no_last_year_for_a_unit_when_it_is_not_published(client, login, group, make,
                                                          province_set):
    earlier = make.campaign(year=2020)
    dossier = make.assessment(earlier, group["dossiers"]["P02"].unit)
    write_answers(dossier, province_set, full_answers(province_set, 40))
    publish(group["campaign"], "province", group["admin"])
    login(group["heads"]["P02"])
    html = client.get(_card(group)).get_data(as_text=True)
    assert elements(html, "rect", "previous") == []


# -- public -------------------------------------------------------------------------------------

def test_the_public_pages_need_no_login_and_show_the_snapshot_only(client, group, province_set):
    campaign_id = group["campaign"].id
    assert client.get("/public").status_code == 200
    assert client.get(f"/public/{campaign_id}/province").status_code == 404
    assert client.get(f"/public/{campaign_id}/province/workbook.xlsx").status_code == 404
    publication = publish(group["campaign"], "province", group["admin"])
    zero_first_leaf(group, province_set)

    html = client.get("/public").get_data(as_text=True)
    assert f"/public/{campaign_id}/province" in html
    response = client.get(f"/public/{campaign_id}/province")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = table_rows(html)
    for row in publication.results["ranking"]["rows"]:
        assert number(cell(rows, row["unit_code"], "index")) == Decimal(row["index"])
    bars = elements(html, "rect", "bar")
    assert len(bars) == 3 and "P04" not in {bar["data-unit"] for bar in bars}
    assert "preview-banner" not in html and "/scorecards/" not in html and "live=1" not in html
    asked_live = client.get(f"/public/{campaign_id}/province?live=1").get_data(as_text=True)
    assert asked_live.split("<main>")[1] == html.split("<main>")[1]
    response = client.get(f"/public/{campaign_id}/province/workbook.xlsx")
    assert response.status_code == 200 and "cong-bo-1" in response.headers["Content-Disposition"]


def test_an_unpublished_group_or_campaign_is_404_in_public(client, group):
    publish(group["campaign"], "province", group["admin"])
    campaign_id = group["campaign"].id
    assert client.get(f"/public/{campaign_id}/commune").status_code == 404
    assert client.get(f"/public/{campaign_id + 1}/province").status_code == 404
    assert client.get(f"/public/{campaign_id + 1}/province/workbook.xlsx").status_code == 404


def test_the_public_list_reads_no_snapshot_and_a_fixed_number_of_statements(app, client, group,
                                                                           make, province_set):
    publish(group["campaign"], "province", group["admin"])

    def statements():
        seen = []

        def listen(_conn, _cursor, statement, *_args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            assert client.get("/public").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        return seen

    few = statements()
    for year in (2018, 2019):
        campaign = make.campaign(year=year)
        dossier = make.assessment(campaign, group["dossiers"]["P01"].unit)
        write_answers(dossier, province_set, full_answers(province_set))
        accept_all(dossier)
        dossier.state = "finalised"
        db.session.commit()
        publish(campaign, "province", group["admin"])
    many = statements()
    assert len(many) == len(few)
    assert not any("results" in statement for statement in many)


def test_the_login_page_links_to_the_public_page(client):
    assert 'href="/public"' in client.get("/login").get_data(as_text=True)


def test_the_demo_shows_last_years_published_results(client, login):
    from server.demo.province import load_demo
    from server.models import Campaign, User

    load_demo()
    earlier = db.session.scalar(select(Campaign).filter_by(year=2020))
    html = client.get("/public").get_data(as_text=True)
    assert f"/public/{earlier.id}/province" in html and f"/public/{earlier.id}/department" in html
    html = client.get(f"/public/{earlier.id}/department").get_data(as_text=True)
    assert len(elements(html, "rect", "bar")) == 20
    login(db.session.scalar(select(User).filter_by(username="lanhdao")), "parindex-demo")
    assert client.get(f"/scorecards/{earlier.id}/QB").status_code == 200
