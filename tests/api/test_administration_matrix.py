"""The authorization matrix of administration over the API: every action × every actor, with
the status each one gets. The tables below ARE the policy; the tests hold the API to it. The
appraisal round has its own matrix (tests/api/test_authorization_matrix.py).

Actors (own = the province QNI, whose dossier the open campaign holds; other = HPG):
  admin        administrator
  admin_otp    administrator who still holds a one-time password (must change it first)
  reviewer     reviewer assigned to domain 1 of the open campaign
  head_own, head_other, editor_own, viewer, anonymous

Rules the matrix shows:
- administration (units, unit groups, users, campaigns, exclusions, publishing and importing
  results, the survey, live rankings and group reports and plans, ranking settings, effort
  weights, deadline extensions) is for administrators only: 403 for every other signed-in
  user, whatever they belong to, 401 anonymous;
- a user holding a one-time password gets 403 from everything but changing it (and signing in);
- lists of what every signed-in user reads (units, groups, campaigns, criteria sets, made
  publications) answer everyone; the campaign's dossier list shows only what the caller may read;
- a unit's plan: whoever may read the unit (its people, reviewers, viewers, administrators);
  another unit's people get 404;
- tokens: each user lists and revokes their own; another's token is 404 (it does not exist for
  them), listing another's or everyone's is 403; signing in needs no token;
- the OpenAPI document is public.

Administration writes refuse before reading the body: whatever a non-administrator sends, they
get 403, never a 422 naming the fields.

`test_every_api_route_is_in_a_matrix` fails as soon as a route under /api/v1 is added that
neither matrix (nor the short list of routes tested elsewhere) lists; the web pages under /admin
have their own matrix and the same rule (tests/web/test_admin_pages_matrix.py).
"""

import io
from datetime import date

import pytest
from flask import current_app
from sqlalchemy import select

from server.extensions import db
from server.models import (
    ApiToken,
    AppendixTemplate,
    Assessment,
    Campaign,
    EvidenceDocument,
    ExcludedItem,
    LoginThrottle,
    ParPlan,
    PlanTask,
    PlanVersion,
    Publication,
    ReportPeriod,
    ReportSubmission,
    ReviewerAssignment,
    Unit,
    User,
)
from server.people.auth import issue_token
from server.records.schedule import default_schedule, set_schedule
from server.results.publications import publish
from tests.administration_world import (
    PIN,
    UNIT_ROWS,
    USER_ROWS,
    build_world,
    csv,
    finalised,
    make_user,
    throttle_target,
)
from tests.api.test_authorization_matrix import ROUTES as APPRAISAL_ROUTES
from tests.helpers import PASSWORD
from tests.imported_data import table_csv
from tests.records.periodic_world import template_file

ACTORS = ("admin", "admin_otp", "reviewer", "head_own", "head_other", "editor_own", "viewer",
          "anonymous")

EVERYONE = "200  403  200  200  200  200  200  401"
ADMIN_200 = "200  403  403  403  403  403  403  401"
ADMIN_201 = "201  403  403  403  403  403  403  401"
ADMIN_202 = "202  403  403  403  403  403  403  401"  # queued as a job
ADMIN_204 = "204  403  403  403  403  403  403  401"

