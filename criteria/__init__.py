"""Built-in criteria-set plugins, one package per set (see docs/criteria-sets.md)."""

from pathlib import Path

from server.hookspecs import hookimpl


def yaml_beside(package_file: str):
    """The `parindex_criteria_sets` hookimpl of a package that ships `criteria.yaml` beside its
    `__init__.py`; a package assigns it to a module attribute of that name."""
    path = Path(package_file).with_name("criteria.yaml")

    @hookimpl
    def parindex_criteria_sets():
        return [path]

    return parindex_criteria_sets
