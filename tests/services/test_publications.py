"""Publishing a unit group: the frozen snapshot, its refusals, and corrections listing changes."""

import io
import json

import openpyxl
import pytest
from sqlalchemy import func, select

from server.audit.log import assessment_history
from server.campaigns.workflow import apply_transition
from server.engine import ENGINE_VERSION
from server.extensions import db
from server.models import Assessment, AuditEvent, Notification, Publication
from server.results.publications import (
    PublicationError,
    frozen_ranking,
    latest_publication,
    publish,
)
from server.results.ranking import rank_group
from server.results.ranking_data import ranking_dict
from tests.ranking_data import (
    accept_all,
    full_answers,
    json_value,
    set_appraisal,
    write_answers,
)


@pytest.fixture
def group(make, province_set):
    """Three finalised provinces with different scores, and an administrator."""
    campaign = make.campaign()
    dossiers = {}
    for code, drop in (("P01", 0), ("P02", 10), ("P03", 20)):
        unit = make.unit(code, level="province", group="province")
        make.user("unit_head", unit)
        assessment = make.assessment(campaign, unit)
        write_answers(assessment, province_set, full_answers(province_set, drop))
        accept_all(assessment)
        assessment.state = "finalised"
        dossiers[code] = assessment
    db.session.commit()
    return {"campaign": campaign, "dossiers": dossiers, "admin": make.user("admin")}


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_publication_freezes_the_ranking_and_publishes_the_dossiers(group):
    campaign, admin = group["campaign"], group["admin"]
    live = rank_group(campaign, "province")
    publication = publish(campaign, "province", admin)
    assert publication.number == 1 and publication.changes == []
    assert (publication.criteria_set_id, publication.criteria_set_version) == (
        "province-2020", "1.0.0")
    assert publication.engine_version == ENGINE_VERSION
    assert publication.inputs_digest == live.inputs_digest
    assert publication.results["ranking"] == ranking_dict(live)
    assert {a.state for a in group["dossiers"].values()} == {"published"}
    # One event for the whole set, naming its units and the dossiers it published.
    (event,) = db.session.scalars(select(AuditEvent).filter_by(action="publication.published"))
    assert event.after["units"] == ["P01", "P02", "P03"]
    assert sorted(event.after["published_dossiers"]) == sorted(
        dossier.id for dossier in group["dossiers"].values())
    assert _count(AuditEvent, AuditEvent.action == "assessment.publish") == 0
    # Each dossier's history still shows its publish step, as the publication's event.
    (step,) = [step for step in assessment_history(group["dossiers"]["P01"])
               if step.action == "assessment.publish"]
    assert (step.id, step.before, step.after) == (event.id, {"state": "finalised"},
                                                  {"state": "published"})
    # Each unit hears of it (the notification plugin listens to the transition).
    assert _count(Notification, Notification.kind == "published") >= 3


def test_the_snapshot_does_not_move_when_the_data_does(group, province_set):
    campaign, admin = group["campaign"], group["admin"]
    publication = publish(campaign, "province", admin)
    frozen = ranking_dict(frozen_ranking(publication))
    leaf = next(leaf for leaf in province_set.leaves() if leaf.source == "self")
    set_appraisal(group["dossiers"]["P01"].id, leaf.code, json_value(leaf.rule.zero_input()))
    db.session.commit()
    assert rank_group(campaign, "province").inputs_digest != publication.inputs_digest
    db.session.expire_all()
    again = latest_publication(campaign.id, "province")
    assert ranking_dict(frozen_ranking(again)) == frozen == again.results["ranking"]


def test_the_workbook_of_a_publication_is_written_from_the_snapshot(group, province_set):
    from server.results.exports.ranking_workbook import write_ranking_workbook

    campaign, admin = group["campaign"], group["admin"]
    publication = publish(campaign, "province", admin)
    expected = {row["unit_code"]: row["total"] for row in publication.results["ranking"]["rows"]}
    leaf = next(leaf for leaf in province_set.leaves() if leaf.source == "self")
    set_appraisal(group["dossiers"]["P01"].id, leaf.code, json_value(leaf.rule.zero_input()))
    db.session.commit()
    buffer = io.BytesIO()
    write_ranking_workbook(frozen_ranking(publication), buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).worksheets[0]
    rows = [row for row in sheet.iter_rows(values_only=True) if row[1] in expected]
    assert {row[1]: row[3 + len(province_set.domains) + 2] for row in rows} == {
        code: pytest.approx(float(total)) for code, total in expected.items()}


def test_publication_is_refused_until_every_dossier_is_finalised(group):
    campaign, admin = group["campaign"], group["admin"]
    group["dossiers"]["P02"].state = "appraised"
    db.session.commit()
    with pytest.raises(PublicationError) as refused:
        publish(campaign, "province", admin)
    assert refused.value.status == 409 and refused.value.units == ["P02"]
    assert "P02" in str(refused.value)
    assert _count(Publication) == 0
    assert group["dossiers"]["P01"].state == "finalised"  # nothing half-written
    assert _count(AuditEvent, AuditEvent.action.startswith("publication")) == 0