# action: expected status per actor, in ACTORS order.
#                          admin otp  rv   hd_o hd_x ed_o view anon
MATRIX = {
    "openapi":             "200  200  200  200  200  200  200  200",
    "me":                  EVERYONE,
    "tokens.create":       "201  201  201  201  201  201  201  201",
    "tokens.list_own":     EVERYONE,
    "tokens.list_user":    ADMIN_200,
    "tokens.list_all":     ADMIN_200,
    "tokens.delete_own":   "204  403  204  204  204  204  204  401",
    "tokens.delete_others": "204 403  404  404  404  404  404  401",
    "account.password":    "204  204  204  204  204  204  204  401",
    "criteria_sets.list":  EVERYONE,
    "criteria_sets.tree":  EVERYONE,
    "criteria_sets.score": EVERYONE,
    "units.list":          EVERYONE,
    "units.get":           EVERYONE,
    "units.create":        ADMIN_201,
    "units.patch":         ADMIN_200,
    "units.delete":        ADMIN_204,
    "units.import":        ADMIN_202,
    "units.export":        ADMIN_200,
    "units.template":      ADMIN_200,
    "unit_groups.list":    EVERYONE,
    "unit_groups.get":     EVERYONE,
    "unit_groups.create":  ADMIN_201,
    "unit_groups.patch":   ADMIN_200,
    "users.list":          ADMIN_200,
    "users.get":           ADMIN_200,
    "users.create":        ADMIN_201,
    "users.patch":         ADMIN_200,
    "users.unthrottle":    ADMIN_204,
    "users.import":        ADMIN_202,
    "users.template_xlsx": ADMIN_200,
    "users.template_csv":  ADMIN_200,
    "campaigns.list":      EVERYONE,
    "campaigns.get":       EVERYONE,
    "campaigns.create":    ADMIN_201,
    "campaigns.patch":     ADMIN_200,
    "campaigns.steps":     EVERYONE,
    "campaigns.close":     ADMIN_200,
    "campaigns.opening":   ADMIN_202,
    "campaigns.coverage":  ADMIN_200,
    "campaigns.dossiers":  EVERYONE,
    "campaigns.successor": ADMIN_201,
    "extension.grant":     ADMIN_200,
    "exclusions.list":     ADMIN_200,
    "exclusions.set":      ADMIN_200,
    "exclusions.clear":    ADMIN_204,
    "publications.list":   EVERYONE,
    "publications.publish": ADMIN_202,
    "publications.get":    EVERYONE,
    "publications.workbook": EVERYONE,
    "publications.drift":  ADMIN_200,
    "publications.import": ADMIN_201,
    "publications.import_template": ADMIN_200,
    "ranking_settings.get": ADMIN_200,
    "ranking_settings.put": ADMIN_200,
    "ranking_settings.patch": ADMIN_200,
    "survey.import":       ADMIN_202,
    "survey.template":     ADMIN_200,
    "rankings.get":        ADMIN_200,
    "rankings.xlsx":       ADMIN_200,
    "rankings.csv":        ADMIN_200,
    "points_lost.group":   ADMIN_200,
    "points_lost.group_xlsx": ADMIN_200,
    # A unit's plan: whoever may read the unit; another unit's people 404, as for no unit.
    "plans.unit":          "200  403  200  200  404  200  200  401",
    "plans.unit_xlsx":     "200  403  200  200  404  200  200  401",
    "plans.group":         ADMIN_200,
    "plans.group_xlsx":    ADMIN_200,
    "plan_weights.get":    ADMIN_200,
    "plan_weights.put":    ADMIN_200,
    # PAR plans (of the own unit QNI): its people write it, whoever reads the unit reads it,
    # another unit's people get 404; a campaign's list and grid show what the caller may read.
    "par_plans.list":      EVERYONE,
    "par_plans.create":    "201  403  403  201  403  201  403  401",
    "par_plans.get":       "200  403  200  200  404  200  200  401",
    "par_plans.patch":     "200  403  403  200  404  200  403  401",
    "par_plans.version":   "201  403  403  201  404  201  403  401",
    "par_plans.task_add":  "201  403  403  201  404  201  403  401",
    "par_plans.task_put":  "200  403  403  200  404  200  403  401",
    "par_plans.task_done": "200  403  403  200  404  200  403  401",
    "par_plans.take_over": "201  403  403  201  404  201  403  401",
    "par_plans.import":    "202  403  403  202  404  202  403  401",
    "par_plans.export":    "200  403  200  200  404  200  200  401",
    "par_plans.progress":  EVERYONE,
    "par_plans.progress_xlsx": EVERYONE,
    "par_plans.from_target": "201 403  403  201  404  201  403  401",
    # Periodic reports: the schedule is read by everyone, set by administrators; a unit's
    # people send their own unit's report; the roll-up is the Department's (or a district's).
    "report_periods.list": EVERYONE,
    "report_periods.set":  ADMIN_200,
    "report_periods.proposal": EVERYONE,
    "report_periods.offices": ADMIN_200,
    "report_periods.template": ADMIN_201,
    "report_periods.late": EVERYONE,
    "report_periods.get":  EVERYONE,
    "report_periods.submit": "200  403  403  200  403  200  403  401",
    "report_periods.outside": ADMIN_200,
    "report_periods.rollup": ADMIN_200,
}
# For the dossier list: who finds the own unit's dossier (QNI) in it.
SEES_OWN_DOSSIER = {"admin", "reviewer", "head_own", "editor_own", "viewer"}

# actor: (role, the unit the role belongs to)
PROFILES = {
    "admin": ("admin", None), "admin_otp": ("admin", None), "reviewer": ("reviewer", None),
    "head_own": ("unit_head", "own"), "head_other": ("unit_head", "other"),
    "editor_own": ("unit_editor", "own"), "viewer": ("viewer", None),
}


def expected(action: str, actor: str) -> int:
    return int(MATRIX[action].split()[ACTORS.index(actor)])


def _actor(world, actor):
    """(user or None, request headers) for `actor`."""
    if actor == "anonymous":
        return None, {}
    role, belongs = PROFILES[actor]
    unit = {"own": world["own"], "other": world["other"], None: None}[belongs]
    user = make_user(actor, role, unit)
    user.must_change_password = actor == "admin_otp"
    if role == "reviewer":
        db.session.add(ReviewerAssignment(campaign_id=world["campaign"].id, reviewer_id=user.id,
                                          domains=["1"]))
    token = issue_token(user, "matrix")
    db.session.commit()
    return user, {"Authorization": f"Bearer {token}"}


# ------------------------------------------------------------------------------ the actions
# Each takes (client, world, headers, user), builds what the action needs and makes one request.

def _upload(content: bytes, name: str) -> dict:
    return {"file": (io.BytesIO(content), name)}


def _published(world) -> Publication:
    """The own unit's group, finalised and published (with its gaps confirmed)."""
    finalised(world)
    admin = db.session.scalar(select(User).where(User.username == "publisher")) \
        or make_user("publisher", "admin")
    return publish(world["campaign"], "province", admin, "Công bố kết quả", confirm_gaps=True)


def _with_publication(request):
    def action(client, world, headers, _user):
        return request(client, _published(world).id, headers)
    return action


def _survey_import(client, world, headers, _user):
    campaign = world["campaign"]
    criteria_set = current_app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
    leaf = next(leaf for leaf in criteria_set.leaves() if leaf.source == "survey")
    content = csv(("Mã đơn vị", "Mã tiêu chí", "Điểm"), ("QNI", leaf.code, "0,25"))
    return client.post(f"/api/v1/campaigns/{campaign.id}/survey-import", headers=headers,
                       data=_upload(content, "dieu-tra.csv"), content_type="multipart/form-data")


