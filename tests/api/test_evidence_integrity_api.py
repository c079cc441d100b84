"""Over the API, nothing a unit uploads after submission or publication changes what was signed
or appraised; the answers PUT saves answers and links in one transaction; a flood of codes is one
short refusal."""

import io

import openpyxl
import pytest

from server.extensions import db
from server.models import Answer, Assessment, Campaign, EvidenceLink, ReviewerAssignment

PDF_1 = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PDF_2 = b"%PDF-1.7\n2 0 obj << /Revised true >> endobj\n%%EOF\n"


@pytest.fixture
def dossier(make):
    return make.assessment(make.campaign(), make.unit("QB", level="province"))


def upload(client, assessment_id, headers, data=PDF_1, name="ke-hoach.pdf"):
    return client.post(f"/api/v1/assessments/{assessment_id}/evidence", headers=headers,
                       data={"title": "Kế hoạch CCHC năm 2021", "number": "12/KH-UBND",
                             "files": [(io.BytesIO(data), name)]},
                       content_type="multipart/form-data")


def revise(client, document_id, headers, data=PDF_2):
    return client.post(f"/api/v1/evidence/{document_id}/revisions", headers=headers,
                       data={"files": [(io.BytesIO(data), "ke-hoach-sua.pdf")]},
                       content_type="multipart/form-data")


def set_state(assessment_id, state):
    db.session.expire_all()  # the requests changed it meanwhile
    db.session.get(Assessment, assessment_id).state = state
    db.session.commit()


def test_revisions_after_submission_and_publication_change_nothing_signed(
        client, make, token_for, dossier):
    editor = token_for(make.user("unit_editor", dossier.unit))
    head = token_for(make.user("unit_head", dossier.unit))
    reviewer = make.user("reviewer", username="thamdinh")
    db.session.add(ReviewerAssignment(campaign_id=dossier.campaign_id, reviewer_id=reviewer.id,
                                      domains=["1"]))
    db.session.commit()
    base = f"/api/v1/assessments/{dossier.id}"
    document = upload(client, dossier.id, editor).get_json()[0]
    first = document["revisions"][0]
    saved = client.put(f"{base}/answers", headers=editor, json={
        "answers": {"1.1.1": {"value": "timely"}}, "links": {"1.1.1": [document["id"]]}})
    assert saved.status_code == 200, saved.get_json()
    [link] = saved.get_json()["links"]["1.1.1"]
    assert (link["revision_id"], link["sha256"]) == (first["id"], first["sha256"])
    checked = client.get(f"{base}/sign-off", headers=head).get_json()
    assert checked["evidence"] == [{"code": "1.1.1", "document_id": document["id"],
                                    "revision_id": first["id"], "sha256": first["sha256"]}]
    submitted = client.post(f"{base}/submission", headers=head,
                            json={"digest": checked["digest"], "confirm_unanswered": True})
    assert submitted.status_code == 201 and submitted.get_json()["digest"] == checked["digest"]

    # After submission the library takes a revision, but the link and the sign-off stay.
    revised = revise(client, document["id"], editor)
    assert revised.status_code == 201
    assert client.get(base, headers=editor).get_json()["links"]["1.1.1"][0]["revision_id"] \
        == first["id"]
    assert client.get(f"{base}/sign-off", headers=head).get_json()["digest"] == \
        checked["digest"]
    refused = client.post(f"{base}/links", headers=editor,
                          json={"code": "1.1.1", "document_id": document["id"]})
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert "Đã gửi" in refused.get_json()["detail"]  # the state, as the unit reads it

    # Published: a new document comes into the library; links, reviewers and the table stay.
    set_state(dossier.id, "published")
    assert upload(client, dossier.id, editor, name="bao-cao.pdf").status_code == 201
    assert revise(client, document["id"], editor, PDF_1 + b"%v3\n").status_code == 201
    for method, url, body in (("post", f"{base}/links", {"code": "1.1.2",
                                                         "document_id": document["id"]}),
                              ("delete", f"{base}/links/{link['id']}", None)):
        answer = getattr(client, method)(url, headers=editor, json=body)
        assert answer.status_code == 409 and "Đã công bố" in answer.get_json()["detail"]
    seen = client.get(f"{base}/appraisal", headers=token_for(reviewer)).get_json()
    item = next(i for i in seen["items"] if i["code"] == "1.1.1")
    assert item["evidence"] == [{"document_id": document["id"], "revision_id": first["id"]}]
    table = client.get(f"{base}/table.xlsx", headers=editor)
    sheet = openpyxl.load_workbook(io.BytesIO(table.data)).worksheets[0]
    cited = next(row[8] for row in sheet.iter_rows(values_only=True) if row[0] == "1.1.1")
    assert cited.endswith("(tệp ke-hoach.pdf, phiên bản 1)")

    # Closed: the library is closed too.
    db.session.expire_all()
    db.session.get(Campaign, dossier.campaign_id).state = "closed"
    db.session.commit()
    assert revise(client, document["id"], editor).status_code == 409
    assert upload(client, dossier.id, editor).status_code == 409
    db.session.expire_all()
    assert db.session.scalars(db.select(EvidenceLink.revision_id)).all() == [first["id"]]


