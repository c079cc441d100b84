"""Unit groups as data: the administrator adds a group, edits its label, ranked flag and
position, and deactivates it (never while active units belong to it), through the service, the
API, the CLI and the admin page; every refusal names its field, and every other page shows the
group's label, never its code."""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEvent, UnitGroup
from server.people.groups import (
    GroupInputError,
    create_group,
    edit_group,
    group_by_code,
    group_labels,
    list_groups,
)
from tests.helpers import count_statements, csrf_token
from tests.people.test_units import _job, _xlsx

SEEDED = ["ministry", "province", "department", "district", "commune"]


@pytest.fixture
def admin_headers(make, token_for):
    return token_for(make.user("admin"))


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


# -- the service --------------------------------------------------------------------------------

def test_the_seeded_groups_are_listed_by_position_with_their_labels(app):
    assert [group.code for group in list_groups()] == SEEDED
    labels = group_labels()
    assert list(labels) == SEEDED and labels["district"] == "UBND cấp huyện"
    assert count_statements(group_labels) == 1


def test_create_edit_and_deactivate_are_audited(app, make):
    admin = make.user("admin")
    group = create_group("dac-biet", " Đơn vị đặc thù ", ranked=False, actor_id=admin.id)
    assert (group.label, group.ranked, group.active) == ("Đơn vị đặc thù", False, True)
    assert list_groups()[-1].code == "dac-biet"  # without a position it comes last
    (created,) = _events("unit_group.created")
    assert created.object_id == "dac-biet" and created.actor_id == admin.id
    assert created.after["label"] == "Đơn vị đặc thù"

    edit_group(group, label="Đơn vị sự nghiệp", position=0, ranked=True, actor_id=admin.id)
    (updated,) = _events("unit_group.updated")
    assert updated.before == {"label": "Đơn vị đặc thù", "ranked": False, "position": 5}
    assert updated.after == {"label": "Đơn vị sự nghiệp", "ranked": True, "position": 0}
    assert list_groups()[0].code == "dac-biet"

    edit_group(group, active=False, actor_id=admin.id)
    assert group_by_code("dac-biet").active is False
    assert "dac-biet" not in group_labels(include_inactive=False)
    assert group_labels()["dac-biet"] == "Đơn vị sự nghiệp"  # earlier years still show it
    # Saving nothing new writes no event.
    edit_group(group, label="Đơn vị sự nghiệp", actor_id=admin.id)
    assert len(_events("unit_group.updated")) == 2


def test_refusals_name_every_field_and_write_nothing(app, make):
    with pytest.raises(GroupInputError) as refused:
        create_group("Sở Ban", "", position=-1, actor_id=None)
    assert set(refused.value.problems) == {"code", "label", "position"}
    assert "chữ thường" in refused.value.problems["code"]
    with pytest.raises(GroupInputError) as taken:
        create_group("district", "Huyện", actor_id=None)
    assert set(taken.value.problems) == {"code"}
    with pytest.raises(GroupInputError) as bad_edit:
        edit_group(group_by_code("district"), label=" ", ranked="yes", actor_id=None)
    assert set(bad_edit.value.problems) == {"label", "ranked"}
    db.session.rollback()
    assert [group.code for group in list_groups()] == SEEDED
    assert group_by_code("district").label == "UBND cấp huyện"
    assert _events("unit_group.created") == [] and _events("unit_group.updated") == []


def test_a_group_with_active_units_is_not_deactivated(app, make):
    make.unit("H1", level="district", group="district")
    retired = make.unit("H2", level="district", group="district")
    retired.active = False
    db.session.commit()
    with pytest.raises(GroupInputError) as refused:
        edit_group(group_by_code("district"), active=False, actor_id=None)
    assert refused.value.status == 409
    assert set(refused.value.problems) == {"active"} and "H1" in refused.value.problems["active"]
    assert "H2" not in refused.value.problems["active"]
    db.session.rollback()
    assert group_by_code("district").active is True


# -- units validate against the active groups ---------------------------------------------------

