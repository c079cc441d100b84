"""Items that do not apply to a unit: the administrator's decision, its audit, and how it
leaves every score (self totals, appraisal, progress, ranking) and the unit's answers."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from server.appraisal import decisions as ap
from server.appraisal.progress import ProgressFilters, ProgressScope, campaign_progress
from server.assessment import self_assessment as sa
from server.campaigns.exclusions import (
    ExclusionError,
    clear_exclusion,
    list_exclusions,
    set_exclusions,
)
from server.engine import AnswersError, score
from server.extensions import db
from server.models import AuditEvent, ExcludedItem
from server.results.ranking import rank_group
from tests.helpers import count_statements
from tests.ranking_data import full_answers, json_value, write_answers

REASON = "Đơn vị không có thủ tục hành chính thuộc thẩm quyền giải quyết"


@pytest.fixture
def campaign(make):
    return make.campaign()


@pytest.fixture
def dossier(make, campaign):
    return make.assessment(campaign, make.unit("STP", level="province", group="province"))


@pytest.fixture
def admin(make):
    return make.user("admin")


def _events(action):
    return db.session.scalars(select(AuditEvent).filter_by(action=action)
                              .order_by(AuditEvent.id)).all()


def test_the_engine_leaves_excluded_items_out_of_points_and_maximum(province_set):
    answers = {code: {"value": json_value(value)}
               for code, value in full_answers(province_set).items()}
    whole = score(province_set, answers)
    # Even a value the rule would refuse does not matter under an excluded code.
    without = score(province_set, {**answers, "3.1.1": {"value": "nonsense"}}, ["3"])
    domain_3 = province_set.node("3").max_points
    assert whole.max_points == Decimal(100) and domain_3 == Decimal(13)
    assert without.max_points == whole.max_points - domain_3
    assert without.total == whole.total - domain_3
    assert without.index == Decimal("100.00")
    assert without.nodes["3"].not_applicable and without.nodes["3"].max_points == 0
    assert {line.status for line in without.trace if line.code.startswith("3.")} == {
        "not_applicable"}


def test_the_engine_takes_answers_as_given_when_nothing_is_excluded(province_set):
    with pytest.raises(AnswersError, match=r"3\.1\.1"):
        score(province_set, {"3.1.1": {"value": "nonsense"}})


def test_an_administrator_excludes_a_domain_with_a_reason_audited(campaign, dossier, admin):
    items = set_exclusions(campaign, dossier.unit, ["3"], REASON, admin)
    db.session.commit()
    assert [(i.code, i.reason, i.created_by) for i in items] == [("3", REASON, admin.id)]
    event, = _events("exclusion.set")
    assert event.actor_id == admin.id and event.unit_id == dossier.unit_id
    assert event.reason == REASON and event.after["code"] == "3" and event.before is None
    # The same decision again changes nothing; a new reason replaces the old one, audited.
    set_exclusions(campaign, dossier.unit, ["3"], REASON, admin)
    set_exclusions(campaign, dossier.unit, ["3"], "Theo Quyết định số 12/QĐ-SNV", admin)
    db.session.commit()
    events = _events("exclusion.set")
    assert len(events) == 2 and events[1].before["reason"] == REASON
    assert [i.reason for i in list_exclusions(campaign, dossier.unit)] == [
        "Theo Quyết định số 12/QĐ-SNV"]


def test_codes_must_be_of_the_units_set_and_a_reason_is_required(campaign, dossier, admin):
    with pytest.raises(ExclusionError) as refused:
        set_exclusions(campaign, dossier.unit, ["3", "9.9"], "  ", admin)
    assert refused.value.status == 422
    assert set(refused.value.errors) == {"code", "reason"}
    assert "9.9" in str(refused.value.errors["code"])
    with pytest.raises(ExclusionError) as refused:
        set_exclusions(campaign, dossier.unit, [], REASON, admin)
    assert set(refused.value.errors) == {"code"}
    db.session.rollback()
    assert db.session.scalar(select(db.func.count(ExcludedItem.id))) == 0
    assert _events("exclusion.set") == []


def test_only_an_administrator_excludes_or_clears(make, campaign, dossier, admin):
    head = make.user("unit_head", dossier.unit)
    with pytest.raises(ExclusionError) as refused:
        set_exclusions(campaign, dossier.unit, ["3"], REASON, head)
    assert refused.value.status == 403
    set_exclusions(campaign, dossier.unit, ["3"], REASON, admin)
    db.session.commit()
    with pytest.raises(ExclusionError) as refused:
        clear_exclusion(campaign, dossier.unit, "3", head)
    assert refused.value.status == 403


def test_clearing_is_audited_and_unknown_exclusions_are_404(campaign, dossier, admin):
    set_exclusions(campaign, dossier.unit, ["3.1", "5.2.1"], REASON, admin)
    db.session.commit()
    clear_exclusion(campaign, dossier.unit, "3.1", admin, "Đơn vị có thủ tục từ tháng 6")
    db.session.commit()
    event, = _events("exclusion.cleared")
    assert event.before["code"] == "3.1" and event.reason == "Đơn vị có thủ tục từ tháng 6"
    assert [i.code for i in list_exclusions(campaign, dossier.unit)] == ["5.2.1"]
    with pytest.raises(ExclusionError) as refused:
        clear_exclusion(campaign, dossier.unit, "3.1", admin)
    assert refused.value.status == 404 and "code" in refused.value.errors


def test_a_closed_campaigns_exclusions_change_no_more(campaign, dossier, admin):
    set_exclusions(campaign, dossier.unit, ["3"], REASON, admin)
    campaign.state = "closed"
    db.session.commit()
    for attempt in (lambda: set_exclusions(campaign, dossier.unit, ["5"], REASON, admin),
                    lambda: clear_exclusion(campaign, dossier.unit, "3", admin)):
        with pytest.raises(ExclusionError) as refused:
            attempt()
        assert refused.value.status == 409 and "đã kết thúc" in str(refused.value.errors[""])
    assert [i.code for i in list_exclusions(campaign, dossier.unit)] == ["3"]


def test_exclusions_may_be_set_before_the_campaign_opens(make, admin):
    draft = make.campaign(state="draft")
    unit = make.unit("STC", level="province", group="province")  # no dossier yet: its pin
    set_exclusions(draft, unit, ["3"], REASON, admin)
    db.session.commit()
    assert [i.code for i in list_exclusions(draft, unit)] == ["3"]


def test_the_unit_cannot_answer_an_excluded_item_or_anything_under_it(make, campaign, dossier,
                                                                       admin):
    editor = make.user("unit_editor", dossier.unit)
    set_exclusions(campaign, dossier.unit, ["3"], REASON, admin)
    db.session.commit()
    for item in ({"3.1.1": {"value": "timely"}}, {"3.2.1": {"not_applicable": True}},
                 {"1.1.1": {"value": "timely"}, "3.1.1": {"value": None}}):
        with pytest.raises(sa.Locked) as refused:
            sa.save_answers(dossier, editor, item)
        assert refused.value.status == 409 and "3" in str(refused.value)
        assert {p.kind for p in refused.value.problems} == {"excluded"}
    assert sa.self_rows(dossier) == {}
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "timely"}})  # the others still apply


def test_self_totals_and_index_leave_the_excluded_domain_out(make, campaign, dossier, admin,
                                                             province_set):
    write_answers(dossier, province_set, full_answers(province_set),
                  source_of={leaf.code: "self" for leaf in province_set.leaves()})
    figures, _ = sa.totals(dossier)
    assert figures["max_points"] == "100.00"
    set_exclusions(campaign, dossier.unit, ["3"], REASON, admin)
    db.session.commit()
    figures, result = sa.totals(dossier)
    assert figures["max_points"] == "87.00" and figures["total"] == "87.00"
    assert figures["index"] == "100.00" and figures["excluded"] == ["3"]
    assert figures["domains"]["3"] == {"points": "0.00", "max_points": "0.00", "unanswered": 0}
    assert result.nodes["3"].not_applicable


def test_ranking_index_and_maximum_without_the_excluded_domain(make, campaign, admin,
                                                               province_set):
    # Both units get the maximum everywhere but nothing on domain 3 (13 points).
    values = {leaf.code: leaf.rule.zero_input() if leaf.code.startswith("3.")
              else leaf.rule.max_input() for leaf in province_set.leaves()}
    dossiers = {}
    for code in ("P01", "P02"):
        dossiers[code] = make.assessment(campaign, make.unit(code, level="province"))
        write_answers(dossiers[code], province_set, values)
    before = {row.unit_code: row.result for row in rank_group(campaign, "province").rows}
    assert before["P01"].index == before["P02"].index == Decimal("87.00")
    set_exclusions(campaign, dossiers["P02"].unit, ["3"], REASON, admin)
    db.session.commit()
    rows = {row.unit_code: row for row in rank_group(campaign, "province").rows}
    assert rows["P02"].result.max_points == Decimal(87) and rows["P02"].result.total == 87
    assert rows["P02"].result.index == Decimal("100.00") and rows["P02"].rank == 1
    assert rows["P01"].result.max_points == Decimal(100)
    assert rows["P01"].result.index == Decimal("87.00") and rows["P01"].rank == 2


def test_the_group_reads_its_exclusions_in_one_statement(make, campaign, admin, province_set):
    units = [make.unit(f"P0{n}", level="province") for n in range(1, 7)]
    for unit in units:
        write_answers(make.assessment(campaign, unit), province_set, full_answers(province_set))
    set_exclusions(campaign, units[0], ["3"], REASON, admin)
    db.session.commit()
    db.session.expire_all()
    few = count_statements(lambda: rank_group(campaign, "province"))
    for unit in units[1:]:
        set_exclusions(campaign, unit, ["3.1", "5.2.1"], REASON, admin)
    db.session.commit()
    db.session.expire_all()
    assert count_statements(lambda: rank_group(campaign, "province")) == few


def test_the_excluded_items_change_the_ranking_digest(make, campaign, dossier, admin,
                                                      province_set):
    write_answers(dossier, province_set, full_answers(province_set))
    before = rank_group(campaign, "province").inputs_digest
    set_exclusions(campaign, dossier.unit, ["3"], REASON, admin)
    db.session.commit()
    assert rank_group(campaign, "province").inputs_digest != before


def test_the_progress_grid_does_not_count_excluded_items(make, campaign, dossier, admin,
                                                         province_set):
    scope = ProgressScope(None)
    row, = campaign_progress(campaign, scope).rows
    self_items = len([leaf for leaf in province_set.leaves() if leaf.source == "self"])
    assert row.items == self_items
    set_exclusions(campaign, dossier.unit, ["3"], REASON, admin)
    db.session.commit()
    row, = campaign_progress(campaign, scope, ProgressFilters(points=True)).rows
    assert row.items == self_items - 11  # domain 3 has 11 self-assessed items


def test_reviewers_neither_see_nor_decide_excluded_items(make, campaign, dossier, admin,
                                                        province_set):
    from server.campaigns.reviewers import assign_reviewer

    reviewer = make.user("reviewer")
    assign_reviewer(campaign, reviewer, ["1", "3"], None, admin)
    editor = make.user("unit_editor", dossier.unit)
    value = json_value(province_set.leaf("3.1.1").rule.max_input())
    sa.save_answers(dossier, editor, {"3.1.1": {"value": value, "explanation": "KH số 1"},
                                      "1.1.1": {"value": "timely", "explanation": "KH số 2"}})
    set_exclusions(campaign, dossier.unit, ["3"], REASON, admin)
    dossier.state = "in_appraisal"
    db.session.commit()
    view = ap.appraisal_view(dossier, reviewer)
    assert not any(item["code"].startswith("3.") for item in view["items"])
    assert view["totals"]["domains"]["3"]["max_points"] == "0"
    with pytest.raises(sa.Locked):
        ap.appraise(dossier, reviewer, "3.1.1", "accept", version=None)
    assert ap.accept_untouched(dossier, reviewer, "3") == []
    # What the unit answered before the decision needs no appraisal.
    assert ap.undecided_items(dossier) == {"1": ["1.1.1"]}


def test_the_reviewers_queue_leaves_out_excluded_domains_and_items(make, campaign, dossier,
                                                                   admin):
    from server.appraisal.queue import reviewer_queue
    from server.campaigns.reviewers import assign_reviewer

    reviewer = make.user("reviewer")
    assign_reviewer(campaign, reviewer, ["1", "3"], None, admin)
    dossier.state = "submitted"
    db.session.commit()
    before = {e.domain_code: e.items for e in reviewer_queue(reviewer)}
    set_exclusions(campaign, dossier.unit, ["3"], REASON, admin)
    set_exclusions(campaign, dossier.unit, ["1.1.1"], REASON, admin)
    db.session.commit()
    after = {e.domain_code: e.items for e in reviewer_queue(reviewer)}
    assert before == {"1": 10, "3": 11} and after == {"1": 9}
