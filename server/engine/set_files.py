"""Reading criteria-set files: the YAML, parsed by the loader, its `extends` resolved."""

from collections.abc import Mapping
from pathlib import Path

import yaml

from server.engine.extends import resolve_extends
from server.engine.loader import parse_criteria_set
from server.engine.model import CriteriaSet
from server.engine.problems import CriteriaSetError
from server.engine.rules import RuleType
from server.engine.yaml_files import read_yaml, yaml_error_place


def load_criteria_set(path, rule_types: Mapping[str, type[RuleType]] | None = None,
                      lookup=None) -> CriteriaSet:
    """The set in the YAML file at `path`, or CriteriaSetError naming `path` in every problem.

    A file that `extends` another set is resolved through `lookup(id, version)`, which returns an
    installed CriteriaSet or None (see server.engine.extends).
    """
    data = read_criteria_file(path)
    if isinstance(data, Mapping) and "extends" in data:
        return resolve_extends(data, str(path), lookup or (lambda *_: None), rule_types)
    return parse_criteria_set(data, str(path), rule_types)


def read_criteria_file(path):
    """The data in the YAML file at `path`; CriteriaSetError when it cannot be read or parsed."""
    source = str(path)
    try:
        return read_yaml(Path(path))
    except OSError as error:
        raise CriteriaSetError.single(source, "file", f"cannot be read: {error.strerror}") \
            from error
    except yaml.YAMLError as error:
        raise CriteriaSetError.single(source, *yaml_error_place(error)) from error
