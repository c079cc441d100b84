"""A rule type owns its input: a plugin's rule type declares its widget (RuleType.input_fields)
and the self-assessment form and the reviewer's adjustment both show it and read it back."""

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Answer, ReviewerAssignment
from tests.helpers import PASSWORD, api_token, csrf_token, log_in

MODULE = "tests.plugins.sample_plugin"
SET = ("commune", "sample-commune", "0.1.0")


@pytest.fixture
def plugin_app(app_factory, app):
    plugged = app_factory(PLUGIN_MODULES=[MODULE])
    with plugged.app_context():
        yield plugged


def sample_dossier(make):
    unit = make.unit("XA", level="commune", name="UBND xã Quảng Phú")
    dossier = make.assessment(make.campaign(2024, pins=(SET,)), unit)
    return unit, dossier


def test_the_form_shows_the_plugins_widget_and_saves_what_it_posts(plugin_app, make):
    unit, dossier = sample_dossier(make)
    client = plugin_app.test_client()
    log_in(client, make.user("unit_editor", unit), PASSWORD)
    page = client.get(f"/assessments/{dossier.id}").get_data(as_text=True)
    assert 'data-rule="half_or_full"' in page and '<option value="half" >Một nửa</option>' in page
    assert '<option value="full" >Đầy đủ (2)</option>' in page
    form = {"csrf_token": csrf_token(client.get(f"/assessments/{dossier.id}")),
            "ver-1.1.1": "", "v-1.1.1": "half", "ex-1.1.1": ""}
    response = client.post(f"/assessments/{dossier.id}", data=form, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert '<option value="half" selected>Một nửa</option>' in text
    assert '<strong id="total">1</strong>' in text
    assert db.session.scalar(select(Answer.value).where(Answer.code == "1.1.1")) == "half"
    # A value the rule refuses is refused beside the field, like any other answer.
    form = {**form, "csrf_token": csrf_token(client.get(f"/assessments/{dossier.id}")),
            "ver-1.1.1": "1", "v-1.1.1": "double"}
    refused = client.post(f"/assessments/{dossier.id}", data=form)
    assert refused.status_code == 422
    assert db.session.scalar(select(Answer.value).where(Answer.code == "1.1.1")) == "half"


def test_the_reviewer_adjusts_through_the_same_widget(plugin_app, make):
    _unit, dossier = sample_dossier(make)
    dossier.state = "in_appraisal"
    reviewer = make.user("reviewer", username="thamdinh-xa")
    db.session.add(ReviewerAssignment(campaign_id=dossier.campaign_id, reviewer_id=reviewer.id,
                                      domains=["1"]))
    db.session.commit()
    client = plugin_app.test_client()
    log_in(client, reviewer, PASSWORD)
    page = client.get(f"/assessments/{dossier.id}/appraisal")
    assert 'data-rule="half_or_full"' in page.get_data(as_text=True)
    response = client.post(f"/assessments/{dossier.id}/appraisal/items/1.1.1", data={
        "csrf_token": csrf_token(page), "action": "adjust", "v-1.1.1": "full",
        "reason": "Có đủ hồ sơ", "version": ""}, follow_redirects=True)
    assert response.status_code == 200
    assert db.session.scalar(select(Answer.value).where(
        Answer.code == "1.1.1", Answer.source == "appraisal")) == "full"



def test_a_set_that_refuses_more_than_required_says_which_field(plugin_app, make):
    unit, dossier = sample_dossier(make)
    editor = make.user("unit_editor", unit)
    client = plugin_app.test_client()
    headers = api_token(client, editor, PASSWORD)
    over = {"achieved": 12, "required": 10}
    response = client.put(f"/api/v1/assessments/{dossier.id}/answers", headers=headers,
                          json={"answers": {"1.1.3": {"value": over}}})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    error, = response.get_json()["errors"]
    assert (error["field"], error["kind"]) == ("answers.1.1.3.value.achieved", "above_required")
    log_in(client, editor, PASSWORD)
    page = client.get(f"/assessments/{dossier.id}")
    assert "Số đạt được không được lớn hơn số yêu cầu." in page.get_data(as_text=True)
    refused = client.post(f"/assessments/{dossier.id}", data={
        "csrf_token": csrf_token(page), "ver-1.1.3": "", "v-1.1.3-achieved": "12",
        "v-1.1.3-required": "10"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'value="12"' in text
    assert ('data-code="1.1.3" data-field="value">Tiêu chí thành phần này không cho phép số '
            "đạt được lớn hơn số yêu cầu.") in text
    assert db.session.scalar(select(Answer.id).where(Answer.code == "1.1.3")) is None
