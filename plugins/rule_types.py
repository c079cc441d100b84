"""The engine's built-in rule types, offered through the same hook a plugin would use."""

from server.engine import builtin_rule_types
from server.hookspecs import hookimpl


@hookimpl
def parindex_rule_types():
    return list(builtin_rule_types().values())
