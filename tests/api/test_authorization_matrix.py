"""The authorization matrix of the appraisal round over the API: every action × every actor,
with the status each one gets. The tables below ARE the policy; the tests hold the API to it.

Actors (own = the assessed unit STP, other = another unit STC):
  admin_own      administrator who also belongs to STP (like the demo's SNV administrator)
  admin_other    administrator belonging to STC
  rv_domain      reviewer assigned to domain 1 in the campaign (the domain of 1.1.1)
  rv_other_dom   reviewer assigned to domain 2 only
  rv_own_unit    reviewer assigned to domain 1 who belongs to STP
  head_own, head_other, editor_own, editor_other, viewer_own, viewer_other, anonymous

Rules the matrix shows:
- nobody appraises a unit they belong to, administrators included (403);
- appraisal writes need an assignment covering the sub-criterion's domain; the reviewer's view
  and the appraisal steps need an assignment for some domain of the unit's group;
- a unit's own people may read their dossier but never appraise it (403); another unit's
  people get 404 from every dossier endpoint, as for an id that does not exist (ids reveal
  nothing);
- viewers read every dossier's state and history, and change nothing;
- only administrators manage assignments, finalise, unfinalise and reopen a published dossier;
  nobody publishes one dossier alone (the group is published together); the council step
  "finalise" is not an appraisal, so an administrator belonging to the unit may take it;
- the progress grid: administrators every unit, assigned reviewers their groups minus the units
  they belong to, nobody else;
- reviewer assignments: administrators read all, reviewers their own;
- audit events: administrators every event, unit heads and editors their unit's, everyone else
  none (200 with an empty list); notifications: each user their own only; a job: its creator
  and the administrators (anyone else 404, as for a job that does not exist).

The explanation replies' endpoints (`/explanation...`) are tested where the API has them; until
they land the three rows are reported as skipped, with the reason.
`test_every_appraisal_route_is_in_the_matrix` fails as soon as a route is added that the matrix
does not list, so no action is left out silently.
"""

import hashlib
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from server.assessment import evidence
from server.campaigns.workflow import TRANSITIONS
from server.events import emit
from server.extensions import db
from server.models import (
    Answer,
    ApiToken,
    Assessment,
    Campaign,
    CampaignCriteriaSet,
    Job,
    Notification,
    ReviewerAssignment,
    RoleMembership,
    Unit,
    User,
    dossier_for,
)
from server.people.auth import issue_token

ACTORS = ("admin_own", "admin_other", "rv_domain", "rv_other_dom", "rv_own_unit",
          "head_own", "head_other", "editor_own", "editor_other", "viewer_own", "viewer_other",
          "anonymous")

