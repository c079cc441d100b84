"""Built-in criteria-set plugins, one package per set (see docs/criteria-sets.md)."""

from pathlib import Path

from server.hookspecs import hookimpl


def yaml_beside(package_file: str):
    """The `parindex_criteria_sets` hookimpl of a package that ships `criteria.yaml` beside its
    `__init__.py`, and each later version as `versions/<version>/criteria.yaml` (with its own
    `cases/` beside it); a package assigns it to a module attribute of that name."""
    folder = Path(package_file).parent
    paths = [folder / "criteria.yaml",
             *sorted((folder / "versions").glob("*/criteria.yaml"),
                     key=lambda path: tuple(int(part) for part in path.parent.name.split(".")))]

    @hookimpl
    def parindex_criteria_sets():
        return paths

    return parindex_criteria_sets
