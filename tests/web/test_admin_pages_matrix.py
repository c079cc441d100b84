"""The authorization matrix of the administrator's web pages (/admin/...): every page and form ×
every actor. Administrators open each page and their forms do what they say; every other
signed-in user gets 403 and changes nothing (the reviewers of a campaign excepted on its
progress grid); an administrator who still holds a one-time password (`admin_otp`) is sent to
the password page, anonymous visitors to the login page. Every form carries a valid CSRF
token, so a refusal is the page's decision.

`test_every_admin_page_is_in_the_matrix` fails as soon as a route under /admin is added that the
matrix does not list. The API has its own matrices (tests/api/test_administration_matrix.py).
"""

import io

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import (
    Campaign,
    ExcludedItem,
    LoginThrottle,
    Publication,
    ReviewerAssignment,
    Unit,
    UnitGroup,
    User,
)
from server.results.ranking_settings import ranking_settings
from tests.administration_world import (
    PIN,
    UNIT_ROWS,
    USER_ROWS,
    build_world,
    finalised,
    make_user,
    throttle_target,
)
from tests.helpers import PASSWORD, csrf_token
from tests.imported_data import table_csv

ACTORS = ("admin", "admin_otp", "reviewer", "head_own", "editor_own", "viewer", "anonymous")
PROFILES = {"admin": ("admin", None), "admin_otp": ("admin", None),
            "reviewer": ("reviewer", None),
            "head_own": ("unit_head", "own"), "editor_own": ("unit_editor", "own"),
            "viewer": ("viewer", None)}

PAGE = "200  302  403  403  403  403  302"
DONE = "302  302  403  403  403  403  302"  # done, back to the page (or: the page is elsewhere)
SHOWN = "201  302  403  403  403  403  302"  # the form did it and shows what it made

# action: expected status per actor, in ACTORS order.
#                              admin otp  rv   hd_o ed_o view anon
MATRIX = {
    "units.page":                PAGE,
    "units.export":              PAGE,
    "units.create":              DONE,
    "units.deactivate":          DONE,
    "units.import":              DONE,
    "users.page":                PAGE,
    "users.template":            PAGE,
    "users.create":              SHOWN,
    "users.import":              DONE,  # to the job's page, which shows the passwords
    "users.deactivate":          DONE,
    "users.unthrottle":          DONE,
    "groups.page":               PAGE,
    "groups.create":             DONE,
    "groups.deactivate":         DONE,
    "campaigns.page":            PAGE,
    "campaigns.create":          DONE,
    "campaign.page":             PAGE,
    "campaign.edit":             DONE,
    "campaign.open":             DONE,
    "campaign.close":            DONE,
    "campaign.successor":        DONE,
    "campaign.assign_reviewer":  DONE,
    "campaign.remove_reviewer":  DONE,
    "campaign.publications":     PAGE,
    "campaign.publish":          DONE,
    "campaign.ranking_settings": DONE,
    "criteria.page":             PAGE,
    "criteria.diff":             PAGE,
    "criteria.table":            PAGE,
    "exclusions.page":           PAGE,
    "exclusions.set":            DONE,
    "exclusions.clear":          DONE,
    "plugins.page":              PAGE,
    # The campaign's reviewers follow the grid of what they appraise.
    "progress.page":             "200  302  200  403  403  403  302",
    "progress.xlsx":             "200  302  200  403  403  403  302",
    # With campaigns, the page is the latest campaign's publications.
    "publications.page":         DONE,
    "publications.import":       DONE,
    "publications.import_template": PAGE,
    # The old reviewers page leads to the campaign's page, where reviewers are assigned.
    "reviewers.page":            DONE,
}


# Who is sent elsewhere, and where.
REDIRECTED = {"anonymous": "/login", "admin_otp": "/account/password"}


def expected(action: str, actor: str) -> int:
    return int(MATRIX[action].split()[ACTORS.index(actor)])


@pytest.fixture
def pages(app):
    """The API matrix's world, with a reviewer assignment to remove."""
    world = build_world()
    target = make_user("target-reviewer", "reviewer")
    world["assignment"] = ReviewerAssignment(campaign_id=world["campaign"].id,
                                             reviewer_id=target.id, domains=["3"])
    db.session.add(world["assignment"])
    db.session.commit()
    world["target_reviewer"] = target
    return world