# action: expected status per actor, in ACTORS order.
#                          adm_o adm_x rv_d rv_x rv_o hd_o hd_x ed_o ed_x vw_o vw_x anon
MATRIX = {
    "assignments.list":    "200  200   200  200  200  403  403  403  403  403  403  401",
    "assignments.create":  "201  201   403  403  403  403  403  403  403  403  403  401",
    "assignments.delete":  "204  204   403  403  403  403  403  403  403  403  403  401",
    "appraisal.view":      "403  200   200  200  403  403  404  403  404  403  403  401",
    "appraisal.accept":    "403  200   200  403  403  403  404  403  404  403  403  401",
    "appraisal.adjust":    "403  200   200  403  403  403  404  403  404  403  403  401",
    "appraisal.ask":       "403  200   200  403  403  403  404  403  404  403  403  401",
    "appraisal.accept_untouched":
                           "403  200   200  403  403  403  404  403  404  403  403  401",
    "transitions.get":     "200  200   200  200  200  200  404  200  404  200  200  401",
    "history.get":         "200  200   200  200  200  200  404  200  404  200  200  401",
    "step.submit":         "403  403   403  403  403  200  404  403  404  403  403  401",
    "step.withdraw":       "403  403   403  403  403  200  404  403  404  403  403  401",
    "step.explain":        "403  403   403  403  403  200  404  403  404  403  403  401",
    "step.start_appraisal": "403 200   200  200  403  403  404  403  404  403  403  401",
    "step.request_explanation":
                           "403  200   200  200  403  403  404  403  404  403  403  401",
    "step.complete_appraisal":
                           "403  200   200  200  403  403  404  403  404  403  403  401",
    "step.reopen_appraisal":
                           "403  200   200  200  403  403  404  403  404  403  403  401",
    "step.finalise":       "200  200   403  403  403  403  404  403  404  403  403  401",
    "step.unfinalise":     "200  200   403  403  403  403  404  403  404  403  403  401",
    "step.reopen_published":
                           "200  200   403  403  403  403  404  403  404  403  403  401",
    # A dossier is published with its whole group (server.results.publications), never alone: 409 to
    # whoever may read it.
    "step.publish":        "409  409   409  409  409  409  404  409  404  409  409  401",
    "audit.list":          "200  200   200  200  200  200  200  200  200  200  200  401",
    "progress.get":        "200  200   200  200  200  403  403  403  403  403  403  401",
    "progress.xlsx":       "200  200   200  200  200  403  403  403  403  403  403  401",
    "notifications.list":  "200  200   200  200  200  200  200  200  200  200  200  401",
    "notifications.read_own":
                           "204  204   204  204  204  204  204  204  204  204  204  401",
    "notifications.read_others":
                           "404  404   404  404  404  404  404  404  404  404  404  401",
    "jobs.get_own":        "200  200   200  200  200  200  200  200  200  200  200  401",
    "jobs.get_others":     "200  200   404  404  404  404  404  404  404  404  404  401",
    # The file a job wrote, read as what it holds: a publication's workbook by anyone signed in,
    # a live ranking's by the administrators.
    "jobs.file_published": "200  200   200  200  200  200  200  200  200  200  200  401",
    "jobs.file_live":      "200  200   404  404  404  404  404  404  404  404  404  401",
    # The unit's side of the explanation round: anyone who reads the unit sees the questions;
    # only its editors and head answer and add evidence.
    "explanation.questions":
                           "200  200   200  200  200  200  404  200  404  200  200  401",
    "explanation.reply":   "403  403   403  403  403  200  404  200  404  403  403  401",
    "explanation.evidence":
                           "403  403   403  403  403  201  404  201  404  403  403  401",
    "explanation.unlink":
                           "403  403   403  403  403  204  404  204  404  403  403  401",
}
# For lists: who finds the other reviewer's assignment, or the assessed unit (STP), in them.
SEES_TARGET = {
    "assignments.list": {"admin_own", "admin_other"},
    "audit.list": {"admin_own", "admin_other", "head_own", "editor_own"},
    "progress.get": {"admin_own", "admin_other", "rv_domain", "rv_other_dom"},
    "progress.xlsx": {"admin_own", "admin_other", "rv_domain", "rv_other_dom"},
}

# actor: (role, the unit the role belongs to, the domains assigned in the campaign)
PROFILES = {
    "admin_own": ("admin", "own", None), "admin_other": ("admin", "other", None),
    "rv_domain": ("reviewer", None, ["1"]), "rv_other_dom": ("reviewer", None, ["2"]),
    "rv_own_unit": ("reviewer", "own", ["1"]),
    "head_own": ("unit_head", "own", None), "head_other": ("unit_head", "other", None),
    "editor_own": ("unit_editor", "own", None), "editor_other": ("unit_editor", "other", None),
    "viewer_own": ("viewer", "own", None), "viewer_other": ("viewer", "other", None),
}
# Tokens are issued by the real service; nobody logs in, so one password hash serves all.
UNUSABLE = generate_password_hash("not used by these tests")


def expected(action: str, actor: str) -> int:
    return int(MATRIX[action].split()[ACTORS.index(actor)])


def _user(username: str, role: str, unit=None) -> User:
    user = User(username=username, full_name=username, password_hash=UNUSABLE)
    user.memberships.append(RoleMembership(role=role, unit=unit))
    db.session.add(user)
    db.session.flush()
    return user


