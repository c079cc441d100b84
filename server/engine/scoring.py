"""Scoring a unit's answers against a criteria set."""

from collections.abc import Collection, Mapping
from decimal import Decimal, localcontext

from server.engine.answers import Answer, read_answers
from server.engine.decimals import ENGINE_CONTEXT, percent
from server.engine.model import COMPONENT_SELF, COMPONENT_SURVEY, CriteriaSet, Leaf, Node
from server.engine.results import (
    NOT_APPLICABLE,
    SCORED,
    SURVEY_ABSENT,
    UNANSWERED,
    NodeScore,
    ScoreResult,
    TraceLine,
)


def score(criteria_set: CriteriaSet, answers: Mapping[str, Mapping],
          excluded: Collection[str] = ()) -> ScoreResult:
    """Points, sub-indices, index and trace for `answers` (code -> {value, not_applicable}).

    `excluded` names domains, criteria or sub-criteria that do not apply to this unit by the
    administrator's decision: every leaf under them is not applicable, whatever was answered
    (even where the set does not let the unit mark it so). Raises AnswersError listing every
    answer that cannot be scored.
    """
    with localcontext(ENGINE_CONTEXT):
        left_out = excluded_nodes(criteria_set, excluded) if excluded else {}
        given = read_answers(criteria_set, {code: answer for code, answer in answers.items()
                                            if code not in left_out})
        leaves = criteria_set.leaves()
        survey_leaves = [leaf for leaf in leaves if leaf.source == "survey"]
        survey_absent = (criteria_set.survey_optional and bool(survey_leaves)
                         and not any(leaf.code in given for leaf in survey_leaves))
        given.update({leaf.code: Answer(None, True, None) for leaf in leaves
                      if leaf.code in left_out})
        trace = {leaf.code: _trace_line(leaf, given.get(leaf.code), survey_absent)
                 for leaf in leaves}
        nodes = {node.code: _node_score(node, trace) for node in criteria_set.nodes()}
        counted = [line for line in trace.values() if line.counts]
        total = _sum(line.points for line in counted)
        max_points = _sum(line.max_points for line in counted)
        index = percent(total, max_points) if max_points else None
        sources = {leaf.code: leaf.source for leaf in leaves}
        self_points = _sum(line.points for line in counted if sources[line.code] == "self")
        survey_points = _sum(line.points for line in counted if sources[line.code] == "survey")
        self_max = _sum(line.max_points for line in counted if sources[line.code] == "self")
        survey_max = _sum(line.max_points for line in counted if sources[line.code] == "survey")
        components = {domain.code: nodes[domain.code].sub_index
                      for domain in criteria_set.domains}
        components[COMPONENT_SELF] = percent(self_points, self_max) if self_max else None
        components[COMPONENT_SURVEY] = percent(survey_points, survey_max) if survey_max else None
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
            unanswered=tuple(code for code, line in trace.items() if line.status == UNANSWERED),
            trace=tuple(trace.values()),
            self_max_points=self_max,
            survey_max_points=survey_max,
        )


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


def _trace_line(leaf: Leaf, answer: Answer | None, survey_absent: bool) -> TraceLine:
    if answer and answer.not_applicable:
        status, points, outcome = NOT_APPLICABLE, Decimal(0), None
    elif survey_absent and leaf.source == "survey":
        status, points, outcome = SURVEY_ABSENT, Decimal(0), None
    elif answer:
        status, points, outcome = SCORED, answer.outcome.points, answer.outcome.label
    else:
        status, points, outcome = UNANSWERED, Decimal(0), None
    return TraceLine(code=leaf.code, rule=leaf.rule.name, input=answer.value if answer else None,
                     outcome=outcome, points=points, max_points=leaf.max_points,
                     not_applicable=status == NOT_APPLICABLE, status=status)


def _node_score(node: Node, trace: dict[str, TraceLine]) -> NodeScore:
    lines = [trace[leaf.code] for leaf in node.leaves()]
    counted = [line for line in lines if line.counts]
    points = _sum(line.points for line in counted)
    max_points = _sum(line.max_points for line in counted)
    return NodeScore(
        code=node.code,
        level=node.level,
        points=points,
        max_points=max_points,
        sub_index=percent(points, max_points) if max_points else None,
        not_applicable=all(line.not_applicable for line in lines),
    )


def _sum(values) -> Decimal:
    return sum(values, Decimal(0))