def _signed_in(client, world, actor) -> str:
    """Sign `actor` in through the login form; the CSRF token of their session."""
    if actor == "anonymous":
        return csrf_token(client.get("/login"))
    role, belongs = PROFILES[actor]
    user = make_user(actor, role, world["own"] if belongs else None)
    user.must_change_password = actor == "admin_otp"
    if role == "reviewer":
        db.session.add(ReviewerAssignment(campaign_id=world["campaign"].id, reviewer_id=user.id,
                                          domains=["1"]))
    db.session.commit()
    page = client.get("/login")
    landing = client.post("/login", data={"username": actor, "password": PASSWORD,
                                          "csrf_token": csrf_token(page)},
                          follow_redirects=True)
    assert landing.status_code == 200
    return csrf_token(landing)


def _file(content: bytes, name: str):
    return (io.BytesIO(content), name)


def _covered(world, key):
    """Every domain of the campaign covered: it opens only so."""
    council = make_user("council", "reviewer")
    db.session.add(ReviewerAssignment(campaign_id=world[key].id, reviewer_id=council.id,
                                      domains=[str(n) for n in range(1, 9)]))
    db.session.commit()


def _communes():
    for code in ("XA", "XB", "XC"):
        db.session.add(Unit(code=code, name=f"Xã {code}", level="commune", group="commune"))
    db.session.commit()


CAMPAIGN_FORM = {"year": "2023", "title": "Chỉ số CCHC năm 2023", "pin_province": PIN,
                 "confirm_unverified": "1", "tie_compare": "", "tie_ranks": ""}


def _url(world, tail, key="campaign"):
    return f"/admin/campaigns/{world[key].id}{tail}"


# action: (method, url(world), form(world) or None, prepare(world) or None)
ACTIONS = {
    "units.page": ("GET", lambda w: "/admin/units", None, None),
    "units.export": ("GET", lambda w: "/admin/units.xlsx", None, None),
    "units.create": ("POST", lambda w: "/admin/units", lambda w: {
        "code": "LCI", "name": "Tỉnh Lào Cai", "level": "province", "group": "province",
        "parent_code": "", "replaces": ""}, None),
    "units.deactivate": ("POST", lambda w: "/admin/units/HPG/active", lambda w: {"active": "0"},
                         None),
    "units.import": ("POST", lambda w: "/admin/units/import",
                     lambda w: {"file": _file(UNIT_ROWS, "don-vi.csv")}, None),
    "users.page": ("GET", lambda w: "/admin/users", None, None),
    "users.template": ("GET", lambda w: "/admin/users/template.xlsx", None, None),
    "users.create": ("POST", lambda w: "/admin/users", lambda w: {
        "username": "lanhdao.hpg", "full_name": "Trần Thị B", "email": "",
        "role": "unit_head", "unit_code": "HPG"}, None),
    "users.import": ("POST", lambda w: "/admin/users/import",
                     lambda w: {"file": _file(USER_ROWS, "nguoi-dung.csv")}, None),
    "users.deactivate": ("POST", lambda w: "/admin/users/target/active",
                         lambda w: {"active": "0"}, None),
    "groups.page": ("GET", lambda w: "/admin/groups", None, None),
    "groups.create": ("POST", lambda w: "/admin/groups", lambda w: {
        "code": "special", "label": "Đơn vị đặc thù", "position": ""}, None),
    "groups.deactivate": ("POST", lambda w: "/admin/groups/ministry/active",
                          lambda w: {"active": "0"}, None),
    "campaigns.page": ("GET", lambda w: "/admin/campaigns", None, None),
    "campaigns.create": ("POST", lambda w: "/admin/campaigns", lambda w: CAMPAIGN_FORM, None),
    "campaign.page": ("GET", lambda w: _url(w, ""), None, None),
    "campaign.edit": ("POST", lambda w: _url(w, "", "draft"), lambda w: {
        **CAMPAIGN_FORM, "year": "2022", "title": "Chỉ số CCHC 2022 (sửa)"}, None),
    "campaign.open": ("POST", lambda w: _url(w, "/transition", "draft"),
                      lambda w: {"transition": "open"}, lambda w: _covered(w, "draft")),
    "campaign.close": ("POST", lambda w: _url(w, "/transition"),
                       lambda w: {"transition": "close"}, None),
    "campaign.successor": ("POST", lambda w: _url(w, "/successor"),
                           lambda w: {"confirm_unverified": "1"}, None),
    "campaign.assign_reviewer": ("POST", lambda w: _url(w, "/reviewers"), lambda w: {
        "reviewer_id": str(w["target_reviewer"].id), "domains": ["4"]}, None),
    "campaign.remove_reviewer": ("POST", lambda w: _url(
        w, f"/reviewers/{w['assignment'].id}/delete"), lambda w: {}, None),
    "campaign.publications": ("GET", lambda w: _url(w, "/publications"), None, None),
    "campaign.publish": ("POST", lambda w: _url(w, "/publications"), lambda w: {
        "group": "province", "reason": "Công bố kết quả", "confirm": "1",
        "confirm_gaps": "1"}, finalised),
    "campaign.ranking_settings": ("POST", lambda w: _url(w, "/ranking-settings"), lambda w: {
        "action": "tie_rule", "compare": "rounded", "ranks": "distinct"}, None),
    "criteria.page": ("GET", lambda w: "/admin/criteria-sets", None, None),
    "criteria.diff": ("GET", lambda w: "/admin/criteria-sets/diff?left=province-2017@1.0.0"
                      f"&right={PIN}", None, None),
    "criteria.table": ("GET", lambda w: "/admin/criteria-sets/province-2020/1.0.0/table.xlsx",
                       None, None),
    "exclusions.page": ("GET", lambda w: f"/admin/exclusions?campaign={w['campaign'].id}"
                        "&unit=QNI", None, None),
    "exclusions.set": ("POST", lambda w: "/admin/exclusions", lambda w: {
        "campaign": str(w["campaign"].id), "unit": "QNI", "codes": ["2"],
        "reason": "Không áp dụng với đơn vị"}, None),
    "exclusions.clear": ("POST", lambda w: "/admin/exclusions/clear", lambda w: {
        "campaign": str(w["campaign"].id), "unit": "QNI", "code": "3",
        "reason": "Đơn vị có thủ tục từ năm nay"}, None),
    "plugins.page": ("GET", lambda w: "/admin/plugins", None, None),
    "progress.page": ("GET", lambda w: f"/admin/progress?campaign={w['campaign'].id}", None,
                      None),
    "progress.xlsx": ("GET", lambda w: f"/admin/progress.xlsx?campaign={w['campaign'].id}",
                      None, None),
    "publications.page": ("GET", lambda w: "/admin/publications", None, None),
    "publications.import": ("POST", lambda w: "/admin/publications/import", lambda w: {
        "year": "2020", "group": "commune", "criteria_set": PIN,
        "source": "Quyết định số 512/QĐ-UBND", "tie_compare": "unrounded",
        "tie_ranks": "shared", "file": _file(table_csv(), "ket-qua-2020.csv")},
        lambda w: _communes()),
    "publications.import_template": ("GET", lambda w: "/admin/publications/import-template.xlsx"
                                     f"?criteria_set={PIN}", None, None),
    "reviewers.page": ("GET", lambda w: f"/admin/reviewers?campaign={w['campaign'].id}", None,
                       None),
    "users.unthrottle": ("POST", lambda w: "/admin/users/target/unthrottle", lambda w: {},
                         lambda w: throttle_target()),
}


