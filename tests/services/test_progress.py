"""The progress grid: one row per unit with its state, answered items, appraisal counts, items
changed since appraised, points (stored when the answers changed, equal to the engine's) and
overdue units; filters, scopes and a fixed number of statements."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from server.appraisal import decisions as ap
from server.appraisal.progress import (
    OVERDUE_REASONS,
    STATE_LABELS,
    FilterError,
    ProgressFilters,
    ProgressScope,
    campaign_progress,
    parse_filters,
    progress_scope,
)
from server.assessment import self_assessment as sa
from server.engine import score
from server.extensions import db
from server.models import Answer, DeadlineExtension, ReviewerAssignment, RoleMembership
from tests.helpers import count_statements

NOW = datetime.now(UTC).replace(microsecond=0)  # the unit saves before its deadline
EVERYTHING = ProgressScope(None)


@pytest.fixture
def world(make, app):
    campaign = make.campaign(self_assessment_deadline=NOW + timedelta(days=5),
                             explanation_deadline=NOW + timedelta(days=10),
                             appraisal_deadline=NOW + timedelta(days=20))
    qb = make.unit("QB", name="UBND tỉnh Quảng Bình", level="province")
    hn = make.unit("HN", name="UBND thành phố Hà Nội", level="province")
    make.unit("HP", name="UBND thành phố Hải Phòng", level="province")  # not started
    idle = make.unit("XX", name="Đơn vị đã giải thể", level="province")
    idle.active = False
    make.unit("SNV", name="Sở Nội vụ", level="department")  # its group is not pinned
    appraised = make.assessment(campaign, qb)
    draft = make.assessment(campaign, hn)
    editor = make.user("unit_editor", qb)
    sa.save_answers(appraised, editor, {"1.1.1": {"value": "timely"},
                                        "1.1.2": {"value": "95"},
                                        "2.2.1": {"value": "timely"}})
    sa.save_answers(draft, make.user("unit_editor", hn), {"1.1.1": {"value": "late"}})
    appraised.state = "in_appraisal"
    db.session.commit()
    admin = make.user("admin")
    ap.appraise(appraised, admin, "1.1.1", "accept")
    ap.appraise(appraised, admin, "1.1.2", "adjust", value="50", reason="Số liệu chưa đúng")
    ap.appraise(appraised, admin, "2.2.1", "request_explanation", reason="Văn bản nào?")
    # The unit answers the question (the explanation round's write): its row is newer.
    row = db.session.scalars(select(Answer).filter_by(
        assessment_id=appraised.id, code="2.2.1", source="self")).one()
    row.value, row.explanation = "late", "Ban hành ngày 20/1"
    db.session.commit()
    return {"campaign": campaign, "appraised": appraised, "draft": draft, "qb": qb, "hn": hn,
            "set": sa.criteria_set_for(appraised)}


def _rows(report):
    return {row.unit_code: row for row in report.rows}


def _self_leaves(criteria_set, domains=None):
    return [leaf for domain in criteria_set.domains for leaf in domain.leaves()
            if leaf.source == "self" and (domains is None or domain.code in domains)]


def test_one_row_per_unit_with_counts_and_engine_points(world):
    report = campaign_progress(world["campaign"], EVERYTHING, ProgressFilters(points=True),
                               now=NOW)
    rows = _rows(report)
    assert list(rows) == ["HN", "HP", "QB"]  # not XX (inactive, never started), not SNV
    items = len(_self_leaves(world["set"]))
    qb = rows["QB"]
    assert (qb.state, qb.state_label, qb.assessment_id) == (
        "in_appraisal", str(STATE_LABELS["in_appraisal"]), world["appraised"].id)
    assert (qb.answered, qb.items) == (3, items)
    assert (qb.accepted, qb.adjusted, qb.asked, qb.pending) == (1, 1, 1, items - 3)
    assert qb.changed_since_appraisal == 1
    own = {"1.1.1": {"value": "timely"}, "1.1.2": {"value": "95"}, "2.2.1": {"value": "late"}}
    assert qb.self_points == score(world["set"], own).total
    assert qb.appraised_points == score(world["set"], {**own, "1.1.2": {"value": "50"}}).total
    assert qb.appraised_points < qb.self_points
    hn = rows["HN"]
    assert (hn.state, hn.answered, hn.items, hn.pending) == ("draft", 1, items, 0)
    assert hn.appraised_points is None
    hp = rows["HP"]
    assert (hp.state, hp.state_label, hp.assessment_id) == (
        "not_started", str(STATE_LABELS["not_started"]), None)
    assert (hp.answered, hp.items, hp.self_points) == (0, items, None)
    assert report.totals["in_appraisal"] == report.totals["draft"] == 1
    assert report.totals["not_started"] == 1 and report.overdue_total == 0
    unscored = _rows(campaign_progress(world["campaign"], EVERYTHING, now=NOW))["QB"]
    assert unscored.self_points is unscored.appraised_points is None  # not asked for
    assert unscored.adjusted == 1


def test_appraising_again_clears_changed_since_appraised(world, make):
    question = db.session.scalars(select(Answer).filter_by(
        assessment_id=world["appraised"].id, code="2.2.1", source="appraisal")).one()
    ap.appraise(world["appraised"], make.user("admin"), "2.2.1", "accept",
                version=question.row_version)
    qb = _rows(campaign_progress(world["campaign"], EVERYTHING, now=NOW))["QB"]
    assert (qb.accepted, qb.asked, qb.changed_since_appraisal) == (2, 0, 0)


def test_overdue_units_and_why(world, make):
    campaign = world["campaign"]
    late = NOW + timedelta(days=6)
    rows = _rows(campaign_progress(campaign, EVERYTHING, now=late))
    assert rows["HN"].overdue == rows["HP"].overdue == "self_assessment"
    assert rows["HN"].overdue_label == str(OVERDUE_REASONS["self_assessment"])
    assert rows["QB"].overdue is None
    # An extension moves the unit's own deadline.
    db.session.add(DeadlineExtension(campaign_id=campaign.id, unit_id=world["hn"].id,
                                     until=NOW + timedelta(days=8)))
    db.session.commit()
    rows = _rows(campaign_progress(campaign, EVERYTHING, now=late))
    assert rows["HN"].overdue is None and rows["HN"].deadline == NOW + timedelta(days=8)
    assert rows["HP"].overdue == "self_assessment"
    world["appraised"].state = "explanation_requested"
    db.session.commit()
    rows = _rows(campaign_progress(campaign, EVERYTHING, now=NOW + timedelta(days=11)))
    assert rows["QB"].overdue == "explanation"
    for state in ("submitted", "in_appraisal", "explained"):
        world["appraised"].state = state
        db.session.commit()
        report = campaign_progress(campaign, EVERYTHING, now=NOW + timedelta(days=11))
        assert _rows(report)["QB"].overdue is None
        report = campaign_progress(campaign, EVERYTHING, now=NOW + timedelta(days=21))
        assert _rows(report)["QB"].overdue == "appraisal", state
    for state in ("appraised", "finalised", "published"):
        world["appraised"].state = state
        db.session.commit()
        report = campaign_progress(campaign, EVERYTHING, now=NOW + timedelta(days=99))
        assert _rows(report)["QB"].overdue is None, state


def test_filters_keep_totals_over_the_unfiltered_states(world):
    campaign, late = world["campaign"], NOW + timedelta(days=6)

    def codes(**filters):
        report = campaign_progress(campaign, EVERYTHING, ProgressFilters(**filters), now=late)
        return [row.unit_code for row in report.rows], report

    assert codes(state="draft")[0] == ["HN"]
    assert codes(state="not_started")[0] == ["HP"]
    shown, report = codes(overdue=True)
    assert shown == ["HN", "HP"] and report.overdue_total == 2
    assert report.totals["in_appraisal"] == 1  # totals count every state, not only the shown
    assert codes(search="hà nội")[0] == ["HN"]
    assert codes(search="qb")[0] == ["QB"]
    assert codes(search="HẢI PHÒNG")[0] == ["HP"]
    assert codes(group="department")[0] == []
    assert codes(group="province", state="draft", overdue=True)[0] == ["HN"]


@pytest.mark.parametrize("args, fields", [
    ({"state": "lost"}, ["state"]),
    ({"group": "planet"}, ["group"]),
    ({"overdue": "maybe"}, ["overdue"]),
    ({"points": "all"}, ["points"]),
    ({"state": "x", "group": "y", "overdue": "z"}, ["group", "state", "overdue"]),
])
def test_bad_filters_name_every_field(app, args, fields):
    with pytest.raises(FilterError) as refused:
        parse_filters(args)
    assert list(refused.value.errors) == fields


def test_filters_are_read_from_query_arguments(app):
    assert parse_filters({}) == ProgressFilters()
    given = parse_filters({"group": "province", "state": "not_started", "overdue": "1",
                           "q": " Hà ", "points": "true"})
    assert given == ProgressFilters("province", "not_started", True, "Hà", True)
    assert given.as_args() == {"group": "province", "state": "not_started", "q": "Hà",
                               "overdue": "1", "points": "1"}
    assert parse_filters({"overdue": "0", "points": ""}) == ProgressFilters()


def test_who_sees_the_grid(world, make):
    campaign = world["campaign"]
    assert progress_scope(make.user("admin"), campaign) == EVERYTHING
    for user in (make.user("viewer"), make.user("unit_head", world["qb"]),
                 make.user("unit_editor", world["qb"]), make.user("reviewer")):
        assert progress_scope(user, campaign) is None  # no reviewer assignment either

    reviewer = make.user("reviewer")
    db.session.add(ReviewerAssignment(campaign_id=campaign.id, reviewer_id=reviewer.id,
                                      domains=["1"], unit_group="province"))
    db.session.commit()
    rows = _rows(campaign_progress(campaign, progress_scope(reviewer, campaign), now=NOW))
    assert list(rows) == ["HN", "HP", "QB"]
    qb, domain_items = rows["QB"], len(_self_leaves(world["set"], {"1"}))
    # Counts of the reviewer's domain only: the question on 2.2.1 is another domain's.
    assert (qb.items, qb.answered, qb.accepted, qb.adjusted, qb.asked) == (
        domain_items, 2, 1, 1, 0)

    # A reviewer does not see the units they belong to, nor groups not assigned to them.
    insider = make.user("reviewer", world["qb"])
    other_group = make.user("reviewer")
    for user, group in ((insider, None), (other_group, "department")):
        db.session.add(ReviewerAssignment(campaign_id=campaign.id, reviewer_id=user.id,
                                          domains=["1", "2"], unit_group=group))
    db.session.commit()
    shown = _rows(campaign_progress(campaign, progress_scope(insider, campaign), now=NOW))
    assert list(shown) == ["HN", "HP"]
    assert campaign_progress(campaign, progress_scope(other_group, campaign), now=NOW).rows == []

    # The role's own domains limit the assignment's.
    narrow = make.user("reviewer", domains=["2"])
    db.session.add(ReviewerAssignment(campaign_id=campaign.id, reviewer_id=narrow.id,
                                      domains=["1", "2"]))
    db.session.commit()
    qb = _rows(campaign_progress(campaign, progress_scope(narrow, campaign), now=NOW))["QB"]
    assert (qb.items, qb.asked, qb.accepted) == (len(_self_leaves(world["set"], {"2"})), 1, 0)


def test_statement_count_does_not_grow_with_units(world, make):
    campaign = world["campaign"]
    scope, scored = EVERYTHING, ProgressFilters(points=True)
    few = count_statements(lambda: campaign_progress(campaign, scope, scored, now=NOW))
    editor = make.user("unit_editor")
    for n in range(30):
        unit = make.unit(f"P{n:02}", level="province")
        if n % 2:
            assessment = make.assessment(campaign, unit)
            editor.memberships.append(RoleMembership(role="unit_editor", unit=unit))
            db.session.commit()
            sa.save_answers(assessment, editor, {"1.1.1": {"value": "timely"}})
    db.session.expire_all()
    campaign = db.session.get(type(campaign), campaign.id)
    many = count_statements(lambda: campaign_progress(campaign, scope, scored, now=NOW))
    assert len(campaign_progress(campaign, scope, now=NOW).rows) == 33
    # Units with their dossiers, the answers, the items excluded for them, their stored scores,
    # the groups' order.
    assert many == few <= 5