def test_only_an_administrator_publishes(group, make):
    for role in ("reviewer", "viewer"):
        with pytest.raises(PublicationError) as refused:
            publish(group["campaign"], "province", make.user(role))
        assert refused.value.status == 403
    assert _count(Publication) == 0


def test_an_unknown_or_empty_group_is_refused(group):
    with pytest.raises(PublicationError) as refused:
        publish(group["campaign"], "commune", group["admin"])
    assert refused.value.status == 422 and refused.value.field == "group"


def test_a_correction_needs_a_reason_and_a_change_and_lists_what_changed(group, province_set):
    campaign, admin = group["campaign"], group["admin"]
    publish(campaign, "province", admin)
    with pytest.raises(PublicationError) as refused:
        publish(campaign, "province", admin, "Đính chính")
    assert refused.value.status == 409  # nothing changed
    # The council reopens P01, a reviewer lowers one score, the council finalises again.
    dossier = group["dossiers"]["P01"]
    apply_transition(dossier, "reopen_published", admin, "Sai sót tiêu chí 1.1")
    leaf = next(leaf for leaf in province_set.leaves() if leaf.source == "self")
    set_appraisal(dossier.id, leaf.code, json_value(leaf.rule.zero_input()), "Sai")
    dossier.state = "finalised"
    db.session.commit()
    with pytest.raises(PublicationError) as refused:
        publish(campaign, "province", admin, "  ")
    assert refused.value.status == 422 and refused.value.field == "reason"
    correction = publish(campaign, "province", admin, "Đính chính điểm tiêu chí 1.1 của P01")
    assert correction.number == 2
    changed = {(c["unit_code"], c["field"]) for c in correction.changes}
    assert ("P01", "total") in changed and ("P01", "index") in changed
    assert ("P01", f"domain:{province_set.leaf(leaf.code).code.split('.')[0]}") in changed
    assert all(c["unit_code"] == "P01" or c["field"] == "rank" for c in correction.changes)
    total = next(c for c in correction.changes if c["field"] == "total")
    assert float(total["before"]) - float(total["after"]) == pytest.approx(
        float(leaf.max_points))
    assert latest_publication(campaign.id, "province").id == correction.id
    assert db.session.get(Assessment, dossier.id).state == "published"


def test_units_marked_not_ranked_and_the_campaign_tie_rule_are_frozen(group):
    campaign, admin = group["campaign"], group["admin"]
    group["dossiers"]["P02"].ranked = False
    group["dossiers"]["P02"].not_ranked_reason = "Mới sáp nhập"
    campaign.tie_compare, campaign.tie_ranks = "rounded", "distinct"
    db.session.commit()
    publication = publish(campaign, "province", admin)
    rows = {row["unit_code"]: row for row in publication.results["ranking"]["rows"]}
    assert rows["P02"]["ranked"] is False and rows["P02"]["rank"] is None
    assert rows["P02"]["total"] is not None  # scored, listed, not ranked
    assert [rows["P01"]["rank"], rows["P03"]["rank"]] == [1, 2]
    assert publication.tie_rule == {"compare": "rounded", "ranks": "distinct"}


def test_a_frozen_result_thaws_into_the_same_numbers(group, province_set):
    from server.results.publications import freeze_result, thaw_result

    ranking = rank_group(group["campaign"], "province", detail=True)
    result = ranking.rows[-1].result
    frozen = json.loads(json.dumps(freeze_result(
        result, [(line.code, line.status, line.outcome, format(line.points, "f"))
                 for line in result.trace])))
    # Leaf points only: criteria and domains are their sums, added up again when thawed.
    assert "nodes" not in frozen and len(frozen["leaves"]) == len(province_set.leaves())
    thawed = thaw_result(frozen, ranking.criteria_set)
    expected = result.to_dict()
    for line in expected["trace"]:
        line["input"] = None  # inputs are not frozen; the digest stands for them
    assert thawed.to_dict() == expected
    assert thawed.self_max_points == result.self_max_points
    with pytest.raises(PublicationError, match="chưa được cài đặt"):
        thaw_result(frozen, None)  # the sums need the frozen set version


def test_next_year_compares_with_the_published_index_not_later_edits(group, make,
                                                                     province_set):
    campaign, admin = group["campaign"], group["admin"]
    publication = publish(campaign, "province", admin)
    published = {row["unit_code"]: row["index"]
                 for row in publication.results["ranking"]["rows"]}
    leaf = next(leaf for leaf in province_set.leaves() if leaf.source == "self")
    set_appraisal(group["dossiers"]["P01"].id, leaf.code, json_value(leaf.rule.zero_input()))
    db.session.commit()
    later = make.campaign(year=campaign.year + 1)
    for dossier in group["dossiers"].values():
        make.assessment(later, dossier.unit)
    previous = rank_group(later, "province").previous
    assert {code: format(index, "f") for code, index in previous.items()} == published
