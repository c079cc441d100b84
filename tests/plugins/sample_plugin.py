"""A plugin implementing every hook, registered by the tests through PARINDEX_PLUGIN_MODULES."""

from decimal import Decimal
from pathlib import Path
from typing import ClassVar

import click

from server.engine import Choice, InputField, InvalidAnswer, Outcome, RuleType
from server.hookspecs import hookimpl

# Events this plugin has seen, so tests can check what the hook received.
EVENTS = []


class HalfOrFull(RuleType):
    """"full" earns the max, "half" half of it, "none" nothing."""

    name = "half_or_full"
    SHARES: ClassVar[dict] = {"full": Decimal(1), "half": Decimal("0.5"), "none": Decimal(0)}

    def score(self, value):
        if value not in self.SHARES:
            raise InvalidAnswer("unknown_outcome", f"{value!r} is not full, half or none")
        return Outcome(self.max_points * self.SHARES[value], value)

    def max_input(self):
        return "full"

    def zero_input(self):
        return "none"

    # Its own widget on the form, labelled by the plugin; the posted value is read by the
    # RuleType defaults (the chosen text as it is).
    def input_fields(self):
        return (InputField("", "Mức độ thực hiện", "select", (
            Choice("full", "Đầy đủ", self.max_points), Choice("half", "Một nửa"),
            Choice("none", "Không thực hiện", Decimal(0)))),)


@hookimpl
def parindex_criteria_sets():
    return [Path(__file__).with_name("sample_set.yaml")]


@hookimpl
def parindex_rule_types():
    return [HalfOrFull]


@hookimpl
def parindex_event(event):
    EVENTS.append(event)


@hookimpl
def parindex_register_commands(cli):
    @cli.command("hello")
    @click.argument("name")
    def hello(name):
        """Say hello (a command added by a plugin)."""
        click.echo(f"xin chào {name}")


@hookimpl
def parindex_menu_items(user):
    if user.is_authenticated:
        return [{"label": "Mục của plugin", "href": "/plugin-page"}]
    return []


class MemoryStorage:
    """Evidence kept in a dict: the smallest storage backend the hook accepts."""

    def __init__(self):
        self.objects = {}

    def put(self, key, fileobj):
        self.objects.setdefault(key, fileobj.read())

    def open(self, key):
        import io

        return io.BytesIO(self.objects[key])

    def exists(self, key):
        return key in self.objects


STORES = []


@hookimpl
def parindex_evidence_storage(name, config):
    if name != "memory":
        return None
    STORES.append(MemoryStorage())
    return STORES[-1]
