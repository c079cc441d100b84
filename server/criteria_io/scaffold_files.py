"""The files of a new criteria-set plugin package (`flask parindex criteria new NAME`).

The package registers its set through the `parindex` entry-point group, so `pip install` is all
a server needs; it ships the set's YAML, test cases, and a test module that runs them.
"""

import re
from pathlib import Path

from server.engine.loader import LEVELS

NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class ScaffoldError(ValueError):
    pass


def package_name(name: str) -> str:
    return "parindex_criteria_" + name.replace("-", "_")


def scaffold_files(name: str, level: str) -> dict[str, str]:
    """Relative path -> text of every file of the package for the set `name`."""
    if not NAME.fullmatch(name):
        raise ScaffoldError(f"{name!r}: use lowercase letters, digits and dashes, e.g. xa-ha-noi")
    if level not in LEVELS:
        raise ScaffoldError(f"{level!r}: the level is one of {', '.join(LEVELS)}")
    package = package_name(name)
    values = {"name": name, "package": package, "level": level}
    return {path.format(**values): text.format(**values) for path, text in TEMPLATES.items()} | {
        f"{package}/{path}": text.format(**values) for path, text in PACKAGE_TEMPLATES.items()}


def write_scaffold(target: Path, name: str, level: str) -> list[Path]:
    """Write the package into the new folder `target`; refuse an existing one."""
    files = scaffold_files(name, level)
    if target.exists():
        raise ScaffoldError(f"{target} exists already")
    written = []
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


TEMPLATES = {
    "setup.cfg": """[metadata]
name = parindex-criteria-{name}
version = 0.1.0
description = Criteria set {name} for ParIndex (PAR INDEX)

[options]
# find_namespace: lists cases/ (YAML only, no __init__.py) as a package of its own, so
# setuptools installs its files without warning that it would be ignored.
packages = find_namespace:
include_package_data = true
python_requires = >=3.11
install_requires =
    parindex>=0.1

[options.packages.find]
include = {package}*

[options.package_data]
{package} = *.yaml
{package}.cases = *.yaml

[options.entry_points]
parindex =
    {name} = {package}
""",
    "pyproject.toml": """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"
""",
    "README.md": """# parindex-criteria-{name}

A criteria set for ParIndex. Edit `{package}/criteria.yaml` (see ParIndex's
docs/criteria-sets.md), keep `verified: false` on everything not checked against the official
decision, and add cases under `{package}/cases/`.

    pip install .                                   # the server finds the set by its entry point
    flask --app wsgi parindex criteria validate {package}/criteria.yaml
    flask --app wsgi parindex criteria test {name}
    python -m pytest tests
""",
    "tests/test_{package}.py": '''"""The set loads, validates and passes its own cases."""

from pathlib import Path

import pytest

from server.engine import load_cases, load_criteria_set, run_case

SET_DIR = Path(__file__).resolve().parents[1] / "{package}"
CASES = sorted((SET_DIR / "cases").glob("*.yaml"))


def test_the_set_validates():
    assert load_criteria_set(SET_DIR / "criteria.yaml").id == "{name}"


def test_the_plugin_offers_the_set():
    import {package} as plugin

    assert [Path(p).resolve() for p in plugin.parindex_criteria_sets()] == [
        SET_DIR / "criteria.yaml"]


@pytest.mark.parametrize("case_file", CASES, ids=lambda p: p.stem)
def test_case(case_file):
    criteria_set = load_criteria_set(SET_DIR / "criteria.yaml")
    for case in load_cases(case_file):
        assert run_case(criteria_set, case) == []
''',
}

PACKAGE_TEMPLATES = {
    "__init__.py": '''"""Criteria set `{name}` for ParIndex, found through its entry point."""

from pathlib import Path

import pluggy

hookimpl = pluggy.HookimplMarker("parindex")


@hookimpl
def parindex_criteria_sets():
    return [Path(__file__).with_name("criteria.yaml")]
''',
    "criteria.yaml": """# A starting point: put the titles, points and rules of your decision here.
# Everything here is an example and is marked `verified: false`.
id: {name}
version: 1.0.0
title: Chỉ số cải cách hành chính ({name})
level: {level}
legal_basis:
  number: "(số quyết định)"
  date: 2025-01-01
years: [2025]
source_note: >-
  Mẫu khởi tạo, chưa đối chiếu với văn bản gốc. English: a scaffold, not yet checked against the
  official text; every node is provisional.
verified: false
totals:
  max_points: 10
survey:
  optional: true
bands:
  - {{label: Tốt, min: 80}}
  - {{label: Khá, min: 70}}
  - {{label: Trung bình, min: 60}}
  - {{label: Yếu, min: 0}}
tie_rule:
  compare: unrounded
  ranks: shared
domains:
  - code: "1"
    title: Công tác chỉ đạo, điều hành cải cách hành chính
    verified: false
    max_points: 6
    criteria:
      - code: "1.1"
        title: Kế hoạch cải cách hành chính năm
        verified: false
        sub_criteria:
          - code: "1.1.1"
            title: Ban hành kế hoạch CCHC năm
            max_points: 2
            verified: false
            rule:
              type: choice
              outcomes:
                - {{key: timely, label: Ban hành kịp thời, points: 2}}
                - {{key: late, label: Ban hành không kịp thời, points: 1}}
                - {{key: none, label: Không ban hành, points: 0}}
          - code: "1.1.2"
            title: Mức độ thực hiện kế hoạch CCHC năm
            max_points: 2
            verified: false
            rule:
              type: percent_bands
              bands:
                - {{above: 90, points: 2}}
                - {{from: 70, to: 90, points: 1}}
                - {{below: 70, points: 0}}
      - code: "1.2"
        title: Báo cáo CCHC đủ số lượng và đúng thời gian
        verified: false
        max_points: 2
        rule: {{type: yes_no}}
  - code: "2"
    title: Tác động của cải cách hành chính
    verified: false
    criteria:
      - code: "2.1"
        title: Sự hài lòng của người dân, tổ chức
        verified: false
        max_points: 4
        source: survey
        rule: {{type: survey}}
""",
    "cases/full_marks.yaml": """# fill: max answers every leaf not listed under
# `answers` with the input that earns its max points (fill: zero: the fewest);
# see docs/criteria-sets.md.
name: full marks everywhere gives 100
fill: max
answers: {{}}
expect:
  index: "100.00"
  total: "10"
  classification: Tốt
""",
    "cases/survey_absent.yaml": """# No survey: 5 of 6 appraised points, rescaled to 100 (83.33).
name: without the survey the appraised part is rescaled
answers:
  "1.1.1": {{value: late}}
  "1.1.2": {{value: 95}}
  "1.2": {{value: true}}
expect:
  index: "83.33"
  classification: Tốt
""",
}
