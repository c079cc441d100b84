"""Each dossier keeps the group and parent its unit had when the campaign opened: regrouping
units later (communes moved under the province in 2025) changes nothing of that campaign, while
a campaign opened afterwards uses the new group. And a group that is not ranked has its units
scored and published without a rank."""

import io

import openpyxl
import pytest
from sqlalchemy import select

from server.appraisal.progress import ProgressFilters, ProgressScope, campaign_progress
from server.extensions import db
from server.models import Assessment, ReviewerAssignment, Unit
from server.people.groups import edit_group, group_by_code
from server.people.units import UnitFields, save_unit
from server.results.exports.ranking_workbook import write_ranking_workbook
from server.results.publication_status import drift, group_statuses
from server.results.publications import publish
from server.results.ranking import rank_group
from server.results.ranking_data import ranking_dict
from server.results.visible import scorecard
from tests.publication_data import finalised_group

EVERYTHING = ProgressScope(None)


def _dossier(campaign, code) -> Assessment:
    return db.session.scalar(select(Assessment).join(Unit, Assessment.unit_id == Unit.id)
                             .where(Assessment.campaign_id == campaign.id, Unit.code == code))


def _progress(campaign, group=None):
    report = campaign_progress(campaign, EVERYTHING, ProgressFilters(group=group))
    return [(row.unit_code, row.group, row.state) for row in report.rows]


def _regroup(code, group, parent_code):
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    save_unit(UnitFields(code, unit.name, unit.level, group, parent_code), actor_id=None,
              existing=unit)
    db.session.commit()


@pytest.fixture
def published(app, make):
    """Provinces P01-P03 of a 2021 campaign, published, and the figures seen then."""
    campaign = finalised_group(app, make)
    make.unit("QB", level="province", group="province")
    admin = make.user("admin")
    publication = publish(campaign, "province", admin)
    db.session.commit()
    return {"campaign": campaign, "publication": publication, "admin": admin,
            "ranking": ranking_dict(rank_group(campaign, "province", with_previous=False)),
            "progress": _progress(campaign)}


def test_moving_a_unit_changes_nothing_of_a_published_campaign(app, client, make, login,
                                                               published):
    campaign = published["campaign"]
    assert _dossier(campaign, "P02").unit_group == "province"
    assert _dossier(campaign, "P02").parent_id is None
    # 2025: P02 moves to another group, under another unit.
    _regroup("P02", "department", "QB")
    moved = db.session.scalar(select(Unit).where(Unit.code == "P02"))
    assert (moved.group, moved.parent.code) == ("department", "QB")

    dossier = _dossier(campaign, "P02")
    assert (dossier.unit_group, dossier.parent_id) == ("province", None)
    assert ranking_dict(rank_group(campaign, "province", with_previous=False)) \
        == published["ranking"]
    assert not drift(published["publication"])["correction_due"]
    (status,) = group_statuses(campaign)
    assert (status.group, status.total) == ("province", 3)
    assert _progress(campaign) == published["progress"]
    assert ("P02", "province", "published") in published["progress"]
    card = scorecard(campaign, "P02", published["admin"], live=True)
    assert card.group == "province" and card.row["unit_code"] == "P02"

    login(published["admin"])
    page = client.get(f"/rankings/{campaign.id}/province?live=1").get_data(as_text=True)
    assert 'data-unit="P02"' in page
    grid = client.get(f"/admin/progress?campaign={campaign.id}&group=province")
    assert "P02" in grid.get_data(as_text=True)


def test_a_campaign_opened_afterwards_uses_the_new_group(app, make, published):
    from server.campaigns.setup import open_campaign

    _regroup("P02", "department", "QB")
    later = make.campaign(2022, state="draft",
                          pins=(("province", "province-2020", "1.0.0"),
                                ("department", "department", "1.0.0")))
    db.session.add(ReviewerAssignment(campaign_id=later.id,
                                      reviewer_id=make.user("reviewer").id,
                                      domains=[str(n) for n in range(1, 9)]))
    db.session.commit()
    assert open_campaign(later, actor_id=None) == 4  # P01-P03 and QB
    dossier = _dossier(later, "P02")
    assert dossier.unit_group == "department" and dossier.parent.code == "QB"
    assert [row.unit_code for row in rank_group(later, "department").rows] == ["P02"]
    assert "P02" not in [row.unit_code for row in rank_group(later, "province").rows]
    # The year before still ranks it with the provinces.
    assert _dossier(published["campaign"], "P02").unit_group == "province"


