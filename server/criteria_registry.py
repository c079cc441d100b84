"""The criteria sets every plugin offers, loaded and validated once per process."""

from dataclasses import dataclass, field
from pathlib import Path

import pluggy

from server.engine import CriteriaSet, CriteriaSetError, RuleType, load_criteria_set


class RegistryError(Exception):
    """A plugin conflict that makes the registry unusable (e.g. two rule types with one name)."""


@dataclass
class CriteriaRegistry:
    sets: dict[tuple[str, str], CriteriaSet] = field(default_factory=dict)
    # Files that did not validate: path -> the error listing every problem. They stay refused.
    errors: dict[str, CriteriaSetError] = field(default_factory=dict)
    rule_types: dict[str, type[RuleType]] = field(default_factory=dict)

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
    for paths in pm.hook.parindex_criteria_sets():
        for path in paths:
            try:
                criteria_set = load_criteria_set(Path(path), registry.rule_types)
            except CriteriaSetError as error:
                registry.errors[str(path)] = error
                continue
            key = (criteria_set.id, criteria_set.version)
            if key in registry.sets and registry.sets[key].to_dict() != criteria_set.to_dict():
                registry.errors[str(path)] = CriteriaSetError.single(
                    str(path), criteria_set.id,
                    f"{criteria_set.id}@{criteria_set.version} is already defined differently",
                )
                continue
            registry.sets[key] = criteria_set
    return registry
