"""People administered through the API: create with a one-time password, refusals by field,
deactivation ends the user's tokens at once, only administrators manage people."""

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import ApiToken, AuditEvent, User


@pytest.fixture
def admin(make):
    return make.user("admin", username="quantri")


def _token(client, username, password):
    response = client.post("/api/v1/tokens", json={"username": username, "password": password})
    return {"Authorization": f"Bearer {response.get_json()['token']}"} \
        if response.status_code == 201 else None


def test_create_with_a_one_time_password_then_log_in(client, admin, token_for, make):
    make.unit("QB", level="province")
    headers = token_for(admin)
    created = client.post("/api/v1/users", headers=headers, json={
        "username": "hoa", "full_name": "Trần Thị Hoa", "email": "hoa@example.org",
        "roles": ["unit_editor:QB", "viewer"]})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["roles"] == ["unit_editor:QB", "viewer"]
    assert len(body["one_time_password"]) >= 16
    assert _token(client, "hoa", body["one_time_password"]) is not None
    listed = client.get("/api/v1/users", headers=headers).get_json()["users"]
    assert [u["username"] for u in listed] == ["hoa", "quantri"]
    assert "one_time_password" not in listed[0]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "user.created")) == 1


def test_refusals_name_each_field(client, admin, token_for):
    headers = token_for(admin)
    refused = client.post("/api/v1/users", headers=headers, json={
        "username": "quantri", "roles": ["unit_head", "boss", "unit_editor:NOPE"],
        "password": "short"})
    assert refused.status_code == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in refused.get_json()["errors"]} == {"username", "password", "role"}
    bad_email = client.post("/api/v1/users", headers=headers,
                            json={"username": "x", "roles": ["viewer"], "email": "not-mail"})
    assert bad_email.status_code == 422
    assert bad_email.get_json()["errors"][0]["field"] == "email"
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_deactivation_ends_tokens_at_once(client, admin, token_for, make):
    headers = token_for(admin)
    user = make.user("viewer", username="xem")
    theirs = token_for(user)
    assert client.get("/api/v1/me", headers=theirs).status_code == 200
    off = client.patch("/api/v1/users/xem", headers=headers, json={"active": False})
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert client.get("/api/v1/me", headers=theirs).status_code == 401
    assert db.session.scalar(select(func.count()).select_from(ApiToken)
                             .where(ApiToken.user_id == user.id)) == 0
    assert _token(client, "xem", "correct horse battery") is None
    renamed = client.patch("/api/v1/users/xem", headers=headers,
                           json={"full_name": "Lê Văn Xem", "active": True})
    assert renamed.get_json()["full_name"] == "Lê Văn Xem"
    assert client.patch("/api/v1/users/quantri", headers=headers,
                        json={"active": False}).status_code == 422
    assert client.patch("/api/v1/users/nobody", headers=headers,
                        json={"active": False}).status_code == 404


@pytest.mark.parametrize("role", ["unit_head", "reviewer", "viewer"])
def test_only_administrators_manage_people(client, make, token_for, role):
    unit = make.unit("QB", level="province")
    headers = token_for(make.user(role, unit if role == "unit_head" else None))
    make.user("viewer", username="xem")
    assert client.get("/api/v1/users", headers=headers).status_code == 403
    assert client.post("/api/v1/users", headers=headers,
                       json={"username": "x", "roles": ["admin"]}).status_code == 403
    assert client.patch("/api/v1/users/xem", headers=headers,
                        json={"active": False}).status_code == 403
    assert db.session.scalar(select(User.active).where(User.username == "xem")) is True
