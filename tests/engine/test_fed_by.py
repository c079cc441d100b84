"""The `fed_by` key: an item whose answer the year's records propose (docs/criteria-sets.md).
Read into RecordFeed; refused when the figure is unknown, a state has no answer, the rule
cannot take an answer the records may propose, or the item is a survey item."""

from decimal import Decimal

import pytest

from server.engine import load_criteria_set
from server.engine.extends import resolve_extends
from server.engine.model import RecordFeed

CHOICE = {"type": "choice", "outcomes": [
    {"key": "timely", "label": "Kịp thời", "points": 1},
    {"key": "late", "label": "Muộn", "points": "0.5"},
    {"key": "none", "label": "Không ban hành", "points": 0}]}
PERCENT = {"type": "percent_bands", "bands": [
    {"above": 90, "points": 1}, {"from": 70, "to": 90, "points": "0.5"},
    {"below": 70, "points": 0}]}
DEDUCTION = {"type": "deduction", "per_failure": "0.25", "floor": 0}
ISSUED = {"record": "plan_issued", "values": {"on_time": "timely", "late": "late",
                                              "missing": "none"}}


def test_the_three_figures_are_read_and_answer_through_the_rule(make):
    criteria_set = make.set(
        make.leaf("1.1.1", 1, CHOICE, fed_by=ISSUED),
        make.leaf("1.1.2", 1, PERCENT, fed_by={"record": "plan_completion"}),
        make.leaf("1.2.1", 1, DEDUCTION, fed_by={"record": "reports_on_time"}),
        make.leaf("1.2.2", 1, {"type": "yes_no"}))
    issued = criteria_set.leaf("1.1.1").fed_by
    assert issued == RecordFeed("plan_issued", (("on_time", "timely"), ("late", "late"),
                                                ("missing", "none")))
    assert issued.answer_for("late") == "late" and issued.to_dict() == ISSUED
    completion = criteria_set.leaf("1.1.2").fed_by
    assert completion.answer_for(57.14) == 57.14
    assert criteria_set.leaf("1.1.2").rule.score(completion.answer_for(95)).points == 1
    reports = criteria_set.leaf("1.2.1")
    assert reports.rule.score(reports.fed_by.answer_for(2)).points == Decimal("0.50")
    assert criteria_set.leaf("1.2.2").fed_by is None
    assert criteria_set.leaf("1.2.1").to_dict()["fed_by"] == {"record": "reports_on_time"}


REPORTS_YES_NO = {"record": "reports_on_time",
                  "values": {"all_on_time": True, "missing_or_late": False}}


def test_a_yes_no_report_item_takes_the_count_as_a_state(make):
    # "Đủ số lượng và đúng thời gian" as Đạt / Không đạt: reached only with no report missing
    # or late.
    criteria_set = make.set(make.leaf("1.2.1", 1, {"type": "yes_no"}, fed_by=REPORTS_YES_NO))
    leaf = criteria_set.leaf("1.2.1")
    assert [leaf.fed_by.answer_for(count) for count in (0, 1, 4)] == [True, False, False]
    assert leaf.rule.score(leaf.fed_by.answer_for(0)).points == 1
    assert leaf.rule.score(leaf.fed_by.answer_for(3)).points == 0
    assert leaf.to_dict()["fed_by"] == REPORTS_YES_NO


@pytest.mark.parametrize(("leaf", "problem"), [
    ({"rule": CHOICE, "fed_by": {"record": "budget"}},
     "'fed_by.record' must be one of plan_issued, plan_completion, reports_on_time, "
     "got 'budget'"),
    ({"rule": CHOICE, "fed_by": {"record": "plan_issued"}},
     "required field 'fed_by.values' is missing"),
    ({"rule": CHOICE, "fed_by": {"record": "plan_issued",
                                 "values": {"on_time": "timely", "late": "late"}}},
     "required field 'fed_by.values.missing' is missing"),
    ({"rule": CHOICE, "fed_by": {"record": "plan_issued",
                                 "values": {**ISSUED["values"], "early": "timely"}}},
     "unknown key 'fed_by.values.early'"),
    ({"rule": CHOICE, "fed_by": {**ISSUED, "values": {**ISSUED["values"], "late": "slow"}}},
     "fed_by: the choice rule does not take the answer 'slow' that plan_issued proposes"),
    ({"rule": {"type": "yes_no"}, "fed_by": {"record": "reports_on_time"}},
     "fed_by: the yes_no rule does not take the answer 0 that reports_on_time proposes"),
    ({"rule": {"type": "yes_no"}, "fed_by": {"record": "reports_on_time",
                                             "values": {"all_on_time": True}}},
     "required field 'fed_by.values.missing_or_late' is missing"),
    ({"rule": DEDUCTION, "fed_by": {"record": "plan_completion", "values": {"x": 1}}},
     "unknown key 'fed_by.values'"),
    ({"rule": {"type": "survey"}, "source": "survey", "fed_by": {"record": "plan_completion"}},
     "fed_by is only allowed on self-assessed items"),
    ({"rule": CHOICE, "fed_by": {**ISSUED, "when": "always"}},
     "unknown key 'fed_by.when'"),
])
def test_refusals(make, leaf, problem):
    problems = make.problems(make.data({"code": "1.1.1", "title": "Mục", "max_points": 1,
                                        **leaf}))
    assert len(problems) == 1 and problems[0].startswith(f"test.yaml: 1.1.1: {problem}"), \
        problems


