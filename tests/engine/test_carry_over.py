"""Versions and the carry-over map: comparing with last year when codes change."""

from decimal import Decimal

import pytest
import yaml

from server.engine import CriteriaSetError, parse_criteria_set, score
from server.engine.carry_over import carried_codes, compare
from tests.engine.test_extends import _registry


def _set(version, leaves, carry_over=None):
    data = {"id": "xa", "version": version, "title": "Bộ tiêu chí xã", "level": "commune",
            "legal_basis": {"number": "1/QĐ-UBND", "date": "2024-01-02"}, "years": [2024],
            "bands": [{"label": "Tốt", "min": 80}, {"label": "Yếu", "min": 0}],
            "tie_rule": {"compare": "unrounded", "ranks": "shared"},
            "domains": [{"code": "1", "title": "Chỉ đạo, điều hành", "criteria": [
                {"code": "1.1", "title": "Kế hoạch", "sub_criteria": [
                    {"code": code, "title": title, "max_points": points,
                     "rule": {"type": "manual", "step": "0.25"}}
                    for code, title, points in leaves]}]}]}
    if carry_over is not None:
        data["carry_over"] = carry_over
    return data


OLD = _set("1.0.0", [("1.1.1", "Ban hành kế hoạch", 1), ("1.1.2", "Thực hiện kế hoạch", 2),
                     ("1.1.3", "Kiểm tra", 1), ("1.1.4", "Tuyên truyền", 1)])
# 2.0.0 renumbers: 1.1.2 became 1.1.3, the old 1.1.3 and 1.1.4 were merged into 1.1.2,
# 1.1.1 kept its code, and 1.1.5 is new.
NEW = _set("2.0.0", [("1.1.1", "Ban hành kế hoạch", 1), ("1.1.2", "Kiểm tra, tuyên truyền", 2),
                     ("1.1.3", "Thực hiện kế hoạch", 2), ("1.1.5", "Sáng kiến", 1)],
           {"from": "xa@1.0.0", "codes": {"1.1.2": "1.1.3", "1.1.3": "1.1.2", "1.1.4": "1.1.2"}})


def test_old_codes_are_carried_to_new_codes():
    old, new = parse_criteria_set(OLD, "old"), parse_criteria_set(NEW, "new")
    assert carried_codes(old, new) == {"1.1.1": "1.1.1", "1.1.2": "1.1.3", "1.1.3": "1.1.2",
                                       "1.1.4": "1.1.2"}
    last_year = score(old, {"1.1.1": {"value": 1}, "1.1.2": {"value": 2},
                            "1.1.3": {"value": "0,5"}, "1.1.4": {"value": 1}})
    this_year = score(new, {"1.1.1": {"value": "0,5"}, "1.1.2": {"value": 1},
                            "1.1.3": {"value": 2}, "1.1.5": {"value": 1}})
    lines = {line.code: line for line in compare(old, last_year, new, this_year)}
    assert lines["1.1.1"].change == Decimal("-0.5")        # lost half a point: same code
    assert lines["1.1.3"].previous_points == Decimal(2)    # compared with the old 1.1.2
    assert lines["1.1.2"].previous_codes == ("1.1.3", "1.1.4")
    assert lines["1.1.2"].previous_points == Decimal("1.5")
    assert lines["1.1.2"].change == Decimal("-0.5")
    assert lines["1.1.5"].previous_points is None and lines["1.1.5"].change is None


def test_a_map_from_another_set_is_refused_for_comparison():
    other = parse_criteria_set({**OLD, "id": "huyen"}, "other")
    with pytest.raises(ValueError, match=r"from xa@1\.0\.0, not from huyen@1\.0\.0"):
        carried_codes(other, parse_criteria_set(NEW, "new"))


def test_the_map_must_name_new_items_of_the_set():
    bad = {**NEW, "carry_over": {"from": "xa-1.0", "codes": {"1.1.2": "9.9.9", "1.1.3": 4}}}
    with pytest.raises(CriteriaSetError) as raised:
        parse_criteria_set(bad, "bad")
    text = str(raised.value)
    assert "id@version" in text and "9.9.9" in text and "quoted text" in text


def test_the_map_round_trips_through_to_dict():
    new = parse_criteria_set(NEW, "new")
    assert parse_criteria_set(new.to_dict(), "again") == new
    assert new.to_dict()["carry_over"]["codes"]["1.1.4"] == "1.1.2"


def test_registry_checks_old_codes_against_the_installed_previous_set(tmp_path):
    bad = {**NEW, "carry_over": {"from": "xa@1.0.0", "codes": {"1.1.9": "1.1.2"}}}
    registry = _registry(tmp_path, OLD, bad)
    assert registry.get("xa", "2.0.0") is None
    (error,) = registry.errors.values()
    assert "1.1.9 is not a scored item of xa@1.0.0" in str(error)
    registry = _registry(tmp_path, OLD, NEW)
    assert registry.errors == {}
    assert registry.get("xa").version == "2.0.0"        # the highest version by default
    assert registry.get("xa", "1.0.0") is not None      # while a campaign may pin the old one


def test_two_versions_live_side_by_side_but_one_version_holds_one_set(tmp_path):
    changed = yaml.safe_load(yaml.safe_dump(OLD))
    changed["domains"][0]["criteria"][0]["sub_criteria"][0]["max_points"] = 2
    registry = _registry(tmp_path, OLD, changed)
    (error,) = registry.errors.values()
    assert "xa@1.0.0 is already defined differently" in str(error)
    assert registry.get("xa", "1.0.0").leaf("1.1.1").max_points == Decimal(1)