def _count(model, *where) -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(model).where(*where)).all())


def _state(key):
    return lambda w: (db.session.expire_all(), db.session.get(Campaign, w[key].id).state)[1]


# What each form changes: administrators change it, everyone else leaves it as it was.
EFFECT = {
    "units.create": lambda w: _count(Unit, Unit.code == "LCI"),
    "units.deactivate": lambda w: _count(Unit, Unit.code == "HPG", Unit.active.is_(True)),
    "units.import": lambda w: _count(Unit, Unit.code == "LCI"),
    "users.create": lambda w: _count(User, User.username == "lanhdao.hpg"),
    "users.import": lambda w: _count(User, User.username == "bientap.hpg"),
    "users.deactivate": lambda w: _count(User, User.username == "target", User.active.is_(True)),
    "groups.create": lambda w: _count(UnitGroup, UnitGroup.code == "special"),
    "groups.deactivate": lambda w: _count(UnitGroup, UnitGroup.active.is_(True)),
    "campaigns.create": lambda w: _count(Campaign),
    "campaign.edit": lambda w: _count(Campaign, Campaign.title == "Chỉ số CCHC 2022 (sửa)"),
    "campaign.open": _state("draft"),
    "campaign.close": _state("campaign"),
    "campaign.successor": lambda w: _count(Campaign),
    "campaign.assign_reviewer": lambda w: _count(ReviewerAssignment),
    "campaign.remove_reviewer": lambda w: _count(ReviewerAssignment),
    "campaign.publish": lambda w: _count(Publication),
    "campaign.ranking_settings": lambda w: (db.session.expire_all(), ranking_settings(
        db.session.get(Campaign, w["campaign"].id)))[1],
    "exclusions.set": lambda w: _count(ExcludedItem),
    "exclusions.clear": lambda w: _count(ExcludedItem),
    "publications.import": lambda w: _count(Publication),
    "users.unthrottle": lambda w: _count(LoginThrottle),
}


