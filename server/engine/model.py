"""A criteria set as the engine holds it: an immutable tree of domains, criteria and leaves."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from server.engine.decimals import plain
from server.engine.rules import RuleType


@dataclass(frozen=True)
class LegalBasis:
    """The decision that issued the set: its number, its date (ISO yyyy-mm-dd) and title."""

    number: str
    date: str
    title: str | None = None

    def to_dict(self) -> dict:
        return {"number": self.number, "date": self.date, "title": self.title}


# Component keys a band may set a minimum on, besides domain codes and the set's named
# components: the appraised (self-assessed) part and the survey part, each as its own sub-index
# (points / applicable max points x 100).
COMPONENT_SELF = "self"
COMPONENT_SURVEY = "survey"


@dataclass(frozen=True)
class Component:
    """A named part of the index as the published tables print it (SIPAS, the leaders' survey,
    the socio-economic impact): the sum of the scored items under `codes` (domain, criterion or
    leaf codes, as declared; `leaf_codes` is every scored item they hold, in tree order). No
    leaf is counted in two components, so the columns never count a point twice."""

    key: str
    label: str
    codes: tuple[str, ...]
    leaf_codes: tuple[str, ...]
    max_points: Decimal
    verified: bool

    def to_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "codes": list(self.codes),
                "max_points": plain(self.max_points), "verified": self.verified}


@dataclass(frozen=True)
class Band:
    """A classification band: an index of `min` or more (and below the band above) gets `label`.

    `min_components` holds optional further minimums, (component, min sub-index) pairs: the
    component is "self" (the appraised part), "survey" (the survey part), a domain code or the
    key of one of the set's named components. A unit
    reaches the band only when each named component's sub-index, rounded to 2 places, is at least
    its minimum; a component with no applicable leaf does not hold a unit back.
    """

    label: str
    min: Decimal
    min_components: tuple[tuple[str, Decimal], ...] = ()

    def reached(self, index: Decimal, components: Mapping[str, Decimal | None]) -> bool:
        if index < self.min:
            return False
        for component, minimum in self.min_components:
            value = components.get(component)
            if value is not None and value < minimum:
                return False
        return True

    def to_dict(self) -> dict:
        data = {"label": self.label, "min": plain(self.min)}
        if self.min_components:
            data["min_components"] = {key: plain(value) for key, value in self.min_components}
        return data


@dataclass(frozen=True)
class TieRule:
    """How ranks treat equal indices.

    `compare`: "unrounded" or "rounded" (which index decides equality);
    `ranks`: "shared" (1, 1, 3) or "distinct" (by unit code).
    """

    compare: str
    ranks: str


# The figures of the year's records an item's answer may be proposed from (criteria key
# `fed_by`, docs/criteria-sets.md): whether the PAR plan was issued on time (a state), the
# percentage of the plan completed, and the number of periodic reports missing or late.
RECORD_FIGURES = ("plan_issued", "plan_completion", "reports_on_time")
# The states of the plan_issued figure, each mapped to one of the item's answers.
PLAN_ISSUED_STATES = ("on_time", "late", "missing")
# The states the reports_on_time count maps to when an item takes a state rather than the
# count (a yes/no item "đủ số lượng và đúng thời gian"): no failure, or at least one.
REPORT_STATES = ("all_on_time", "missing_or_late")
# The figures whose `values` name states: required for plan_issued, optional for reports.
FIGURE_STATES = {"plan_issued": PLAN_ISSUED_STATES, "reports_on_time": REPORT_STATES}


@dataclass(frozen=True)
class RecordFeed:
    """Where an item's proposed answer comes from: `record` is one of RECORD_FIGURES; for a
    figure that is a state (or a report count taken as a state, REPORT_STATES), `values` maps
    each state to the rule's answer; otherwise the number figure is the answer itself."""

    record: str
    values: tuple[tuple[str, object], ...] = ()

    def answer_for(self, figure):
        """The rule's answer for the records' figure (a state or a number)."""
        if not self.values:
            return figure
        if self.record == "reports_on_time":
            figure = REPORT_STATES[0] if figure == 0 else REPORT_STATES[1]
        return dict(self.values)[figure]

    def to_dict(self) -> dict:
        data = {"record": self.record}
        if self.values:
            data["values"] = dict(self.values)
        return data


