"""Loading a criteria set from YAML and refusing it, with every problem listed, when it is wrong."""

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal

from server.engine.components import read_components
from server.engine.decimals import plain
from server.engine.fields import FieldReader, shown
from server.engine.model import (
    COMPONENT_SELF,
    COMPONENT_SURVEY,
    Band,
    CarryOver,
    CriteriaSet,
    LegalBasis,
    TieRule,
    tree_totals,
)
from server.engine.problems import CriteriaSetError, ProblemLog
from server.engine.rules import RuleType, builtin_rule_types
from server.engine.tree_parser import TreeParser

LEVELS = ("province", "ministry", "department", "district", "commune")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
HUNDRED = Decimal(100)
SET_LEVEL = "set"  # the "code" under which problems of set-level fields are filed
POINT_TOTALS = ("max_points", "self_assessed", "survey")
COUNT_TOTALS = ("domains", "criteria", "sub_criteria", "sub_criteria_proper")


def parse_criteria_set(data: dict, source: str,
                       rule_types: Mapping[str, type[RuleType]] | None = None) -> CriteriaSet:
    """The set described by `data` (the YAML format as Python data); `source` names it in messages.

    `rule_types` maps type names to RuleType classes; None means the built-in ones.
    Raises CriteriaSetError listing every problem found.
    """
    log = ProblemLog(source)
    top = FieldReader(data, log.reporter(SET_LEVEL))
    set_id = top.text("id", required=True)
    if set_id is not None and not _ID.fullmatch(set_id):
        top.report(f"'id' {set_id!r} may hold only lowercase letters, digits and dashes")
    version = _version(top)
    title = top.text("title", required=True)
    level = top.one_of("level", LEVELS, required=True)
    legal_basis = _legal_basis(top)
    years = _years(top)
    source_note = top.text("source_note")
    verified = top.boolean("verified", default=False)
    survey_optional = _survey_optional(top)
    bands = _bands(top)
    tie_rule = _tie_rule(top)
    totals = top.section("totals")
    declared = _declared_totals(totals) if totals else {}
    problems_before_tree = len(log.problems)
    parser = TreeParser(log, builtin_rule_types() if rule_types is None else rule_types)
    domains = parser.domains(top.entries("domains", required=True) or [])
    carry_over = _carry_over(top, domains)
    # Components name codes of the tree: read only once the tree parsed without a problem.
    tree_clean = len(log.problems) == problems_before_tree
    components = read_components(top, domains) if tree_clean else ()
    top.raw("components")  # read either way: finish() refuses keys nobody read
    top.finish()
    if tree_clean:
        _check_totals(totals, declared, tree_totals(domains))
        _check_band_components(top, bands, domains, components)
    if log.problems:
        raise CriteriaSetError(log.problems)
    return CriteriaSet(set_id, version, title, level, legal_basis, years, source_note, verified,
                       survey_optional, bands, tie_rule, domains, carry_over, components)


def _carry_over(top: FieldReader, domains) -> CarryOver | None:
    section = top.section("carry_over")
    if section is None:
        return None
    previous = section.text("from", required=True)
    if previous is not None and not re.fullmatch(r"[a-z0-9-]+@[0-9]+\.[0-9]+\.[0-9]+", previous):
        section.report(f"'carry_over.from' must be id@version such as province-2017@1.0.0, "
                       f"got {previous!r}")
    codes = section.raw("codes", required=True) or {}
    section.finish()
    if not isinstance(codes, Mapping):
        section.report("'carry_over.codes' must map an old code to its new code (or null)")
        return None
    leaves = {leaf.code for domain in domains for leaf in domain.leaves()}
    pairs = []
    for old, new in codes.items():
        if not isinstance(old, str) or not (new is None or isinstance(new, str)):
            section.report(f"'carry_over.codes': write codes as quoted text, got {old!r}: {new!r}")
        elif new is not None and new not in leaves:
            section.report(f"'carry_over.codes': {old} is carried to {new}, which is not a "
                           "scored item of this set")
        else:
            pairs.append((old, new))
    return CarryOver(previous, tuple(pairs)) if previous else None


def _version(top: FieldReader) -> str | None:
    version = top.raw("version", required=True)
    if isinstance(version, (int, float, Decimal)) and not isinstance(version, bool):
        # YAML reads an unquoted `version: 1.0` as a number, which cannot say 1.0.0 from 1.0.
        top.report(f"'version' must be text such as \"1.0.0\", got the number {version} "
                   "(write major.minor.patch, or quote it)")
        return None
    if version is not None and not (isinstance(version, str) and _VERSION.fullmatch(version)):
        top.report(f"'version' must be major.minor.patch such as \"1.0.0\", got {shown(version)}")
        return None
    return version


