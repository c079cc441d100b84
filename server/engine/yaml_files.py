"""Reading YAML as criteria data needs it: exact decimals, no duplicate keys, safe tags only."""

from decimal import Decimal, InvalidOperation

import yaml

# The C parser when libyaml is there (about ten times faster on a 100-leaf set).
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DecimalLoader(_BaseLoader):
    """SafeLoader that reads `0.1` as Decimal("0.1") and refuses a key written twice.

    A float would turn 0.1 into 0.1000000000000000055..., and a repeated key would otherwise
    silently keep only its last value.
    """

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *anchor` may repeat keys
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: the base class reports it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"found duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def _construct_decimal(loader, node):
    text = loader.construct_scalar(node).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        # .inf, .nan and base-60 numbers: left to PyYAML; the loader refuses what is not finite.
        return loader.construct_yaml_float(node)


DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def read_yaml(path):
    """The data in the YAML file at `path`; raises OSError or yaml.YAMLError."""
    with open(path, "rb") as stream:
        return yaml.load(stream, Loader=DecimalLoader)  # noqa: S506 (DecimalLoader is a SafeLoader)


def yaml_error_place(error: yaml.YAMLError) -> tuple[str, str]:
    """(where, what) for a YAML error: ("line 12", "found duplicate key 'code'")."""
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1}" if mark else "file"
    problem = getattr(error, "problem", None) or str(error)
    return where, f"not valid YAML: {problem}"
