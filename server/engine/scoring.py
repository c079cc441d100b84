"""Scoring a unit's answers against a criteria set."""

from collections.abc import Collection, Mapping
from decimal import Decimal, localcontext

from server.engine.answers import NOT_APPLICABLE as NOT_APPLICABLE_ANSWER
from server.engine.answers import read_answers
from server.engine.components import component_scores
from server.engine.decimals import ENGINE_CONTEXT, percent
from server.engine.model import COMPONENT_SELF, COMPONENT_SURVEY, CriteriaSet
from server.engine.results import (
    COUNTED,
    NOT_APPLICABLE,
    PENDING,
    SCORED,
    SURVEY_ABSENT,
    UNANSWERED,
    NodeScore,
    ScoreResult,
    TraceLine,
)

ZERO = Decimal(0)


def score(criteria_set: CriteriaSet, answers: Mapping[str, Mapping],
          excluded: Collection[str] = ()) -> ScoreResult:
    """Points, sub-indices, index and trace for `answers` (code -> {value, not_applicable}).

    `excluded` names domains, criteria or sub-criteria that do not apply to this unit by the
    administrator's decision: every leaf under them is not applicable, whatever was answered
    (even where the set does not let the unit mark it so). Raises AnswersError listing every
    answer that cannot be scored.

    One pass down the tree: each leaf's points are added, as the leaf is met, to the running sums
    of its criterion, its domain, the total and its part (self or survey). Decimal rounds a sum
    past 28 digits, so every sum stays its leaves' points added in tree order. The exact percent
    is taken here only for the index and the parts and domains the bands read; the other nodes'
    sub-indices when they are read.
    """
    with localcontext(ENGINE_CONTEXT):
        left_out = excluded_nodes(criteria_set, excluded) if excluded else {}
        given = read_answers(criteria_set, {code: answer for code, answer in answers.items()
                                            if code not in left_out})
        survey_absent = criteria_set.survey_optional and _survey_absent(criteria_set, given)
        given.update((code, NOT_APPLICABLE_ANSWER) for code in left_out
                     if code in criteria_set.leaf_index)
        lines = {leaf.code: _trace_line(leaf, given.get(leaf.code), survey_absent)
                 for leaf in criteria_set.leaf_index.values()}
        return summed(criteria_set, lines, survey_absent)


def summed(criteria_set: CriteriaSet, lines: Mapping[str, TraceLine],
           survey_absent: bool) -> ScoreResult:
    """The result of leaves already scored (`lines`: leaf code -> its trace line): the sums up
    the tree, the index and the classification. `score` ends here; so does reading a dossier's
    stored leaf points back (`from_stored_leaves`), so both add up the same way."""
    with localcontext(ENGINE_CONTEXT):
        trace, nodes, unanswered = [], {}, []
        total = self_points = survey_points = ZERO
        max_points = self_max = survey_max = ZERO
        for domain in criteria_set.domains:
            nodes[domain.code] = None  # its place in tree order; filled in below
            domain_points = domain_max = ZERO
            domain_na = True
            for criterion in domain.criteria:
                nodes[criterion.code] = None
                criterion_points = criterion_max = ZERO
                criterion_na = True
                for leaf in criterion.leaves():
                    line = lines[leaf.code]
                    trace.append(line)
                    status, points = line.status, line.points
                    if status in COUNTED:
                        if status == UNANSWERED:
                            unanswered.append(leaf.code)
                        leaf_points, leaf_max = ZERO + points, ZERO + leaf.max_points
                        criterion_points += points
                        criterion_max += leaf.max_points
                        domain_points += points
                        domain_max += leaf.max_points
                        total += points
                        max_points += leaf.max_points
                        if leaf.source == "self":
                            self_points += points
                            self_max += leaf.max_points
                        elif leaf.source == "survey":
                            survey_points += points
                            survey_max += leaf.max_points
                    else:
                        leaf_points = leaf_max = ZERO
                    leaf_na = status == NOT_APPLICABLE
                    criterion_na = criterion_na and leaf_na
                    if criterion.leaf is None:
                        nodes[leaf.code] = NodeScore(leaf.code, leaf.level, leaf_points, leaf_max,
                                                     PENDING, leaf_na)
                nodes[criterion.code] = NodeScore(criterion.code, criterion.level,
                                                  criterion_points, criterion_max, PENDING,
                                                  criterion_na)
                domain_na = domain_na and criterion_na
            nodes[domain.code] = NodeScore(domain.code, domain.level, domain_points, domain_max,
                                           PENDING, domain_na)
        index = percent(total, max_points) if max_points else None
        named = named_components(criteria_set, lines)
        components = _band_sub_indices(criteria_set, nodes, named, (self_points, self_max),
                                       (survey_points, survey_max))
        return ScoreResult(
            criteria_set_id=criteria_set.id,
            criteria_set_version=criteria_set.version,
            total=total,
            max_points=max_points,
            index=index,
            self_points=self_points,
            survey_points=survey_points,
            survey_absent=survey_absent,
            classification=criteria_set.classify(index, components),
            nodes=nodes,
            unanswered=tuple(unanswered),
            trace=tuple(trace),
            self_max_points=self_max,
            survey_max_points=survey_max,
            components=named,
        )


def named_components(criteria_set: CriteriaSet, lines: Mapping[str, TraceLine]) -> dict:
    """The set's named components summed from the leaves' trace lines (key -> NodeScore)."""
    if not criteria_set.components:
        return {}
    return component_scores(
        criteria_set.component_of, [component.key for component in criteria_set.components],
        {code: (lines[code].status, lines[code].points, lines[code].max_points)
         for code in criteria_set.component_of})


