"""The built-in sets besides province-2020 state exactly what DOMAIN.md states, and no more.

Verified facts are asserted exactly here (counts, maxima, totals, survey shares). Everything
below the set level is provisional: every domain, criterion and sub-criterion must carry
`verified: false`, and each set's `source_note` must say what is provisional, in Vietnamese
and in English.
"""

from decimal import Decimal
from pathlib import Path

import pytest

from server.engine import load_cases, load_criteria_set, run_case, score

CRITERIA_DIR = Path(__file__).resolve().parents[2] / "criteria"
PACKAGES = {
    "province-2017": "province_2017",
    "ministry-2022": "ministry_2022",
    "department": "department",
    "district": "district",
    "commune": "commune",
}
CASE_FILES = [(set_id, path) for set_id, package in PACKAGES.items()
              for path in sorted((CRITERIA_DIR / package / "cases").glob("*.yaml"))]
NATIONAL_BANDS = [("A", Decimal(90)), ("B", Decimal(80)), ("C", Decimal(70)), ("D", Decimal(0))]
PROVINCIAL_BANDS = [("Tốt", Decimal(80)), ("Khá", Decimal(70)), ("Trung bình", Decimal(60)),
                    ("Yếu", Decimal(0))]


def _load(set_id):
    return load_criteria_set(CRITERIA_DIR / PACKAGES[set_id] / "criteria.yaml")


@pytest.fixture(scope="module")
def sets():
    return {set_id: _load(set_id) for set_id in PACKAGES}


def _points(leaves, source=None) -> Decimal:
    return sum((leaf.max_points for leaf in leaves if source in (None, leaf.source)), Decimal(0))


def _criteria(cset):
    return [c for d in cset.domains for c in d.criteria]


# ---------------------------------------------------------------- province-2017 (2948/QĐ-BNV)

def test_province_2017_identity(sets):
    cset = sets["province-2017"]
    assert (cset.id, cset.version, cset.level) == ("province-2017", "1.0.0", "province")
    assert cset.legal_basis.number == "2948/QĐ-BNV"
    assert list(cset.years) == [2017]
    assert cset.verified is True
    assert cset.survey_optional is False


def test_province_2017_counts_and_points(sets):
    cset = sets["province-2017"]
    assert len(cset.domains) == 8
    assert len(_criteria(cset)) == 38
    assert len(cset.leaves()) == 81
    assert cset.max_points == Decimal(100)
    assert _points(cset.leaves(), "self") == Decimal("65.5")
    assert _points(cset.leaves(), "survey") == Decimal("34.5")


def test_province_2017_domain_maxima(sets):
    maxima = [d.max_points for d in sets["province-2017"].domains]
    assert maxima == [Decimal(x) for x in ("10", "10", "14.5", "11", "16", "7", "16", "15.5")]


def test_province_2017_per_domain_counts(sets):
    counts = [(len(d.criteria), len(d.leaves())) for d in sets["province-2017"].domains]
    assert counts == [(6, 6), (4, 6), (5, 16), (4, 10), (9, 16), (3, 6), (5, 18), (2, 3)]


# ---------------------------------------------------------------- ministry-2022 (876/QĐ-BNV)

def test_ministry_2022(sets):
    cset = sets["ministry-2022"]
    assert (cset.id, cset.level) == ("ministry-2022", "ministry")
    assert (cset.legal_basis.number, cset.legal_basis.date) == ("876/QĐ-BNV", "2022-11-10")
    assert cset.verified is True
    assert len(cset.domains) == 7
    assert len(_criteria(cset)) == 38
    assert len(cset.leaves()) == 97
    assert _points(cset.leaves(), "survey") == Decimal("31.5")
    assert cset.max_points == Decimal(100)


# ---------------------------------------------------------------- provincial unit levels

def test_department_has_seven_domains_without_impact(sets):
    cset = sets["department"]
    assert cset.level == "department"
    assert len(cset.domains) == 7
    assert not any("Tác động" in d.title for d in cset.domains)
    # Nghệ An 3323/QĐ-UBND (2023), as DOMAIN.md gives it: 48 criteria, 89 sub-criteria.
    assert (len(_criteria(cset)), len(cset.leaves())) == (48, 89)
    assert cset.verified is False


