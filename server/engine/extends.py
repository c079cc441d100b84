"""A set that extends another (`extends: id@version`): a provincial adaptation without copying.

The derived file names its base and lists only what differs:

    id: province-2020-qb
    version: 1.0.0
    extends: province-2020@1.0.0
    title: ...                 # any set-level field given here replaces the base's
    override:                  # code -> fields replaced on that node
      "1.1.1": {max_points: 1.5, title: ..., rule: {...}}
    add:                       # new nodes, each under `parent` (a domain or a criterion code)
      - {parent: "1.1", code: "1.1.4", title: ..., max_points: 0.5, rule: {type: yes_no}}
    drop: ["1.1.3"]            # codes removed, with everything below them

The result is the base's tree with these changes, parsed by the same loader as any set: codes
must be unique and nest, sums must add up, rules must fit. Declared sums and totals of the base
are not carried over (a change of points would contradict them); the derived set may declare its
own `totals`. `verified` is not inherited either: an adaptation is unverified unless it says so.
The base's named components are inherited without dropped codes, declared max points or
`verified`, unless the adaptation declares its own `components`.
"""

import copy
from collections.abc import Callable, Mapping

from server.engine.loader import parse_criteria_set
from server.engine.model import CriteriaSet
from server.engine.problems import CriteriaSetError, ProblemLog
from server.engine.rules import RuleType

DERIVED_ONLY = ("extends", "override", "add", "drop")
NOT_INHERITED = ("totals", "verified", "carry_over")
OVERRIDABLE = ("title", "max_points", "rule", "verified", "source", "not_applicable_allowed",
               "evidence_required", "responsible_agency", "fed_by")

BaseLookup = Callable[[str, str], CriteriaSet | None]


def base_reference(data) -> tuple[str, str] | None:
    """(id, version) named by `extends`, or None when the data does not extend a set."""
    if not isinstance(data, Mapping) or "extends" not in data:
        return None
    set_id, _, version = str(data["extends"]).partition("@")
    return set_id, version


def resolve_extends(data: Mapping, source: str, lookup: BaseLookup,
                    rule_types: Mapping[str, type[RuleType]] | None = None) -> CriteriaSet:
    """The set `data` describes on top of its base; CriteriaSetError lists every problem."""
    log = ProblemLog(source)
    set_id, version = base_reference(data) or ("", "")
    if not version:
        raise CriteriaSetError.single(source, "extends",
                                      f"must be id@version such as province-2020@1.0.0, "
                                      f"got {data.get('extends')!r}")
    base = lookup(set_id, version)
    if base is None:
        raise CriteriaSetError.single(source, "extends", f"base set {set_id}@{version} is not "
                                      "installed")
    merged = base.to_dict()
    for key in NOT_INHERITED:
        merged.pop(key, None)
    merged.update((k, v) for k, v in data.items() if k not in DERIVED_ONLY)
    domains = merged["domains"]
    _strip_derived_sums(domains)
    nodes = _index(domains)
    for code in _list(data, "drop", log):
        _drop(domains, str(code), nodes, log)
    nodes = _index(domains)
    if "components" not in data:
        _inherit_components(merged, nodes)
    for code, fields in (_mapping(data, "override", log)).items():
        _override(nodes, str(code), fields, log)
    for position, item in enumerate(_list(data, "add", log), 1):
        _add(domains, nodes, item, position, log)
        nodes = _index(domains)
    if log.problems:
        raise CriteriaSetError(log.problems)
    return parse_criteria_set(merged, source, rule_types)


def _inherit_components(merged: dict, nodes: dict) -> None:
    """The base's named components, without the codes the adaptation dropped (a component left
    with none goes), their declared max points and their `verified`: the adaptation may change
    their items' points. An adaptation that declares `components` replaces them all."""
    components = []
    for component in merged.pop("components", None) or []:
        codes = [code for code in component["codes"] if code in nodes]
        if codes:
            components.append({"key": component["key"], "label": component["label"],
                               "codes": codes})
    if components:
        merged["components"] = components


def _strip_derived_sums(domains: list) -> None:
    for domain in domains:
        domain.pop("max_points", None)
        for criterion in domain["criteria"]:
            if "sub_criteria" in criterion:
                criterion.pop("max_points", None)


def _index(domains: list) -> dict[str, tuple[dict, list]]:
    """code -> (the node's dict, the list that holds it)."""
    index = {}
    for domain in domains:
        index[domain["code"]] = (domain, domains)
        for criterion in domain["criteria"]:
            index[criterion["code"]] = (criterion, domain["criteria"])
            for leaf in criterion.get("sub_criteria", ()):
                index[leaf["code"]] = (leaf, criterion["sub_criteria"])
    return index


def _list(data: Mapping, key: str, log: ProblemLog) -> list:
    value = data.get(key) or []
    if not isinstance(value, list):
        log.add(key, f"'{key}' must be a list")
        return []
    return value


def _mapping(data: Mapping, key: str, log: ProblemLog) -> Mapping:
    value = data.get(key) or {}
    if not isinstance(value, Mapping):
        log.add(key, f"'{key}' must be a mapping of code to fields")
        return {}
    return value


def _drop(domains: list, code: str, nodes: dict, log: ProblemLog) -> None:
    if code not in nodes:
        log.add(code, "'drop' names a code the base set does not have")
        return
    node, holder = nodes[code]
    holder.remove(node)


def _override(nodes: dict, code: str, fields, log: ProblemLog) -> None:
    if code not in nodes:
        log.add(code, "'override' names a code the base set does not have (or one dropped)")
        return
    if not isinstance(fields, Mapping):
        log.add(code, "'override' must give a mapping of fields")
        return
    unknown = sorted(set(fields) - set(OVERRIDABLE))
    if unknown:
        log.add(code, f"'override' cannot change {', '.join(unknown)} "
                      f"(allowed: {', '.join(OVERRIDABLE)})")
        return
    node = nodes[code][0]
    if ("rule" in fields or "source" in fields) and "fed_by" not in fields:
        # The base's record feed mapped the base's rule; a new rule needs its own (or none).
        node.pop("fed_by", None)
    node.update(copy.deepcopy(dict(fields)))
    if "fed_by" in fields and fields["fed_by"] is None:  # `fed_by: null`: not fed any more
        node.pop("fed_by", None)


def _add(domains: list, nodes: dict, item, position: int, log: ProblemLog) -> None:
    where = f"add[{position}]"
    if not isinstance(item, Mapping) or "code" not in item:
        log.add(where, "each 'add' entry must be a mapping with a 'code'")
        return
    node = {k: copy.deepcopy(v) for k, v in item.items() if k != "parent"}
    parent = item.get("parent")
    if parent is None:
        node.setdefault("criteria", [])
        domains.append(node)
        return
    if str(parent) not in nodes:
        log.add(str(item["code"]), f"'{where}.parent' {parent!r} is not a code of the set")
        return
    holder = nodes[str(parent)][0]
    if "criteria" in holder:
        holder["criteria"].append(node)
    elif "sub_criteria" in holder:
        holder["sub_criteria"].append(node)
    else:
        log.add(str(item["code"]), f"'{where}.parent' {parent} is a scored criterion without "
                                   "sub-criteria: nothing can be added under it")