def _legal_basis(top: FieldReader) -> LegalBasis | None:
    basis = top.section("legal_basis", required=True)
    if basis is None:
        return None
    number = basis.text("number", required=True)
    date = _iso_date(basis, "date")
    title = basis.text("title")
    basis.finish()
    return LegalBasis(number, date, title)


def _iso_date(reader: FieldReader, key: str) -> str | None:
    value = reader.raw(key, required=True)
    # YAML reads 2020-12-30 as a date; a datetime (with a time of day) is not a decision date.
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    if value is not None:
        reader.report(f"'{reader.path(key)}' must be a date written yyyy-mm-dd, got {shown(value)}")
    return None


def _years(top: FieldReader) -> tuple[int, ...]:
    years = top.entries("years", required=True) or []
    for year in years:
        if isinstance(year, bool) or not isinstance(year, int):
            top.report(f"'years' must list whole years such as 2021, got {shown(year)}")
    return tuple(years)


def _survey_optional(top: FieldReader) -> bool | None:
    survey = top.section("survey")
    if survey is None:
        return False
    optional = survey.boolean("optional", default=False)
    survey.finish()
    return optional


def _bands(top: FieldReader) -> tuple[Band, ...]:
    bands, previous = [], None
    for position, item in enumerate(top.entries("bands", required=True) or [], 1):
        entry = top.nested(item, f"bands[{position}]")
        label = entry.text("label", required=True)
        minimum = entry.number("min", required=True, low=Decimal(0), high=HUNDRED)
        components = _band_components(entry)
        entry.finish()
        if label is not None and label in {band.label for band in bands}:
            entry.report(f"band label {label!r} is used twice")
        if minimum is not None and previous is not None and minimum >= previous:
            entry.report(f"'{entry.path('min')}' {plain(minimum)} must be below the min "
                         f"{plain(previous)} of the band before it (bands go highest first)")
        previous = minimum if minimum is not None else previous
        bands.append(Band(label, minimum, components))
    return tuple(bands)


def _band_components(entry: FieldReader) -> tuple[tuple[str, Decimal], ...]:
    section = entry.section("min_components")
    if section is None:
        return ()
    components = []
    for key in section.names():
        if not isinstance(key, str):
            # YAML reads an unquoted domain code such as 3 as a number.
            section.report(f"'{section.path(str(key))}': write the component as text, such as "
                           f"\"{key}\" for a domain code")
            section.raw(key)
            continue
        minimum = section.number(key, required=True, low=Decimal(0), high=HUNDRED)
        if minimum is not None:
            components.append((key, minimum))
    section.finish()
    if not components and not section.names():
        section.report(f"'{section.where}' must name at least one component")
    return tuple(components)


def _check_band_components(top: FieldReader, bands: tuple[Band, ...], domains,
                           components) -> None:
    known = {COMPONENT_SELF, COMPONENT_SURVEY} | {domain.code for domain in domains} \
        | {component.key for component in components}
    for position, band in enumerate(bands, 1):
        for key, _minimum in band.min_components:
            if key not in known:
                top.report(f"'bands[{position}].min_components' names {key!r}, which is neither "
                           "self, survey, a domain code nor a component of the set")


def _tie_rule(top: FieldReader) -> TieRule | None:
    tie_rule = top.section("tie_rule", required=True)
    if tie_rule is None:
        return None
    compare = tie_rule.one_of("compare", ("unrounded", "rounded"), required=True)
    ranks = tie_rule.one_of("ranks", ("shared", "distinct"), required=True)
    tie_rule.finish()
    return TieRule(compare, ranks)


def _declared_totals(totals: FieldReader) -> dict:
    declared = {key: totals.number(key, low=Decimal(0)) for key in POINT_TOTALS}
    declared.update((key, totals.integer(key)) for key in COUNT_TOTALS)
    totals.finish()
    return {key: value for key, value in declared.items() if value is not None}


def _check_totals(totals: FieldReader | None, declared: dict, actual: dict) -> None:
    for key, value in declared.items():
        if value != actual[key]:
            totals.report(f"'{totals.path(key)}' is {shown(value)} but the tree gives "
                          f"{shown(actual[key])}")