def test_the_matrix_is_complete():
    assert set(MATRIX) == set(ACTIONS)
    assert set(PROFILES) | {"anonymous"} == set(ACTORS)
    for action, row in MATRIX.items():
        assert len(row.split()) == len(ACTORS), action
    posts = {action for action, (method, *_rest) in ACTIONS.items() if method == "POST"}
    assert posts == set(EFFECT)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(MATRIX))
def test_status(client, pages, action, actor):
    token = _signed_in(client, pages, actor)
    method, url, form, prepare = ACTIONS[action]
    if prepare:
        prepare(pages)
    before = EFFECT[action](pages) if action in EFFECT else None
    if method == "GET":
        response = client.get(url(pages))
    else:
        response = client.post(url(pages), data={**form(pages), "csrf_token": token},
                               content_type="multipart/form-data")
    status = expected(action, actor)
    assert response.status_code == status, (action, actor, response.get_data(as_text=True))
    if actor in REDIRECTED:
        assert response.headers["Location"].startswith(REDIRECTED[actor])
    if action in EFFECT:
        changed = EFFECT[action](pages) != before
        assert changed == (actor == "admin"), (action, actor, "changed" if changed else "same")


def test_every_admin_page_is_in_the_matrix(app):
    """A new administrator page or form fails here until someone decides who may open it."""
    found = {(method, rule.rule) for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/admin")
             for method in rule.methods if method not in ("HEAD", "OPTIONS")}
    assert found == set(ROUTES)
    assert set(ROUTES.values()) <= set(MATRIX)


# (method, rule) of every /admin route, by the action that calls it.
ROUTES = {
    ("GET", "/admin/units"): "units.page",
    ("POST", "/admin/units"): "units.create",
    ("GET", "/admin/units.xlsx"): "units.export",
    ("POST", "/admin/units/<code>/active"): "units.deactivate",
    ("POST", "/admin/units/import"): "units.import",
    ("GET", "/admin/users"): "users.page",
    ("POST", "/admin/users"): "users.create",
    ("GET", "/admin/users/template.<any(xlsx, csv):kind>"): "users.template",
    ("POST", "/admin/users/import"): "users.import",
    ("POST", "/admin/users/<username>/active"): "users.deactivate",
    ("GET", "/admin/groups"): "groups.page",
    ("POST", "/admin/groups"): "groups.create",
    ("POST", "/admin/groups/<code>/active"): "groups.deactivate",
    ("GET", "/admin/campaigns"): "campaigns.page",
    ("POST", "/admin/campaigns"): "campaigns.create",
    ("GET", "/admin/campaigns/<int:campaign_id>"): "campaign.page",
    ("POST", "/admin/campaigns/<int:campaign_id>"): "campaign.edit",
    ("POST", "/admin/campaigns/<int:campaign_id>/transition"): "campaign.close",
    ("POST", "/admin/campaigns/<int:campaign_id>/successor"): "campaign.successor",
    ("POST", "/admin/campaigns/<int:campaign_id>/reviewers"): "campaign.assign_reviewer",
    ("POST", "/admin/campaigns/<int:campaign_id>/reviewers/<int:assignment_id>/delete"):
        "campaign.remove_reviewer",
    ("GET", "/admin/campaigns/<int:campaign_id>/publications"): "campaign.publications",
    ("POST", "/admin/campaigns/<int:campaign_id>/publications"): "campaign.publish",
    ("POST", "/admin/campaigns/<int:campaign_id>/ranking-settings"):
        "campaign.ranking_settings",
    ("GET", "/admin/criteria-sets"): "criteria.page",
    ("GET", "/admin/criteria-sets/diff"): "criteria.diff",
    ("GET", "/admin/criteria-sets/<set_id>/<version>/table.xlsx"): "criteria.table",
    ("GET", "/admin/exclusions"): "exclusions.page",
    ("POST", "/admin/exclusions"): "exclusions.set",
    ("POST", "/admin/exclusions/clear"): "exclusions.clear",
    ("GET", "/admin/plugins"): "plugins.page",
    ("GET", "/admin/progress"): "progress.page",
    ("GET", "/admin/progress.xlsx"): "progress.xlsx",
    ("GET", "/admin/publications"): "publications.page",
    ("POST", "/admin/publications/import"): "publications.import",
    ("GET", "/admin/publications/import-template.xlsx"): "publications.import_template",
    ("GET", "/admin/reviewers"): "reviewers.page",
    ("POST", "/admin/users/<username>/unthrottle"): "users.unthrottle",
}
