"""The reviewer's queue: dossiers × the reviewer's domains with items done, pending and asked,
read in a fixed number of queries."""

from sqlalchemy import event

from server.appraisal import decisions as ap
from server.appraisal import explanations
from server.appraisal.queue import reviewer_queue
from server.assessment import self_assessment as sa
from server.extensions import db
from server.models import ReviewerAssignment, RoleMembership
from tests.appraisal_round import appraisal_round, questioned


def _counted(user):
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement.split("FROM")[1][:60] if "FROM" in statement else statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        entries = reviewer_queue(user)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return entries, statements


def _row(entry):
    return (entry.assessment.unit.code, entry.domain_code, entry.items, entry.done,
            entry.pending, entry.asked, entry.replied)


def test_counts_per_domain_of_the_reviewer(make):
    round_ = questioned(appraisal_round(make))
    entries = reviewer_queue(round_.reviewer)
    # Domain 1 of province-2020 has 9 self-assessed sub-criteria; 1.1.1 adjusted, 1.1.2 asked.
    items = len([leaf for leaf in sa.criteria_set_for(round_.assessment).domains[0].leaves()
                 if leaf.source == "self"])
    assert [_row(e) for e in entries] == [("QB", "1", items, 1, items - 2, 1, 0)]
    explanations.save_reply(round_.assessment, round_.editor, "1.1.2", "Báo cáo 45")
    assert _row(reviewer_queue(round_.reviewer)[0])[-1] == 1
    admin_rows = [_row(e) for e in reviewer_queue(round_.admin)]
    assert [r[1] for r in admin_rows] == [d.code for d in
                                          sa.criteria_set_for(round_.assessment).domains]


def test_only_assigned_waiting_dossiers_and_never_ones_own(make):
    round_ = appraisal_round(make)
    draft = make.assessment(round_.assessment.campaign, make.unit("HT", level="province"))
    assert draft.state == "draft"
    assert [e.assessment.id for e in reviewer_queue(round_.reviewer)] == [round_.assessment.id]
    later = make.campaign(2022)
    assert reviewer_queue(round_.admin, later.id) == []
    assert len(reviewer_queue(round_.admin, round_.assessment.campaign_id)) == 8
    other_campaign_reviewer = make.user("reviewer")
    assert reviewer_queue(other_campaign_reviewer) == []
    round_.reviewer.memberships.append(RoleMembership(role="unit_editor",
                                                      unit_id=round_.unit.id))
    db.session.commit()
    assert reviewer_queue(round_.reviewer) == []
    for state in ("draft", "finalised", "published"):
        round_.assessment.state = state
        db.session.commit()
        assert reviewer_queue(round_.admin) == [], state


def test_the_queue_is_read_in_a_fixed_number_of_queries(make):
    round_ = questioned(appraisal_round(make))
    reviewer_queue(round_.reviewer)
    _, few = _counted(round_.reviewer)
    campaign = round_.assessment.campaign
    for n in range(5):
        unit = make.unit(f"T{n}", level="province")
        assessment = make.assessment(campaign, unit)
        assessment.state = "in_appraisal"
        db.session.commit()
        ap.appraise(assessment, round_.reviewer, "1.1.1", "request_explanation", reason="?")
    db.session.add(ReviewerAssignment(campaign_id=campaign.id, reviewer_id=round_.reviewer.id,
                                      domains=["4"]))
    db.session.commit()
    reviewer_queue(round_.reviewer)
    entries, more = _counted(round_.reviewer)
    assert len(entries) == 12 and len(few) == len(more) <= 8, more