def _publication_import(client, world, headers, _user):
    for code in ("XA", "XB", "XC"):
        db.session.add(Unit(code=code, name=f"Xã {code}", level="commune", group="commune"))
    db.session.commit()
    form = {"year": "2020", "group": "commune", "criteria_set": PIN,
            "source": "Quyết định số 512/QĐ-UBND", "tie_compare": "unrounded",
            "tie_ranks": "shared", **_upload(table_csv(), "ket-qua-2020.csv")}
    return client.post("/api/v1/publications/import", headers=headers, data=form,
                       content_type="multipart/form-data")


def _opening(client, world, headers, _caller):
    """Every domain covered (the campaign opens only so), then open it again: the dossiers of
    the units added since are created."""
    council = make_user("council", "reviewer")
    db.session.add(ReviewerAssignment(campaign_id=world["campaign"].id, reviewer_id=council.id,
                                      domains=[str(n) for n in range(1, 9)]))
    db.session.commit()
    return client.post(_campaign_url(world, "/opening"), headers=headers)


def _delete_own_token(client, world, headers, user):
    token_id = 999_999
    if user is not None:
        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))
    return client.delete(f"/api/v1/tokens/{token_id}", headers=headers)


PAR_TASKS = ("Nhiệm vụ giao cho QNI", "Rà soát TTHC")


def _par_plan(world) -> dict:
    """QNI's PAR plan in the open campaign, under HPG's plan, which gives QNI a task to take
    over; a task of its own and a document of QNI to complete it with."""
    from datetime import date

    from server.models import EvidenceDocument

    campaign = world["campaign"]
    above = ParPlan(campaign_id=campaign.id, unit_id=world["other"].id)
    above.tasks.append(PlanTask(title=PAR_TASKS[0], lead_unit_id=world["own"].id))
    db.session.add(above)
    db.session.flush()
    plan = ParPlan(campaign_id=campaign.id, unit_id=world["own"].id, parent_id=above.id)
    plan.tasks.append(PlanTask(title=PAR_TASKS[1], deadline=date(2026, 6, 30)))
    document = EvidenceDocument(campaign_id=campaign.id, unit_id=world["own"].id,
                                number="45/BC", issued_on=date(2026, 6, 1))
    db.session.add_all([plan, document])
    db.session.commit()
    return {"plan": plan.id, "task": plan.tasks[0].id, "document": document.id}


def _with_par_plan(request):
    def action(client, world, headers, _user):
        return request(client, _campaign_url(world, "/par-plans"), _par_plan(world), headers)
    return action


def _others_token(world):
    return db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == world["target"].id))


def _campaign_url(world, tail="", key="campaign"):
    return f"/api/v1/campaigns/{world[key].id}{tail}"


def _exclusion_url(world, code):
    return _campaign_url(world, f"/units/QNI/exclusions/{code}")


def _reports(world) -> str:
    """The open campaign's reporting schedule (seed 003's four reports); its reports' URL."""
    set_schedule(world["campaign"], default_schedule(2021), None)
    db.session.commit()
    return _campaign_url(world, "/report-periods")


def _report_document(world) -> int:
    """A dated evidence document of the own unit, to sign its report with."""
    document = EvidenceDocument(campaign_id=world["campaign"].id, unit_id=world["own"].id,
                                number="12/BC-UBND", issued_on=date(2021, 3, 12),
                                title="Báo cáo CCHC quý I")
    db.session.add(document)
    db.session.commit()
    return document.id


def _report_template(client, world, headers, _user):
    return client.post(_campaign_url(world, "/report-periods/templates"), headers=headers,
                       data={"name": "Phụ lục 3B", **_upload(template_file(), "3b.xlsx")},
                       content_type="multipart/form-data")


SCORE = {"answers": {"1.1.1": {"value": "timely"}}}
NOT_RANKED = [{"unit_code": "QNI", "reason": "Không xếp hạng theo quyết định của Hội đồng"}]