def test_units_may_only_join_an_active_group(client, admin_headers, make):
    create_group("dac-biet", "Đơn vị đặc thù", actor_id=None)
    body = {"code": "BQL", "name": "Ban quản lý", "level": "department", "group": "dac-biet"}
    created = client.post("/api/v1/units", json=body, headers=admin_headers)
    assert created.status_code == 201
    assert client.get("/api/v1/units/BQL", headers=admin_headers).json["group_label"] \
        == "Đơn vị đặc thù"
    edit_group(group_by_code("commune"), active=False, actor_id=None)
    refused = client.post("/api/v1/units", json={**body, "code": "XA", "group": "commune"},
                          headers=admin_headers)
    assert refused.status_code == 422
    (error,) = refused.json["errors"]
    assert error["field"] == "group"
    # The choices are readable: each active group's label with its code.
    assert "Đơn vị đặc thù (dac-biet)" in error["message"]
    assert "UBND cấp huyện (district)" in error["message"]
    assert "(commune)" not in error["message"]


def test_an_import_names_the_groups_it_accepts(client, admin_headers):
    rows = [("QB", "UBND tỉnh", "province", "province", ""),
            ("SNV", "Sở Nội vụ", "department", "so-nganh", "QB")]
    job = _job(client, admin_headers, _xlsx(rows))  # the import's job fails, naming the row
    assert job["state"] == "failed"
    (problem,) = job["problems"]
    assert (problem["row"], problem["kind"]) == (3, "unknown_group")
    assert "'so-nganh'" in problem["message"]
    assert "UBND cấp tỉnh (province)" in problem["message"]
    template = client.get("/api/v1/units.xlsx?template=1", headers=admin_headers)
    guide = openpyxl.load_workbook(io.BytesIO(template.data))["Hướng dẫn"]
    assert "district (UBND cấp huyện)" in guide["B3"].value


# -- the API ------------------------------------------------------------------------------------

def test_the_api_lists_adds_and_edits(client, admin_headers, make, token_for):
    viewer = token_for(make.user("viewer"))
    listed = client.get("/api/v1/unit-groups", headers=viewer)
    assert listed.status_code == 200
    assert [g["code"] for g in listed.json["unit_groups"]] == SEEDED
    assert listed.json["unit_groups"][1] == {"code": "province", "label": "UBND cấp tỉnh",
                                             "ranked": True, "position": 1, "active": True}

    added = client.post("/api/v1/unit-groups", headers=admin_headers,
                        json={"code": "dac_biet", "label": "Đơn vị đặc thù", "ranked": False})
    assert added.status_code == 201
    assert added.json == {"code": "dac_biet", "label": "Đơn vị đặc thù", "ranked": False,
                          "position": 5, "active": True}
    edited = client.patch("/api/v1/unit-groups/dac_biet", headers=admin_headers,
                          json={"label": "Đơn vị sự nghiệp", "position": 9})
    assert edited.status_code == 200 and edited.json["label"] == "Đơn vị sự nghiệp"
    off = client.patch("/api/v1/unit-groups/dac_biet", headers=admin_headers,
                       json={"active": False})
    assert off.status_code == 200 and off.json["active"] is False
    active = client.get("/api/v1/unit-groups?active=1", headers=viewer).json["unit_groups"]
    assert "dac_biet" not in [g["code"] for g in active]
    assert client.get("/api/v1/unit-groups/dac_biet", headers=viewer).json["active"] is False
    assert client.get("/api/v1/unit-groups/nope", headers=viewer).status_code == 404


def test_the_api_refusals(client, admin_headers, make, token_for):
    assert client.get("/api/v1/unit-groups").status_code == 401
    assert client.post("/api/v1/unit-groups", json={"code": "x", "label": "X"}).status_code \
        == 401
    for role in ("viewer", "reviewer", "unit_head"):
        headers = token_for(make.user(role))
        assert client.post("/api/v1/unit-groups", headers=headers,
                           json={"code": "x", "label": "X"}).status_code == 403
        assert client.patch("/api/v1/unit-groups/district", headers=headers,
                            json={"label": "X"}).status_code == 403

    bad = client.post("/api/v1/unit-groups", headers=admin_headers,
                      json={"code": "Sở", "label": "  ", "position": -2})
    assert bad.status_code == 422
    assert bad.headers["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in bad.json["errors"]} == {"code", "label", "position"}
    missing = client.post("/api/v1/unit-groups", headers=admin_headers, json={"code": "x"})
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json["errors"]] == ["label"]
    # The code never changes: the edit schema has no such field.
    renamed = client.patch("/api/v1/unit-groups/district", headers=admin_headers,
                           json={"code": "huyen"})
    assert renamed.status_code == 422 and renamed.json["errors"][0]["field"] == "code"

    make.unit("H1", level="district", group="district")
    busy = client.patch("/api/v1/unit-groups/district", headers=admin_headers,
                        json={"active": False})
    assert busy.status_code == 409
    assert busy.json["errors"][0]["field"] == "active" and "H1" in busy.json["detail"]
    assert group_by_code("district").active is True
    assert db.session.scalar(select(func.count()).select_from(UnitGroup)) == len(SEEDED)