def test_reviewer_coverage_of_an_opened_campaign_follows_the_dossiers(app, make):
    from server.campaigns.setup import uncovered

    campaign = make.campaign(pins=(("province", "province-2020", "1.0.0"),
                                   ("department", "department", "1.0.0")))
    unit = make.unit("P01", level="province", group="province")
    make.assessment(campaign, unit)
    db.session.add(ReviewerAssignment(campaign_id=campaign.id,
                                      reviewer_id=make.user("reviewer").id,
                                      domains=[str(n) for n in range(1, 9)],
                                      unit_group="province"))
    db.session.commit()
    assert uncovered(campaign) == {}
    _regroup("P01", "department", "")
    # Its dossier is still a province's, which the province reviewer covers.
    assert uncovered(campaign) == {}


def test_a_group_that_is_not_ranked_is_scored_without_ranks(app, client, make, login):
    campaign = finalised_group(app, make)
    edit_group(group_by_code("province"), ranked=False, actor_id=None)
    ranking = rank_group(campaign, "province", detail=True)
    assert [(row.unit_code, row.rank, row.ranked) for row in ranking.rows] == [
        ("P01", None, False), ("P02", None, False), ("P03", None, False)]
    assert all(row.index is not None for row in ranking.rows)  # scored all the same

    buffer = io.BytesIO()
    write_ranking_workbook(ranking, buffer)
    book = openpyxl.load_workbook(buffer)
    summary = book.worksheets[0]
    ranks = [r[0] for r in summary.iter_rows(min_row=2, values_only=True) if r[1] in
             ("P01", "P02", "P03")]
    assert ranks == [None, None, None]
    about = {row[0]: row[1] for row in book.worksheets[-1].iter_rows(values_only=True)}
    assert about["Nhóm đơn vị"] == "UBND cấp tỉnh"

    admin = make.user("admin")
    publication = publish(campaign, "province", admin)
    db.session.commit()
    assert {row["rank"] for row in publication.results["ranking"]["rows"]} == {None}
    login(admin)
    page = client.get(f"/rankings/{campaign.id}/province").get_data(as_text=True)
    assert page.count("không xếp hạng") >= 3
    assert "UBND cấp tỉnh" in page


def test_a_group_the_administrator_added_pins_a_set_of_any_level(app, make):
    from server.campaigns.pins import PinError, pin_criteria_set
    from server.people.groups import create_group

    create_group("dac-biet", "Đơn vị đặc thù", ranked=False, actor_id=None)
    campaign = make.campaign(2022, state="draft", pins=())
    pin = pin_criteria_set(campaign, "dac-biet", "department", "1.0.0")
    assert pin.unit_group == "dac-biet"
    # A group named after a level still pins only sets of that level.
    with pytest.raises(PinError):
        pin_criteria_set(campaign, "district", "department", "1.0.0")
    special = make.unit("BQL", level="department", group="dac-biet")
    dossier = make.assessment(campaign, special)
    assert dossier.unit_group == "dac-biet"
    (row,) = rank_group(campaign, "dac-biet").rows
    assert (row.unit_code, row.rank, row.ranked) == ("BQL", None, False)


def test_a_closed_year_shows_no_unit_regrouped_into_it_later(app, make, published):
    campaign = published["campaign"]
    make.unit("SNV", level="department", group="department")
    assert _progress(campaign) == published["progress"]  # department is not in that year
    # Open, the year shows a unit moved into one of its groups as not started yet: opening
    # again would give it a dossier. Closed, it gets none, and its grid stays as it was.
    _regroup("SNV", "province", "QB")
    assert ("SNV", "province", "not_started") in _progress(campaign)
    campaign.state = "closed"
    db.session.commit()
    assert "SNV" not in [code for code, _group, _state in _progress(campaign)]
    assert "QB" not in [code for code, _group, _state in _progress(campaign)]


def test_the_api_gives_each_group_its_label(client, make, token_for, published):
    campaign = published["campaign"]
    admin = token_for(published["admin"])
    ranking = client.get(f"/api/v1/campaigns/{campaign.id}/ranking?group=province",
                         headers=admin).json
    assert (ranking["group"], ranking["group_label"]) == ("province", "UBND cấp tỉnh")
    (listed,) = client.get(f"/api/v1/campaigns/{campaign.id}/publications",
                           headers=admin).json["publications"]
    assert listed["group_label"] == "UBND cấp tỉnh"
    dossiers = client.get(f"/api/v1/campaigns/{campaign.id}/dossiers", headers=admin).json
    assert {d["group_label"] for d in dossiers["dossiers"]} == {"UBND cấp tỉnh"}
    rows = client.get(f"/api/v1/campaigns/{campaign.id}/progress", headers=admin).json["rows"]
    assert {row["unit"]["group_label"] for row in rows} == {"UBND cấp tỉnh"}