ACTIONS = {
    "openapi": lambda c, w, h, u: c.get("/api/v1/openapi.json", headers=h),
    "me": lambda c, w, h, u: c.get("/api/v1/me", headers=h),
    # Signing in needs no token: whoever holds the target's password gets one.
    "tokens.create": lambda c, w, h, u: c.post(
        "/api/v1/tokens", headers=h, json={"username": "target", "password": PASSWORD}),
    "tokens.list_own": lambda c, w, h, u: c.get("/api/v1/tokens", headers=h),
    "tokens.list_user": lambda c, w, h, u: c.get("/api/v1/tokens?user=target", headers=h),
    "tokens.list_all": lambda c, w, h, u: c.get("/api/v1/tokens?all=1", headers=h),
    "tokens.delete_own": _delete_own_token,
    "tokens.delete_others": lambda c, w, h, u: c.delete(
        f"/api/v1/tokens/{_others_token(w)}", headers=h),
    "account.password": lambda c, w, h, u: c.post(
        "/api/v1/account/password", headers=h,
        json={"current_password": PASSWORD, "new_password": "một mật khẩu mới dài"}),
    "criteria_sets.list": lambda c, w, h, u: c.get("/api/v1/criteria-sets", headers=h),
    "criteria_sets.tree": lambda c, w, h, u: c.get(
        "/api/v1/criteria-sets/province-2020/1.0.0", headers=h),
    "criteria_sets.score": lambda c, w, h, u: c.post(
        "/api/v1/criteria-sets/province-2020/1.0.0/score", headers=h, json=SCORE),
    "units.list": lambda c, w, h, u: c.get("/api/v1/units", headers=h),
    "units.get": lambda c, w, h, u: c.get("/api/v1/units/QNI", headers=h),
    "units.create": lambda c, w, h, u: c.post(
        "/api/v1/units", headers=h, json={"code": "LCI", "name": "Tỉnh Lào Cai",
                                          "level": "province", "group": "province"}),
    "units.patch": lambda c, w, h, u: c.patch(
        "/api/v1/units/HPG", headers=h, json={"name": "TP Hải Phòng"}),
    "units.delete": lambda c, w, h, u: c.delete("/api/v1/units/BNH", headers=h),
    "units.import": lambda c, w, h, u: c.post(
        "/api/v1/units/import", headers=h, data=_upload(UNIT_ROWS, "don-vi.csv"),
        content_type="multipart/form-data"),
    "units.export": lambda c, w, h, u: c.get("/api/v1/units.xlsx", headers=h),
    "units.template": lambda c, w, h, u: c.get("/api/v1/units.xlsx?template=1", headers=h),
    "unit_groups.list": lambda c, w, h, u: c.get("/api/v1/unit-groups", headers=h),
    "unit_groups.get": lambda c, w, h, u: c.get("/api/v1/unit-groups/department", headers=h),
    "unit_groups.create": lambda c, w, h, u: c.post(
        "/api/v1/unit-groups", headers=h,
        json={"code": "special", "label": "Đơn vị đặc thù", "ranked": False}),
    "unit_groups.patch": lambda c, w, h, u: c.patch(
        "/api/v1/unit-groups/ministry", headers=h, json={"label": "Bộ, ngành"}),
    "users.list": lambda c, w, h, u: c.get("/api/v1/users", headers=h),
    "users.get": lambda c, w, h, u: c.get("/api/v1/users/target", headers=h),
    "users.create": lambda c, w, h, u: c.post(
        "/api/v1/users", headers=h,
        json={"username": "lanhdao.hpg", "full_name": "Trần Thị B", "roles": ["unit_head:HPG"]}),
    "users.patch": lambda c, w, h, u: c.patch(
        "/api/v1/users/target", headers=h, json={"full_name": "Lê Văn C", "active": False}),
    "users.unthrottle": lambda c, w, h, u: throttle_target() and c.delete(
        "/api/v1/users/target/throttle", headers=h),
    "users.import": lambda c, w, h, u: c.post(
        "/api/v1/users/import", headers=h, data=_upload(USER_ROWS, "nguoi-dung.csv"),
        content_type="multipart/form-data"),
    "users.template_xlsx": lambda c, w, h, u: c.get("/api/v1/users/template.xlsx", headers=h),
    "users.template_csv": lambda c, w, h, u: c.get("/api/v1/users/template.csv", headers=h),
    "campaigns.list": lambda c, w, h, u: c.get("/api/v1/campaigns", headers=h),
    "campaigns.get": lambda c, w, h, u: c.get(_campaign_url(w), headers=h),
    "campaigns.create": lambda c, w, h, u: c.post(
        "/api/v1/campaigns", headers=h,
        json={"year": 2023, "title": "Chỉ số CCHC năm 2023", "pins": {"province": PIN},
              "confirm_unverified": True}),
    "campaigns.patch": lambda c, w, h, u: c.patch(
        _campaign_url(w, key="draft"), headers=h, json={"title": "Chỉ số CCHC 2022 (sửa)"}),
    "campaigns.steps": lambda c, w, h, u: c.get(_campaign_url(w, "/transitions"), headers=h),
    "campaigns.close": lambda c, w, h, u: c.post(
        _campaign_url(w, "/transitions"), headers=h, json={"transition": "close"}),
    "campaigns.opening": _opening,
    "campaigns.coverage": lambda c, w, h, u: c.get(_campaign_url(w, "/coverage"), headers=h),
    "campaigns.dossiers": lambda c, w, h, u: c.get(_campaign_url(w, "/dossiers"), headers=h),
    "campaigns.successor": lambda c, w, h, u: c.post(
        _campaign_url(w, "/successor"), headers=h, json={"confirm_unverified": True}),
    "extension.grant": lambda c, w, h, u: c.put(
        f"/api/v1/assessments/{w['assessment'].id}/extension", headers=h,
        json={"until": "2031-01-31T17:00:00+07:00", "reason": "Bão lũ"}),
    "exclusions.list": lambda c, w, h, u: c.get(
        _campaign_url(w, "/units/QNI/exclusions"), headers=h),
    "exclusions.set": lambda c, w, h, u: c.put(
        _exclusion_url(w, "2"), headers=h, json={"reason": "Không áp dụng với đơn vị"}),
    "exclusions.clear": lambda c, w, h, u: c.delete(
        _exclusion_url(w, "3"), headers=h, json={"reason": "Đơn vị có thủ tục từ năm nay"}),
    "publications.list": lambda c, w, h, u: c.get(_campaign_url(w, "/publications"), headers=h),
    "publications.publish": lambda c, w, h, u: (finalised(w), c.post(
        _campaign_url(w, "/publications"), headers=h,
        json={"group": "province", "reason": "Công bố kết quả", "confirm_gaps": True}))[1],
    "publications.get": _with_publication(
        lambda c, pid, h: c.get(f"/api/v1/publications/{pid}", headers=h)),
    "publications.workbook": _with_publication(
        lambda c, pid, h: c.get(f"/api/v1/publications/{pid}/ranking.xlsx", headers=h)),
    "publications.drift": _with_publication(
        lambda c, pid, h: c.get(f"/api/v1/publications/{pid}/drift", headers=h)),
    "publications.import": _publication_import,
    "publications.import_template": lambda c, w, h, u: c.get(
        f"/api/v1/publications/import-template.xlsx?criteria_set={PIN}", headers=h),
    "ranking_settings.get": lambda c, w, h, u: c.get(
        _campaign_url(w, "/ranking-settings"), headers=h),
    "ranking_settings.put": lambda c, w, h, u: c.put(
        _campaign_url(w, "/ranking-settings"), headers=h,
        json={"tie_rule": {"compare": "rounded", "ranks": "distinct"},
              "not_ranked": NOT_RANKED, "reason": "Quyết định của Hội đồng"}),
    "ranking_settings.patch": lambda c, w, h, u: c.patch(
        _campaign_url(w, "/ranking-settings"), headers=h, json={"not_ranked": NOT_RANKED}),
    "survey.import": _survey_import,
    "survey.template": lambda c, w, h, u: c.get(
        _campaign_url(w, "/survey-template.xlsx"), headers=h),
    "rankings.get": lambda c, w, h, u: c.get(
        _campaign_url(w, "/ranking?group=province"), headers=h),
    "rankings.xlsx": lambda c, w, h, u: c.get(
        _campaign_url(w, "/ranking.xlsx?group=province"), headers=h),
    "rankings.csv": lambda c, w, h, u: c.get(
        _campaign_url(w, "/ranking.csv?group=province"), headers=h),
    "points_lost.group": lambda c, w, h, u: c.get(
        _campaign_url(w, "/points-lost?group=province"), headers=h),
    "points_lost.group_xlsx": lambda c, w, h, u: c.get(
        _campaign_url(w, "/points-lost.xlsx?group=province"), headers=h),
    "plans.unit": lambda c, w, h, u: c.get(
        _campaign_url(w, "/units/QNI/plan?index=90"), headers=h),
    "plans.unit_xlsx": lambda c, w, h, u: c.get(
        _campaign_url(w, "/units/QNI/plan.xlsx?index=90"), headers=h),
    "plans.group": lambda c, w, h, u: c.get(
        _campaign_url(w, "/plans?group=province&index=90"), headers=h),
    "plans.group_xlsx": lambda c, w, h, u: c.get(
        _campaign_url(w, "/plans.xlsx?group=province&index=90"), headers=h),
    "plan_weights.get": lambda c, w, h, u: c.get(
        _campaign_url(w, "/plan-weights?group=province"), headers=h),
    "plan_weights.put": lambda c, w, h, u: c.put(
        _campaign_url(w, "/plan-weights?group=province"), headers=h,
        json={"weights": {"1.1.1": 3}, "reason": "Khó cải thiện"}),
    "par_plans.list": _with_par_plan(lambda c, url, p, h: c.get(url, headers=h)),
    "par_plans.create": lambda c, w, h, u: c.post(
        _campaign_url(w, "/par-plans"), headers=h, json={"unit_code": "QNI"}),
    "par_plans.get": _with_par_plan(lambda c, url, p, h: c.get(f"{url}/QNI", headers=h)),
    "par_plans.patch": _with_par_plan(lambda c, url, p, h: c.patch(
        f"{url}/QNI", headers=h, json={"title": "Kế hoạch CCHC năm 2021"})),
    "par_plans.version": _with_par_plan(lambda c, url, p, h: c.post(
        f"{url}/QNI/versions", headers=h,
        json={"decision_number": "15/KH", "issued_on": "2021-01-20"})),
    "par_plans.task_add": _with_par_plan(lambda c, url, p, h: c.post(
        f"{url}/QNI/tasks", headers=h, json={"title": "Tuyên truyền CCHC"})),
    "par_plans.task_put": _with_par_plan(lambda c, url, p, h: c.put(
        f"{url}/QNI/tasks/{p['task']}", headers=h, json={"title": "Rà soát lại TTHC"})),
    "par_plans.task_done": _with_par_plan(lambda c, url, p, h: c.post(
        f"{url}/QNI/tasks/{p['task']}/done", headers=h, json={"document_id": p["document"]})),
    "par_plans.take_over": _with_par_plan(lambda c, url, p, h: c.post(
        f"{url}/QNI/take-over", headers=h, json={})),
    "par_plans.import": _with_par_plan(lambda c, url, p, h: c.post(
        f"{url}/QNI/tasks/import", headers=h, content_type="multipart/form-data",
        data=_upload(csv(("STT", "Nhiệm vụ"), ("1", "Rà soát")), "nhiem-vu.csv"))),
    "par_plans.export": _with_par_plan(lambda c, url, p, h: c.get(
        f"{url}/QNI/tasks.xlsx", headers=h)),
    "par_plans.progress": _with_par_plan(lambda c, url, p, h: c.get(
        f"{url}/progress", headers=h)),
    "par_plans.progress_xlsx": _with_par_plan(lambda c, url, p, h: c.get(
        f"{url}/progress.xlsx?by=lead", headers=h)),
    "par_plans.from_target": _with_par_plan(lambda c, url, p, h: c.post(
        url.replace("/par-plans", "/units/QNI/plan/tasks"), headers=h,
        json={"index": "90", "lead_unit_code": "QNI", "deadline": "2021-09-30"})),
    "report_periods.list": lambda c, w, h, u: c.get(_reports(w), headers=h),
    "report_periods.set": lambda c, w, h, u: c.put(
        _campaign_url(w, "/report-periods"), headers=h,
        json={"periods": [{"key": "q1", "label": "Quý I", "covers_from": "2020-12-15",
                           "covers_to": "2021-03-10", "due_on": "2021-03-13"}]}),
    "report_periods.proposal": lambda c, w, h, u: c.get(
        _campaign_url(w, "/report-periods/proposal"), headers=h),
    "report_periods.offices": lambda c, w, h, u: c.put(
        _campaign_url(w, "/report-periods/domain-offices"), headers=h,
        json={"offices": {"1": "HPG"}}),
    "report_periods.template": _report_template,
    "report_periods.late": lambda c, w, h, u: c.get(f"{_reports(w)}/late", headers=h),
    "report_periods.get": lambda c, w, h, u: c.get(f"{_reports(w)}/q1", headers=h),
    "report_periods.submit": lambda c, w, h, u: c.put(
        f"{_reports(w)}/q1/units/QNI", headers=h,
        json={"document_id": _report_document(w)}),
    "report_periods.outside": lambda c, w, h, u: c.put(
        f"{_reports(w)}/q1/units/QNI/outside", headers=h,
        json={"received_on": "2021-03-12", "outside_reason": "Gửi bản giấy"}),
    "report_periods.rollup": lambda c, w, h, u: c.get(f"{_reports(w)}/q1/rollup.xlsx",
                                                      headers=h),
}

