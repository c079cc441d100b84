"""The criteria sets every plugin offers, loaded and validated once per process."""

from dataclasses import dataclass, field
from pathlib import Path

import pluggy

from server.engine import CriteriaSet, CriteriaSetError, RuleType, parse_criteria_set
from server.engine.carry_over import check_carry_over
from server.engine.extends import base_reference, resolve_extends
from server.engine.problems import Problem
from server.engine.set_files import read_criteria_file


class RegistryError(Exception):
    """A plugin conflict that makes the registry unusable (e.g. two rule types with one name)."""


@dataclass
class CriteriaRegistry:
    sets: dict[tuple[str, str], CriteriaSet] = field(default_factory=dict)
    # Files that did not validate: path -> the error listing every problem. They stay refused.
    errors: dict[str, CriteriaSetError] = field(default_factory=dict)
    rule_types: dict[str, type[RuleType]] = field(default_factory=dict)
    # (id, version) -> the file the set was loaded from (its test cases live beside it)
    paths: dict[tuple[str, str], Path] = field(default_factory=dict)

    def get(self, set_id: str, version: str | None = None) -> CriteriaSet | None:
        """The set `set_id` at `version`, or its highest version when `version` is None."""
        if version is not None:
            return self.sets.get((set_id, version))
        versions = [s for (i, _), s in self.sets.items() if i == set_id]
        return max(versions, key=lambda s: _version_key(s.version), default=None)

    def latest(self) -> list[CriteriaSet]:
        """The highest version of every set id, sorted by id."""
        ids = sorted({i for i, _ in self.sets})
        return [self.get(i) for i in ids]

    def add(self, path: Path, build) -> None:
        """Install the set `build()` returns, or file its error under `path`.

        Two different sets under one id@version are refused: the second is an error.
        """
        try:
            criteria_set = build()
        except CriteriaSetError as error:
            self.errors[str(path)] = error
            return
        key = (criteria_set.id, criteria_set.version)
        if key in self.sets and self.sets[key].to_dict() != criteria_set.to_dict():
            self.errors[str(path)] = CriteriaSetError.single(
                str(path), criteria_set.id,
                f"{criteria_set.id}@{criteria_set.version} is already defined differently",
            )
            return
        self.sets[key] = criteria_set
        self.paths.setdefault(key, Path(path))

    def all(self) -> list[CriteriaSet]:
        return [self.sets[k] for k in sorted(self.sets, key=lambda k: (k[0], _version_key(k[1])))]


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in version.split("."))


def build_registry(pm: pluggy.PluginManager) -> CriteriaRegistry:
    registry = CriteriaRegistry()
    for rule_types in pm.hook.parindex_rule_types():
        for rule_type in rule_types:
            if rule_type.name in registry.rule_types:
                raise RegistryError(f"two plugins define the rule type {rule_type.name!r}")
            registry.rule_types[rule_type.name] = rule_type
    paths = [Path(p) for group in pm.hook.parindex_criteria_sets() for p in group]
    pending = []  # (path, data, (base id, base version)) of sets that extend another
    for path in paths:
        try:
            data = read_criteria_file(path)
        except CriteriaSetError as error:
            registry.errors[str(path)] = error
            continue
        base = base_reference(data)
        if base:
            pending.append((path, data, base))
        else:
            registry.add(path, lambda p=path, d=data: parse_criteria_set(d, str(p),
                                                                         registry.rule_types))
    # Adaptations may extend adaptations: resolve in rounds while a base becomes available.
    while pending:
        ready = [item for item in pending if item[2] in registry.sets]
        for item in ready if ready else pending:
            path, data = item[0], item[1]
            registry.add(path, lambda p=path, d=data: resolve_extends(
                d, str(p), registry.get, registry.rule_types))
        pending = [item for item in pending if item not in ready] if ready else []
    _check_carry_overs(registry)
    return registry


def _check_carry_overs(registry: CriteriaRegistry) -> None:
    """A carry-over map naming old codes its installed previous set lacks is refused."""
    for key, criteria_set in list(registry.sets.items()):
        carry = criteria_set.carry_over
        if carry is None:
            continue
        previous = registry.get(*carry.previous.split("@"))
        problems = check_carry_over(previous, criteria_set) if previous else []
        if problems:
            path = str(registry.paths.pop(key))
            del registry.sets[key]
            registry.errors[path] = CriteriaSetError([Problem(path, "carry_over", message)
                                                      for message in problems])
