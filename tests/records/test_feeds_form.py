"""Record-fed items in the unit's form and the reviewers' screen: the proposal with its evidence,
"use the proposal", an explanation for any other answer, the proposal stored with the answer;
through the service, the pages and the API."""

from datetime import date

import pytest

from server.appraisal import decisions as ap
from server.assessment import self_assessment as sa
from server.extensions import db
from server.models import Answer, AuditEvent, ReportSubmission, ReviewerAssignment
from server.records import feeds
from tests.helpers import csrf_token
from tests.records.feeds_world import build, document


@pytest.fixture
def world(make):
    return build(make)


@pytest.fixture
def editor(make, world):
    return make.user("unit_editor", world.province)


def _row(dossier, code):
    return db.session.scalar(db.select(Answer).filter_by(assessment_id=dossier.id, code=code,
                                                         source="self"))


# ---------------------------------------------------------------------------------- service


def test_another_answer_needs_an_explanation_and_is_saved_with_the_proposal(world, editor):
    with pytest.raises(sa.Invalid) as refused:
        sa.save_answers(world.dossier, editor, {"1.2.1": {"value": "0"},
                                                "1.4.2": {"value": True}})
    assert [(p.code, p.field, p.kind) for p in refused.value.problems] == [
        ("1.2.1", "explanation", "differs_from_proposal")]
    assert refused.value.problems[0].to_dict()["field"] == "answers.1.2.1.explanation"
    assert sa.self_rows(world.dossier) == {}  # nothing of the save was kept
    sa.save_answers(world.dossier, editor, {"1.2.1": {
        "value": "0", "explanation": "Báo cáo Quý III gửi bản giấy"}})
    row = _row(world.dossier, "1.2.1")
    assert (row.value, row.proposal) == ("0", 2)
    (event,) = db.session.scalars(db.select(AuditEvent).filter_by(action="answers.self_saved"))
    assert event.after["1.2.1"]["proposal"] == 2


def test_using_the_proposal_answers_it(world, editor):
    sa.save_answers(world.dossier, editor, {"1.1.1": {"use_proposal": True},
                                            "1.1.2": {"use_proposal": True},
                                            "1.2.1": {"use_proposal": True}})
    rows = sa.self_rows(world.dossier)
    assert {code: (rows[code].value, rows[code].proposal) for code in rows} == {
        "1.1.1": ("late", "late"), "1.1.2": (57.14, 57.14), "1.2.1": (2, 2)}
    figures, _ = sa.totals(world.dossier)
    assert figures["domains"]["1"]["points"] == "1.00"  # 0.5 + 0 + 0.5


def test_a_yes_no_report_item_is_proposed_and_explained_like_the_others(client, login, world,
                                                                        make):
    # STP (department set, item 1.2.1 yes/no) owes the 6 months' domain report and has not
    # sent it: the records propose "no"; "yes" needs an explanation.
    stp_editor = make.user("unit_editor", world.justice)
    login(stp_editor)
    html = client.get(f"/assessments/{world.justice_dossier.id}?domain=1").get_data(as_text=True)
    assert 'data-record="reports_on_time" data-proposal="False"' in html
    with pytest.raises(sa.Invalid) as refused:
        sa.save_answers(world.justice_dossier, stp_editor, {"1.2.1": {"value": True}})
    assert [(p.code, p.kind) for p in refused.value.problems] == [
        ("1.2.1", "differs_from_proposal")]
    sa.save_answers(world.justice_dossier, stp_editor, {"1.2.1": {"use_proposal": True}})
    row = _row(world.justice_dossier, "1.2.1")
    assert (row.value, row.proposal) == (False, False)


def test_the_proposal_typed_by_hand_needs_no_explanation(world, editor):
    sa.save_answers(world.dossier, editor, {"1.1.2": {"value": "57,14"},
                                            "1.1.1": {"value": "late"}})
    assert _row(world.dossier, "1.1.2").proposal == 57.14
    assert _row(world.dossier, "1.1.1").proposal == "late"


def test_no_proposal_yet_asks_nothing(make):
    world = build(make, periods=False)
    editor = make.user("unit_editor", world.province)
    sa.save_answers(world.dossier, editor, {"1.2.1": {"value": "1"}})
    assert _row(world.dossier, "1.2.1").proposal is None
    with pytest.raises(sa.Invalid) as refused:
        sa.save_answers(world.dossier, editor, {"1.2.1": {"use_proposal": True, "version": 1}})
    assert [(p.code, p.kind) for p in refused.value.problems] == [("1.2.1", "no_proposal")]


