"""First login with a one-time password: the user must choose their own password before anything
else, on the web (every page leads to /account/password) and in the API (403 but for the
password change). Any signed-in user may change their own password; it is audited."""

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, User
from tests.helpers import PASSWORD, csrf_token

NEW = "mật khẩu mới của tôi"


@pytest.fixture
def admin_headers(make, token_for):
    return token_for(make.user("admin", username="quantri"))


def _created(client, admin_headers, **fields):
    response = client.post("/api/v1/users", headers=admin_headers,
                           json={"username": "hoa", "roles": ["viewer"], **fields})
    assert response.status_code == 201, response.json
    return response.json


def _bearer(client, username, password):
    response = client.post("/api/v1/tokens", json={"username": username, "password": password})
    assert response.status_code == 201, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def _user(username) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def test_the_api_answers_403_until_the_one_time_password_is_changed(client, admin_headers):
    created = _created(client, admin_headers)
    one_time = created["one_time_password"]
    assert created["must_change_password"] and _user("hoa").must_change_password
    headers = _bearer(client, "hoa", one_time)
    for method, path in (("get", "/api/v1/me"), ("get", "/api/v1/units"),
                         ("get", "/api/v1/tokens"), ("delete", "/api/v1/tokens/1")):
        refused = getattr(client, method)(path, headers=headers)
        assert refused.status_code == 403, path
        assert refused.mimetype == "application/problem+json"
        assert "Change your password first" in refused.json["detail"]

    wrong = client.post("/api/v1/account/password", headers=headers, json={
        "current_password": "not it", "new_password": "short"})
    assert wrong.status_code == 422 and wrong.mimetype == "application/problem+json"
    assert {e["field"] for e in wrong.json["errors"]} == {"current_password", "new_password"}
    same = client.post("/api/v1/account/password", headers=headers, json={
        "current_password": one_time, "new_password": one_time})
    assert same.status_code == 422
    assert same.json["errors"] == [{"field": "new_password",
                                    "message": "phải khác mật khẩu hiện tại"}]
    missing = client.post("/api/v1/account/password", headers=headers, json={})
    assert {e["field"] for e in missing.json["errors"]} == {"current_password", "new_password"}
    assert _user("hoa").must_change_password

    done = client.post("/api/v1/account/password", headers=headers, json={
        "current_password": one_time, "new_password": NEW})
    assert done.status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # the same token
    assert not _user("hoa").must_change_password
    assert client.get("/api/v1/users/hoa", headers=admin_headers).json[
        "must_change_password"] is False
    assert client.post("/api/v1/tokens", json={"username": "hoa",
                                               "password": one_time}).status_code == 401
    _bearer(client, "hoa", NEW)
    [event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "user.password_changed")).all()
    assert event.actor_id == _user("hoa").id and event.after == {"after_one_time_password": True}
    assert NEW not in str(event.after)


def test_a_password_the_administrator_chose_is_not_forced(app, client, admin_headers, make):
    _created(client, admin_headers, password="chosen by the admin")
    assert not _user("hoa").must_change_password
    assert client.get("/api/v1/me", headers=_bearer(client, "hoa", "chosen by the admin")
                      ).status_code == 200
    result = app.test_cli_runner().invoke(args=[
        "parindex", "create-user", "lanhdao", "--role", "viewer", "--password", "typed by admin"])
    assert result.exit_code == 0, result.output
    assert not _user("lanhdao").must_change_password
    assert not make.user("viewer").must_change_password  # the tests' own users


def test_any_user_changes_their_own_password_through_the_api(client, make, token_for):
    user = make.user("unit_editor", make.unit("QB", level="province"))
    headers = token_for(user)
    assert client.post("/api/v1/account/password", json={
        "current_password": PASSWORD, "new_password": NEW}).status_code == 401
    assert client.post("/api/v1/account/password", headers=headers, json={
        "current_password": PASSWORD, "new_password": NEW}).status_code == 204
    assert _user(user.username).check_password(NEW)


def _change(client, current, new, again=None):
    token = csrf_token(client.get("/account/password"))
    return client.post("/account/password", data={
        "current_password": current, "new_password": new,
        "new_password_again": new if again is None else again, "csrf_token": token})


def test_the_web_app_allows_nothing_before_the_password_change(app, client, make, login):
    admin = make.user("admin", username="quantri")
    login(admin)
    page = client.get("/admin/users")
    created = client.post("/admin/users", data={
        "username": "hoa", "full_name": "", "email": "", "role": "viewer", "unit_code": "",
        "csrf_token": csrf_token(page)})
    one_time = created.get_data(as_text=True).split("<code>")[1].split("</code>")[0]
    assert _user("hoa").must_change_password

    new = app.test_client()
    form = new.get("/login")
    signed_in = new.post("/login", data={"username": "hoa", "password": one_time,
                                         "csrf_token": csrf_token(form)})
    assert signed_in.status_code == 302
    for path in ("/", "/assessments", "/account/tokens", "/criteria-sets", "/admin/users"):
        response = new.get(path)
        assert response.status_code == 302 and response.location.endswith("/account/password")
    page = new.get("/account/password")
    assert page.status_code == 200
    assert "Bạn đã đăng nhập bằng mật khẩu dùng một lần" in page.get_data(as_text=True)
    assert new.get("/static/web/parindex.css").status_code == 200

    refused = _change(new, "not it", "short", again="other")
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "đây không phải mật khẩu hiện tại của bạn" in text
    assert "cần ít nhất 8 ký tự" in text
    assert "không khớp với mật khẩu mới" in text
    assert _change(new, one_time, one_time).status_code == 422
    assert _change(new, one_time, NEW, again=NEW + "x").status_code == 422
    assert _user("hoa").must_change_password

    done = _change(new, one_time, NEW)
    assert done.status_code == 302 and done.location.endswith("/")
    assert new.get("/assessments").status_code == 200
    assert not _user("hoa").must_change_password
    assert db.session.scalar(select(AuditEvent.actor_id).where(
        AuditEvent.action == "user.password_changed")) == _user("hoa").id


def test_logging_out_is_allowed_before_the_password_change(app, client, make, login):
    user = make.user("viewer", username="xem")
    user.must_change_password = True
    db.session.commit()
    login(user)
    token = csrf_token(client.get("/account/password"))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.location


def test_any_signed_in_user_changes_their_password_on_the_page(client, make, login):
    user = make.user("viewer", username="xem")
    login(user)
    assert client.get("/assessments").status_code == 200  # not forced
    done = _change(client, PASSWORD, NEW)
    assert done.status_code == 302
    assert _user("xem").check_password(NEW)


def test_the_password_page_needs_a_login(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.location