# -- the CLI ------------------------------------------------------------------------------------

def _run(app, *args):
    return app.test_cli_runner().invoke(args=["parindex", "groups", *args])


def test_the_cli_lists_adds_and_edits(app, make):
    added = _run(app, "add", "dac-biet", "Đơn vị đặc thù", "--not-ranked")
    assert added.exit_code == 0, added.output
    listed = _run(app, "list")
    assert "district\tUBND cấp huyện" in listed.output
    assert "dac-biet\tĐơn vị đặc thù  (not ranked)" in listed.output
    edited = _run(app, "edit", "dac-biet", "--label", "Đơn vị sự nghiệp", "--ranked",
                  "--position", "0")
    assert edited.exit_code == 0, edited.output
    group = group_by_code("dac-biet")
    assert (group.label, group.ranked, group.position) == ("Đơn vị sự nghiệp", True, 0)
    assert _run(app, "edit", "dac-biet", "--deactivate").exit_code == 0
    assert "(inactive)" in _run(app, "list").output

    refused = _run(app, "add", "Bad Code", "")
    assert refused.exit_code != 0
    assert "code:" in refused.output and "label:" in refused.output
    make.unit("H1", level="district", group="district")
    busy = _run(app, "edit", "district", "--deactivate")
    assert busy.exit_code != 0 and "active:" in busy.output and "H1" in busy.output
    assert _run(app, "edit", "nope", "--label", "X").exit_code != 0


# -- the admin page -----------------------------------------------------------------------------

def _post(client, url="/admin/groups", **fields):
    data = {"csrf_token": csrf_token(client.get("/")), **fields}
    return client.post(url, data=data)


def test_the_page_adds_edits_and_deactivates(client, make, login):
    login(make.user("admin"))
    home = client.get("/").get_data(as_text=True)
    assert 'href="/admin/groups"' in home and "Nhóm xếp hạng" in home
    page = client.get("/admin/groups").get_data(as_text=True)
    assert "UBND cấp huyện" in page and 'id="group-district"' in page

    refused = _post(client, code="Sở", label="", position="x", ranked="1")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "chỉ gồm chữ thường không dấu, chữ số, - và _" in text
    assert "không được để trống" in text and "phải là số nguyên từ 0 trở lên" in text
    assert 'value="Sở"' in text  # what was typed stays

    added = _post(client, code="dac-biet", label="Đơn vị đặc thù")  # ranked left unticked
    assert added.status_code == 302
    group = group_by_code("dac-biet")
    assert (group.label, group.ranked) == ("Đơn vị đặc thù", False)
    editing = client.get("/admin/groups?edit=dac-biet").get_data(as_text=True)
    assert 'name="editing" value="dac-biet"' in editing
    edited = _post(client, editing="dac-biet", code="other", label="Đơn vị sự nghiệp",
                   ranked="1", position="")
    assert edited.status_code == 302
    db.session.expire_all()
    group = group_by_code("dac-biet")
    assert (group.label, group.ranked, group.position) == ("Đơn vị sự nghiệp", True, 5)
    assert group_by_code("other") is None

    make.unit("H1", level="district", group="district")
    busy = _post(client, "/admin/groups/district/active", active="0")
    assert busy.status_code == 409
    assert "vẫn còn đơn vị đang hoạt động thuộc nhóm này (H1)" in busy.get_data(as_text=True)
    off = _post(client, "/admin/groups/dac-biet/active", active="0")
    assert off.status_code == 302
    db.session.expire_all()
    assert group_by_code("dac-biet").active is False
    # A deactivated group is no longer offered to units.
    units_page = client.get("/admin/units").get_data(as_text=True)
    assert '<option value="dac-biet"' not in units_page
    assert '<option value="district" >UBND cấp huyện</option>' in units_page


def test_the_page_is_for_administrators_only(client, make, login):
    assert client.get("/admin/groups").status_code == 302  # to the login page
    login(make.user("viewer"))
    assert client.get("/admin/groups").status_code == 403
    assert _post(client, code="x", label="X").status_code == 403
    assert _post(client, "/admin/groups/district/active", active="0").status_code == 403
    assert group_by_code("x") is None and group_by_code("district").active is True
