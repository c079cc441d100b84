"""Reading the domain -> criterion -> sub-criterion tree of a criteria-set file."""

import re
from collections.abc import Mapping
from decimal import Decimal

from server.engine.decimals import plain
from server.engine.fields import FieldReader, shown
from server.engine.model import (
    FIGURE_STATES,
    RECORD_FIGURES,
    Criterion,
    Domain,
    Leaf,
    RecordFeed,
)
from server.engine.problems import ProblemLog
from server.engine.rules import RuleType

_CODE = re.compile(r"[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*")
SOURCES = ("self", "survey")
# Fields only a scored item carries; a criterion with sub-criteria must not.
LEAF_ONLY_KEYS = ("source", "rule", "not_applicable_allowed", "evidence_required", "fed_by")


class TreeParser:
    """Builds the tree, filing every problem in `log` under the node's code.

    While problems are being found a node may hold None where a value was wrong; the loader
    refuses the set before such a tree reaches anyone. Sums are compared only over items that
    parsed without problems, so one broken leaf does not also report every sum above it.
    """

    def __init__(self, log: ProblemLog, rule_types: Mapping[str, type[RuleType]]):
        self.log = log
        self.rule_types = rule_types
        self.seen_codes: set[str] = set()

    def domains(self, items: list) -> tuple[Domain, ...]:
        return tuple(self._domain(item, f"domains[{position}]")
                     for position, item in enumerate(items, 1))

    def _domain(self, data, place: str) -> Domain:
        reader, code = self._open(data, place, parent=None)
        title = reader.text("title", required=True)
        verified = reader.boolean("verified", default=False)
        agency = reader.text("responsible_agency")
        declared = reader.number("max_points", positive=True)
        items = reader.entries("criteria", required=True) or []
        reader.finish()
        problems_before = len(self.log.problems)
        criteria = tuple(
            self._criterion(item, f"criteria[{position}] of {code}", code, agency)
            for position, item in enumerate(items, 1))
        domain = Domain(code, title, verified, agency, criteria)
        if len(self.log.problems) == problems_before:
            self._check_declared_max(reader, declared, domain.leaves())
        return domain

    def _criterion(self, data, place: str, parent: str, inherited: str | None) -> Criterion:
        reader, code = self._open(data, place, parent)
        title = reader.text("title", required=True)
        verified = reader.boolean("verified", default=False)
        agency = reader.text("responsible_agency") or inherited
        if not reader.has("sub_criteria"):
            if not (reader.has("rule") or reader.has("max_points")):
                reader.report("a criterion needs sub_criteria, or max_points and rule "
                              "when it is scored itself")
                reader.finish()
                return Criterion(code, title, verified, agency)
            leaf = self._leaf_fields(reader, code, title, verified, agency, "criterion")
            reader.finish()
            return Criterion(code, title, verified, agency, leaf=leaf)
        misplaced = [key for key in LEAF_ONLY_KEYS if reader.has(key)]
        for key in misplaced:
            reader.raw(key)
        if misplaced:
            reader.report(f"a criterion with sub_criteria cannot have {', '.join(misplaced)}: "
                          "they belong on its sub-criteria")
        declared = reader.number("max_points", positive=True)
        items = reader.entries("sub_criteria", required=True) or []
        reader.finish()
        problems_before = len(self.log.problems)
        leaves = tuple(
            self._sub_criterion(item, f"sub_criteria[{position}] of {code}", code, agency)
            for position, item in enumerate(items, 1))
        if len(self.log.problems) == problems_before:
            self._check_declared_max(reader, declared, leaves)
        return Criterion(code, title, verified, agency, sub_criteria=leaves)

    def _sub_criterion(self, data, place: str, parent: str, inherited: str | None) -> Leaf:
        reader, code = self._open(data, place, parent)
        title = reader.text("title", required=True)
        verified = reader.boolean("verified", default=False)
        agency = reader.text("responsible_agency") or inherited
        leaf = self._leaf_fields(reader, code, title, verified, agency, "sub_criterion")
        reader.finish()
        return leaf

    def _leaf_fields(self, reader: FieldReader, code, title, verified, agency, level) -> Leaf:
        max_points = reader.number("max_points", required=True, positive=True)
        source = reader.one_of("source", SOURCES, default="self")
        not_applicable_allowed = reader.boolean("not_applicable_allowed", default=False)
        # Evidence proves a self score; survey points come with their own source file.
        evidence_required = reader.boolean("evidence_required", default=source != "survey")
        rule = self._rule(reader, source, max_points)
        fed_by = self._fed_by(reader, source, rule)
        return Leaf(code, title, max_points, source, rule, verified, not_applicable_allowed,
                    evidence_required, agency, level, fed_by)

    def _fed_by(self, reader: FieldReader, source: str | None, rule) -> RecordFeed | None:
        """`fed_by: {record: FIGURE, values: {STATE: ANSWER}}`: the item's answer is proposed
        from the year's records; every answer it can propose must score under the rule."""
        feed = reader.section("fed_by")
        if feed is None:
            return None
        record = feed.one_of("record", RECORD_FIGURES, required=True)
        values = ()
        states = FIGURE_STATES.get(record)
        if states and (record == "plan_issued" or feed.has("values")):
            mapping = feed.section("values", required=True)
            if mapping is not None:
                values = tuple((state, mapping.raw(state, required=True)) for state in states)
                mapping.finish()
        feed.finish()
        if source == "survey":
            reader.report("fed_by is only allowed on self-assessed items")
            return None
        if record is None or rule is None:
            return None
        if (record == "plan_issued" and not values) or any(a is None for _, a in values):
            return None  # the missing values are reported above
        answers = [answer for _, answer in values] if values else [0, 100]
        for answer in answers:
            try:
                rule.score(answer)
            except (ValueError, TypeError) as problem:
                reader.report(f"fed_by: the {rule.name} rule does not take the answer "
                              f"{shown(answer)} that {record} proposes ({problem})")
                return None
        return RecordFeed(record, values)

    def _rule(self, reader: FieldReader, source: str | None, max_points: Decimal | None):
        data = reader.raw("rule", required=True)
        if data is None:
            return None
        params = reader.nested(data, "rule")
        type_name = params.text("type", required=True)
        if type_name is None:
            return None
        rule_type = self.rule_types.get(type_name)
        if rule_type is None:
            reader.report(f"unknown rule type {type_name!r} "
                          f"(known: {', '.join(sorted(self.rule_types))})")
            return None
        if source == "survey" and type_name != "survey":
            reader.report(f"a survey leaf must use the survey rule, not {type_name!r}")
        if source == "self" and type_name == "survey":
            reader.report("the survey rule is only allowed on survey leaves (source: survey)")
        if max_points is None:  # the parameters cannot be checked against an unknown max
            return None
        rule = rule_type.from_params(params, max_points)
        params.finish()
        return rule

    def _open(self, data, place: str, parent: str | None) -> tuple[FieldReader, str]:
        """A reader for one node, filing its problems under its code (or `place` without one)."""
        raw_code = data.get("code") if isinstance(data, Mapping) else None
        code = raw_code if isinstance(raw_code, str) and raw_code else place
        reader = FieldReader(data, self.log.reporter(code))
        reader.raw("code", required=True)
        if raw_code is not None:
            self._check_code(raw_code, parent, reader)
        return reader, code

    def _check_code(self, code, parent: str | None, reader: FieldReader) -> None:
        if not isinstance(code, str):
            reader.report(f"code must be quoted text such as \"1.2\", got {shown(code)}")
        elif not _CODE.fullmatch(code):
            reader.report(f"code {code!r} must be numbers joined by dots, such as \"1.2.1\"")
        elif parent is None and "." in code:
            reader.report(f"domain code {code!r} must be a single number such as \"1\"")
        elif parent is not None and code.rpartition(".")[0] != parent:
            reader.report(f"code {code!r} does not sit under its parent {parent!r} "
                          f"(expected {parent}.<number>)")
        if isinstance(code, str):
            if code in self.seen_codes:
                reader.report(f"code {code!r} is used more than once")
            self.seen_codes.add(code)

    @staticmethod
    def _check_declared_max(reader: FieldReader, declared: Decimal | None, leaves) -> None:
        """Called only when the items below parsed without problems, so their sum is sound."""
        total = sum((leaf.max_points for leaf in leaves), Decimal(0))
        if declared is not None and declared != total:
            reader.report(f"max_points {plain(declared)} differs from the sum of its "
                          f"sub-items {plain(total)}")
