"""A unit's plan on a group whose answers are known: least effort, the promise kept when the
plan is applied and re-scored, the shortfall when out of reach, the tie rule at the boundary,
and the refusals."""

import itertools
from dataclasses import replace
from decimal import Decimal

import pytest

from server.engine import Band, TieRule, score
from server.engine.decimals import percent
from server.extensions import db
from server.models import Answer
from server.planning.planner import PlanError, build_plan
from server.planning.plans import plan_for_unit, unit_answers
from server.planning.targets import Target, TargetError, parse_target
from server.planning.weights import WeightsError, set_effort_weights
from server.results.publications import publish
from server.results.ranking import rank_group
from tests.ranking_data import (
    full_answers,
    json_value,
    set_appraisal,
)


def _apply(plan, assessment, criteria_set):
    """The plan written as the council's decisions (the survey's import for survey items), as a
    unit that did the work would get them."""
    for step in plan.steps:
        value = json_value(step.value)
        if criteria_set.leaf(step.code).source == "survey":
            row = db.session.scalar(db.select(Answer).filter_by(
                assessment_id=assessment.id, code=step.code, source="survey"))
            row.value = value
        else:
            set_appraisal(assessment.id, step.code, value, reason="plan")
    db.session.commit()


def test_a_rank_plan_applied_and_re_scored_gives_exactly_the_promise(group, province_set):
    campaign, admin = group["campaign"], group["admin"]
    publish(campaign, "province", admin)
    plan = plan_for_unit(campaign, "P05", parse_target(["rank=2-3"], ["Tốt"]), admin)
    assert plan.basis == "published" and plan.reached
    assert plan.now.rank == 5 and plan.after.rank <= 3
    assert plan.steps and plan.effort == plan.step_count == sum(s.steps for s in plan.steps)
    assert plan.needed_index > plan.now.index
    # Each step says the index with it and the steps before it applied; the last, the plan's.
    indices = [step.index_after for step in plan.steps]
    assert indices == sorted(indices) and indices[-1] == plan.after.index
    _apply(plan, group["dossiers"]["P05"], province_set)
    rescored = score(province_set, unit_answers(group["dossiers"]["P05"], province_set))
    assert (rescored.total, rescored.index, rescored.classification) == (
        plan.after.total, plan.after.index, plan.after.classification)
    live = {row.unit_code: row for row in rank_group(campaign, "province", from_answers=True).rows}
    assert live["P05"].rank == plan.after.rank
    assert live["P05"].index == plan.after.index


def test_a_band_plan_takes_the_least_effort_brute_force_finds_with_uneven_weights(
        group, province_set):
    campaign, admin = group["campaign"], group["admin"]
    now = score(province_set, unit_answers(group["dossiers"]["P02"], province_set))
    # The campaign's own bands, the upper one a little above the unit's index.
    campaign.bands = [{"key": "tot", "label": "Tốt", "min": str(min(now.index + 2, 100))},
                      {"key": "kha", "label": "Khá", "min": "50"}]
    labels, band = ["Tốt", "Khá"], "Tốt"
    criteria_set = replace(province_set, bands=tuple(
        Band(b["label"], Decimal(b["min"])) for b in campaign.bands))
    lost = [line for line in now.trace if line.points < line.max_points]
    weights = {line.code: weight for line, weight in zip(lost, (5, 1, 3, 2, 4, 1, 2, 3, 1, 5,
                                                                 2, 4), strict=False)}
    set_effort_weights(campaign, "province", weights, admin)
    db.session.commit()
    plan = plan_for_unit(campaign, "P02", Target(band=band), admin)
    assert plan.reached and labels.index(plan.after.classification) <= labels.index(band)
    # Every way of moving the lost items, scored by the engine's own rounding and bands.
    choices = [[None, *enumerate(province_set.leaf(line.code).rule.better_outcomes(line.input),
                                 1)] for line in lost]
    best = None
    for combo in itertools.product(*choices):
        total, effort, steps = now.total, 0, 0
        for line, choice in zip(lost, combo, strict=True):
            if choice:
                k, outcome = choice
                total += outcome.points - line.points
                effort, steps = effort + k * weights.get(line.code, 1), steps + k
        reached = criteria_set.classify(percent(total, now.max_points))
        if reached and labels.index(reached) <= labels.index(band):
            best = min(best or (effort, steps), (effort, steps))
    assert (plan.effort, plan.step_count) == best
    assert plan.effort > plan.step_count  # the weights did count


def test_a_band_target_with_a_domain_floor_lifts_every_domain(group, province_set):
    campaign, head = group["campaign"], group["heads"]["P05"]
    band = province_set.bands[-1].label
    plan = plan_for_unit(campaign, "P05", Target(band=band, domain_min=Decimal(90)), head)
    assert plan.reached and plan.basis is None and plan.now.rank is None
    labels = [b.label for b in province_set.bands]
    assert labels.index(plan.after.classification) <= labels.index(band)
    rescored = score(province_set, {code: answer for code, answer in
                                    unit_answers(group["dossiers"]["P05"], province_set).items()}
                     | {step.code: {"value": step.value} for step in plan.steps})
    for domain in province_set.domains:
        assert rescored.nodes[domain.code].sub_index >= 90
    assert [label for label, _steps in plan.grouped("domain")]


def test_drawing_level_is_first_with_shared_ranks(group):
    campaign, admin = group["campaign"], group["admin"]
    # P01 has every point: P02 can only draw level. Shared ranks: level is first.
    campaign.tie_compare, campaign.tie_ranks = "unrounded", "shared"
    publish(campaign, "province", admin)
    shared = plan_for_unit(campaign, "P02", Target(rank=(1, 1)), admin)
    assert shared.reached and shared.after.rank == 1 and shared.after.index == Decimal(100)