# What a refused write must leave untouched: (model, filter) counted before and after.
UNCHANGED = {
    "units.create": lambda: _count(Unit, Unit.code == "LCI"),
    "units.import": lambda: _count(Unit, Unit.code == "LCI"),
    "units.delete": lambda: _count(Unit, Unit.code == "BNH"),
    "users.create": lambda: _count(User, User.username == "lanhdao.hpg"),
    "users.import": lambda: _count(User, User.username == "bientap.hpg"),
    "users.patch": lambda: _count(User, User.username == "target", User.active.is_(True)),
    # Throttled before the call (see throttle_target), so a refusal must leave both counters.
    "users.unthrottle": lambda: throttle_target() and _count(LoginThrottle),
    "campaigns.create": lambda: _count(Campaign),
    "campaigns.successor": lambda: _count(Campaign),
    "campaigns.close": lambda: _count(Campaign, Campaign.state == "open"),
    "campaigns.opening": lambda: _count(Assessment),
    "exclusions.set": lambda: _count(ExcludedItem),
    "exclusions.clear": lambda: _count(ExcludedItem),
    "publications.publish": lambda: _count(Publication),
    "publications.import": lambda: _count(Publication),
    "tokens.delete_others": lambda: _count(ApiToken),
    "par_plans.create": lambda: _count(ParPlan),
    "par_plans.version": lambda: _count(PlanVersion),
    # The tasks a write would add (the plans' own two are made with the action).
    "par_plans.task_add": lambda: _count(PlanTask, PlanTask.title.not_in(PAR_TASKS)),
    "par_plans.take_over": lambda: _count(PlanTask, PlanTask.inherited_from_id.is_not(None)),
    "par_plans.from_target": lambda: _count(PlanTask, PlanTask.title.not_in(PAR_TASKS)),
    "report_periods.set": lambda: _count(ReportPeriod),
    "report_periods.submit": lambda: _count(ReportSubmission),
    "report_periods.outside": lambda: _count(ReportSubmission),
    "report_periods.template": lambda: _count(AppendixTemplate),
}


