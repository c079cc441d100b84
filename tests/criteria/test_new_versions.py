"""Later versions of the built-in sets (criteria/<package>/versions/<version>/): province-2020
1.1.0 declares the published tables' components over 1.0.0's unchanged tree; ministry-2022 1.1.0
matches 876/QĐ-BNV's per-domain counts. Both carry codes over from 1.0.0, run their own cases,
and the demo's published year still pins province-2020 1.0.0."""

from decimal import Decimal
from pathlib import Path

import pytest

from server.campaigns.criteria_registry import build_registry
from server.engine import load_cases, run_case, score
from server.engine.carry_over import carried_codes, compare
from server.plugins import build_plugin_manager
from tests.ranking_data import full_answers

CRITERIA_DIR = Path(__file__).resolve().parents[2] / "criteria"
VERSION_CASES = [(package, version.name, path)
                 for package in ("province_2020", "ministry_2022")
                 for version in sorted((CRITERIA_DIR / package / "versions").iterdir())
                 for path in sorted((version / "cases").glob("*.yaml"))]
SET_IDS = {"province_2020": "province-2020", "ministry_2022": "ministry-2022"}
MINISTRY_COUNTS = [(7, 6), (9, 15), (6, 19), (4, 14), (6, 16), (3, 13), (3, 14)]


@pytest.fixture(scope="module")
def registry():
    registry = build_registry(build_plugin_manager())
    assert registry.errors == {}
    return registry


def _points(leaves) -> Decimal:
    return sum((leaf.max_points for leaf in leaves), Decimal(0))


# ---------------------------------------------------------------- province-2020 1.1.0

def test_province_2020_keeps_1_0_0_and_adds_1_1_0(registry):
    old, new = registry.get("province-2020", "1.0.0"), registry.get("province-2020", "1.1.0")
    assert old.components == () and "components" not in old.to_dict()
    assert registry.get("province-2020") is new  # the highest version is the default
    # Same tree, same points, same rules, same bands: only the components are new.
    assert new.to_dict()["domains"] == old.to_dict()["domains"]
    assert (new.bands, new.tie_rule, new.totals()) == (old.bands, old.tie_rule, old.totals())
    assert new.verified is True
    assert [n.code for n in new.nodes() if n.verified] == []


def test_province_2020_components_are_the_published_columns(registry):
    cset = registry.get("province-2020", "1.1.0")
    components = {c.key: c for c in cset.components}
    assert list(components) == ["sipas", "leaders", "impact"]
    sipas, leaders, impact = components.values()
    # DOMAIN.md: 33.5 survey points = 10 SIPAS + 23.5 survey of leaders and managers.
    assert (sipas.max_points, sipas.verified) == (Decimal(10), True)
    assert (leaders.max_points, leaders.verified) == (Decimal("23.5"), True)
    assert sipas.leaf_codes == tuple(leaf.code for leaf in cset.node("8.1").sub_criteria)
    survey = {leaf.code for leaf in cset.leaves() if leaf.source == "survey"}
    assert set(sipas.leaf_codes) | set(leaders.leaf_codes) == survey
    # Impact: points not known, so unverified; the self-assessed items of domain 8.
    assert impact.verified is False
    assert set(impact.leaf_codes) == {leaf.code for leaf in cset.node("8").leaves()
                                      if leaf.source == "self"}
    assert "impact" in cset.source_note and "TẠM THỜI" in cset.source_note


def test_province_2020_carries_every_code_to_itself(registry):
    old, new = registry.get("province-2020", "1.0.0"), registry.get("province-2020", "1.1.0")
    assert new.carry_over.previous == "province-2020@1.0.0"
    assert carried_codes(old, new) == {leaf.code: leaf.code for leaf in old.leaves()}
    answers = {code: {"value": value} for code, value in full_answers(old, 9).items()}
    lines = compare(old, score(old, answers), new, score(new, answers))
    assert all(line.change == 0 and line.previous_codes == (line.code,) for line in lines)
    # The same answers give the same index under both versions.
    assert score(old, answers).index == score(new, answers).index


# ---------------------------------------------------------------- ministry-2022 1.1.0