@pytest.fixture
def world(app):
    own = _unit("STP", "Sở Tư pháp")
    other = _unit("STC", "Sở Tài chính")
    now = datetime.now(UTC)
    campaign = _campaign(now)
    assessment = dossier_for(campaign, own, "province-2020", "1.0.0")
    db.session.add(assessment)
    db.session.flush()
    for code, value in (("1.1.1", "timely"), ("1.1.2", "95"), ("2.2.1", "timely")):
        db.session.add(Answer(assessment_id=assessment.id, code=code, source="self",
                              value=value, explanation="Báo cáo số 12/BC-STP"))
    # Something in the unit's audit trail, and a reviewer whose assignment can be removed.
    emit("assessment.note", "assessment", assessment.id, unit_id=own.id, after={"n": 1})
    target = _user("target-reviewer", "reviewer")
    assignment = ReviewerAssignment(campaign_id=campaign.id, reviewer_id=target.id,
                                    domains=["3"])
    db.session.add(assignment)
    recipient = _user("recipient", "viewer")
    others_note = Notification(user_id=recipient.id, kind="submitted", subject="Hồ sơ đã gửi")
    db.session.add(others_note)
    others_job = Job(kind="open-campaign", key="open-campaign:matrix", state="running",
                     created_by=recipient.id, campaign_id=campaign.id, params={})
    db.session.add(others_job)
    db.session.commit()
    return {"own": own, "other": other, "campaign": campaign, "assessment": assessment,
            "target": target, "assignment": assignment, "others_note": others_note,
            "others_job": others_job}


def _unit(code, name):
    unit = Unit(code=code, name=name, level="department", group="department")
    db.session.add(unit)
    db.session.flush()
    return unit


def _campaign(now):
    campaign = Campaign(year=2021, title="Chỉ số CCHC năm 2021", state="open",
                        self_assessment_deadline=now + timedelta(days=30),
                        pins=[CampaignCriteriaSet(unit_group="department",
                                                  criteria_set_id="province-2020",
                                                  criteria_set_version="1.0.0")])
    db.session.add(campaign)
    db.session.flush()
    return campaign


def _actor(world, actor):
    """(user or None, request headers) for `actor`."""
    if actor == "anonymous":
        return None, {}
    role, belongs, domains = PROFILES[actor]
    unit = {"own": world["own"], "other": world["other"], None: None}[belongs]
    user = _user(actor, role, unit)
    if domains:
        db.session.add(ReviewerAssignment(campaign_id=world["campaign"].id,
                                          reviewer_id=user.id, domains=domains))
    token = issue_token(user, "matrix")
    db.session.commit()
    return user, {"Authorization": f"Bearer {token}"}


def _state(world, state):
    row = db.session.get(Assessment, world["assessment"].id)
    row.state = state
    db.session.commit()


# ------------------------------------------------------------------------------ the actions
# Each takes (client, world, headers, user), puts the dossier in the state the action starts
# from and makes one request.

def _appraisal_url(world, tail=""):
    return f"/api/v1/assessments/{world['assessment'].id}/appraisal{tail}"


def _in_appraisal(request):
    def action(client, world, headers, _user):
        _state(world, "in_appraisal")
        return request(client, world, headers)
    return action


STEP_FROM = {"submit": "draft", "withdraw": "submitted", "explain": "explanation_requested",
             "start_appraisal": "submitted", "request_explanation": "in_appraisal",
             "complete_appraisal": "in_appraisal", "reopen_appraisal": "appraised",
             "finalise": "appraised", "unfinalise": "finalised", "publish": "finalised",
             "reopen_published": "published"}


def _every_item_decided(world):
    """The council accepted every answered item, so completing is a question of who asks."""
    for code, value in (("1.1.1", "timely"), ("1.1.2", "95"), ("2.2.1", "timely")):
        db.session.add(Answer(assessment_id=world["assessment"].id, code=code,
                              source="appraisal", value=value))
    db.session.commit()


