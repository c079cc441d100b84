"""The built-in set `province-2020` (QĐ 1149/QĐ-BNV, 30/12/2020) states exactly its verified facts.

Verified (DOMAIN.md and seed 002, Kế hoạch 1886/KH-UBND Quảng Bình): 8 domains, 43 criteria,
102 sub-criteria, 100 points = 66.5 appraised (source: self) + 33.5 survey, the survey being
10 SIPAS + 23.5 survey of leaders and managers. Everything below the set is provisional and must
say so: every domain, criterion and sub-criterion carries `verified: false`.

How SIPAS leaves are identified (stable, documented in the set's header and source_note): the SIPAS
part is exactly the survey leaves of criterion "8.1"; every other survey leaf is the survey of
leaders and managers.
"""

from decimal import Decimal
from pathlib import Path

import pytest

from server.engine import load_cases, load_criteria_set, run_case

SET_DIR = Path(__file__).resolve().parents[2] / "criteria" / "province_2020"
SET_PATH = SET_DIR / "criteria.yaml"
CASE_FILES = sorted((SET_DIR / "cases").glob("*.yaml"))
SIPAS_CRITERION = "8.1"


@pytest.fixture(scope="module")
def cset():
    return load_criteria_set(SET_PATH)


def _points(leaves) -> Decimal:
    return sum((leaf.max_points for leaf in leaves), Decimal(0))


def test_identity_and_legal_basis(cset):
    assert cset.id == "province-2020"
    assert cset.level == "province"
    assert cset.legal_basis.number == "1149/QĐ-BNV"
    assert cset.legal_basis.date == "2020-12-30"
    assert list(cset.years) == [2020, 2021]
    assert cset.verified is True
    assert cset.survey_optional is False


def test_counts(cset):
    assert len(cset.domains) == 8
    criteria = [c for d in cset.domains for c in d.criteria]
    assert len(criteria) == 43
    # Every criterion has sub-criteria: the 102 scored leaves are all sub-criteria.
    assert all(c.sub_criteria for c in criteria)
    assert sum(len(c.sub_criteria) for c in criteria) == 102
    assert len(cset.leaves()) == 102


def test_points(cset):
    leaves = cset.leaves()
    assert cset.max_points == Decimal("100")
    assert _points(leaves) == Decimal("100")
    assert _points(x for x in leaves if x.source == "self") == Decimal("66.5")
    assert _points(x for x in leaves if x.source == "survey") == Decimal("33.5")
    assert {x.source for x in leaves} == {"self", "survey"}


def test_sipas_and_leader_survey(cset):
    survey = [x for x in cset.leaves() if x.source == "survey"]
    sipas = [x for x in survey if x.code.startswith(SIPAS_CRITERION + ".")]
    assert sipas, "criterion 8.1 must hold the SIPAS leaves"
    assert _points(sipas) == Decimal("10")
    # Criterion 8.1 is SIPAS only: it has no self-assessed leaf.
    assert all(x.source == "survey" for x in cset.node(SIPAS_CRITERION).sub_criteria)
    assert _points(survey) - _points(sipas) == Decimal("23.5")


def test_every_node_below_the_set_is_unverified(cset):
    nodes = [n for d in cset.domains for n in (d, *d.criteria,
                                               *(x for c in d.criteria for x in c.sub_criteria))]
    assert len(nodes) == 8 + 43 + 102
    assert [n.code for n in nodes if n.verified is not False] == []
    assert len(cset.nodes()) >= len(nodes)


def test_verification_counts(cset):
    assert cset.verification() == {"nodes": 153, "verified": 0, "unverified": 153}


def test_domain_sums_are_declared(cset):
    # The engine checks declared sums on load; the provisional split still has to add up to 100.
    assert sum((d.max_points for d in cset.domains), Decimal(0)) == Decimal("100")


def test_bands_and_tie_rule(cset):
    assert [(b.label, b.min) for b in cset.bands] == [
        ("A", Decimal(90)), ("B", Decimal(80)), ("C", Decimal(70)), ("D", Decimal(0))]
    assert cset.tie_rule.compare == "unrounded"
    assert cset.tie_rule.ranks == "shared"


def test_plugin_offers_the_set():
    import criteria.province_2020 as plugin

    # 1.0.0 beside the package, later versions under versions/<version>/
    assert [Path(p).resolve() for p in plugin.parindex_criteria_sets()] == [
        SET_PATH, SET_DIR / "versions" / "1.1.0" / "criteria.yaml"]


def test_registry_loads_the_set_through_the_hook():
    from server.campaigns.criteria_registry import build_registry
    from server.plugins import build_plugin_manager

    registry = build_registry(build_plugin_manager(allow=["rule-types", "province-2020"]))
    assert registry.errors == {}
    loaded = registry.get("province-2020", "1.0.0")
    assert loaded is not None
    assert loaded.verification() == {"nodes": 153, "verified": 0, "unverified": 153}


def test_cases_exist():
    names = {p.stem for p in CASE_FILES}
    assert {"full_marks", "all_zero", "mixed_province", "not_applicable", "errors"} <= names


@pytest.mark.parametrize("case_file", CASE_FILES, ids=lambda p: p.stem)
def test_case(cset, case_file):
    cases = load_cases(case_file)
    cases = cases if isinstance(cases, list) else [cases]
    assert cases
    for case in cases:
        assert run_case(cset, case) == []


def test_mixed_case_splits_appraised_and_survey_points(cset):
    """The hand-computed split of the realistic case: 53.00 appraised + 25.32 survey = 78.32."""
    from server.engine import score

    (case,) = load_cases(SET_DIR / "cases" / "mixed_province.yaml")
    result = score(cset, case.answers)
    assert result.self_points == Decimal("53")
    assert result.survey_points == Decimal("25.32")
    sipas = sum((line.points for line in result.trace
                 if line.code.startswith(SIPAS_CRITERION + ".")), Decimal(0))
    assert sipas == Decimal("7.83")
    assert not result.unanswered  # every leaf is answered in this case
