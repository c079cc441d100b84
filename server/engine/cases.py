"""Test cases shipped with a criteria set: answers in, expected scores out."""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from server.engine.answers import AnswersError
from server.engine.decimals import NotANumber, parse_decimal
from server.engine.fields import FieldReader, shown
from server.engine.model import CriteriaSet
from server.engine.problems import CaseError, ProblemLog
from server.engine.results import ScoreResult
from server.engine.scoring import score
from server.engine.yaml_files import read_yaml, yaml_error_place

FILLS = ("max", "zero")
# Expected figures that are compared as numbers; a null expects "none" (every leaf N/A).
NUMBER_EXPECTATIONS = ("index", "total")


@dataclass(frozen=True)
class Case:
    name: str
    answers: dict
    fill: str | None  # "max" / "zero": unlisted leaves get their rule's max_input / zero_input
    expect: dict  # only the keys the case checks; numbers already Decimal


def load_cases(path) -> list[Case]:
    """The cases in a YAML file holding one case (a mapping) or a list; CaseError lists problems."""
    source = str(path)
    try:
        data = read_yaml(Path(path))
    except OSError as error:
        raise CaseError.single(source, "file", f"cannot be read: {error.strerror}") \
            from error
    except yaml.YAMLError as error:
        raise CaseError.single(source, *yaml_error_place(error)) from error
    log = ProblemLog(source)
    items = data if isinstance(data, list) else [data]
    cases = [_case(item, f"case[{position}]", log) for position, item in enumerate(items, 1)]
    if log.problems:
        raise CaseError(log.problems)
    return cases


def _case(data, place: str, log: ProblemLog) -> Case:
    name = data.get("name") if isinstance(data, dict) else None
    reader = FieldReader(data, log.reporter(name if isinstance(name, str) else place))
    name = reader.text("name", required=True)
    answers = reader.raw("answers") or {}
    if not isinstance(answers, dict):
        reader.report(f"'answers' must be a mapping of code -> answer, got {shown(answers)}")
        answers = {}
    for code in answers:
        if not isinstance(code, str):
            reader.report(f"answer code {shown(code)} must be quoted text such as \"1.1\"")
    fill = reader.one_of("fill", FILLS)
    expect = reader.section("expect", required=True)
    reader.finish()
    return Case(name, answers, fill, _expectations(expect) if expect else {})


def _expectations(expect: FieldReader) -> dict:
    found = {}
    for key in NUMBER_EXPECTATIONS:
        if expect.has(key):
            found[key] = None if expect.raw(key) is None else expect.number(key)
    if expect.has("classification"):
        found["classification"] = expect.raw("classification")
    if expect.has("survey_absent"):
        found["survey_absent"] = expect.boolean("survey_absent")
    for key in ("points", "sub_index"):
        if expect.has(key):
            found[key] = _numbers_by_code(expect, key)
    if expect.has("errors"):
        codes = expect.entries("errors") or []
        if not all(isinstance(code, str) for code in codes):
            expect.report("'expect.errors' must list quoted codes such as \"1.1.1\"")
        found["errors"] = frozenset(codes)
        if len(found) > 1:
            expect.report("'expect.errors' cannot be combined with expected scores")
    expect.finish()
    if not found:
        expect.report("'expect' lists nothing to check")
    return found


def _numbers_by_code(expect: FieldReader, key: str) -> dict[str, Decimal | None]:
    values = expect.raw(key)
    if not isinstance(values, dict):
        expect.report(f"'expect.{key}' must map codes to numbers, got {shown(values)}")
        return {}
    numbers = {}
    for code, value in values.items():
        try:
            numbers[str(code)] = None if value is None else parse_decimal(value)
        except NotANumber:
            expect.report(f"'expect.{key}.{code}' must be a number, got {shown(value)}")
        if not isinstance(code, str):
            expect.report(f"code {shown(code)} in 'expect.{key}' must be quoted text")
    return numbers


def run_case(criteria_set: CriteriaSet, case: Case) -> list[str]:
    """What differs from the case's expectations: an empty list means the case passes."""
    answers = dict(case.answers)
    if case.fill:
        for leaf in criteria_set.leaves():
            if leaf.code not in answers:
                value = leaf.rule.max_input() if case.fill == "max" else leaf.rule.zero_input()
                answers[leaf.code] = {"value": value}
    expected_errors = case.expect.get("errors")
    try:
        result = score(criteria_set, answers)
    except AnswersError as error:
        refused = {problem.code for problem in error.problems}
        if expected_errors is None:
            return [f"the answers were refused: {error}".replace("\n", "; ")]
        if refused != expected_errors:
            return [f"errors: expected refusals of {_codes(expected_errors)}, "
                    f"got {_codes(refused)}"]
        return []
    if expected_errors is not None:
        return [f"errors: expected refusals of {_codes(expected_errors)}, "
                "but every answer was scored"]
    return _compare(case.expect, result)


def _compare(expect: dict, result: ScoreResult) -> list[str]:
    mismatches = []

    def check(what: str, wanted, got) -> None:
        if wanted != got:
            mismatches.append(f"{what}: expected {_text(wanted)}, got {_text(got)}")

    for key in ("index", "total", "classification", "survey_absent"):
        if key in expect:
            check(key, expect[key], getattr(result, key))
    for key in ("points", "sub_index"):
        for code, wanted in expect.get(key, {}).items():
            # a named component's key reads its figures as a node code reads the node's
            node = result.nodes.get(code) or result.components.get(code)
            if node is None:
                mismatches.append(f"{key}.{code}: the set has no node {code}")
            else:
                check(f"{key}.{code}", wanted, getattr(node, key))
    return mismatches


def _text(value) -> str:
    if value is None:
        return "none"
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _codes(codes) -> str:
    return ", ".join(sorted(codes)) or "none"
