"""A unit's plan, worked out: the least-effort steps from its answers to its target, re-scored.

Pure: no Flask request, no database (`server.planning.plans` reads what it needs). The unit's
own position is its answers scored by the engine; for a rank, the other units of its group are
held at the figures `Field` carries (published, or current: `Plan.basis` says which), with the
group's tie rule and the set's bands as the campaign applies them. The promised figures are not
estimates: the chosen outcomes are applied to the answers and scored again by the engine, and
that result is the plan's index, band and rank.
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from flask_babel import lazy_gettext as _l

from server.engine import CriteriaSet, ScoreResult, TieRule, score
from server.engine.answers import AnswersError
from server.engine.ranking import Entry, rank
from server.engine.results import COUNTED
from server.planning.needs import (
    Floor,
    Rival,
    compared_value,
    component_needs,
    floors,
    rank_floor,
    total_need,
)
from server.planning.solver import options_of, solve
from server.planning.targets import Target

PUBLISHED, CURRENT = "published", "current"


class PlanError(Exception):
    """A plan that cannot be made: `status` the HTTP status, `field` the part at fault."""

    def __init__(self, message, status: int = 409, field: str = ""):
        super().__init__(str(message))
        self.message, self.status, self.field = message, status, field


@dataclass(frozen=True)
class Step:
    """One item moved to a better outcome."""

    code: str
    title: str
    domain_code: str
    domain_title: str
    agency: str | None
    from_label: str | None
    from_points: Decimal
    to_label: str
    to_points: Decimal
    value: object  # the answer value the outcome means
    steps: int
    effort: int
    index_after: Decimal  # the engine's index with this step and the ones before it applied

    @property
    def gain(self) -> Decimal:
        return self.to_points - self.from_points


@dataclass(frozen=True)
class Standing:
    total: Decimal
    index: Decimal | None
    classification: str | None
    rank: int | None  # None when not ranked or when no ranking may be shown


@dataclass(frozen=True)
class Field:
    """The group's other units, held where they are, as a rank compares them."""

    basis: str  # PUBLISHED or CURRENT
    tie_rule: TieRule
    entries: tuple[Entry, ...]  # every unit of the group as ranked (this unit included)


@dataclass(frozen=True)
class Plan:
    unit_code: str
    unit_name: str
    campaign_id: int
    group: str
    target: Target
    basis: str | None  # what the other units are held at for the ranks; None: no ranking used
    tie_rule: TieRule
    now: Standing
    reached: bool  # the plan, re-scored, meets every part of the target
    steps: tuple[Step, ...]
    effort: int
    after: Standing  # the engine's result of the answers with the plan applied
    needed_index: Decimal | None  # the exact index the plan must reach, rounded up to 2 places
    shortfall: Decimal | None  # when out of reach: index points short even with every item best
    domains_short: dict  # domain or component -> sub-index points short, when out of reach
    not_plannable: tuple[str, ...]  # counted items whose rule type gives no better outcome

    @property
    def step_count(self) -> int:
        return sum(step.steps for step in self.steps)

    @property
    def gap(self) -> Decimal:
        """How far the unit is from the target now: index points to gain (0 when met)."""
        if self.needed_index is None or self.now.index is None:
            return Decimal(0)
        return max(self.needed_index - self.now.index, Decimal(0))

    def grouped(self, key: str) -> list[tuple[str, list[Step]]]:
        """The steps by domain ("domain") or responsible agency ("agency"), in tree order."""
        found: dict[str, list[Step]] = {}
        for step in self.steps:
            label = (f"{step.domain_code}. {step.domain_title}" if key == "domain"
                     else step.agency or "")
            found.setdefault(label, []).append(step)
        return list(found.items())