def _step(key):
    def action(client, world, headers, _user):
        _state(world, STEP_FROM[key])
        if key == "complete_appraisal":
            _every_item_decided(world)
        # Confirmed gaps (unanswered items at submission, at finalising): who asks decides.
        return client.post(f"/api/v1/assessments/{world['assessment'].id}/transitions",
                           json={"transition": key, "reason": "Lý do kiểm thử",
                                 "confirm_unanswered": True, "confirm_gaps": True},
                           headers=headers)
    return action


def _own_note(client, world, headers, user):
    note_id = 999_999
    if user is not None:
        note = Notification(user_id=user.id, kind="finalised", subject="Đã chốt kết quả")
        db.session.add(note)
        db.session.commit()
        note_id = note.id
    return client.post(f"/api/v1/notifications/{note_id}/read", headers=headers)


def _own_job(client, world, headers, user):
    job = Job(kind="mail", key=f"mail:matrix-{user.id if user else 0}", state="done",
              created_by=user.id if user else None, params={})
    db.session.add(job)
    db.session.commit()
    return client.get(f"/api/v1/jobs/{job.id}", headers=headers)


def _job_file(audience: str):
    def ask(client, world, headers, user):
        content = b"PK workbook of the matrix"
        key = hashlib.sha256(content).hexdigest()
        evidence.storage().put(key, io.BytesIO(content))
        job = Job(kind="ranking-workbook", key=f"ranking-workbook:matrix-{audience}",
                  state="done", created_by=world["others_job"].created_by, params={
                      "audience": audience,
                      "file": {"key": key, "name": "xep-hang.xlsx", "size": len(content)}})
        db.session.add(job)
        db.session.commit()
        return client.get(f"/api/v1/jobs/{job.id}/file", headers=headers)
    return ask


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _asked(world):
    """The council asked about 1.1.1 and requested the explanation."""
    _state(world, "explanation_requested")
    db.session.add(Answer(assessment_id=world["assessment"].id, code="1.1.1",
                          source="appraisal", reason="Kế hoạch ban hành ngày nào?"))
    db.session.commit()


def _explanation_url(world, tail=""):
    return f"/api/v1/assessments/{world['assessment'].id}/explanation{tail}"


def _questions(client, world, headers, _user):
    _asked(world)
    return client.get(_explanation_url(world), headers=headers)


def _reply(client, world, headers, _user):
    _asked(world)
    return client.put(_explanation_url(world, "/1.1.1"), headers=headers,
                      json={"reply": "Ban hành ngày 20/01/2021.", "version": None})


def _reply_evidence(client, world, headers, _caller):
    _asked(world)
    editor = _user("librarian", "unit_editor", world["own"])
    document, = evidence.upload(world["campaign"].id, world["own"].id, editor,
                                [("ke-hoach.pdf", io.BytesIO(PDF))],
                                {"title": "Kế hoạch CCHC năm 2021"})
    return client.post(_explanation_url(world, "/1.1.1/evidence"), headers=headers,
                       json={"document_id": document.id})


def _reply_unlink(client, world, headers, _caller):
    _asked(world)
    editor = _user("librarian", "unit_editor", world["own"])
    document, = evidence.upload(world["campaign"].id, world["own"].id, editor,
                                [("ke-hoach.pdf", io.BytesIO(PDF))],
                                {"title": "Kế hoạch CCHC năm 2021"})
    link = evidence.add_link(world["assessment"], editor, "1.1.1", document.id)
    return client.delete(_explanation_url(world, f"/1.1.1/evidence/{link.id}"), headers=headers)


