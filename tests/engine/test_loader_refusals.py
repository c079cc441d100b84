"""A broken set is refused as a whole, with every problem as `FILE: CODE: problem`."""

from decimal import Decimal

import pytest

from server.engine import CriteriaSetError, load_criteria_set, parse_criteria_set

# Each broken file and the exact refusal it must get: every problem, not just the first.
BROKEN = {
    "broken_structure.yaml": [
        "1: unknown key 'weight'",
        "1.1: required field 'title' is missing",
        "1.1.1: code '1.1.1' is used more than once",
        "1.2.1: code '1.2.1' does not sit under its parent '1.1' (expected 1.1.<number>)",
        "1.1.4: required field 'max_points' is missing",
        "1.1.4: unknown key 'max_point'",
        "criteria[2] of 1: code must be quoted text such as \"1.2\", got 1.2",
        "2.1: domain code '2.1' must be a single number such as \"1\"",
        "set: unknown key 'note'",
    ],
    "broken_points.yaml": [
        "1.1.1: 'max_points' must be greater than 0, got 0",
        "1.1.2: 'max_points' must be greater than 0, got -1",
        "1.2: 'rule.outcomes[1].points' must be between 0 and 1, got 1.5",
        "1.3: no band holds 80, 85, 90",
        "2.1: max_points 2.5 differs from the sum of its sub-items 2",
    ],
    "broken_rules.yaml": [
        "1.1.1: unknown rule type 'formula' (known: choice, deduction, manual, percent_bands, "
        "proportional, survey, yes_no)",
        "1.1.2: the survey rule is only allowed on survey leaves (source: survey)",
        "1.1.3: a survey leaf must use the survey rule, not 'yes_no'",
        "1.1.4: required field 'rule' is missing",
        "1.1.5: required field 'rule.type' is missing",
        "1.1.6: 'source' must be one of self, survey, got 'appraisal'",
        "1.2: a criterion with sub_criteria cannot have rule: they belong on its sub-criteria",
        "1.3: a criterion needs sub_criteria, or max_points and rule when it is scored itself",
    ],
    "broken_header.yaml": [
        "set: 'id' 'Province_2020' may hold only lowercase letters, digits and dashes",
        "set: 'version' must be text such as \"1.0.0\", got the number 1.0 "
        "(write major.minor.patch, or quote it)",
        "set: required field 'title' is missing",
        "set: 'level' must be one of province, ministry, department, district, commune, "
        "got 'city'",
        "set: 'legal_basis.date' must be a date written yyyy-mm-dd, got '30/12/2020'",
        "set: unknown key 'legal_basis.signed_by'",
        "set: 'years' must list whole years such as 2021, got '2024'",
        "set: 'verified' must be true or false, got 'yes'",
        "set: 'survey.optional' must be true or false, got 'no'",
        "set: 'bands[2].min' 90 must be below the min 80 of the band before it "
        "(bands go highest first)",
        "set: 'bands[3].min' must be between 0 and 100, got 120",
        "set: band label 'A' is used twice",
        "set: 'tie_rule.compare' must be one of unrounded, rounded, got 'exact'",
    ],
    "broken_totals.yaml": [
        "set: unknown key 'totals.bonus'",
        "set: 'totals.max_points' is 100 but the tree gives 3",
        "set: 'totals.self_assessed' is 2.5 but the tree gives 2",
        "set: 'totals.survey' is 0.5 but the tree gives 1",
        "set: 'totals.domains' is 8 but the tree gives 1",
        "set: 'totals.criteria' is 43 but the tree gives 1",
        "set: 'totals.sub_criteria' is 102 but the tree gives 2",
    ],
    "broken_duplicate_key.yaml": [
        "line 17: not valid YAML: found duplicate key 'max_points'",
    ],
    "broken_syntax.yaml": [
        "line 6: not valid YAML: did not find expected '-' indicator",
    ],
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_is_refused_with_every_problem(make, name):
    path = make.sets_dir / name
    with pytest.raises(CriteriaSetError) as refused:
        load_criteria_set(path)
    assert str(refused.value).splitlines() == [f"{path}: {line}" for line in BROKEN[name]]
    assert [p.file for p in refused.value.problems] == [str(path)] * len(BROKEN[name])


def test_every_broken_fixture_is_checked(make):
    assert sorted(p.name for p in make.sets_dir.glob("broken_*.yaml")) == sorted(BROKEN)


def test_problem_parts(make):
    with pytest.raises(CriteriaSetError) as refused:
        load_criteria_set(make.sets_dir / "broken_points.yaml")
    first = refused.value.problems[0]
    assert (first.code, first.message) == ("1.1.1", "'max_points' must be greater than 0, got 0")


def test_a_missing_file_is_a_refusal_too(tmp_path):
    with pytest.raises(CriteriaSetError) as refused:
        load_criteria_set(tmp_path / "absent.yaml")
    assert str(refused.value) == f"{tmp_path / 'absent.yaml'}: file: cannot be read: " \
                                 "No such file or directory"


@pytest.mark.parametrize(("content", "problem"), [
    ("", "expected a mapping, got None"),
    ("- 1\n- 2\n", "expected a mapping, got [1, 2]"),
])
def test_a_file_must_hold_a_mapping(tmp_path, content, problem):
    path = tmp_path / "set.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CriteriaSetError) as refused:
        load_criteria_set(path)
    assert refused.value.problems[0].message == problem
    assert f"{path}: set: required field 'id' is missing" in str(refused.value)


def test_a_declared_domain_sum_that_does_not_add_up(make):
    data = make.data(make.leaf("1.1.1", 1, {"type": "yes_no"}),
                     make.leaf("1.2", "0,5", {"type": "yes_no"}))
    data["domains"][0]["max_points"] = 2
    assert make.problems(data) == [
        "test.yaml: 1: max_points 2 differs from the sum of its sub-items 1.5"]


def test_a_declared_sum_that_adds_up_is_accepted(make):
    data = make.data(make.leaf("1.1.1", 1, {"type": "yes_no"}),
                     make.leaf("1.2", "0,5", {"type": "yes_no"}))
    data["domains"][0]["max_points"] = "1.50"
    assert parse_criteria_set(data, "test.yaml").node("1").max_points == Decimal("1.5")


@pytest.mark.parametrize(("change", "problem"), [
    ({"version": 1.0}, "set: 'version' must be text such as \"1.0.0\", got the number 1.0 "
                       "(write major.minor.patch, or quote it)"),
    ({"version": "v1"}, "set: 'version' must be major.minor.patch such as \"1.0.0\", got 'v1'"),
    ({"id": "tỉnh-2020"}, "set: 'id' 'tỉnh-2020' may hold only lowercase letters, digits and "
                          "dashes"),
    ({"bands": []}, "set: 'bands' must be a non-empty list, got []"),
    ({"tie_rule": {"compare": "rounded", "ranks": "dense"}},
     "set: 'tie_rule.ranks' must be one of shared, distinct, got 'dense'"),
    ({"tie_rule": None}, "set: required field 'tie_rule' is empty"),
    ({"legal_basis": {"date": "2024-02-30"}},
     "set: required field 'legal_basis.number' is missing"),
    ({"domains": "1"}, "set: 'domains' must be a non-empty list, got '1'"),
])
def test_set_level_refusals(make, change, problem):
    data = make.data(make.leaf("1.1.1", 1, {"type": "yes_no"})) | change
    assert f"test.yaml: {problem}" in make.problems(data)


def test_an_impossible_date_is_refused(make):
    data = make.data(make.leaf("1.1.1", 1, {"type": "yes_no"}))
    data["legal_basis"]["date"] = "2024-02-30"
    assert make.problems(data) == [
        "test.yaml: set: 'legal_basis.date' must be a date written yyyy-mm-dd, got '2024-02-30'"]


def test_leaf_field_types_are_checked(make):
    data = make.data(make.leaf("1.1.1", "một", {"type": "yes_no"}, verified="no",
                               not_applicable_allowed=1, evidence_required="true",
                               responsible_agency=""))
    assert make.problems(data) == [
        "test.yaml: 1.1.1: 'verified' must be true or false, got 'no'",
        "test.yaml: 1.1.1: 'responsible_agency' must be non-empty text, got ''",
        "test.yaml: 1.1.1: 'max_points' must be a number, got 'một'",
        "test.yaml: 1.1.1: 'not_applicable_allowed' must be true or false, got 1",
        "test.yaml: 1.1.1: 'evidence_required' must be true or false, got 'true'",
    ]