def test_ministry_2022_1_1_0_matches_the_per_domain_counts(registry):
    cset = registry.get("ministry-2022", "1.1.0")
    counts = [(len(d.criteria), sum(len(c.sub_criteria) for c in d.criteria))
              for d in cset.domains]
    assert counts == MINISTRY_COUNTS
    criteria = [c for d in cset.domains for c in d.criteria]
    assert len(criteria) == 38
    assert sum(len(c.sub_criteria) for c in criteria) == 97
    # A criterion without sub-criteria is scored directly.
    direct = [c for c in criteria if not c.sub_criteria]
    assert all(c.leaf is not None and c.leaf.level == "criterion" for c in direct)
    assert len(cset.leaves()) == 97 + len(direct)
    assert cset.totals()["sub_criteria_proper"] == 97
    assert cset.max_points == Decimal(100)
    assert _points(x for x in cset.leaves() if x.source == "survey") == Decimal("31.5")
    assert cset.legal_basis.number == "876/QĐ-BNV" and cset.verified is True


def test_ministry_2022_1_1_0_is_unverified_below_the_counts(registry):
    cset = registry.get("ministry-2022", "1.1.0")
    assert [n.code for n in cset.nodes() if n.verified] == []
    note = cset.source_note
    assert "TẠM THỜI" in note and "rovisional" in note and "7/6, 9/15, 6/19" in note
    # Items nothing was carried to have no wording to keep: their titles say so instead of
    # inventing official wording.
    old = registry.get("ministry-2022", "1.0.0")
    carried_to = set(carried_codes(old, cset).values())
    new_items = [leaf for leaf in cset.leaves() if leaf.code not in carried_to]
    assert new_items
    assert all(leaf.title.endswith("(tên chưa đối chiếu)") for leaf in new_items)


def test_ministry_2022_1_1_0_carries_codes_over_from_1_0_0(registry):
    old, new = registry.get("ministry-2022", "1.0.0"), registry.get("ministry-2022", "1.1.0")
    mapping = carried_codes(old, new)
    assert set(mapping) == {leaf.code for leaf in old.leaves()}
    # Survey items go to survey items, never to self-assessed ones.
    for old_code, new_code in mapping.items():
        if new_code is not None:
            assert old.leaf(old_code).source == new.leaf(new_code).source
    assert {leaf.code for leaf in old.leaves() if leaf.source == "survey"} <= {
        code for code, new_code in mapping.items() if new_code is not None}
    # Criterion 1.4's two items are merged into 1.4, now scored directly: points are added.
    assert (mapping["1.4.1"], mapping["1.4.2"]) == ("1.4", "1.4")
    answers = {code: {"value": value} for code, value in full_answers(old).items()}
    new_answers = {code: {"value": value} for code, value in full_answers(new).items()}
    lines = {line.code: line for line in compare(old, score(old, answers), new,
                                                 score(new, new_answers))}
    assert lines["1.4"].previous_codes == ("1.4.1", "1.4.2")
    assert lines["1.4"].previous_points == Decimal("1.5")
    assert lines["1.6"].previous_codes == ("1.6.1",)
    assert lines["1.1.1"].previous_points == Decimal(1)


def test_a_carry_over_naming_an_unknown_old_code_is_refused(registry):
    from dataclasses import replace

    from server.engine.carry_over import check_carry_over
    from server.engine.model import CarryOver

    old, new = registry.get("ministry-2022", "1.0.0"), registry.get("ministry-2022", "1.1.0")
    broken = replace(new, carry_over=CarryOver("ministry-2022@1.0.0", (("9.9.9", "1.1.1"),)))
    assert check_carry_over(old, broken) == [
        "carry_over: 9.9.9 is not a scored item of ministry-2022@1.0.0"]


# ---------------------------------------------------------------- cases and the demo

@pytest.mark.parametrize(("package", "version", "case_file"), VERSION_CASES,
                         ids=[f"{p}-{v}-{path.stem}" for p, v, path in VERSION_CASES])
def test_version_case(registry, package, version, case_file):
    cset = registry.get(SET_IDS[package], version)
    for case in load_cases(case_file):
        assert run_case(cset, case) == []


@pytest.mark.parametrize("package", SET_IDS)
def test_every_version_has_the_standard_cases(package):
    for version in (CRITERIA_DIR / package / "versions").iterdir():
        names = {path.stem for path in (version / "cases").glob("*.yaml")}
        assert {"full_marks", "all_zero", "not_applicable", "rounding_once", "errors"} <= names


def test_the_demos_published_year_still_pins_1_0_0():
    from server.demo import province, published_year

    assert published_year.PINS["province"] == "province-2020@1.0.0"
    assert province.PINS["province"] == "province-2020@1.0.0"