ACTIONS = {
    "assignments.list": lambda c, w, h, u: c.get(
        f"/api/v1/campaigns/{w['campaign'].id}/reviewer-assignments", headers=h),
    "assignments.create": lambda c, w, h, u: c.post(
        f"/api/v1/campaigns/{w['campaign'].id}/reviewer-assignments", headers=h,
        json={"reviewer_id": w["target"].id, "domains": ["4"]}),
    "assignments.delete": lambda c, w, h, u: c.delete(
        f"/api/v1/reviewer-assignments/{w['assignment'].id}", headers=h),
    "appraisal.view": _in_appraisal(lambda c, w, h: c.get(_appraisal_url(w), headers=h)),
    "appraisal.accept": _in_appraisal(lambda c, w, h: c.post(
        _appraisal_url(w, "/1.1.1"), json={"action": "accept"}, headers=h)),
    "appraisal.adjust": _in_appraisal(lambda c, w, h: c.post(
        _appraisal_url(w, "/1.1.1"), headers=h,
        json={"action": "adjust", "value": "late", "reason": "Ban hành muộn"})),
    "appraisal.ask": _in_appraisal(lambda c, w, h: c.post(
        _appraisal_url(w, "/1.1.1"), headers=h,
        json={"action": "request_explanation", "reason": "Văn bản số mấy?"})),
    "appraisal.accept_untouched": _in_appraisal(lambda c, w, h: c.post(
        _appraisal_url(w, "/accept-untouched"), json={"domain": "1"}, headers=h)),
    "transitions.get": lambda c, w, h, u: c.get(
        f"/api/v1/assessments/{w['assessment'].id}/transitions", headers=h),
    "history.get": lambda c, w, h, u: c.get(
        f"/api/v1/assessments/{w['assessment'].id}/history", headers=h),
    **{f"step.{key}": _step(key) for key in STEP_FROM},
    "audit.list": lambda c, w, h, u: c.get(
        "/api/v1/audit-events", query_string={"unit_id": w["own"].id}, headers=h),
    "progress.get": lambda c, w, h, u: c.get(
        f"/api/v1/campaigns/{w['campaign'].id}/progress", headers=h),
    "progress.xlsx": lambda c, w, h, u: c.get(
        f"/api/v1/campaigns/{w['campaign'].id}/progress.xlsx", headers=h),
    "notifications.list": lambda c, w, h, u: c.get("/api/v1/notifications", headers=h),
    "notifications.read_own": _own_note,
    "notifications.read_others": lambda c, w, h, u: c.post(
        f"/api/v1/notifications/{w['others_note'].id}/read", headers=h),
    "jobs.get_own": _own_job,
    "jobs.file_published": _job_file("signed_in"),
    "jobs.file_live": _job_file("admin"),
    "jobs.get_others": lambda c, w, h, u: c.get(f"/api/v1/jobs/{w['others_job'].id}",
                                                headers=h),
    "explanation.questions": _questions,
    "explanation.reply": _reply,
    "explanation.evidence": _reply_evidence,
    "explanation.unlink": _reply_unlink,
}


def _sees_target(action, response, world) -> bool:
    if action == "assignments.list":
        return any(a["reviewer_id"] == world["target"].id for a in response.get_json())
    if action == "audit.list":
        return any(e["unit_id"] == world["own"].id for e in response.get_json()["items"])
    if action == "progress.get":
        return any(r["unit"]["code"] == "STP" for r in response.get_json()["rows"])
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["Tiến độ"]
    return any(row[0] == "STP" for row in sheet.iter_rows(min_row=2, values_only=True))


def test_the_matrix_is_complete():
    assert set(MATRIX) == set(ACTIONS)
    assert set(STEP_FROM) == set(TRANSITIONS)  # every workflow step, a new one included
    assert set(PROFILES) | {"anonymous"} == set(ACTORS)
    for action, row in MATRIX.items():
        assert len(row.split()) == len(ACTORS), action


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(MATRIX))
def test_status(app, client, world, action, actor):
    if action.startswith("explanation.") and not _has_explanation_api(app):
        pytest.skip("the API has no explanation replies yet")
    user, headers = _actor(world, actor)
    response = ACTIONS[action](client, world, headers, user)
    status = expected(action, actor)
    assert response.status_code == status, (action, actor, response.get_data(as_text=True))
    if status >= 400:
        assert response.mimetype == "application/problem+json"
    if action in SEES_TARGET and status == 200:
        assert _sees_target(action, response, world) == (actor in SEES_TARGET[action])
    if action == "assignments.list" and status == 200 and not actor.startswith("admin"):
        assert [a["reviewer_id"] for a in response.get_json()] == [user.id]  # their own only
    if action == "notifications.list" and status == 200:
        assert response.get_json() == []  # only "recipient" has a notification
    if action.startswith("appraisal.") and action != "appraisal.view" and status != 200:
        assert db.session.scalars(select(Answer).filter_by(source="appraisal")).all() == []