def build_plan(criteria_set: CriteriaSet, campaign_id: int, group: str, unit_code: str,
               unit_name: str, answers: dict, excluded: list[str], field: Field | None,
               target: Target, weights: dict[str, int]) -> Plan:
    """The plan of one unit from its answers (code -> {value, not_applicable}), the items
    excluded for it, its group as ranked (`field`, None when no ranking may be used) and the
    campaign's effort weights; the figures after it are the engine's."""
    if target.rank and field is None:
        raise PlanError(_l("The group's results are not published yet: a rank cannot be "
                           "planned against them."), 409, "target.rank")
    ranked = field is not None and any(e.unit_code == unit_code and e.ranked
                                       for e in field.entries)
    if target.rank and not ranked:
        raise PlanError(_l("Unit %(code)s is not ranked in its group.", code=unit_code),
                        409, "target.rank")
    try:
        now = score(criteria_set, answers, excluded)
    except AnswersError as error:
        raise PlanError(str(error), 409, "unit") from error
    if now.index is None:
        raise PlanError(_l("Unit %(code)s has no item that counts.", code=unit_code),
                        409, "unit")
    tie_rule = field.tie_rule if field else criteria_set.tie_rule
    rank_target = None
    if target.rank:
        rivals = [Rival(e.unit_code, compared_value(e.result, tie_rule))
                  for e in field.entries if e.ranked and e.unit_code != unit_code
                  and e.result.index is not None]
        rank_target = rank_floor(target.rank[1], unit_code, rivals, tie_rule)
    items, not_plannable = {}, []
    for line in now.trace:
        if line.status not in COUNTED:
            continue
        better = criteria_set.leaf(line.code).rule.better_outcomes(line.input)
        if better is None:
            not_plannable.append(line.code)
        else:
            items[line.code] = options_of(line.code, better, line.points,
                                          weights.get(line.code, 1))
    floor_list = floors(target, criteria_set, rank_target)
    total = total_need(floor_list, now)
    needs = ([total] if total else []) + component_needs(
        target, criteria_set, now, [line.code for line in now.trace if line.status in COUNTED])
    solution = solve(items, needs)
    chosen = solution.options if solution else ()
    after = score(criteria_set, _applied(answers, chosen), excluded)
    shortfall, short = None, {}
    if solution is None:
        best = [options[-1] for options in items.values() if options]
        best_result = score(criteria_set, _applied(answers, best), excluded)
        shortfall, short = _shortfall(total, needs, now, best_result, criteria_set)
    return Plan(
        unit_code, unit_name, campaign_id, group, target,
        field.basis if field else None, tie_rule,
        _standing(now, unit_code, field, criteria_set, tie_rule),
        solution is not None and _meets(after, now, target, criteria_set, floor_list, needs),
        _steps(criteria_set, now, answers, excluded, chosen),
        solution.effort if solution else 0,
        _standing(after, unit_code, field, criteria_set, tie_rule),
        _up(*max((f.index, f.strict) for f in floor_list)) if floor_list else None,
        shortfall, short, tuple(not_plannable))


def _applied(answers: dict, options) -> dict:
    applied = dict(answers)
    for option in options:
        applied[option.code] = {"value": option.value, "not_applicable": False}
    return applied


def _standing(result: ScoreResult, unit_code: str, field: Field | None,
              criteria_set: CriteriaSet, tie_rule: TieRule) -> Standing:
    place = None
    if field is not None:
        entries = [Entry(e.unit_code, e.unit_name, result, e.ranked) if e.unit_code == unit_code
                   else e for e in field.entries]
        # A unit missing from a publication (added after it) has no rank there.
        place = next((row.rank for row in rank(criteria_set, entries, tie_rule)
                      if row.unit_code == unit_code), None)
    return Standing(result.total, result.index, result.classification, place)


def _meets(result: ScoreResult, now: ScoreResult, target: Target, criteria_set: CriteriaSet,
           floor_list: list[Floor], needs) -> bool:
    """Whether the engine's result of the plan meets every floor, the band and every domain or
    component need."""
    exact = Fraction(result.total) * 100 / Fraction(result.max_points)
    if not all(exact > f.index if f.strict else exact >= f.index for f in floor_list):
        return False
    if target.band:
        labels = [band.label for band in criteria_set.bands]
        if result.classification not in labels[:labels.index(target.band) + 1]:
            return False
    return all(need.met(_points(result, need.codes) - _points(now, need.codes))
               for need in needs if need.codes is not None)


def _points(result: ScoreResult, codes) -> Fraction:
    return sum((Fraction(line.points) for line in result.trace if line.code in codes),
               Fraction(0))


def _steps(criteria_set: CriteriaSet, now: ScoreResult, answers: dict, excluded: list[str],
           chosen) -> tuple[Step, ...]:
    """The chosen options as steps in tree order, each with the index the engine gives once it
    and the steps before it are applied."""
    lines = {line.code: line for line in now.trace}
    steps = []
    for done, option in enumerate(chosen, 1):
        leaf, line = criteria_set.leaf(option.code), lines[option.code]
        domain = criteria_set.node(criteria_set.leaf_domain(option.code))
        index = score(criteria_set, _applied(answers, chosen[:done]), excluded).index
        steps.append(Step(option.code, leaf.title, domain.code, domain.title,
                          leaf.responsible_agency, line.outcome, line.points, option.label,
                          option.points, option.value, option.steps, option.effort, index))
    return tuple(steps)


def _up(index: Fraction, strict: bool = False) -> Decimal:
    """An exact index as the least published figure (2 places) at or above it, or above it
    when `strict`."""
    hundredths = index * 100
    whole = hundredths.__floor__()
    return Decimal(whole + 1 if strict or whole < hundredths else whole) / 100


def _shortfall(total, needs, now: ScoreResult, best: ScoreResult, criteria_set: CriteriaSet):
    """Index points short with every item at its best, and each domain's or part's."""
    shortfall = None
    if total is not None:
        gained = Fraction(best.total) - Fraction(now.total)
        if not total.met(gained):
            shortfall = _up((total.amount - gained) * 100 / Fraction(now.max_points),
                            total.strict)
    short = {}
    for need in needs:
        if need.codes is None:
            continue
        gained = _points(best, need.codes) - _points(now, need.codes)
        if not need.met(gained):
            max_points = sum(Fraction(criteria_set.leaf(code).max_points) for code in need.codes)
            short[need.key] = _up((need.amount - gained) * 100 / max_points)
    return shortfall, short
