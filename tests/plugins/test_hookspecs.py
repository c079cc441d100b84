"""Keep the hooks honest: every hook is documented, and the test plugin implements every hook."""

import inspect
from pathlib import Path

from server import hookspecs
from tests.plugins import sample_plugin

DOCS = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
HOOKS = sorted(name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)
               if name.startswith("parindex_"))


def test_there_are_hooks():
    assert {"parindex_criteria_sets", "parindex_rule_types", "parindex_event",
            "parindex_register_commands"} <= set(HOOKS)


def test_every_hook_has_a_docstring_saying_when_and_what():
    for name in HOOKS:
        doc = inspect.getdoc(getattr(hookspecs, name)) or ""
        assert "Called" in doc and ("Return" in doc or "return" in doc), name


def test_every_hook_is_in_the_plugin_guide():
    text = DOCS.read_text(encoding="utf-8")
    for name in HOOKS:
        assert f"### {name}" in text, f"{name} is missing from docs/plugins.md"


def test_the_test_plugin_implements_every_hook():
    implemented = {name for name in dir(sample_plugin) if name.startswith("parindex_")}
    assert implemented == set(HOOKS)
