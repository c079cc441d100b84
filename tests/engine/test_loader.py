"""Loading valid sets: every field, the defaults, and YAML's surprises."""

from decimal import Decimal

import pytest

from server.engine import (
    CriteriaSetError,
    InvalidAnswer,
    Outcome,
    RuleType,
    builtin_rule_types,
    load_criteria_set,
    parse_criteria_set,
    score,
)


@pytest.fixture
def small(make):
    return load_criteria_set(make.sets_dir / "small.yaml")


def test_set_level_fields(small):
    assert (small.id, small.version, small.level) == ("small-test", "1.0.0", "department")
    assert small.title == "Bộ tiêu chí thử nghiệm"
    assert small.legal_basis.number == "1/QĐ-TEST"
    assert small.legal_basis.date == "2020-12-30"  # YAML's date, as ISO text
    assert small.legal_basis.title == "Quyết định thử nghiệm"
    assert small.years == (2020, 2021)
    assert small.source_note == "made up for the engine tests"
    assert small.verified is True
    assert small.survey_optional is False
    assert [(b.label, b.min) for b in small.bands] == [
        ("A", 90), ("B", 80), ("C", 70), ("D", 0)]
    assert (small.tie_rule.compare, small.tie_rule.ranks) == ("unrounded", "shared")
    assert small.max_points == Decimal(10)


def test_tree_order_and_levels(small):
    assert [leaf.code for leaf in small.leaves()] == [
        "1.1.1", "1.1.2", "1.1.3", "1.2", "2.1.1", "2.1.2", "2.2.1"]
    assert [(n.code, n.level) for n in small.nodes()] == [
        ("1", "domain"), ("1.1", "criterion"), ("1.1.1", "sub_criterion"),
        ("1.1.2", "sub_criterion"), ("1.1.3", "sub_criterion"), ("1.2", "criterion"),
        ("2", "domain"), ("2.1", "criterion"), ("2.1.1", "sub_criterion"),
        ("2.1.2", "sub_criterion"), ("2.2", "criterion"), ("2.2.1", "sub_criterion")]
    assert small.leaf("1.2").level == "criterion"
    assert small.leaf("1.1.1").level == "sub_criterion"


def test_node_lookup(small):
    assert small.node("2").max_points == Decimal(4)
    assert small.node("1.1").max_points == Decimal(4)
    assert small.node("1.2").leaf is small.leaf("1.2")
    with pytest.raises(KeyError):
        small.node("9")
    with pytest.raises(KeyError):
        small.leaf("1.1")


def test_leaf_defaults_and_inheritance(small):
    first = small.leaf("1.1.1")
    assert (first.source, first.not_applicable_allowed, first.evidence_required) == (
        "self", False, True)
    assert first.verified is True
    assert small.leaf("1.1.2").verified is False
    assert small.leaf("1.1.3").not_applicable_allowed is True
    assert small.leaf("1.2").evidence_required is False
    survey = small.leaf("2.2.1")
    assert (survey.source, survey.evidence_required) == ("survey", False)
    assert small.leaf("1.1.2").responsible_agency == "Sở Nội vụ"  # from domain 1
    assert small.leaf("2.1.1").responsible_agency == "Sở Tư pháp"
    assert small.leaf("2.1.2").responsible_agency == "Sở Tài chính"  # its own
    assert small.node("2.1").responsible_agency == "Sở Tư pháp"


def test_decimal_comma_in_points(small):
    assert small.leaf("1.1.1").rule.score("late").points == Decimal("0.5")


def test_verification_counts_every_node(small):
    assert small.verification() == {"nodes": 12, "verified": 3, "unverified": 9}


def test_yaml_decimals_stay_exact(tmp_path, make):
    # As floats 0.1 + 0.2 is 0.30000000000000004 and the declared 0.3 would be refused.
    path = tmp_path / "exact.yaml"
    path.write_text("""
id: exact
version: 2.10.3
title: Exact decimals
level: commune
legal_basis: {number: 5/QĐ-UBND, date: "2023-03-01"}
years: [2023]
bands: [{label: Đạt, min: 0}]
tie_rule: {compare: rounded, ranks: distinct}
totals: {max_points: 0.3}
domains:
  - code: "1"
    title: Lĩnh vực
    max_points: 0.3
    criteria:
      - {code: "1.1", title: Một, max_points: 0.1, rule: {type: manual, step: 0.05}}
      - {code: "1.2", title: Hai, max_points: 0.2, rule: {type: manual, step: 0.05}}
""", encoding="utf-8")
    loaded = load_criteria_set(path)
    assert loaded.max_points == Decimal("0.3")
    assert loaded.version == "2.10.3"
    assert loaded.legal_basis.date == "2023-03-01"
    assert loaded.legal_basis.title is None
    assert loaded.leaf("1.1").rule.step == Decimal("0.05")


class DoubleRule(RuleType):
    """A plugin's rule type: twice the number given, up to max."""

    name = "double"

    def __init__(self, max_points, factor):
        super().__init__(max_points)
        self.factor = factor

    @classmethod
    def from_params(cls, params, max_points):
        return cls(max_points, params.number("factor", default=Decimal(2), positive=True))

    def score(self, value):
        if not isinstance(value, int):
            raise InvalidAnswer("not_an_integer", f"value {value!r} is not a whole number")
        return Outcome(min(value * self.factor, self.max_points), "doubled")

    def max_input(self):
        return int(self.max_points)

    def zero_input(self):
        return 0

    def params_dict(self):
        return {"factor": str(self.factor)}


def test_a_plugin_rule_type(make):
    types = builtin_rule_types() | {"double": DoubleRule}
    data = make.data(make.leaf("1.1.1", 4, {"type": "double", "factor": "1,5"}),
                     make.leaf("1.1.2", 1, {"type": "yes_no"}))
    loaded = parse_criteria_set(data, "plugin.yaml", types)
    assert loaded.leaf("1.1.1").rule.to_dict() == {"type": "double", "factor": "1.5"}
    result = score(loaded, {"1.1.1": {"value": 2}, "1.1.2": {"value": True}})
    assert result.total == Decimal(4)
    assert make.problems(make.data(make.leaf("1.1.1", 4, {"type": "double", "factr": 2})),
                         types) == ["test.yaml: 1.1.1: unknown key 'rule.factr'"]


def test_rule_types_given_replace_the_builtins(make):
    data = make.data(make.leaf("1.1.1", 1, {"type": "yes_no"}))
    with pytest.raises(CriteriaSetError, match=r"unknown rule type 'yes_no' .known: double"):
        parse_criteria_set(data, "test.yaml", {"double": DoubleRule})


def test_builtin_rule_types():
    types = builtin_rule_types()
    assert sorted(types) == ["choice", "deduction", "manual", "percent_bands", "proportional",
                             "survey", "yes_no"]
    assert all(types[name].name == name for name in types)
    types.clear()  # a fresh dict each call: the next caller still gets all of them
    assert len(builtin_rule_types()) == 7