def _band_sub_indices(criteria_set: CriteriaSet, nodes: Mapping[str, NodeScore],
                      named: Mapping[str, NodeScore], own: tuple, survey: tuple) -> dict:
    """The sub-indices the set's bands ask minimums of ("self", "survey", a domain or a named
    component), for `classify`; none are worked out for bands of the index alone (a ranking
    classifies 10,600 units)."""
    found = {}
    for key in criteria_set.band_components:
        if key in (COMPONENT_SELF, COMPONENT_SURVEY):
            points, max_points = own if key == COMPONENT_SELF else survey
            found[key] = percent(points, max_points) if max_points else None
        elif key in named:
            found[key] = named[key].sub_index
        elif key in nodes:
            found[key] = nodes[key].sub_index
    return found


def from_stored_leaves(criteria_set: CriteriaSet,
                       leaves: Mapping[str, tuple[str, str | None, Decimal]],
                       survey_absent: bool) -> ScoreResult:
    """The result of a dossier whose leaves were scored and stored before (leaf code ->
    (status, outcome, points)): the same sums as `score`, without the answers or the rules.
    Trace lines carry no input value."""
    lines = {}
    for leaf in criteria_set.leaf_index.values():
        status, outcome, points = leaves[leaf.code]
        lines[leaf.code] = TraceLine(leaf.code, leaf.rule.name, None, outcome, points,
                                     leaf.max_points, status == NOT_APPLICABLE, status)
    return summed(criteria_set, lines, survey_absent)


def excluded_nodes(criteria_set: CriteriaSet, excluded: Collection[str]) -> dict[str, str]:
    """node code -> the excluded code at or above it, for every domain, criterion and leaf under
    the `excluded` codes; codes the set does not have (a decision recorded against another
    version) exclude nothing."""
    found = {}
    for code in sorted(excluded, key=len):  # the widest first: a domain before its items
        try:
            node = criteria_set.node(code)
        except KeyError:
            continue
        for below in (node, *getattr(node, "criteria", ()), *node.leaves()):
            found.setdefault(below.code, code)
    return found


def _survey_absent(criteria_set: CriteriaSet, given: Mapping) -> bool:
    """An optional survey that was not run: the set has survey items and none was answered."""
    survey_codes = [leaf.code for leaf in criteria_set.leaf_index.values()
                    if leaf.source == "survey"]
    return bool(survey_codes) and not any(code in given for code in survey_codes)


def _trace_line(leaf, answer, survey_absent: bool) -> TraceLine:
    if answer is not None and answer.not_applicable:
        status, points, outcome = NOT_APPLICABLE, ZERO, None
    elif survey_absent and leaf.source == "survey":
        status, points, outcome = SURVEY_ABSENT, ZERO, None
    elif answer is not None:
        status, points, outcome = SCORED, answer.outcome.points, answer.outcome.label
    else:
        status, points, outcome = UNANSWERED, ZERO, None
    return TraceLine(leaf.code, leaf.rule.name, None if answer is None else answer.value,
                     outcome, points, leaf.max_points, status == NOT_APPLICABLE, status)


def from_stored_totals(criteria_set: CriteriaSet, totals: Mapping[str, Decimal],
                       domains: Mapping[str, tuple[Decimal, Decimal, bool]],
                       survey_absent: bool,
                       components: Mapping[str, NodeScore] | None = None) -> ScoreResult:
    """A ranking's view of a stored dossier score: the totals and the domains' points (domain
    code -> (points, max points, not applicable)), classified with `criteria_set`'s bands
    (a campaign may replace the set's after scoring). A set with named components needs their
    figures (`components`, key -> NodeScore, see `stored_components`): bands may name them.
    Criteria, leaves and the trace are left out (as are the unanswered codes);
    `from_stored_leaves` gives them."""
    if criteria_set.components and components is None:
        raise ValueError(f"{criteria_set.id}@{criteria_set.version} has named components: "
                         "pass their stored figures")
    with localcontext(ENGINE_CONTEXT):
        nodes = {}
        for domain in criteria_set.domains:
            points, max_points, not_applicable = domains[domain.code]
            nodes[domain.code] = NodeScore(domain.code, domain.level, points, max_points, PENDING,
                                           not_applicable)
        total, max_points = totals["total"], totals["max_points"]
        self_points, self_max = totals["self_points"], totals["self_max_points"]
        survey_points, survey_max = totals["survey_points"], totals["survey_max_points"]
        index = percent(total, max_points) if max_points else None
        named = dict(components or {})
        sub_indices = _band_sub_indices(criteria_set, nodes, named, (self_points, self_max),
                                        (survey_points, survey_max))
        return ScoreResult(
            criteria_set_id=criteria_set.id, criteria_set_version=criteria_set.version,
            total=total, max_points=max_points, index=index, self_points=self_points,
            survey_points=survey_points, survey_absent=survey_absent,
            classification=criteria_set.classify(index, sub_indices), nodes=nodes,
            unanswered=(), trace=(), self_max_points=self_max,
            survey_max_points=survey_max, components=named)


def stored_components(criteria_set: CriteriaSet,
                      leaves: Mapping[str, tuple[str, Decimal]]) -> dict[str, NodeScore]:
    """The named components of one dossier from its stored leaves (leaf code -> (status,
    points)) for `from_stored_totals`; only the components' own leaves are read."""
    leaf_index = criteria_set.leaf_index
    return component_scores(
        criteria_set.component_of, [component.key for component in criteria_set.components],
        {code: (*leaves[code], leaf_index[code].max_points)
         for code in criteria_set.component_of})
