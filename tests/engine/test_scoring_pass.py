"""Scoring in one pass: every figure is still its leaves' points added in tree order, and the
sub-indices taken when read are the ones taken at once."""

import copy
import math
import pickle
import random
from decimal import Decimal
from fractions import Fraction

from server.engine import NodeScore, score
from server.engine.decimals import percent

PROPORTIONAL = {"type": "proportional"}


def test_a_domain_adds_its_leaves_in_order_not_its_criteria_sums(make):
    # 1/3 + 1/3 + 6/7 at 28 digits: adding criterion 1.2's own sum to 1.1 rounds the other way.
    criteria_set = make.set(make.leaf("1.1", 1, PROPORTIONAL),
                            make.leaf("1.2.1", 1, PROPORTIONAL),
                            make.leaf("1.2.2", 1, PROPORTIONAL))
    answers = {code: {"value": {"achieved": achieved, "required": required}}
               for code, achieved, required in (("1.1", 1, 3), ("1.2.1", 1, 3), ("1.2.2", 6, 7))}

    result = score(criteria_set, answers)

    leaves = [line.points for line in result.trace]
    in_order = sum(leaves, Decimal(0))
    by_criteria = result.nodes["1.1"].points + result.nodes["1.2"].points
    assert in_order == Decimal("1.523809523809523809523809524") != by_criteria
    assert result.nodes["1"].points == result.total == result.self_points == in_order
    assert result.nodes["1.2"].points == leaves[1] + leaves[2]


def test_sub_indices_read_later_equal_an_explicit_node_score(make):
    criteria_set = make.set(make.leaf("1.1.1", 3, PROPORTIONAL),
                            make.leaf("1.1.2", 2, {"type": "yes_no"},
                                      not_applicable_allowed=True),
                            make.leaf("2.1", 1, {"type": "yes_no"}))
    result = score(criteria_set, {"1.1.1": {"value": {"achieved": 2, "required": 3}},
                                  "1.1.2": {"not_applicable": True}})

    criterion = result.nodes["1.1"]
    assert criterion.sub_index == Decimal("66.67")
    assert criterion == NodeScore("1.1", "criterion", Decimal(2), Decimal(3), Decimal("66.67"),
                                  False)
    assert criterion != NodeScore("1.1", "criterion", Decimal(2), Decimal(3), Decimal("66.66"),
                                  False)
    assert "sub_index=Decimal('66.67')" in repr(criterion)
    assert result.nodes["1.1.2"].sub_index is None and result.nodes["1.1.2"].not_applicable
    assert result.nodes["2"].sub_index == Decimal("0.00")  # unanswered: 0 of 1
    assert result.to_dict()["nodes"][1]["sub_index"] == "66.67"
    assert pickle.loads(pickle.dumps(result)).nodes == result.nodes  # noqa: S301  (our own bytes)
    assert copy.deepcopy(result).nodes["1.1"].sub_index == Decimal("66.67")


def test_percent_is_the_exact_half_up_of_the_ratio():
    def exact(points, max_points):
        ratio = Fraction(points) * 100 / Fraction(max_points)
        return Decimal(math.floor(ratio * 100 + Fraction(1, 2))).scaleb(-2)

    assert percent(Decimal("66.665"), Decimal(100)) == Decimal("66.67")
    assert percent(Decimal("2"), Decimal("3")) == Decimal("66.67")
    assert percent(Decimal("0.00004999"), Decimal(1)) == Decimal("0.00")
    rng = random.Random(13)  # noqa: S311  (reproducible samples, not secrets)
    for _ in range(2000):
        max_points = Decimal(rng.randint(1, 4000)).scaleb(-rng.randint(0, 3))
        points = Decimal(rng.randint(0, 10**28 - 1)).scaleb(-rng.randint(24, 30))
        assert str(percent(points, max_points)) == str(exact(points, max_points))