def _count(model, *where) -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(model).where(*where)).all())


def test_the_matrix_is_complete():
    assert set(MATRIX) == set(ACTIONS)
    assert set(PROFILES) | {"anonymous"} == set(ACTORS)
    for action, row in MATRIX.items():
        assert len(row.split()) == len(ACTORS), action


@pytest.fixture
def world(app):
    return build_world()


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(MATRIX))
def test_status(client, world, action, actor):
    user, headers = _actor(world, actor)
    before = UNCHANGED[action]() if action in UNCHANGED else None
    response = ACTIONS[action](client, world, headers, user)
    status = expected(action, actor)
    assert response.status_code == status, (action, actor, response.get_data(as_text=True))
    if status >= 400 and action != "openapi":
        assert response.mimetype == "application/problem+json"
    if action in UNCHANGED and status >= 400:
        assert UNCHANGED[action]() == before, "a refused write changed something"
    if action == "campaigns.dossiers" and status == 200:
        codes = [d["unit_code"] for d in response.get_json()["dossiers"]]
        assert codes == (["QNI"] if actor in SEES_OWN_DOSSIER else [])
    if action == "campaigns.steps" and status == 200:
        steps = [t["key"] for t in response.get_json()["transitions"]]
        assert steps == (["open", "close"] if actor == "admin" else [])  # open again: new units
    if action == "tokens.list_own" and status == 200:
        assert [t["name"] for t in response.get_json()["tokens"]] == ["matrix"]