def test_district_is_65_appraisal_plus_35_survey(sets):
    cset = sets["district"]
    assert cset.level == "district"
    assert _points(cset.leaves(), "self") == Decimal(65)
    assert _points(cset.leaves(), "survey") == Decimal(35)
    assert cset.max_points == Decimal(100)
    assert cset.verified is False


def test_commune_has_seven_contents_and_an_optional_survey(sets):
    cset = sets["commune"]
    assert cset.level == "commune"
    assert len(cset.domains) == 7
    assert cset.survey_optional is True
    titles = [d.title for d in cset.domains]
    for words, title in zip(("chỉ đạo, điều hành", "văn bản quy phạm pháp luật", "một cửa",
                             "đội ngũ", "tài chính", "Hiện đại hóa hành chính", "Tác động"),
                            titles, strict=True):
        assert words in title
    assert cset.verified is False


def test_commune_without_survey_is_rescaled_to_100(sets):
    cset = sets["commune"]
    answers = {leaf.code: {"value": leaf.rule.max_input()}
               for leaf in cset.leaves() if leaf.source == "self"}
    result = score(cset, answers)
    assert result.survey_absent is True
    assert result.index == Decimal("100.00")
    # With the survey answered at zero the same appraisal is 70 of 100.
    answers.update({leaf.code: {"value": 0} for leaf in cset.leaves() if leaf.source == "survey"})
    assert score(cset, answers).index == Decimal("70.00")


# ---------------------------------------------------------------- every set

@pytest.mark.parametrize("set_id", PACKAGES)
def test_every_node_is_unverified(sets, set_id):
    cset = sets[set_id]
    assert [n.code for n in cset.nodes() if n.verified] == []
    assert cset.verification()["verified"] == 0


@pytest.mark.parametrize("set_id", PACKAGES)
def test_source_note_says_what_is_provisional(sets, set_id):
    note = sets[set_id].source_note
    assert "TẠM THỜI" in note and "English" in note and "rovisional" in note


@pytest.mark.parametrize("set_id", PACKAGES)
def test_bands_and_tie_rule(sets, set_id):
    cset = sets[set_id]
    expected = NATIONAL_BANDS if cset.level in ("province", "ministry") else PROVINCIAL_BANDS
    assert [(b.label, b.min) for b in cset.bands] == expected
    assert (cset.tie_rule.compare, cset.tie_rule.ranks) == ("unrounded", "shared")


@pytest.mark.parametrize("set_id", PACKAGES)
def test_plugin_offers_the_set(set_id):
    import importlib

    plugin = importlib.import_module(f"criteria.{PACKAGES[set_id]}")
    later = sorted((CRITERIA_DIR / PACKAGES[set_id] / "versions").glob("*/criteria.yaml"))
    assert [Path(p).resolve() for p in plugin.parindex_criteria_sets()] == [
        CRITERIA_DIR / PACKAGES[set_id] / "criteria.yaml", *later]


def test_registry_loads_every_builtin_set():
    from server.campaigns.criteria_registry import build_registry
    from server.plugins import build_plugin_manager

    registry = build_registry(build_plugin_manager())
    assert registry.errors == {}
    assert {*PACKAGES, "province-2020"} <= {s.id for s in registry.all()}


@pytest.mark.parametrize("set_id", PACKAGES)
def test_cases_exist(set_id):
    names = {path.stem for sid, path in CASE_FILES if sid == set_id}
    assert {"full_marks", "all_zero", "not_applicable", "rounding_once", "errors"} <= names


@pytest.mark.parametrize(("set_id", "case_file"), CASE_FILES,
                         ids=[f"{sid}-{path.stem}" for sid, path in CASE_FILES])
def test_case(sets, set_id, case_file):
    cases = load_cases(case_file)
    assert cases
    for case in cases:
        assert run_case(sets[set_id], case) == []