def test_out_of_reach_is_said_with_its_shortfall_when_distinct_ranks_go_by_code(group):
    campaign, admin = group["campaign"], group["admin"]
    # Distinct ranks order a tie by unit code: P02 can never pass P01's full marks.
    campaign.tie_compare, campaign.tie_ranks = "unrounded", "distinct"
    publish(campaign, "province", admin)
    distinct = plan_for_unit(campaign, "P02", Target(rank=(1, 1)), admin)
    assert not distinct.reached and distinct.steps == ()
    assert distinct.shortfall == Decimal("0.01")
    assert distinct.after.rank == distinct.now.rank == 2  # nothing applied
    # Second place is in reach, and 100 % is an index it can reach.
    assert plan_for_unit(campaign, "P02", Target(rank=(2, 2)), admin).after.rank == 2
    assert plan_for_unit(campaign, "P02", Target(index=Decimal(100)), admin).reached


def test_refusals_name_what_is_wrong(group):
    campaign, heads = group["campaign"], group["heads"]
    with pytest.raises(PlanError) as other:
        plan_for_unit(campaign, "P03", Target(index=Decimal(90)), heads["P02"])
    assert other.value.status == 404 and other.value.field == "unit"
    with pytest.raises(PlanError) as unpublished:
        plan_for_unit(campaign, "P02", Target(rank=(1, 2)), heads["P02"])
    assert unpublished.value.field == "target.rank"
    for parts, field in ((["rank=7-5"], "target.rank"), (["band=Xuất sắc"], "target.band"),
                         (["index=120"], "target.index"), (["domain_min=abc"],
                                                            "target.domain_min"),
                         (["ranking=5"], "target"), ([], "target"),
                         (["index=90", "index=91"], "target.index")):
        with pytest.raises(TargetError) as bad:
            parse_target(parts, ["Tốt", "Khá"])
        assert field in bad.value.errors, parts
    with pytest.raises(WeightsError) as weights:
        set_effort_weights(campaign, "province", {"9.9.9": 2, "1.1": 0}, group["admin"])
    assert set(weights.value.errors) == {"weights.9.9.9", "weights.1.1"}
    with pytest.raises(WeightsError):
        set_effort_weights(campaign, "province", {}, heads["P02"])


def test_the_rounded_tie_rule_compares_published_figures(group):
    campaign, admin = group["campaign"], group["admin"]
    campaign.tie_compare, campaign.tie_ranks = "rounded", "shared"
    publish(campaign, "province", admin)
    plan = plan_for_unit(campaign, "P05", Target(rank=(4, 4)), admin)
    assert plan.reached and plan.after.rank <= 4
    assert replace(plan.tie_rule) == TieRule("rounded", "shared")


def test_a_band_minimum_on_the_survey_part_is_planned_for(province_set):
    # A band that also asks 90 % of the survey part, as one province's bands do.
    criteria_set = replace(province_set, bands=(
        Band("Tốt", Decimal(60), (("survey", Decimal(90)),)), Band("Khá", Decimal(0))))
    survey = [leaf.code for leaf in criteria_set.leaves() if leaf.source == "survey"]
    answers = {code: {"value": value} for code, value in full_answers(criteria_set).items()}
    for code in survey[:6]:
        answers[code] = {"value": "0"}
    now = score(criteria_set, answers)
    assert now.classification == "Khá" and now.index >= 60
    plan = build_plan(criteria_set, 1, "province", "P09", "Tỉnh P09", answers, [], None,
                      Target(band="Tốt"), {})
    assert plan.reached and plan.after.classification == "Tốt"
    assert {step.code for step in plan.steps} <= set(survey[:6])
    after = score(criteria_set, answers | {s.code: {"value": s.value} for s in plan.steps})
    assert after.classification == "Tốt" and plan.after.index == after.index


def test_a_band_minimum_on_a_named_component_is_planned_for(app):
    criteria_set = app.extensions["parindex"].criteria.get("province-2020", "1.1.0")
    sipas = next(c for c in criteria_set.components if c.key == "sipas").leaf_codes
    criteria_set = replace(criteria_set, bands=(
        Band("Tốt", Decimal(60), (("sipas", Decimal(80)),)), Band("Khá", Decimal(0))))
    answers = {code: {"value": value} for code, value in full_answers(criteria_set).items()}
    for code in sipas:
        answers[code] = {"value": "0"}
    assert score(criteria_set, answers).classification == "Khá"
    plan = build_plan(criteria_set, 1, "province", "P09", "Tỉnh P09", answers, [], None,
                      Target(band="Tốt"), {})
    assert plan.reached and plan.after.classification == "Tốt"
    assert plan.steps and {step.code for step in plan.steps} <= set(sipas)


def test_a_group_is_planned_in_a_fixed_number_of_statements(group, make, province_set):
    from server.planning.group_plans import group_plans
    from tests.helpers import count_statements
    from tests.ranking_data import accept_all, write_answers

    campaign, target = group["campaign"], parse_target(["index=99"], [])
    few = count_statements(lambda: group_plans(campaign, "province", target, group["admin"]))
    for n in range(5):
        assessment = make.assessment(campaign, make.unit(f"Q{n}", level="province",
                                                         group="province"))
        write_answers(assessment, province_set, full_answers(province_set, n))
        accept_all(assessment)
    db.session.commit()
    many = count_statements(lambda: group_plans(campaign, "province", target, group["admin"]))
    assert many == few