# (method, rule) of every route this matrix covers, by its action.
ROUTES = {
    ("GET", "/api/v1/openapi.json"): "openapi",
    ("GET", "/api/v1/me"): "me",
    ("POST", "/api/v1/tokens"): "tokens.create",
    ("GET", "/api/v1/tokens"): "tokens.list_own",
    ("DELETE", "/api/v1/tokens/<int:token_id>"): "tokens.delete_own",
    ("POST", "/api/v1/account/password"): "account.password",
    ("GET", "/api/v1/criteria-sets"): "criteria_sets.list",
    ("GET", "/api/v1/criteria-sets/<set_id>/<version>"): "criteria_sets.tree",
    ("POST", "/api/v1/criteria-sets/<set_id>/<version>/score"): "criteria_sets.score",
    ("GET", "/api/v1/units"): "units.list",
    ("POST", "/api/v1/units"): "units.create",
    ("GET", "/api/v1/units/<code>"): "units.get",
    ("PATCH", "/api/v1/units/<code>"): "units.patch",
    ("DELETE", "/api/v1/units/<code>"): "units.delete",
    ("POST", "/api/v1/units/import"): "units.import",
    ("GET", "/api/v1/units.xlsx"): "units.export",
    ("GET", "/api/v1/unit-groups"): "unit_groups.list",
    ("POST", "/api/v1/unit-groups"): "unit_groups.create",
    ("GET", "/api/v1/unit-groups/<code>"): "unit_groups.get",
    ("PATCH", "/api/v1/unit-groups/<code>"): "unit_groups.patch",
    ("GET", "/api/v1/users"): "users.list",
    ("POST", "/api/v1/users"): "users.create",
    ("GET", "/api/v1/users/<username>"): "users.get",
    ("PATCH", "/api/v1/users/<username>"): "users.patch",
    ("DELETE", "/api/v1/users/<username>/throttle"): "users.unthrottle",
    ("POST", "/api/v1/users/import"): "users.import",
    ("GET", "/api/v1/users/template.<any(xlsx, csv):kind>"): "users.template_xlsx",
    ("GET", "/api/v1/campaigns"): "campaigns.list",
    ("POST", "/api/v1/campaigns"): "campaigns.create",
    ("GET", "/api/v1/campaigns/<int:campaign_id>"): "campaigns.get",
    ("PATCH", "/api/v1/campaigns/<int:campaign_id>"): "campaigns.patch",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/transitions"): "campaigns.steps",
    ("POST", "/api/v1/campaigns/<int:campaign_id>/transitions"): "campaigns.close",
    ("POST", "/api/v1/campaigns/<int:campaign_id>/opening"): "campaigns.opening",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/coverage"): "campaigns.coverage",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/dossiers"): "campaigns.dossiers",
    ("POST", "/api/v1/campaigns/<int:campaign_id>/successor"): "campaigns.successor",
    ("PUT", "/api/v1/assessments/<int:assessment_id>/extension"): "extension.grant",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/units/<unit_code>/exclusions"):
        "exclusions.list",
    ("PUT", "/api/v1/campaigns/<int:campaign_id>/units/<unit_code>/exclusions/<code>"):
        "exclusions.set",
    ("DELETE", "/api/v1/campaigns/<int:campaign_id>/units/<unit_code>/exclusions/<code>"):
        "exclusions.clear",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/publications"): "publications.list",
    ("POST", "/api/v1/campaigns/<int:campaign_id>/publications"): "publications.publish",
    ("GET", "/api/v1/publications/<int:publication_id>"): "publications.get",
    ("GET", "/api/v1/publications/<int:publication_id>/ranking.xlsx"): "publications.workbook",
    ("GET", "/api/v1/publications/<int:publication_id>/drift"): "publications.drift",
    ("POST", "/api/v1/publications/import"): "publications.import",
    ("GET", "/api/v1/publications/import-template.xlsx"): "publications.import_template",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/ranking-settings"): "ranking_settings.get",
    ("PUT", "/api/v1/campaigns/<int:campaign_id>/ranking-settings"): "ranking_settings.put",
    ("PATCH", "/api/v1/campaigns/<int:campaign_id>/ranking-settings"): "ranking_settings.patch",
    ("POST", "/api/v1/campaigns/<int:campaign_id>/survey-import"): "survey.import",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/survey-template.xlsx"): "survey.template",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/ranking"): "rankings.get",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/ranking.xlsx"): "rankings.xlsx",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/ranking.csv"): "rankings.csv",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/points-lost"): "points_lost.group",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/points-lost.xlsx"): "points_lost.group_xlsx",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/units/<unit_code>/plan"): "plans.unit",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/units/<unit_code>/plan.xlsx"):
        "plans.unit_xlsx",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/plans"): "plans.group",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/plans.xlsx"): "plans.group_xlsx",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/plan-weights"): "plan_weights.get",
    ("PUT", "/api/v1/campaigns/<int:campaign_id>/plan-weights"): "plan_weights.put",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/par-plans"): "par_plans.list",
    ("POST", "/api/v1/campaigns/<int:campaign_id>/par-plans"): "par_plans.create",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/par-plans/<unit_code>"): "par_plans.get",
    ("PATCH", "/api/v1/campaigns/<int:campaign_id>/par-plans/<unit_code>"): "par_plans.patch",
    ("POST", "/api/v1/campaigns/<int:campaign_id>/par-plans/<unit_code>/versions"):
        "par_plans.version",
    ("POST", "/api/v1/campaigns/<int:campaign_id>/par-plans/<unit_code>/tasks"):
        "par_plans.task_add",
    ("PUT", "/api/v1/campaigns/<int:campaign_id>/par-plans/<unit_code>/tasks/<int:task_id>"):
        "par_plans.task_put",
    ("POST",
     "/api/v1/campaigns/<int:campaign_id>/par-plans/<unit_code>/tasks/<int:task_id>/done"):
        "par_plans.task_done",
    ("POST", "/api/v1/campaigns/<int:campaign_id>/par-plans/<unit_code>/take-over"):
        "par_plans.take_over",
    ("POST", "/api/v1/campaigns/<int:campaign_id>/par-plans/<unit_code>/tasks/import"):
        "par_plans.import",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/par-plans/<unit_code>/tasks.xlsx"):
        "par_plans.export",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/par-plans/progress"): "par_plans.progress",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/par-plans/progress.xlsx"):
        "par_plans.progress_xlsx",
    ("POST", "/api/v1/campaigns/<int:campaign_id>/units/<unit_code>/plan/tasks"):
        "par_plans.from_target",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/report-periods"): "report_periods.list",
    ("PUT", "/api/v1/campaigns/<int:campaign_id>/report-periods"): "report_periods.set",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/report-periods/proposal"):
        "report_periods.proposal",
    ("PUT", "/api/v1/campaigns/<int:campaign_id>/report-periods/domain-offices"):
        "report_periods.offices",
    ("POST", "/api/v1/campaigns/<int:campaign_id>/report-periods/templates"):
        "report_periods.template",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/report-periods/late"): "report_periods.late",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/report-periods/<key>"): "report_periods.get",
    ("PUT", "/api/v1/campaigns/<int:campaign_id>/report-periods/<key>/units/<unit_code>"):
        "report_periods.submit",
    ("PUT",
     "/api/v1/campaigns/<int:campaign_id>/report-periods/<key>/units/<unit_code>/outside"):
        "report_periods.outside",
    ("GET", "/api/v1/campaigns/<int:campaign_id>/report-periods/<key>/rollup.xlsx"):
        "report_periods.rollup",
}

