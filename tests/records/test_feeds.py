"""The figures the year's records propose for the record-fed items, and the points the sets'
own rules give them (server.records.feeds)."""

from datetime import date
from decimal import Decimal

from sqlalchemy import event

from server.assessment import self_assessment as sa
from server.extensions import db
from server.models import Campaign, PlanTask, PlanVersion, ReportPeriod
from server.records import feeds
from tests.records.feeds_world import TODAY, build, document


def _leaf(dossier, code):
    return sa.criteria_set_for(dossier).leaf(code)


def test_the_proposals_equal_what_the_rules_give_for_the_records(make):
    world = build(make)
    proposed = feeds.proposals(world.dossier, sa.criteria_set_for(world.dossier), TODAY)
    assert set(proposed) == {"1.1.1", "1.1.2", "1.2.1"}
    issued, completion, reports = proposed["1.1.1"], proposed["1.1.2"], proposed["1.2.1"]
    # Issued 20/01 for a plan due 15/01: late, which the set's choice calls "late".
    assert (issued.figure, issued.value) == ("late", "late")
    assert issued.points == _leaf(world.dossier, "1.1.1").rule.score("late").points
    assert issued.points == Decimal("0.5")
    # 4 of 7 tasks done by the cut-off.
    assert completion.figure == completion.value == 57.14
    assert completion.points == _leaf(world.dossier, "1.1.2").rule.score("57.14").points == 0
    # 6 months late and Q3 missing: two failures, 0.25 each.
    assert reports.figure == reports.value == 2
    assert reports.points == _leaf(world.dossier, "1.2.1").rule.score(2).points
    assert reports.points == Decimal("0.50")


def test_plan_evidence_lists_the_decisions_and_each_task_with_its_standing(make):
    world = build(make)
    figure = feeds.figures(world.dossier, {feeds.PLAN_COMPLETION}, TODAY)[
        feeds.PLAN_COMPLETION]
    evidence = figure.evidence
    assert evidence["cutoff"] == "2021-11-20"  # the annual report's data window ends here
    assert (evidence["done"], evidence["total"]) == (4, 7)
    numbers = {row["number"]: row for row in evidence["tasks"]}
    assert sorted(numbers) == ["1", "2", "3", "4", "6", "7", "9"]
    assert numbers["1"]["standing"] == "done_on_time" and numbers["1"]["done_by_cutoff"]
    assert numbers["2"]["standing"] == "done_late" and numbers["2"]["done_by_cutoff"]
    assert numbers["3"]["standing"] == "overdue" and not numbers["3"]["done_by_cutoff"]
    assert numbers["4"]["after_cutoff"] and not numbers["4"]["done_by_cutoff"]
    assert numbers["6"]["added_in"] == 2 and numbers["6"]["done_by_cutoff"]
    assert not numbers["7"]["done_by_cutoff"] and numbers["7"]["document"] is None
    assert numbers["9"]["inherited"] and numbers["9"]["done_by_cutoff"]
    assert numbers["1"]["document"]["number"] == "BC-T1"
    # Done after the deadline: listed apart, still counted as done.
    assert [row["number"] for row in evidence["late"]] == ["2"]
    # The cancelled task and the task another unit leads are shown, not counted.
    assert {row["number"]: row["standing"] for row in evidence["not_counted"]} == {
        "5": "cancelled", "8": "done_on_time"}
    versions = evidence["plan"]["versions"]
    assert [(v["number"], v["decision_number"], v["issued_on"]) for v in versions] == [
        (1, "12/KH-UBND", "2021-01-20"), (2, "80/KH-UBND", "2021-06-01")]
    assert versions[0]["document"]["id"] == world.documents["plan"].id


def test_an_inherited_task_counts_for_the_unit_that_leads_it(make):
    world = build(make)
    proposed = feeds.proposals(world.justice_dossier, sa.criteria_set_for(
        world.justice_dossier), TODAY)
    completion = proposed["1.1.2"]
    assert completion.value == 100  # T8, taken over into QB's plan and led by STP, is done
    assert [row["number"] for row in completion.evidence["tasks"]] == ["8"]
    assert completion.evidence["tasks"][0]["from_plan_of"] == "Tỉnh Quảng Bình"
    # STP keeps no plan of its own while the campaign keeps plans: missing.
    assert (proposed["1.1.1"].figure, proposed["1.1.1"].value) == ("missing", "none")
    assert proposed["1.1.1"].points == 0
    # The department set's report item is yes/no: STP's missing domain report of the 6
    # months makes it "no" (Không đạt).
    assert (proposed["1.2.1"].figure, proposed["1.2.1"].value) == (1, False)
    assert proposed["1.2.1"].points == 0


def test_a_task_of_the_units_own_plan_counts_for_it_whoever_leads_it(make):
    # The province's plan names Sở Tư pháp as the lead agency of a task it did not take over:
    # the plan, and its completion, are the province's; STP's figure does not take it.
    world = build(make)
    proof = document(world.campaign, world.justice, "BC-T10", date(2021, 7, 1))
    db.session.add(PlanTask(plan_id=world.plan.id, number="10", title="Rà soát quy chế",
                            lead_unit_id=world.justice.id, deadline=date(2021, 8, 31),
                            status="done", completed_on=date(2021, 7, 1),
                            completion_document_id=proof.id))
    db.session.commit()
    province = feeds.proposals(world.dossier, sa.criteria_set_for(world.dossier), TODAY)
    assert province["1.1.2"].value == 62.5  # 5 of 8: T10 joins the 4 of 7
    assert "10" in [row["number"] for row in province["1.1.2"].evidence["tasks"]]
    justice = feeds.proposals(world.justice_dossier, sa.criteria_set_for(
        world.justice_dossier), TODAY)
    assert [row["number"] for row in justice["1.1.2"].evidence["tasks"]] == ["8"]


