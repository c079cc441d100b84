"""Builders for the engine tests: tiny criteria sets written as Python data."""

from collections import defaultdict
from pathlib import Path

import pytest

from server.engine import CriteriaSetError, parse_criteria_set

SETS = Path(__file__).parent / "sets"


class SetMaker:
    """Writes a set around a few leaves, so each test shows only what it is about.

    Leaves are grouped by their codes: "1.1.1" lands in criterion "1.1" of domain "1"; a
    two-part code such as "2.1" is a criterion scored itself.
    """

    sets_dir = SETS

    @staticmethod
    def leaf(code: str, max_points, rule: dict, **fields) -> dict:
        return {"code": code, "title": f"Mục {code}", "max_points": max_points, "rule": rule,
                **fields}

    @staticmethod
    def data(*leaves: dict, **fields) -> dict:
        criteria = defaultdict(list)
        for leaf in leaves:
            parts = leaf["code"].split(".")
            criteria[".".join(parts[:2])].append(leaf)
        domains = {}
        for code, members in criteria.items():
            domain = domains.setdefault(code.split(".")[0], {
                "code": code.split(".")[0], "title": "Lĩnh vực", "criteria": []})
            if members[0]["code"] == code:
                domain["criteria"].append(members[0])
            else:
                domain["criteria"].append(
                    {"code": code, "title": "Tiêu chí", "sub_criteria": members})
        data = {
            "id": "unit-test",
            "version": "1.0.0",
            "title": "Bộ tiêu chí thử",
            "level": "commune",
            "legal_basis": {"number": "1/QĐ-UBND", "date": "2024-01-15"},
            "years": [2024],
            "bands": [{"label": "Tốt", "min": 80}, {"label": "Khá", "min": 70},
                      {"label": "Trung bình", "min": 60}, {"label": "Yếu", "min": 0}],
            "tie_rule": {"compare": "unrounded", "ranks": "shared"},
            "domains": list(domains.values()),
        }
        data.update(fields)
        return data

    def set(self, *leaves: dict, **fields):
        return parse_criteria_set(self.data(*leaves, **fields), "test.yaml")

    def rule(self, rule: dict, max_points="1"):
        return self.set(self.leaf("1.1.1", max_points, rule)).leaf("1.1.1").rule

    @staticmethod
    def problems(data: dict, rule_types=None) -> list[str]:
        """Every line of the refusal of `data`; fails the test when `data` is accepted."""
        with pytest.raises(CriteriaSetError) as refused:
            parse_criteria_set(data, "test.yaml", rule_types)
        assert str(refused.value) == "\n".join(str(p) for p in refused.value.problems)
        return str(refused.value).splitlines()

    def rule_problems(self, rule: dict, max_points="1") -> list[str]:
        return self.problems(self.data(self.leaf("1.1.1", max_points, rule)))


@pytest.fixture
def make() -> SetMaker:
    return SetMaker()