# A unit's own dossier (self-assessment, evidence, its reports): who may call these is tested
# where the dossier's flows are, against the unit's people, strangers and readers.
TESTED_ELSEWHERE = {
    ("GET", "/api/v1/assessments/<int:assessment_id>"): "tests/api/test_self_assessment_api.py",
    ("PUT", "/api/v1/assessments/<int:assessment_id>/answers"):
        "tests/api/test_self_assessment_api.py",
    ("GET", "/api/v1/assessments/<int:assessment_id>/sign-off"):
        "tests/api/test_self_assessment_api.py",
    ("POST", "/api/v1/assessments/<int:assessment_id>/submission"):
        "tests/api/test_self_assessment_api.py",
    ("DELETE", "/api/v1/assessments/<int:assessment_id>/submission"):
        "tests/api/test_self_assessment_api.py",
    ("POST", "/api/v1/assessments/<int:assessment_id>/links"):
        "tests/api/test_self_assessment_api.py",
    ("DELETE", "/api/v1/assessments/<int:assessment_id>/links/<int:link_id>"):
        "tests/api/test_self_assessment_api.py",
    ("GET", "/api/v1/assessments/<int:assessment_id>/evidence"):
        "tests/api/test_self_assessment_api.py",
    ("POST", "/api/v1/assessments/<int:assessment_id>/evidence"):
        "tests/api/test_self_assessment_api.py",
    ("POST", "/api/v1/evidence/<int:document_id>/revisions"):
        "tests/api/test_self_assessment_api.py",
    ("GET", "/api/v1/evidence/revisions/<int:revision_id>/file"):
        "tests/api/test_self_assessment_api.py",
    ("GET", "/api/v1/assessments/<int:assessment_id>/table.xlsx"):
        "tests/api/test_unit_reports.py",
    ("GET", "/api/v1/assessments/<int:assessment_id>/points-lost"):
        "tests/api/test_unit_reports.py",
    ("GET", "/api/v1/assessments/<int:assessment_id>/points-lost.xlsx"):
        "tests/api/test_unit_reports.py",
}


def _api_routes(app) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/v1/")
            for method in rule.methods if method not in ("HEAD", "OPTIONS")}


def test_every_api_route_is_in_a_matrix(app):
    """A new endpoint fails here until someone decides who may call it: add it to this matrix,
    to the appraisal round's, or (its authorization tested with its flow) TESTED_ELSEWHERE."""
    tables = (set(ROUTES), set(APPRAISAL_ROUTES), set(TESTED_ELSEWHERE))
    listed = [route for table in tables for route in table]
    assert len(listed) == len(set(listed)), "a route is listed twice"
    assert _api_routes(app) == set(listed)
    assert set(ROUTES.values()) <= set(MATRIX)


# Every administration write: a caller who may not make it learns nothing about the body's
# fields (403, or 401 anonymous), as `admin_required` promises, whatever they send.
ADMIN_WRITES = [(method, rule) for (method, rule), action in ROUTES.items()
                if method != "GET"
                and MATRIX[action] in (ADMIN_200, ADMIN_201, ADMIN_202, ADMIN_204)]


def _concrete(rule: str, world) -> str:
    ids = {"campaign_id": world["campaign"].id, "assessment_id": world["assessment"].id,
           "publication_id": 1, "code": "HPG", "unit_code": "QNI", "username": "target",
           "key": "q1"}
    for name, value in ids.items():
        rule = rule.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    return rule


@pytest.mark.parametrize(("method", "rule"), ADMIN_WRITES)
def test_a_bad_body_from_a_non_administrator_is_refused_unread(client, world, method, rule):
    _user, headers = _actor(world, "viewer")
    url = _concrete(rule, world)
    assert "<" not in url
    refused = client.open(url, method=method, headers=headers, json={"nonsense": True})
    assert refused.status_code == 403, refused.get_json()
    assert "errors" not in refused.get_json()
    assert client.open(url, method=method, json={"nonsense": True}).status_code == 401
