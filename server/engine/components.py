"""A set's named components (`components:` in the YAML): reading them, and summing a unit's
points into them.

The published tables print, beside the index, the appraised points, the SIPAS points, the
leaders' survey points and the socio-economic impact points; a set says which of its items make
each column. A component is the sum of the scored items under its codes, with its own sub-index
(points / max points of its applicable items x 100), as a domain has.
"""

import re
from collections.abc import Mapping
from decimal import Decimal, localcontext

from server.engine.decimals import ENGINE_CONTEXT, plain
from server.engine.fields import FieldReader, shown
from server.engine.model import COMPONENT_SELF, COMPONENT_SURVEY, Component, Domain
from server.engine.results import COUNTED, NOT_APPLICABLE, PENDING, NodeScore

_KEY = re.compile(r"[a-z][a-z0-9_]*")
LEVEL = "component"  # the NodeScore level of a component's figures


def read_components(top: FieldReader, domains: tuple[Domain, ...]) -> tuple[Component, ...]:
    """The `components` list of a set whose tree parsed cleanly; every problem is reported with
    its path (`components[2].codes`)."""
    items = top.entries("components")
    if items is None:
        return ()
    nodes = {}
    for domain in domains:
        nodes[domain.code] = domain
        for criterion in domain.criteria:
            nodes[criterion.code] = criterion
            nodes.update((leaf.code, leaf) for leaf in criterion.sub_criteria)
    reserved = {COMPONENT_SELF, COMPONENT_SURVEY} | {domain.code for domain in domains}
    counted_in: dict[str, str] = {}  # leaf code -> the component that counts it
    components = []
    for position, item in enumerate(items, 1):
        entry = top.nested(item, f"components[{position}]")
        key = entry.text("key", required=True)
        label = entry.text("label", required=True)
        codes = entry.entries("codes", required=True) or []
        declared = entry.number("max_points", positive=True)
        verified = entry.boolean("verified", default=False)
        entry.finish()
        if key is not None and not _KEY.fullmatch(key):
            entry.report(f"'{entry.path('key')}' {key!r} must start with a lowercase letter and "
                         "hold only lowercase letters, digits and underscores")
        elif key in reserved:
            entry.report(f"'{entry.path('key')}' {key!r} is taken: self, survey and the domain "
                         "codes already name parts of the set")
        elif key is not None and key in {component.key for component in components}:
            entry.report(f"'{entry.path('key')}' {key!r} is used by another component")
        leaves = []
        for code in codes:
            if not isinstance(code, str):
                entry.report(f"'{entry.path('codes')}': write codes as quoted text, "
                             f"got {shown(code)}")
            elif code not in nodes:
                entry.report(f"'{entry.path('codes')}' names {code}, which is not a code of "
                             "the set")
            else:
                leaves += [leaf.code for leaf in nodes[code].leaves()]
        for code in leaves:
            if code in counted_in:
                entry.report(f"'{entry.path('codes')}': item {code} is already counted in "
                             f"component {counted_in[code]!r}; an item belongs to one component")
            else:
                counted_in[code] = key or f"components[{position}]"
        order = {leaf.code: n for n, leaf in enumerate(
            leaf for domain in domains for leaf in domain.leaves())}
        leaf_codes = tuple(sorted(set(leaves), key=order.__getitem__))
        maximum = sum((nodes[code].max_points for code in leaf_codes), Decimal(0))
        if declared is not None and declared != maximum:
            entry.report(f"'{entry.path('max_points')}' is {plain(declared)} but its items "
                         f"give {plain(maximum)}")
        components.append(Component(key, label, tuple(c for c in codes if isinstance(c, str)),
                                    leaf_codes, maximum, verified))
    return tuple(components)


def component_scores(component_of: Mapping[str, str], keys,
                     leaves: Mapping[str, tuple[str, Decimal, Decimal]]) -> dict[str, NodeScore]:
    """key -> the component's figures, from its items' (status, points, max points) by leaf
    code (`component_of`: leaf code -> component key; `keys`: every key, in the set's order).
    Items that do not count (not applicable, an absent survey) leave points and max points;
    a component none of whose items applies is marked not applicable."""
    sums = {key: [Decimal(0), Decimal(0), True] for key in keys}
    with localcontext(ENGINE_CONTEXT):
        for code, (status, points, max_points) in leaves.items():
            figures = sums[component_of[code]]
            if status in COUNTED:
                figures[0] += points
                figures[1] += max_points
            figures[2] = figures[2] and status == NOT_APPLICABLE
    return {key: NodeScore(key, LEVEL, points, max_points, PENDING, not_applicable)
            for key, (points, max_points, not_applicable) in sums.items()}
