"""The OpenAPI document matches the API: schemathesis generates requests for every operation of
/api/v1/openapi.json (a fixed number per operation, derandomized, under a time cap) against the
real app on a small world, as an administrator and as a unit editor, and checks each answer:
no 5xx, the status, the content type and the body as documented (problem+json for errors).

Path parameters are drawn both from the generated values (unknown ids, odd strings) and from the
world's real ids, so the operations get past their 404s.
"""

import io
import re
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from server.extensions import db
from server.models import Answer, ApiToken, Notification
from server.people.auth import issue_token
from server.records.schedule import default_schedule, set_schedule


def required_inputs_documented(_ctx, response, case):
    """A request the document calls valid is never refused as malformed (400) nor for an input
    it leaves optional (422 "missing"/"required"); 422 for what a schema cannot say (an unknown
    code, a unit code taken) stays allowed."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    assert response.status_code != 400, f"a valid request refused as malformed: {response.text}"
    if response.status_code == 422:
        messages = [e.get("message", "").lower() for e in response.json().get("errors", [])]
        assert not any(m in ("missing", "required") or "required field" in m
                       for m in messages), f"an input the document leaves out: {response.text}"
    return None


def statuses_documented(_ctx, response, case):
    """Every status an operation answers is listed for it, not left to `default`."""
    documented = case.operation.definition.raw["responses"]
    assert str(response.status_code) in documented, (
        f"{response.status_code} is not documented (only {', '.join(documented)})")


CHECKS = [not_a_server_error, statuses_documented, status_code_conformance,
          content_type_conformance, response_headers_conformance, response_schema_conformance,
          negative_data_rejection, missing_required_header, required_inputs_documented]
EXAMPLES = {"admin": 30, "editor": 10}
# A runaway (a request that hangs, a generator stuck on a schema) fails the test instead of
# holding the suite; the whole run normally takes a fraction of this.
TIME_CAP = 150


@pytest.fixture
def world(app, make, client):
    own, other = make.unit("STP", name="Sở Tư pháp"), make.unit("STC", name="Sở Tài chính")
    campaign = make.campaign(2021, pins=(("department", "department", "1.0.0"),),
                             self_assessment_deadline=datetime.now(UTC) + timedelta(days=30))
    dossier = make.assessment(campaign, own)
    db.session.add(Answer(assessment_id=dossier.id, code="1.1.1", source="self",
                          value="full", explanation="Báo cáo số 12/BC-STP"))
    admin = make.user("admin", username="quantri")
    editor = make.user("unit_editor", own, username="bientap")
    make.user("viewer", other, username="xem")
    db.session.add(Notification(user_id=editor.id, kind="submitted", subject="Hồ sơ đã gửi"))
    set_schedule(campaign, default_schedule(2021), None)  # periodic reports, for their keys
    tokens = {"admin": issue_token(admin, "fuzz"), "editor": issue_token(editor, "fuzz")}
    issue_token(editor, "spare")  # the one whose revocation the run tries, not its own
    db.session.commit()
    tokens["spare"] = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "spare"))
    headers = {"Authorization": f"Bearer {tokens['editor']}"}
    upload = client.post(f"/api/v1/assessments/{dossier.id}/evidence", headers=headers,
                         data={"files": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "qd.pdf"),
                               "number": "12/QD-STP", "title": "Quyết định"},
                         content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    document = upload.get_json()[0]
    link = client.post(f"/api/v1/assessments/{dossier.id}/links", headers=headers,
                       json={"code": "1.1.1", "document_id": document["id"]})
    real = {
        "assessment_id": [dossier.id], "campaign_id": [campaign.id],
        "code": ["STP", "department", "1.1.1", "1.1"], "unit_code": ["STP", "STC"],
        "username": ["bientap", "xem"], "set_id": ["department"], "version": ["1.0.0"],
        "document_id": [document["id"]], "revision_id": [document["revisions"][0]["id"]],
        "link_id": [link.get_json().get("id", 1) if link.status_code == 201 else 1],
        "notification_id": [1], "token_id": [tokens["spare"]], "assignment_id": [1],
        "publication_id": [1], "kind": ["xlsx", "csv"], "key": ["q1", "year"],
    }
    return {"tokens": tokens, "real": real}


def _run(app, world, who: str):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # Every text refuses NUL characters with a 400 (server.request_limits) before any view runs.
    # Unknown query parameters are ignored, as almost every API does.
    schema.config.generation.update(allow_x00=False, allow_extra_parameters=False)
    headers = {"Authorization": f"Bearer {world['tokens'][who]}"}
    failures: dict[tuple, str] = {}
    statuses = defaultdict(set)
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        assert time.monotonic() - started < TIME_CAP, f"over {TIME_CAP} s at {operation.label}"

        @settings(max_examples=EXAMPLES[who], derandomize=True, database=None, deadline=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(GenerationMode.POSITIVE)
               | operation.as_strategy(GenerationMode.NEGATIVE), data=st.data())
        def check(case, data):
            positive = case.meta.generation.mode.is_positive
            for name in case.path_parameters or {}:
                # Real ids for valid requests only: a negative one must stay invalid.
                # A generated token id could be the caller's own: only the spare one is revoked.
                if positive and name in world["real"] and (
                        name == "token_id" or data.draw(st.booleans())):
                    case.path_parameters[name] = data.draw(st.sampled_from(world["real"][name]))
            response = case.call(headers=headers)
            statuses[case.operation.label].add(response.status_code)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except FailureGroup as group:
                for failure in group.exceptions:
                    # One example of each kind of failure per operation and status.
                    key = (case.operation.label, failure.title, response.status_code)
                    failures.setdefault(key, f"{response.content[:200]!r} for "
                                             f"{case.as_curl_command()[:300]}")

        check()
    return failures, statuses


@pytest.mark.parametrize("who", ["admin", "editor"])
def test_every_operation_answers_as_documented(app, world, who):
    failures, statuses = _run(app, world, who)
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(
        f"{label}: {title} ({status}): {example}"
        for (label, title, status), example in failures.items())
    # The run reached the views: the caller's token stayed valid for every operation.
    assert not [label for label, seen in statuses.items() if seen == {401}]
    reached = {label for label, seen in statuses.items() if any(s < 300 for s in seen)}
    print(f"{who}: {len(statuses)} operations, {len(reached)} answered with a success")


def _operations(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    return [(method.upper(), path, operation) for path, item in spec["paths"].items()
            for method, operation in item.items() if method != "parameters"]


def test_every_operation_but_signing_in_documents_and_answers_401_to_anonymous(client):
    operations = _operations(client)
    assert len(operations) > 80
    for method, path, operation in operations:
        if (method, path) == ("POST", "/api/v1/tokens"):
            continue
        # Any value the route takes: 401 comes before the lookup.
        url = re.sub(r"\{(\w+)\}", lambda m: "xlsx" if m[1] == "kind" else "1", path)
        response = client.open(url, method=method)
        assert response.status_code == 401, (method, path)
        assert response.content_type == "application/problem+json", (method, path)
        assert "401" in operation["responses"], (method, path)


UPLOADS = {
    ("POST", "/api/v1/units/import"): "file", ("POST", "/api/v1/users/import"): "file",
    ("POST", "/api/v1/publications/import"): "file",
    ("POST", "/api/v1/campaigns/{campaign_id}/survey-import"): "file",
    ("POST", "/api/v1/assessments/{assessment_id}/evidence"): "files",
    ("POST", "/api/v1/evidence/{document_id}/revisions"): "files",
    ("POST", "/api/v1/campaigns/{campaign_id}/par-plans/{unit_code}/tasks/import"): "file",
    ("POST", "/api/v1/campaigns/{campaign_id}/report-periods/templates"): "file",
}


def test_uploads_are_documented_as_multipart_bodies_with_their_file_field(client):
    documented = {(m, p): o for m, p, o in _operations(client)}
    for key, field in UPLOADS.items():
        body = documented[key]["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert field in body["required"], key
        assert body["properties"][field] in (
            {"type": "string", "format": "binary"},
            {"type": "array", "items": {"type": "string", "format": "binary"}}), key
    # The document has no other multipart body (a new upload is added to UPLOADS).
    readers = {(m, p) for m, p, o in _operations(client)
               if "multipart/form-data" in o.get("requestBody", {}).get("content", {})}
    assert readers == set(UPLOADS)