EXPLANATION_ROUTES = {
    ("GET", "/api/v1/assessments/<int:assessment_id>/explanation"): "explanation.questions",
    ("PUT", "/api/v1/assessments/<int:assessment_id>/explanation/<string:code>"):
        "explanation.reply",
    ("POST", "/api/v1/assessments/<int:assessment_id>/explanation/<string:code>/evidence"):
        "explanation.evidence",
    ("DELETE", "/api/v1/assessments/<int:assessment_id>/explanation/<string:code>/evidence/"
               "<int:link_id>"): "explanation.unlink",
}


def _has_explanation_api(app) -> bool:
    return any(rule.rule == "/api/v1/assessments/<int:assessment_id>/explanation"
               for rule in app.url_map.iter_rules())


APPRAISAL_BLUEPRINTS = ("appraisal", "reviewers", "transitions", "audit", "notifications",
                        "progress", "explanations", "jobs")
# (method, rule) of every route the matrix covers, by its action.
ROUTES = {
    ("GET", "/api/v1/campaigns/<int:campaign_id>/reviewer-assignments"): "assignments.list",
    ("POST", "/api/v1/campaigns/<int:campaign_id>/reviewer-assignments"):
        "assignments.create",
    ("DELETE", "/api/v1/reviewer-assignments/<int:assignment_id>"): "assignments.delete",
    ("GET", "/api/v1/assessments/<int:assessment_id>/appraisal"): "appraisal.view",
    ("POST", "/api/v1/assessments/<int:assessment_id>/appraisal/<string:code>"):
        "appraisal.accept",
    ("POST", "/api/v1/assessments/<int:assessment_id>/appraisal/accept-untouched"):
        "appraisal.accept_untouched",
    ("GET", "/api/v1/assessments/<int:assessment_id>/transitions"): "transitions.get",
    ("POST", "/api/v1/assessments/<int:assessment_id>/transitions"): "step.submit",
    ("GET", "/api/v1/assessments/<int:assessment_id>/history"): "history.get",
    ("GET", "/api/v1/audit-events"): "audit.list",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/progress"): "progress.get",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/progress.xlsx"): "progress.xlsx",
    ("GET", "/api/v1/notifications"): "notifications.list",
    ("POST", "/api/v1/notifications/<int:notification_id>/read"): "notifications.read_own",
    ("GET", "/api/v1/jobs/<int:job_id>"): "jobs.get_own",
    ("GET", "/api/v1/jobs/<int:job_id>/file"): "jobs.file_published",
    **EXPLANATION_ROUTES,
}


def test_every_appraisal_route_is_in_the_matrix(app):
    """A new appraisal-related endpoint (an explanation reply, say) must join the matrix."""
    found = set()
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0]
        if blueprint in APPRAISAL_BLUEPRINTS or (rule.rule.startswith("/api/")
                                                 and "explanation" in rule.rule):
            found |= {(method, rule.rule) for method in rule.methods
                      if method not in ("HEAD", "OPTIONS")}
    expected_routes = set(ROUTES) - (set() if _has_explanation_api(app)
                                     else set(EXPLANATION_ROUTES))
    assert found == expected_routes
    assert set(ROUTES.values()) <= set(MATRIX)


def test_expired_tokens_are_anonymous(client, world):
    user, headers = _actor(world, "admin_other")
    row = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    response = client.get(f"/api/v1/campaigns/{world['campaign'].id}/progress",
                          headers=headers)
    assert response.status_code == 401