def test_the_explanation_round_links_and_unlinks_questioned_items_over_the_api(
        client, make, token_for):
    from tests.appraisal_round import appraisal_round, questioned

    round_ = questioned(appraisal_round(make))
    editor = token_for(round_.editor)
    base = f"/api/v1/assessments/{round_.assessment.id}"
    document = upload(client, round_.assessment.id, editor).get_json()[0]
    linked = client.post(f"{base}/explanation/1.1.2/evidence", headers=editor,
                         json={"document_id": document["id"]})
    assert linked.status_code == 201
    assert linked.get_json()["revision_id"] == document["revisions"][0]["id"]
    general = client.post(f"{base}/links", headers=editor,
                          json={"code": "1.1.2", "document_id": document["id"]})
    assert general.status_code == 409
    other = client.delete(f"{base}/explanation/1.1.1/evidence/{linked.get_json()['id']}",
                          headers=editor)
    assert other.status_code == 422  # 1.1.1 was not questioned
    removed = client.delete(f"{base}/explanation/1.1.2/evidence/{linked.get_json()['id']}",
                            headers=editor)
    assert removed.status_code == 204
    assert db.session.scalar(db.select(db.func.count(EvidenceLink.id))) == 0


def test_answers_and_links_are_one_transaction(client, make, token_for, dossier):
    editor = token_for(make.user("unit_editor", dossier.unit))
    other = make.assessment(dossier.campaign, make.unit("HN", level="province"))
    foreign = upload(client, other.id, token_for(make.user("unit_editor", other.unit)))
    foreign_id = foreign.get_json()[0]["id"]
    own_id = upload(client, dossier.id, editor).get_json()[0]["id"]
    url = f"/api/v1/assessments/{dossier.id}/answers"
    refused = client.put(url, headers=editor, json={
        "answers": {"1.1.1": {"value": "timely"}},
        "links": {"1.1.1": [own_id], "1.1.2": [foreign_id]}})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert [e["field"] for e in refused.get_json()["errors"]] == ["links.1.1.2"]
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 0
    assert db.session.scalar(db.select(db.func.count(EvidenceLink.id))) == 0


@pytest.mark.parametrize("member", ["answers", "links"])
def test_a_flood_of_codes_is_one_short_refusal(client, make, token_for, dossier, member):
    editor = token_for(make.user("unit_editor", dossier.unit))
    flood = {f"9.{n}": ({"value": "1"} if member == "answers" else [1])
             for n in range(400_000)}
    body = {"answers": {}, member: flood}
    response = client.put(f"/api/v1/assessments/{dossier.id}/answers", headers=editor,
                          json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert len(response.data) < 1000
    [error] = response.get_json()["errors"]
    assert (error["field"], error["kind"]) == (member, "too_many_answers")
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == 0
