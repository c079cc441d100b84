"""The set as data: to_dict is JSON-ready and reads back into an equal set; classification."""

import json
from decimal import Decimal

import pytest

from server.engine import load_criteria_set, parse_criteria_set


@pytest.fixture
def small(make):
    return load_criteria_set(make.sets_dir / "small.yaml")


def test_to_dict_is_json_ready(small):
    data = small.to_dict()
    assert json.loads(json.dumps(data)) == data


def test_to_dict_reads_back_into_an_equal_set(small):
    again = parse_criteria_set(json.loads(json.dumps(small.to_dict())), "copy.json")
    assert again == small
    assert again.to_dict() == small.to_dict()


def test_to_dict_essentials(small):
    data = small.to_dict()
    assert data["legal_basis"] == {"number": "1/QĐ-TEST", "date": "2020-12-30",
                                   "title": "Quyết định thử nghiệm"}
    assert data["totals"] == {"max_points": "10", "self_assessed": "9", "survey": "1",
                              "domains": 2, "criteria": 4, "sub_criteria": 7,
                              # one criterion is scored directly: 6 sub-criteria proper
                              "sub_criteria_proper": 6}
    assert data["bands"][0] == {"label": "A", "min": "90"}
    domain = data["domains"][0]
    assert (domain["code"], domain["max_points"], domain["verified"]) == ("1", "6", True)
    leaf = domain["criteria"][0]["sub_criteria"][0]
    assert leaf == {
        "code": "1.1.1", "title": "Ban hành kế hoạch CCHC năm", "verified": True,
        "responsible_agency": "Sở Nội vụ", "max_points": "1", "source": "self",
        "not_applicable_allowed": False, "evidence_required": True,
        "rule": {"type": "choice", "outcomes": [
            {"key": "timely", "label": "Ban hành kịp thời", "points": "1"},
            {"key": "late", "label": "Ban hành không kịp thời", "points": "0.5"},
            {"key": "none", "label": "Không ban hành", "points": "0"}]},
    }
    leaf_criterion = domain["criteria"][1]
    assert leaf_criterion["code"] == "1.2"
    assert leaf_criterion["rule"] == {"type": "deduction", "per_failure": "0.5", "floor": "0"}
    assert "sub_criteria" not in leaf_criterion
    survey = data["domains"][1]["criteria"][1]["sub_criteria"][0]
    assert (survey["source"], survey["rule"]) == ("survey", {"type": "survey"})


def test_equal_sets_differ_when_a_rule_does(small):
    data = small.to_dict()
    data["domains"][0]["criteria"][1]["rule"]["per_failure"] = "0.25"
    assert parse_criteria_set(data, "changed.json") != small


@pytest.mark.parametrize(("index", "label"), [
    ("100", "A"), ("90.00", "A"), ("89.99", "B"), ("80", "B"), ("79.99", "C"), ("70", "C"),
    ("69.99", "D"), ("0", "D"),
])
def test_classification_boundaries(small, index, label):
    assert small.classify(Decimal(index)) == label


def test_classification_below_every_band(make):
    data = make.data(make.leaf("1.1.1", 1, {"type": "yes_no"}),
                     bands=[{"label": "Xuất sắc", "min": 90}, {"label": "Tốt", "min": "80,5"}])
    graded = parse_criteria_set(data, "test.yaml")
    assert graded.classify(Decimal("80.5")) == "Tốt"
    assert graded.classify(Decimal("80.49")) is None
    assert graded.classify(None) is None
