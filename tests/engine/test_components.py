"""Named components (`components:`): refused when wrong, summed as the engine sums the tree, and
usable in band minimums."""

from decimal import Decimal

import pytest

from server.engine import from_stored_leaves, from_stored_totals, parse_criteria_set, score
from server.engine.scoring import stored_components

YES = {"type": "yes_no"}
SURVEY = {"type": "survey"}
COMPONENTS = [
    {"key": "sipas", "label": "Chỉ số SIPAS", "codes": ["2.1"], "max_points": 4,
     "verified": True},
    {"key": "impact", "label": "Tác động", "codes": ["1.2", "2.2.1"]},
]


def _leaves(make):
    return (make.leaf("1.1.1", 2, YES), make.leaf("1.1.2", 2, YES),
            make.leaf("1.2.1", 3, YES), make.leaf("1.2.2", 1, YES, not_applicable_allowed=True),
            make.leaf("2.1.1", 2, SURVEY, source="survey"),
            make.leaf("2.1.2", 2, SURVEY, source="survey"),
            make.leaf("2.2.1", 4, YES), make.leaf("2.2.2", 4, YES))


@pytest.fixture
def cset(make):
    return make.set(*_leaves(make), components=COMPONENTS)


def test_components_load_with_their_leaves_and_maxima(cset):
    sipas, impact = cset.components
    assert (sipas.key, sipas.label, sipas.verified) == ("sipas", "Chỉ số SIPAS", True)
    assert sipas.leaf_codes == ("2.1.1", "2.1.2")
    assert sipas.max_points == Decimal(4)
    assert impact.leaf_codes == ("1.2.1", "1.2.2", "2.2.1")
    assert (impact.max_points, impact.verified) == (Decimal(8), False)
    assert cset.component_of["2.2.1"] == "impact" and "1.1.1" not in cset.component_of


def test_to_dict_gives_the_same_set_back(cset):
    again = parse_criteria_set(cset.to_dict(), "again.yaml")
    assert again.components == cset.components
    assert again.to_dict() == cset.to_dict()


def test_a_set_without_components_keeps_its_dict(make):
    assert "components" not in make.set(*_leaves(make)).to_dict()


def test_scores_sum_each_component_like_the_tree(cset):
    answers = {"1.1.1": {"value": True}, "1.2.1": {"value": True},
               "1.2.2": {"not_applicable": True}, "2.1.1": {"value": "1.5"},
               "2.1.2": {"value": 2}, "2.2.1": {"value": False}, "2.2.2": {"value": True}}
    result = score(cset, answers)
    sipas, impact = result.components["sipas"], result.components["impact"]
    assert (sipas.points, sipas.max_points, sipas.sub_index) == (
        Decimal("3.5"), Decimal(4), Decimal("87.50"))
    # 1.2.2 is not applicable: it leaves the impact's max points, as it leaves the tree's.
    assert (impact.points, impact.max_points) == (Decimal(3), Decimal(7))
    assert impact.sub_index == Decimal("42.86")
    assert sipas.points == result.nodes["2.1"].points
    assert [c["code"] for c in result.to_dict()["components"]] == ["sipas", "impact"]
    # Read back from the leaves alone, as a publication or a detailed ranking does.
    leaves = {line.code: (line.status, line.outcome, line.points) for line in result.trace}
    assert from_stored_leaves(cset, leaves, False).components == result.components
    stored = stored_components(cset, {code: (status, points)
                                      for code, (status, _o, points) in leaves.items()})
    assert stored == result.components


def test_a_component_of_only_not_applicable_items_is_marked_so(make):
    cset = make.set(*_leaves(make), components=[
        {"key": "extra", "label": "Phụ", "codes": ["1.2.2"]}])
    result = score(cset, {"1.2.2": {"not_applicable": True}})
    extra = result.components["extra"]
    assert (extra.not_applicable, extra.max_points, extra.sub_index) == (True, 0, None)


def test_from_stored_totals_needs_the_components_of_a_set_that_has_them(cset):
    result = score(cset, {})
    totals = {"total": result.total, "max_points": result.max_points,
              "self_points": result.self_points, "self_max_points": result.self_max_points,
              "survey_points": result.survey_points,
              "survey_max_points": result.survey_max_points}
    domains = {code: (node.points, node.max_points, node.not_applicable)
               for code, node in result.nodes.items() if node.level == "domain"}
    with pytest.raises(ValueError, match="named components"):
        from_stored_totals(cset, totals, domains, False)
    again = from_stored_totals(cset, totals, domains, False, result.components)
    assert again.components == result.components


# ------------------------------------------------------------------------- refusals

