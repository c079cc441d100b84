"""A provincial adaptation extends a base set by id@version and changes only what differs."""

from decimal import Decimal
from pathlib import Path

import pluggy
import pytest
import yaml

from server.campaigns.criteria_registry import build_registry
from server.engine import CriteriaSetError, load_criteria_set, run_case
from server.engine.cases import load_cases
from server.engine.extends import resolve_extends
from server.plugins import build_plugin_manager

BASE = load_criteria_set(Path(__file__).resolve().parents[2] / "criteria" / "province_2020"
                         / "criteria.yaml")


def lookup(set_id, version):
    return BASE if (set_id, version) == (BASE.id, BASE.version) else None


def adaptation(**changes):
    data = {"id": "province-2020-qb", "version": "1.0.0", "extends": "province-2020@1.0.0",
            "title": "Bộ tiêu chí điều chỉnh của tỉnh (thử nghiệm)"}
    data.update(changes)
    return data


ADD_1_1_4 = {"parent": "1.1", "code": "1.1.4", "title": "Bố trí kinh phí thực hiện kế hoạch CCHC",
             "max_points": Decimal("0.5"), "rule": {"type": "yes_no"}}


def test_override_add_and_drop_give_a_validated_set():
    derived = resolve_extends(adaptation(
        override={"1.1.1": {"max_points": Decimal("1.5"), "title": "Ban hành kế hoạch CCHC",
                            "rule": {"type": "yes_no"}}},
        drop=["1.1.2"],
        add=[ADD_1_1_4],
        totals={"sub_criteria": 102},
    ), "qb.yaml", lookup)
    assert derived.id == "province-2020-qb"
    assert derived.level == "province" and derived.legal_basis == BASE.legal_basis
    assert derived.leaf("1.1.1").max_points == Decimal("1.5")
    assert derived.leaf("1.1.1").title == "Ban hành kế hoạch CCHC"
    assert derived.leaf("1.1.4").rule.name == "yes_no"
    with pytest.raises(KeyError):
        derived.node("1.1.2")
    # 1.1.1 +0.5, 1.1.2 −1, 1.1.4 +0.5: the domain and the total are unchanged at 9.5 and 100.
    assert derived.node("1").max_points == BASE.node("1").max_points
    assert derived.max_points == Decimal(100)
    assert derived.verified is False
    # The base is untouched.
    assert BASE.leaf("1.1.1").max_points == Decimal(1)


def test_a_change_of_points_changes_the_sum():
    derived = resolve_extends(adaptation(override={"1.1.1": {"max_points": 2,
                                                             "rule": {"type": "yes_no"}}}),
                              "qb.yaml", lookup)
    assert derived.max_points == Decimal(101)


def test_the_result_is_validated_like_any_set():
    with pytest.raises(CriteriaSetError) as raised:
        resolve_extends(adaptation(
            override={"1.1.1": {"max_points": Decimal("0.5")}},  # outcome 1 is above 0.5
            add=[{**ADD_1_1_4, "code": "1.1.3"}],                # 1.1.3 exists already
            totals={"max_points": 100}), "qb.yaml", lookup)
    text = str(raised.value)
    assert "1.1.1" in text and "1.1.3" in text


def test_unknown_codes_and_base_are_reported():
    with pytest.raises(CriteriaSetError) as raised:
        resolve_extends(adaptation(drop=["9.9"], override={"7.7.7": {"title": "x"},
                                                           "1.1.1": {"code": "2"}},
                                   add=[{**ADD_1_1_4, "parent": "1.1.1.1"}]), "qb.yaml", lookup)
    codes = {p.code for p in raised.value.problems}
    assert {"9.9", "7.7.7", "1.1.1", "1.1.4"} <= codes
    with pytest.raises(CriteriaSetError, match=r"province-2020@9\.9\.9 is not installed"):
        resolve_extends(adaptation(extends="province-2020@9.9.9"), "qb.yaml", lookup)
    with pytest.raises(CriteriaSetError, match="id@version"):
        resolve_extends(adaptation(extends="province-2020"), "qb.yaml", lookup)


def test_the_adaptation_has_its_own_cases(tmp_path):
    derived = resolve_extends(adaptation(drop=["1.1.2"], add=[ADD_1_1_4]), "qb.yaml", lookup)
    case_file = tmp_path / "full.yaml"
    case_file.write_text(yaml.safe_dump({
        "name": "full marks", "fill": "max", "answers": {},
        "expect": {"index": "100.00", "total": "99.5", "points": {"1.1": "2"}}}))
    (case,) = load_cases(case_file)
    assert run_case(derived, case) == []


class _Plugin:
    def __init__(self, paths):
        self.paths = paths

    @pluggy.HookimplMarker("parindex")
    def parindex_criteria_sets(self):
        return self.paths


def _registry(tmp_path, *sets):
    paths = []
    for position, data in enumerate(sets):
        path = tmp_path / f"set{position}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        paths.append(path)
    pm = build_plugin_manager(allow=["rule-types", "province-2020"])
    pm.register(_Plugin(paths), name="adaptations")
    return build_registry(pm)


def test_registry_resolves_chains_of_adaptations_from_another_plugin(tmp_path):
    second = adaptation(id="province-2020-qb-huyen", extends="province-2020-qb@1.0.0",
                        drop=["1.1.4"])
    registry = _registry(tmp_path, second, adaptation(add=[{**ADD_1_1_4,
                                                           "max_points": "0.5"}]))
    assert registry.errors == {}
    assert registry.get("province-2020-qb").leaf("1.1.4")
    assert registry.get("province-2020-qb-huyen").max_points == Decimal(100)


def test_registry_refuses_a_missing_base_and_installs_nothing_of_it(tmp_path):
    registry = _registry(tmp_path, adaptation(extends="province-2099@1.0.0"))
    assert registry.get("province-2020-qb") is None
    (error,) = registry.errors.values()
    assert "province-2099@1.0.0 is not installed" in str(error)


def test_registry_refuses_two_different_sets_under_one_id_and_version(tmp_path):
    registry = _registry(tmp_path, adaptation(), adaptation(drop=["1.1.2"]))
    assert registry.get("province-2020-qb") is not None
    (error,) = registry.errors.values()
    assert "province-2020-qb@1.0.0 is already defined differently" in str(error)


def test_an_adaptation_inherits_components_without_what_it_dropped():
    base = load_criteria_set(Path(__file__).resolve().parents[2] / "criteria" / "province_2020"
                             / "versions" / "1.1.0" / "criteria.yaml", lookup=lookup)

    def lookup_11(set_id, version):
        return base if (set_id, version) == ("province-2020", "1.1.0") else None

    derived = resolve_extends(adaptation(extends="province-2020@1.1.0", drop=["8.2", "8.6"],
                                         override={"8.1.1": {"max_points": 3}}),
                              "qb.yaml", lookup_11)
    components = {c.key: c for c in derived.components}
    assert list(components) == ["sipas", "leaders", "impact"]
    # 8.1.1 now counts 3: SIPAS sums 11, and is no longer claimed verified.
    assert (components["sipas"].max_points, components["sipas"].verified) == (11, False)
    assert "8.2.3" not in components["leaders"].leaf_codes
    assert components["impact"].codes == ("8.3", "8.4.1", "8.5")
    # Declaring components replaces the base's.
    own = resolve_extends(adaptation(extends="province-2020@1.1.0", components=[
        {"key": "sipas", "label": "SIPAS", "codes": ["8.1"]}]), "qb.yaml", lookup_11)
    assert [c.key for c in own.components] == ["sipas"]
