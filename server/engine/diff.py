"""Two criteria sets side by side, node by node (usually two versions of one set)."""

from dataclasses import dataclass

from server.engine.model import CriteriaSet, Criterion, Leaf, Node

SAME, CHANGED, ADDED, REMOVED = "same", "changed", "added", "removed"


@dataclass(frozen=True)
class DiffRow:
    code: str
    status: str               # same | changed | added (right only) | removed (left only)
    left: dict | None         # the node's fields as the table shows them, or None
    right: dict | None
    changed: tuple[str, ...]  # names of the fields that differ
    carried_to: str | None = None  # the right set's carry-over map sends this code elsewhere


def _fields(node: Node) -> dict:
    leaf = node.leaf if isinstance(node, Criterion) else node
    fields = {"title": node.title, "max_points": node.max_points, "verified": node.verified}
    if isinstance(leaf, Leaf):
        fields.update(source=leaf.source, rule=leaf.rule.to_dict())
    return fields


def diff_sets(left: CriteriaSet, right: CriteriaSet) -> list[DiffRow]:
    """Every code of either set, in the left set's order then the right's new codes."""
    left_nodes = {node.code: node for node in left.nodes()}
    right_nodes = {node.code: node for node in right.nodes()}
    codes = list(left_nodes) + [code for code in right_nodes if code not in left_nodes]
    carry = right.carry_over
    moved = {}
    if carry and carry.previous == f"{left.id}@{left.version}":
        moved = {old: new for old, new in carry.codes if new != old}
    rows = []
    for code in codes:
        a = _fields(left_nodes[code]) if code in left_nodes else None
        b = _fields(right_nodes[code]) if code in right_nodes else None
        target = moved.get(code) if a is not None else None
        if a is None or b is None:
            rows.append(DiffRow(code, ADDED if a is None else REMOVED, a, b, (), target))
            continue
        changed = tuple(key for key in {**a, **b} if a.get(key) != b.get(key))
        rows.append(DiffRow(code, CHANGED if changed else SAME, a, b, changed, target))
    return rows