def _problems(make, components, **fields):
    return make.problems(make.data(*_leaves(make), components=components, **fields))


def test_unknown_codes_bad_keys_and_missing_fields_are_refused(make):
    problems = _problems(make, [
        {"key": "SIPAS", "label": "x", "codes": ["2.1"]},
        {"key": "self", "label": "x", "codes": ["1.1.1"]},
        {"key": "a", "codes": ["9.9"]},
        {"key": "b", "label": "x", "codes": [], "weight": 1},
        {"key": "a", "label": "x", "codes": [2]},
    ])
    assert problems == [
        "test.yaml: set: 'components[1].key' 'SIPAS' must start with a lowercase letter and "
        "hold only lowercase letters, digits and underscores",
        "test.yaml: set: 'components[2].key' 'self' is taken: self, survey and the domain codes "
        "already name parts of the set",
        "test.yaml: set: required field 'components[3].label' is missing",
        "test.yaml: set: 'components[3].codes' names 9.9, which is not a code of the set",
        "test.yaml: set: 'components[4].codes' must be a non-empty list, got []",
        "test.yaml: set: unknown key 'components[4].weight'",
        "test.yaml: set: 'components[5].key' 'a' is used by another component",
        "test.yaml: set: 'components[5].codes': write codes as quoted text, got 2",
    ]


def test_an_item_counted_twice_is_refused(make):
    problems = _problems(make, [
        {"key": "a", "label": "A", "codes": ["2"]},
        {"key": "b", "label": "B", "codes": ["1.1.1", "1.1"]},
        {"key": "c", "label": "C", "codes": ["2.2.2"]},
    ])
    assert problems == [
        "test.yaml: set: 'components[2].codes': item 1.1.1 is already counted in component 'b'; "
        "an item belongs to one component",
        "test.yaml: set: 'components[3].codes': item 2.2.2 is already counted in component 'a'; "
        "an item belongs to one component",
    ]


def test_a_declared_max_that_differs_from_the_items_is_refused(make):
    problems = _problems(make, [{"key": "sipas", "label": "S", "codes": ["2.1"],
                                 "max_points": 10}])
    assert problems == ["test.yaml: set: 'components[1].max_points' is 10 but its items give 4"]


def test_components_are_not_read_on_a_broken_tree(make):
    data = make.data(*_leaves(make), components=[{"key": "a", "label": "A", "codes": ["9"]}])
    data["domains"][0]["criteria"][0]["sub_criteria"][0]["max_points"] = 0
    problems = make.problems(data)
    assert len(problems) == 1 and "max_points" in problems[0]


# ------------------------------------------------------------------------- bands

BANDS = [{"label": "Tốt", "min": 60, "min_components": {"sipas": 80}},
         {"label": "Khá", "min": 50}, {"label": "Yếu", "min": 0}]


def test_a_band_minimum_on_a_component_holds_a_unit_down(make):
    cset = make.set(*_leaves(make), components=COMPONENTS, bands=BANDS)
    answers = {code: {"value": True} for code in ("1.1.1", "1.1.2", "1.2.1", "1.2.2", "2.2.1",
                                                  "2.2.2")}
    strong = score(cset, answers | {"2.1.1": {"value": 2}, "2.1.2": {"value": "1.5"}})
    assert strong.components["sipas"].sub_index == Decimal("87.50")
    assert strong.classification == "Tốt"
    # A higher index than 60 but SIPAS at 75 % < 80 %: one band down.
    weak = score(cset, answers | {"2.1.1": {"value": 2}, "2.1.2": {"value": 1}})
    assert weak.index > Decimal(60) and weak.components["sipas"].sub_index == Decimal("75.00")
    assert weak.classification == "Khá"
    # The ranking's stored view classifies the same way.
    totals = {"total": weak.total, "max_points": weak.max_points,
              "self_points": weak.self_points, "self_max_points": weak.self_max_points,
              "survey_points": weak.survey_points, "survey_max_points": weak.survey_max_points}
    domains = {code: (node.points, node.max_points, node.not_applicable)
               for code, node in weak.nodes.items() if node.level == "domain"}
    assert from_stored_totals(cset, totals, domains, False,
                              weak.components).classification == "Khá"


def test_a_band_may_not_name_an_unknown_component(make):
    problems = _problems(make, COMPONENTS, bands=[
        {"label": "A", "min": 50, "min_components": {"leaders": 50}}, {"label": "B", "min": 0}])
    assert problems == ["test.yaml: set: 'bands[1].min_components' names 'leaders', which is "
                        "neither self, survey, a domain code nor a component of the set"]