def test_reports_use_the_document_date_not_the_upload_and_count_outside_reports(make):
    world = build(make)
    figure = feeds.figures(world.dossier, {feeds.REPORTS_ON_TIME}, TODAY)[feeds.REPORTS_ON_TIME]
    rows = {row["period"]: row for row in figure.evidence["reports"]}
    assert {key: row["state"] for key, row in rows.items()} == {
        "q1": "on_time", "h1": "late", "q3": "missing", "year": "on_time"}
    assert rows["q1"]["received_outside"] and rows["q1"]["document_date"] == "2021-03-12"
    assert rows["q1"]["outside_reason"] == "Nhận bản giấy qua văn thư"
    assert rows["year"]["document_date"] == "2021-11-14" and rows["year"]["due_on"] == \
        "2021-11-15"
    assert rows["year"]["submitted_at"].startswith("2021-11-20")  # uploaded after: on time
    assert (figure.evidence["expected"], figure.evidence["failures"]) == (4, 2)


def test_domain_reports_count_for_the_domain_office(make):
    world = build(make)
    figure = feeds.figures(world.justice_dossier, {feeds.REPORTS_ON_TIME}, TODAY)[
        feeds.REPORTS_ON_TIME]
    # STP's group sends no unit report; as the office of domain 2 it owes the 6 months' one.
    assert [(row["period"], row["domain"], row["state"]) for row in
            figure.evidence["reports"]] == [("h1", "2", "missing")]
    assert figure.value == 1


def test_only_periods_whose_due_day_has_passed_are_expected(make):
    world = build(make)
    figure = feeds.figures(world.dossier, {feeds.REPORTS_ON_TIME}, date(2021, 7, 1))[
        feeds.REPORTS_ON_TIME]
    assert [row["period"] for row in figure.evidence["reports"]] == ["q1", "h1"]
    assert figure.value == 1
    nothing_due = feeds.figures(world.dossier, {feeds.REPORTS_ON_TIME}, date(2021, 3, 1))
    assert nothing_due[feeds.REPORTS_ON_TIME].value is None


def test_no_task_gives_no_proposal_rather_than_zero_or_a_hundred(make):
    world = build(make, periods=False)
    for task in world.plan.tasks:
        db.session.delete(task)
    db.session.commit()
    proposed = feeds.proposals(world.dossier, sa.criteria_set_for(world.dossier), TODAY)
    assert proposed["1.1.2"].value is None and proposed["1.1.2"].points is None
    assert proposed["1.2.1"].value is None  # no report schedule: no proposal
    assert proposed["1.1.1"].value == "late"


def test_a_campaign_keeping_no_records_proposes_nothing_in_one_query(make):
    world = build(make, periods=False, plan=False)
    counted = []

    def count(*_args):
        counted.append(1)

    criteria_set = sa.criteria_set_for(world.dossier)
    world.dossier.campaign, world.dossier.unit  # noqa: B018 (loaded before counting)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        proposed = feeds.proposals(world.dossier, criteria_set, TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert {code: p.value for code, p in proposed.items()} == {
        "1.1.1": None, "1.1.2": None, "1.2.1": None}
    assert len(counted) == 1


def test_the_records_are_read_in_a_few_queries_whatever_their_number(make):
    world = build(make)
    criteria_set = sa.criteria_set_for(world.dossier)

    def statements():
        counted = []

        def count(*_args):
            counted.append(1)

        db.session.expire_all()
        dossier = db.session.get(type(world.dossier), world.dossier.id)
        dossier.campaign, dossier.unit  # noqa: B018
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            feeds.proposals(dossier, criteria_set, TODAY)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(counted)

    few = statements()
    for number in range(10, 30):  # twenty more tasks, each with its completion evidence
        world.tasks[f"T{number}"] = None
        from tests.records.feeds_world import document

        proof = document(world.campaign, world.province, f"X{number}", date(2021, 5, 1))
        world.plan.tasks.append(type(world.plan.tasks[0])(
            title=f"Nhiệm vụ {number}", deadline=date(2021, 6, 1), status="done",
            completed_on=date(2021, 5, 1), completion_document_id=proof.id))
    db.session.commit()
    assert statements() == few <= 10


def test_the_annual_cutoff_without_a_year_report(make):
    campaign = Campaign(year=2022, title="2022", data_cutoffs=[
        {"label": "Chốt 1", "date": "2022-06-30"}, {"label": "Chốt 2", "date": "2022-11-30"}])
    year = ReportPeriod(key="year", covers_to=date(2022, 11, 20))
    q1 = ReportPeriod(key="q1", covers_to=date(2022, 3, 10))
    assert feeds.annual_cutoff(campaign, [q1, year]) == date(2022, 11, 20)
    assert feeds.annual_cutoff(campaign, [q1]) == date(2022, 11, 30)
    assert feeds.annual_cutoff(Campaign(year=2022, data_cutoffs=[]), []) == date(2022, 12, 31)


def test_a_plan_issued_on_its_due_day_is_on_time(make):
    world = build(make, periods=False)
    first = db.session.scalar(db.select(PlanVersion).filter_by(plan_id=world.plan.id, number=1))
    first.issued_on = world.plan.due_on
    db.session.commit()
    proposed = feeds.proposals(world.dossier, sa.criteria_set_for(world.dossier), TODAY)
    assert proposed["1.1.1"].value == "timely" and proposed["1.1.1"].points == 1
