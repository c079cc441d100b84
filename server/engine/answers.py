"""Checking a unit's answers against a set before anything is scored."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from server.engine.fields import shown
from server.engine.model import CriteriaSet, Leaf
from server.engine.rules import InvalidAnswer, Outcome

ANSWER_KEYS = ("value", "not_applicable")
_KEY_SET = frozenset(ANSWER_KEYS)


@dataclass(frozen=True)
class AnswerProblem:
    """One refused answer.

    `field` is the answer key at fault ("value", "value.achieved" for a part of a value,
    "not_applicable", an unknown key) or "" when the whole answer is; `kind` is a stable machine
    key the web layer translates, `message` English with the values in it, `params` those values
    as text.
    """

    code: str
    field: str
    kind: str
    message: str
    params: dict = field(default_factory=dict, compare=False)


# Enough to fix a form by; more only makes the answer larger.
MAX_PROBLEMS = 100


class AnswersError(ValueError):
    """Some answers cannot be scored; `problems` lists every one of them."""

    def __init__(self, problems: list[AnswerProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(f"{p.code}: {p.message}" for p in self.problems))


class Answer(NamedTuple):
    """An accepted answer: not applicable, or a value and the outcome the leaf's rule gave it."""

    value: object
    not_applicable: bool
    outcome: Outcome | None


NOT_APPLICABLE = Answer(None, True, None)


def read_answers(criteria_set: CriteriaSet, answers: Mapping[str, Mapping]) -> dict[str, Answer]:
    """code -> Answer for every leaf answered (a value, or not applicable).

    An answer without a value that is not marked not applicable counts as no answer, as a
    half-filled form sends it. Raises AnswersError listing every problem.
    """
    if not isinstance(answers, Mapping):
        raise TypeError("answers must be a mapping of code -> answer, "
                        f"got {type(answers).__name__}")
    # Bounded work and a bounded answer, whatever the caller sends: no answer set has more
    # codes than the set has sub-criteria, and a long list of problems is cut short.
    leaves = len(criteria_set.leaf_index)
    if len(answers) > leaves:
        raise AnswersError([AnswerProblem(
            "", "", "too_many_answers", f"{len(answers)} answers given, but {criteria_set.id} "
            f"{criteria_set.version} has only {leaves} sub-criteria",
            {"count": len(answers), "leaves": leaves})])
    accepted, problems = {}, []
    leaf_index = criteria_set.leaf_index
    for code, answer in answers.items():
        found = _plain_answer(leaf_index, code, answer)
        if found is _CHECK:
            found = _read_answer(criteria_set, code, answer)
        if isinstance(found, list):
            problems.extend(found)
        elif found is not None:
            accepted[code] = found
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        problems = [*problems[:MAX_PROBLEMS], AnswerProblem(
            "", "", "more_problems", f"and {more} more problems not listed", {"count": more})]
    if problems:
        raise AnswersError(problems)
    return accepted


# _plain_answer could not tell: the full check decides, and words any problem.
_CHECK = object()


def _plain_answer(leaf_index: Mapping[str, Leaf], code, answer) -> Answer | object | None:
    """The answer as _read_answer reads it, for the usual form of answer (a dict with known keys,
    to a leaf, not_applicable a bool or left out); _CHECK for anything else or any problem."""
    leaf = leaf_index.get(code) if isinstance(code, str) else None
    if leaf is None or type(answer) is not dict or not answer.keys() <= _KEY_SET:
        return _CHECK
    value = answer.get("value")
    not_applicable = answer.get("not_applicable", False)
    if not_applicable is False:
        if value is None:
            return None
        try:
            return Answer(value, False, leaf.rule.score(value))
        except InvalidAnswer:
            return _CHECK
    if not_applicable is True and value is None and leaf.not_applicable_allowed:
        return NOT_APPLICABLE
    return _CHECK


def _read_answer(criteria_set: CriteriaSet, code, answer) -> Answer | list[AnswerProblem] | None:
    if not _is_node(criteria_set, code):
        return [AnswerProblem(str(code), "", "unknown_code", f"{shown(code)} is not a code of "
                              f"{criteria_set.id} {criteria_set.version}", {"code": str(code)})]
    try:
        leaf = criteria_set.leaf(code)
    except KeyError:
        return [AnswerProblem(code, "", "not_a_leaf", f"{code} is not scored itself: answer "
                              "its sub-criteria", {"code": code})]
    if not isinstance(answer, Mapping):
        return [AnswerProblem(code, "", "not_a_mapping", f"the answer to {code} must be "
                              f"{{value, not_applicable}}, got {shown(answer)}", {"code": code})]
    problems = [AnswerProblem(code, str(key), "unknown_key", f"unknown key {shown(key)} in the "
                              f"answer to {code}", {"code": code, "key": str(key)})
                for key in answer if key not in ANSWER_KEYS]
    value = answer.get("value")
    not_applicable = answer.get("not_applicable", False)
    if not isinstance(not_applicable, bool):
        problems.append(AnswerProblem(
            code, "not_applicable", "not_a_boolean",
            f"not_applicable of {code} must be true or false, got {shown(not_applicable)}",
            {"code": code, "value": str(not_applicable)}))
    elif not_applicable and not leaf.not_applicable_allowed:
        problems.append(AnswerProblem(code, "not_applicable", "not_applicable_not_allowed",
                                      f"{code} may not be marked not applicable", {"code": code}))
    elif not_applicable and value is not None:
        # Refused rather than ignored: which of the two the unit meant is not ours to guess.
        problems.append(AnswerProblem(code, "value", "value_with_not_applicable",
                                      f"{code} is marked not applicable and also has a value",
                                      {"code": code}))
    outcome = None
    if value is not None and not not_applicable:
        try:
            outcome = leaf.rule.score(value)
        except InvalidAnswer as error:
            # A part of the value at fault ("achieved") is named: "value.achieved".
            part = f"value.{error.params['field']}" if "field" in error.params else "value"
            problems.append(AnswerProblem(code, part, error.kind, f"{code}: {error.message}",
                                          {"code": code, **error.params}))
    if problems:
        return problems
    if not_applicable:
        return NOT_APPLICABLE
    return Answer(value, False, outcome) if outcome else None


def _is_node(criteria_set: CriteriaSet, code) -> bool:
    if not isinstance(code, str):
        return False
    try:
        criteria_set.node(code)
    except KeyError:
        return False
    return True


def effective_answers(criteria_set: CriteriaSet, rows) -> dict[str, dict]:
    """code -> {value, not_applicable} as scored: the appraisal replaces the self score on
    self-assessed leaves; survey leaves take their survey row only."""
    by_source: dict[str, dict] = defaultdict(dict)
    for code, source, value, not_applicable in rows:
        if value is None and not not_applicable:
            continue  # an empty row (a cleared appraisal, say) replaces nothing
        by_source[source][code] = {"value": None if not_applicable else value,
                                   "not_applicable": bool(not_applicable)}
    answers = {}
    for leaf in criteria_set.leaves():
        if leaf.source == "survey":
            answer = by_source["survey"].get(leaf.code)
        else:
            answer = by_source["appraisal"].get(leaf.code) or by_source["self"].get(leaf.code)
        if answer is not None:
            answers[leaf.code] = answer
    return answers