@dataclass(frozen=True)
class Leaf:
    """A scored item: a sub-criterion, or a criterion that has no sub-criteria."""

    code: str
    title: str
    max_points: Decimal
    source: str  # "self" (self-assessed, then appraised) or "survey" (imported)
    rule: RuleType
    verified: bool
    not_applicable_allowed: bool
    evidence_required: bool
    responsible_agency: str | None  # inherited from the nearest node above that names one
    level: str  # "sub_criterion", or "criterion" when a criterion is itself the leaf
    fed_by: RecordFeed | None = None  # the records its answer is proposed from, if any

    def leaves(self) -> tuple["Leaf", ...]:
        return (self,)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "title": self.title,
            "verified": self.verified,
            "responsible_agency": self.responsible_agency,
            "max_points": plain(self.max_points),
            "source": self.source,
            "not_applicable_allowed": self.not_applicable_allowed,
            "evidence_required": self.evidence_required,
            "rule": self.rule.to_dict(),
            **({"fed_by": self.fed_by.to_dict()} if self.fed_by else {}),
        }


@dataclass(frozen=True)
class Criterion:
    """A criterion: either the parent of sub-criteria, or itself a leaf (`leaf` is then set)."""

    level: ClassVar[str] = "criterion"

    code: str
    title: str
    verified: bool
    responsible_agency: str | None
    sub_criteria: tuple[Leaf, ...] = ()
    leaf: Leaf | None = None

    def leaves(self) -> tuple[Leaf, ...]:
        return (self.leaf,) if self.leaf else self.sub_criteria

    @property
    def max_points(self) -> Decimal:
        return sum((leaf.max_points for leaf in self.leaves()), Decimal(0))

    def to_dict(self) -> dict:
        if self.leaf:
            return self.leaf.to_dict()
        return {
            "code": self.code,
            "title": self.title,
            "verified": self.verified,
            "responsible_agency": self.responsible_agency,
            "max_points": plain(self.max_points),
            "sub_criteria": [leaf.to_dict() for leaf in self.sub_criteria],
        }


@dataclass(frozen=True)
class Domain:
    level: ClassVar[str] = "domain"

    code: str
    title: str
    verified: bool
    responsible_agency: str | None
    criteria: tuple[Criterion, ...]

    def leaves(self) -> tuple[Leaf, ...]:
        return tuple(leaf for criterion in self.criteria for leaf in criterion.leaves())

    @property
    def max_points(self) -> Decimal:
        return sum((leaf.max_points for leaf in self.leaves()), Decimal(0))

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "title": self.title,
            "verified": self.verified,
            "responsible_agency": self.responsible_agency,
            "max_points": plain(self.max_points),
            "criteria": [criterion.to_dict() for criterion in self.criteria],
        }


Node = Domain | Criterion | Leaf


def tree_totals(domains: tuple[Domain, ...]) -> dict:
    """The figures a set may declare under `totals`, computed from its tree."""
    leaves = [leaf for domain in domains for leaf in domain.leaves()]

    def points(source: str) -> Decimal:
        return sum((leaf.max_points for leaf in leaves if leaf.source == source), Decimal(0))

    return {
        "max_points": points("self") + points("survey"),
        "self_assessed": points("self"),
        "survey": points("survey"),
        "domains": len(domains),
        "criteria": sum(len(domain.criteria) for domain in domains),
        "sub_criteria": len(leaves),  # every scored item
        # Sub-criteria proper: a criterion scored directly is a scored item, not a sub-criterion.
        "sub_criteria_proper": sum(1 for leaf in leaves if leaf.level == "sub_criterion"),
    }


@dataclass(frozen=True)
class CarryOver:
    """How this version's codes follow from an earlier set's (`previous` = "id@version").

    `codes` maps an old code to its new code, or to None when the item has no successor; an old
    code that is not listed keeps its code. It lets a unit compare with last year when codes
    change.
    """

    previous: str
    codes: tuple[tuple[str, str | None], ...]

    def new_code(self, old: str) -> str | None:
        return dict(self.codes).get(old, old)

    def to_dict(self) -> dict:
        return {"from": self.previous, "codes": dict(self.codes)}


