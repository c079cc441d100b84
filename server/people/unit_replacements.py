"""Units that replace others (the 2025 mergers: one commune from three). A unit names the codes of
the units it replaces, its predecessors; last year's comparison and the points-lost report then
show each predecessor's figures beside the unit's own.

Codes are typed as one text, separated by commas or semicolons. A unit cannot replace itself, an
unknown unit, or a unit that (through its own predecessors) replaces it: the chain of
replacements never comes back to where it started.
"""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.extensions import db
from server.models import Unit
from server.models.units import unit_replacements

SEPARATORS = re.compile(r"[,;]")


def parse_codes(text: str) -> list[str]:
    """The codes of `text` ("XA, XB; XC"), in order, each once."""
    codes = []
    for part in SEPARATORS.split(text or ""):
        code = part.strip()
        if code and code not in codes:
            codes.append(code)
    return codes


def replacement_graph() -> dict[str, set[str]]:
    """successor code -> its predecessors' codes, for every unit that replaces others (one
    query)."""
    successor, predecessor = Unit.__table__.alias(), Unit.__table__.alias()
    graph: dict[str, set[str]] = {}
    for after, before in db.session.execute(
        select(successor.c.code, predecessor.c.code)
        .join(unit_replacements, unit_replacements.c.successor_id == successor.c.id)
        .join(predecessor, unit_replacements.c.predecessor_id == predecessor.c.id)
    ):
        graph.setdefault(after, set()).add(before)
    return graph


def _reaches(start: str, target: str, graph: dict[str, set[str]]) -> bool:
    seen, stack = set(), [start]
    while stack:
        code = stack.pop()
        if code == target:
            return True
        if code not in seen:
            seen.add(code)
            stack.extend(graph.get(code, ()))
    return False


def replacement_problem(code: str, predecessors: list[str], graph: dict[str, set[str]],
                        known) -> tuple[str, str] | None:
    """(kind, message) of the first problem with `code` replacing `predecessors`, or None.
    `graph` holds the other units' replacements; `known` the codes that exist."""
    for other in predecessors:
        if other == code:
            return "replaces_itself", str(_l("a unit cannot replace itself"))
        if other not in known:
            return "unknown_unit", str(_l("unknown unit %(code)s", code=repr(other)))
    graph = {**graph, code: set(predecessors)}
    for other in predecessors:
        if _reaches(other, code, graph):
            return "replacement_cycle", str(_l(
                "%(other)s already replaces %(code)s, directly or through other units",
                other=other, code=code))
    return None


def set_predecessors(unit: Unit, codes: list[str], units_by_code: dict[str, Unit]) -> None:
    """Replace the unit's predecessors by the units of `codes` (already checked)."""
    unit.predecessors = [units_by_code[code] for code in codes]