def test_an_unchanged_answer_keeps_the_proposal_it_was_saved_against(world, editor):
    sa.save_answers(world.dossier, editor, {"1.2.1": {"use_proposal": True}})
    # The Q3 report arrives (on time): the records now propose 1.
    proof = document(world.campaign, world.province, "220/BC-UBND", date(2021, 9, 10))
    db.session.add(ReportSubmission(period_id=world.periods["q3"].id,
                                    unit_id=world.province.id, document_id=proof.id))
    db.session.commit()
    assert sa.record_proposals(world.dossier)["1.2.1"].value == 1
    sa.save_answers(world.dossier, editor, {"1.2.1": {"value": 2, "version": 1},
                                            "1.4.2": {"value": True}})
    row = _row(world.dossier, "1.2.1")
    assert (row.value, row.proposal, row.row_version) == (2, 2, 1)
    # Changing it is checked against the records as they are now.
    with pytest.raises(sa.Invalid):
        sa.save_answers(world.dossier, editor, {"1.2.1": {"value": 0, "version": 1}})
    sa.save_answers(world.dossier, editor, {"1.2.1": {"value": "1", "version": 1}})
    assert (_row(world.dossier, "1.2.1").proposal) == 1


def test_saves_without_record_fed_items_read_no_records(world, editor, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("records read")

    monkeypatch.setattr(feeds, "figures", refuse)
    sa.save_answers(world.dossier, editor, {"1.4.2": {"value": True},
                                            "2.1.1": {"value": "100"}})
    assert _row(world.dossier, "1.4.2").proposal is None


# ------------------------------------------------------------------------------------ pages


def _post(client, dossier, data):
    page = client.get(f"/assessments/{dossier.id}?domain=1")
    return client.post(f"/assessments/{dossier.id}", data={
        "csrf_token": csrf_token(page), "domain": "1", **data})


def test_the_form_shows_the_proposals_with_their_evidence(client, login, world, editor):
    login(editor)
    html = client.get(f"/assessments/{world.dossier.id}?domain=1").get_data(as_text=True)
    assert 'data-record="plan_issued" data-proposal="late"' in html
    assert 'data-record="plan_completion" data-proposal="57.14"' in html
    assert 'data-record="reports_on_time" data-proposal="2"' in html
    assert 'name="use-1.1.2"' in html and 'name="use-1.4.1"' not in html
    assert "12/KH-UBND" in html and "80/KH-UBND" in html  # the plan and its amendment
    assert 'data-standing="done_late"' in html and 'data-after-cutoff="1"' in html
    assert 'data-period="q3" data-domain="" data-state="missing"' in html
    assert "Nhận bản giấy qua văn thư" in html  # the reason of the report received outside


def test_the_form_refuses_another_value_without_explanation_then_saves_it(client, login, world,
                                                                          editor):
    login(editor)
    refused = _post(client, world.dossier, {"ver-1.2.1": "", "v-1.2.1": "0", "ex-1.2.1": ""})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'data-code="1.2.1" data-field="explanation"' in html
    assert _row(world.dossier, "1.2.1") is None
    saved = _post(client, world.dossier, {"ver-1.2.1": "", "v-1.2.1": "0",
                                          "ex-1.2.1": "Quý III đã gửi bản giấy"})
    assert saved.status_code == 302
    row = _row(world.dossier, "1.2.1")
    assert (row.value, row.proposal, row.explanation) == ("0", 2, "Quý III đã gửi bản giấy")


def test_the_form_uses_the_proposal(client, login, world, editor):
    login(editor)
    saved = _post(client, world.dossier, {"ver-1.1.1": "", "v-1.1.1": "", "use-1.1.1": "1",
                                          "ver-1.1.2": "", "v-1.1.2": "", "use-1.1.2": "1"})
    assert saved.status_code == 302
    assert (_row(world.dossier, "1.1.1").value, _row(world.dossier, "1.1.1").proposal) == (
        "late", "late")
    assert _row(world.dossier, "1.1.2").value == 57.14
    # Saved again as the form shows it ("57.14" typed back): unchanged, no explanation asked.
    again = _post(client, world.dossier, {"ver-1.1.2": "1", "v-1.1.2": "57.14"})
    assert again.status_code == 302 and _row(world.dossier, "1.1.2").row_version == 1


@pytest.fixture
def in_appraisal(make, world, editor):
    sa.save_answers(world.dossier, editor, {
        "1.1.1": {"use_proposal": True},
        "1.2.1": {"value": "1", "explanation": "Báo cáo 6 tháng gửi đúng hạn qua văn thư"}})
    world.dossier.state = "in_appraisal"
    reviewer = make.user("reviewer", username="thamdinh")
    db.session.add(ReviewerAssignment(campaign_id=world.campaign.id, reviewer_id=reviewer.id,
                                      domains=["1"]))
    db.session.commit()
    return reviewer


def test_reviewers_see_the_proposal_and_the_units_answer(client, login, world, in_appraisal):
    # The Q3 report is recorded after the unit saved: the records now propose 1.
    proof = document(world.campaign, world.province, "220/BC-UBND", date(2021, 9, 10))
    db.session.add(ReportSubmission(period_id=world.periods["q3"].id,
                                    unit_id=world.province.id, document_id=proof.id))
    db.session.commit()
    view = ap.appraisal_view(world.dossier, in_appraisal)
    items = {item["code"]: item for item in view["items"]}
    assert items["1.2.1"]["records"]["value"] == 1 and items["1.2.1"]["self"]["proposal"] == 2
    assert items["1.2.1"]["records"]["unit_answer_matches"] is True
    assert items["1.1.1"]["records"]["unit_answer_matches"] is True
    assert items["1.4.1"]["records"] is None
    login(in_appraisal)
    html = client.get(f"/assessments/{world.dossier.id}/appraisal").get_data(as_text=True)
    assert 'data-record="reports_on_time" data-proposal="1"' in html
    assert "Báo cáo 6 tháng gửi đúng hạn qua văn thư" in html
    assert 'class="proposal-saved"' in html  # saved against 2, the records say 1 now
    assert "220/BC-UBND" in html


def test_reviewers_see_an_answer_other_than_the_proposal(client, login, world, in_appraisal):
    login(in_appraisal)
    html = client.get(f"/assessments/{world.dossier.id}/appraisal").get_data(as_text=True)
    assert 'data-record="reports_on_time" data-proposal="2"' in html
    assert 'class="proposal-differs"' in html and 'class="proposal-saved"' not in html


# -------------------------------------------------------------------------------------- API


def test_the_api_lists_proposals_and_refuses_another_value_without_explanation(
        client, world, editor, token_for):
    headers = token_for(editor)
    base = f"/api/v1/assessments/{world.dossier.id}"
    body = client.get(base, headers=headers).get_json()
    assert body["proposals"]["1.2.1"]["value"] == 2
    assert body["proposals"]["1.2.1"]["points"] == "0.50"
    assert body["proposals"]["1.1.2"]["evidence"]["total"] == 7
    refused = client.put(f"{base}/answers", headers=headers,
                         json={"answers": {"1.2.1": {"value": 1}}})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    (error,) = refused.get_json()["errors"]
    assert (error["field"], error["sub_criterion"], error["kind"]) == (
        "answers.1.2.1.explanation", "1.2.1", "differs_from_proposal")
    saved = client.put(f"{base}/answers", headers=headers, json={"answers": {
        "1.2.1": {"value": 1, "explanation": "Báo cáo 6 tháng đúng hạn"},
        "1.1.1": {"use_proposal": True}}})
    assert saved.status_code == 200, saved.get_json()
    answers = saved.get_json()["answers"]
    assert (answers["1.2.1"]["value"], answers["1.2.1"]["proposal"]) == (1, 2)
    assert (answers["1.1.1"]["value"], answers["1.1.1"]["proposal"]) == ("late", "late")


def test_the_api_appraisal_view_shows_both(client, world, in_appraisal, token_for):
    body = client.get(f"/api/v1/assessments/{world.dossier.id}/appraisal",
                      headers=token_for(in_appraisal)).get_json()
    items = {item["code"]: item for item in body["items"]}
    assert items["1.2.1"]["self"]["proposal"] == 2 and items["1.2.1"]["records"]["value"] == 2
    assert items["1.2.1"]["records"]["unit_answer_matches"] is False
    assert items["1.2.1"]["self"]["explanation"] == "Báo cáo 6 tháng gửi đúng hạn qua văn thư"


def test_a_year_keeping_no_records_shows_no_proposal_box(client, login, make):
    world = build(make, periods=False, plan=False)
    login(make.user("unit_editor", world.province))
    html = client.get(f"/assessments/{world.dossier.id}?domain=1").get_data(as_text=True)
    assert 'class="proposal"' not in html and 'name="use-1.1.1"' not in html
    sa.save_answers(world.dossier, make.user("unit_editor", world.province),
                    {"1.1.1": {"value": "timely"}})  # nothing proposed: no explanation asked
    assert _row(world.dossier, "1.1.1").proposal is None