@dataclass(frozen=True)
class CriteriaSet:
    id: str
    version: str
    title: str
    level: str  # province | ministry | department | district | commune
    legal_basis: LegalBasis
    years: tuple[int, ...]
    source_note: str | None
    verified: bool
    survey_optional: bool
    bands: tuple[Band, ...]  # highest first
    tie_rule: TieRule
    domains: tuple[Domain, ...]
    carry_over: CarryOver | None = None
    components: tuple[Component, ...] = ()
    _index: dict = field(init=False, repr=False, compare=False)
    _leaves: tuple = field(init=False, repr=False, compare=False)
    _leaf_index: dict = field(init=False, repr=False, compare=False)
    _leaf_domains: dict = field(init=False, repr=False, compare=False)
    _component_of: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        # A leaf criterion is one node: the index holds the Criterion, the leaf list its Leaf.
        index = {}
        for domain in self.domains:
            index[domain.code] = domain
            for criterion in domain.criteria:
                index[criterion.code] = criterion
                index.update((leaf.code, leaf) for leaf in criterion.sub_criteria)
        object.__setattr__(self, "_index", index)
        # The tree's shape, worked out once per set: every dossier scored against it reads it.
        leaves = tuple(leaf for domain in self.domains for leaf in domain.leaves())
        object.__setattr__(self, "_leaves", leaves)
        object.__setattr__(self, "_leaf_index", {leaf.code: leaf for leaf in leaves})
        object.__setattr__(self, "_leaf_domains", {leaf.code: domain.code
                                                   for domain in self.domains
                                                   for leaf in domain.leaves()})
        object.__setattr__(self, "_component_of", {code: component.key
                                                   for component in self.components
                                                   for code in component.leaf_codes})

    def nodes(self) -> list[Node]:
        """Every domain, criterion and sub-criterion, in tree order."""
        return list(self._index.values())

    def node(self, code: str) -> Node:
        """The node with `code` (a Criterion for a leaf criterion); KeyError when there is none."""
        return self._index[code]

    def leaves(self) -> list[Leaf]:
        """Every scored item, in tree order."""
        return list(self._leaves)

    @property
    def leaf_index(self) -> Mapping[str, Leaf]:
        """code -> scored item, for every leaf (read-only: do not change it)."""
        return self._leaf_index

    def leaf(self, code: str) -> Leaf:
        """The scored item with `code`; KeyError when `code` is not a leaf."""
        return self._leaf_index[code]

    def leaf_domain(self, code: str) -> str:
        """The code of the domain the leaf `code` is in; KeyError when it is not a leaf."""
        return self._leaf_domains[code]

    @property
    def component_of(self) -> Mapping[str, str]:
        """leaf code -> key of the named component that counts it (read-only)."""
        return self._component_of

    @property
    def max_points(self) -> Decimal:
        return sum((domain.max_points for domain in self.domains), Decimal(0))

    def totals(self) -> dict:
        return tree_totals(self.domains)

    def verification(self) -> dict:
        """How many nodes were checked against the official text."""
        verified = sum(1 for node in self.nodes() if node.verified)
        return {"nodes": len(self._index), "verified": verified,
                "unverified": len(self._index) - verified}

    @property
    def band_components(self) -> set[str]:
        """The components the bands ask minimum sub-indices of."""
        return {key for band in self.bands for key, _minimum in band.min_components}

    def classify(self, index: Decimal | None,
                 components: Mapping[str, Decimal | None] | None = None) -> str | None:
        """The label of the first band the unit reaches; None below every band.

        `components` maps "self", "survey", domain codes and named components' keys to their
        rounded sub-indices, for bands
        with `min_components`; left out, those further minimums are not checked.
        """
        if index is None:
            return None
        return next((band.label for band in self.bands
                     if band.reached(index, components or {})), None)

    def to_dict(self) -> dict:
        """The whole set, JSON-ready, in the YAML format: parsing it gives an equal set."""
        totals = self.totals()
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "level": self.level,
            "legal_basis": self.legal_basis.to_dict(),
            "years": list(self.years),
            "source_note": self.source_note,
            "verified": self.verified,
            "totals": {key: plain(value) if isinstance(value, Decimal) else value
                       for key, value in totals.items()
                       # declared only where it differs from sub_criteria (a criterion scored
                       # directly): the dict of every other set stays as it was
                       if key != "sub_criteria_proper" or value != totals["sub_criteria"]},
            "survey": {"optional": self.survey_optional},
            "bands": [band.to_dict() for band in self.bands],
            "tie_rule": {"compare": self.tie_rule.compare, "ranks": self.tie_rule.ranks},
            "domains": [domain.to_dict() for domain in self.domains],
        } | ({"carry_over": self.carry_over.to_dict()} if self.carry_over else {}) \
          | ({"components": [component.to_dict() for component in self.components]}
             if self.components else {})
