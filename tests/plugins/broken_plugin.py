"""A plugin whose criteria set does not validate: it must be refused, not half-loaded."""

from pathlib import Path

from server.hookspecs import hookimpl


@hookimpl
def parindex_criteria_sets():
    return [Path(__file__).with_name("broken_set.yaml")]