def test_fed_by_on_a_criterion_with_sub_criteria_is_refused(make):
    data = make.data(make.leaf("1.1.1", 1, CHOICE))
    data["domains"][0]["criteria"][0]["fed_by"] = ISSUED
    assert any("fed_by" in line for line in make.problems(data))


def test_an_adaptation_keeps_chooses_or_drops_the_feed(make):
    base = make.set(make.leaf("1.1.1", 1, CHOICE, fed_by=ISSUED),
                    make.leaf("1.1.2", 1, PERCENT, fed_by={"record": "plan_completion"}),
                    make.leaf("1.2.1", 1, DEDUCTION))

    def lookup(set_id, version):
        return base

    def adapt(override):
        return resolve_extends({"id": "unit-test-qb", "version": "1.0.0",
                                "title": "Điều chỉnh", "extends": "unit-test@1.0.0",
                                "override": override}, "qb.yaml", lookup)

    kept = adapt({"1.1.1": {"title": "Ban hành kế hoạch"}})
    assert kept.leaf("1.1.1").fed_by == base.leaf("1.1.1").fed_by
    # A new rule drops the base's feed (it mapped the old rule's answers) unless it gives one.
    assert adapt({"1.1.1": {"rule": {"type": "yes_no"}}}).leaf("1.1.1").fed_by is None
    chosen = adapt({"1.2.1": {"fed_by": {"record": "reports_on_time"}},
                    "1.1.2": {"fed_by": None}})
    assert chosen.leaf("1.2.1").fed_by == RecordFeed("reports_on_time")
    assert chosen.leaf("1.1.2").fed_by is None


@pytest.mark.parametrize(("name", "marked"), [
    ("province_2020", {"1.1.1": "plan_issued", "1.1.2": "plan_completion",
                       "1.2.1": "reports_on_time"}),
    ("province_2017", {"1.1.1": "plan_issued", "1.2.1": "plan_completion",
                       "1.3.1": "reports_on_time"}),
    ("ministry_2022", {"1.1.1": "plan_issued", "1.1.2": "plan_completion",
                       "1.1.3": "reports_on_time"}),
    ("department", {"1.1.1": "plan_issued", "1.1.2": "plan_completion",
                    "1.2.1": "reports_on_time"}),
    ("district", {"1.1.1": "plan_issued", "1.1.2": "plan_completion",
                  "1.2.1": "reports_on_time"}),
    ("commune", {"1.1.1": "plan_issued", "1.1.2": "plan_completion",
                 "1.2.1": "reports_on_time"}),
])
def test_the_built_in_sets_mark_their_plan_and_report_items(name, marked):
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "criteria" / name / "criteria.yaml"
    criteria_set = load_criteria_set(path)
    assert {leaf.code: leaf.fed_by.record for leaf in criteria_set.leaves()
            if leaf.fed_by} == marked
    for leaf in criteria_set.leaves():  # every report is in and on time: full points
        if leaf.fed_by and leaf.fed_by.record == "reports_on_time":
            assert leaf.rule.score(leaf.fed_by.answer_for(0)).points == leaf.max_points
            assert leaf.rule.score(leaf.fed_by.answer_for(2)).points < leaf.max_points
    issued = criteria_set.leaf("1.1.1")
    # Issued on time earns the item's full points; not issued earns none.
    assert issued.rule.score(issued.fed_by.answer_for("on_time")).points == issued.max_points
    assert issued.rule.score(issued.fed_by.answer_for("missing")).points == 0
