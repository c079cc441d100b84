"""Scoring any answer set costs at most one pass over the set's sub-criteria, and its refusal
stays short, whatever the caller sends (a 150,000-code body took 6.7 s and a 19.6 MB reply)."""

from pathlib import Path

import pytest

from server.engine import AnswersError, load_criteria_set, score
from server.engine.answers import MAX_PROBLEMS

PROVINCE = load_criteria_set(Path(__file__).resolve().parents[2] / "criteria" / "province_2020"
                             / "criteria.yaml")


def test_more_codes_than_the_set_has_sub_criteria_is_one_problem():
    leaves = len(PROVINCE.leaves())
    answers = {f"x{n}": {"value": "1"} for n in range(150_000)}
    with pytest.raises(AnswersError) as refused:
        score(PROVINCE, answers)
    [problem] = refused.value.problems
    assert problem.kind == "too_many_answers"
    assert problem.params == {"count": 150_000, "leaves": leaves}


def test_a_long_list_of_problems_is_cut_short_and_says_how_many_more():
    answers = {leaf.code: {"a": 1, "b": 2, "c": 3} for leaf in PROVINCE.leaves()}
    with pytest.raises(AnswersError) as refused:
        score(PROVINCE, answers)
    problems = refused.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].kind == "more_problems"
    assert problems[-1].params["count"] == 3 * len(answers) - MAX_PROBLEMS

