"""Each built-in rule type's input on the pages: the fields it declares, the value it makes of
what they post, and the texts it shows for that value again."""

import pytest


@pytest.mark.parametrize(("name", "params", "posted", "value", "texts"), [
    ("manual", {}, {"": "1,5"}, "1,5", {"": "1,5"}),
    ("manual", {}, {"": ""}, None, {"": ""}),
    ("yes_no", {}, {"": "yes"}, True, {"": "yes"}),
    ("yes_no", {}, {"": "no"}, False, {"": "no"}),
    ("yes_no", {}, {"": ""}, None, {"": ""}),
    ("proportional", {}, {"achieved": "12", "required": "10"},
     {"achieved": "12", "required": "10"}, {"achieved": "12", "required": "10"}),
    ("proportional", {}, {"achieved": "3", "required": ""}, {"achieved": "3", "required": None},
     {"achieved": "3", "required": ""}),
    ("proportional", {}, {"achieved": "", "required": ""}, None,
     {"achieved": "", "required": ""}),
    ("choice", {"outcomes": [{"key": "a", "label": "A", "points": 2}]}, {"": "a"}, "a",
     {"": "a"}),
])
def test_builtin_rules_read_back_what_they_show(make, name, params, posted, value, texts):
    built = make.rule({"type": name, **params}, max_points=2)
    assert built.posted_value(posted) == value
    assert built.input_texts(value) == texts
    assert {f.key for f in built.input_fields()} == set(texts)


def test_a_rule_type_without_its_own_widget_gets_one_value_field():
    from server.engine import RuleType

    class Plain(RuleType):
        name = "plain"

    built = Plain(max_points=1)
    field, = built.input_fields()
    assert (field.key, field.kind) == ("", "number")
    assert built.posted_value({"": "0,5"}) == "0,5" and built.posted_value({"": ""}) is None
    assert built.input_texts(None) == {"": ""} and built.input_texts("0.5") == {"": "0.5"}
