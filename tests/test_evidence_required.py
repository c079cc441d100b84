"""Sign-off's evidence-or-explanation rule applies to the leaves that require evidence: a set
marks the others `evidence_required: false` (here the sample plugin's 1.1.3)."""

import pytest

from server.assessment import self_assessment as sa

SET = ("commune", "sample-commune", "0.1.0")


@pytest.fixture
def plugin_app(app_factory, app):
    plugged = app_factory(PLUGIN_MODULES=["tests.plugins.sample_plugin"])
    with plugged.app_context():
        yield plugged


def test_only_leaves_requiring_evidence_need_evidence_or_an_explanation(plugin_app, make):
    unit = make.unit("XA", level="commune")
    dossier = make.assessment(make.campaign(2024, pins=(SET,)), unit)
    editor = make.user("unit_editor", unit)
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "half"},
                                      "1.1.3": {"value": {"achieved": 1, "required": 2}}})
    problems = sa.sign_off(dossier).problems
    assert [(p.code, p.kind) for p in problems] == [("1.1.1", "evidence_or_explanation")]
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "half", "version": 1,
                                                "explanation": "Hồ sơ lưu tại xã"}})
    assert sa.sign_off(dossier).problems == []
