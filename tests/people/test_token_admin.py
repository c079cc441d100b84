"""API tokens people hold: each user lists and revokes their own (API and /account/tokens),
administrators anyone's (API and the people page); another user's token is a 404. Deactivating a
user ends their browser session and their tokens at once."""

from sqlalchemy import select

from server.extensions import db
from server.models import ApiToken, AuditEvent
from tests.helpers import PASSWORD, csrf_token


def _bearer(client, user, name=""):
    response = client.post("/api/v1/tokens", json={"username": user.username,
                                                   "password": PASSWORD, "name": name})
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.json['token']}"}, response.json["token"]


def _ids(response):
    return sorted(t["id"] for t in response.json["tokens"])


def test_each_user_lists_and_revokes_their_own_tokens(client, make):
    hoa, xem = make.user("viewer", username="hoa"), make.user("viewer", username="xem")
    mine, secret = _bearer(client, hoa, "báo cáo")
    _bearer(client, hoa, "thử")
    theirs, _ = _bearer(client, xem)

    listed = client.get("/api/v1/tokens", headers=mine)
    assert listed.status_code == 200
    tokens = listed.json["tokens"]
    assert [t["name"] for t in tokens] == ["thử", "báo cáo"]  # newest first
    assert set(tokens[0]) == {"id", "name", "username", "created_at", "expires_at",
                              "last_used_at"}
    assert secret not in listed.get_data(as_text=True)
    assert not any(row.token_hash in listed.get_data(as_text=True)
                   for row in db.session.scalars(select(ApiToken)))
    # The token that made the call was just used; the other one never.
    assert tokens[1]["last_used_at"] is not None and tokens[0]["last_used_at"] is None

    xem_token = _ids(client.get("/api/v1/tokens", headers=theirs))[0]
    assert client.delete(f"/api/v1/tokens/{xem_token}", headers=mine).status_code == 404
    assert client.delete("/api/v1/tokens/9999", headers=mine).status_code == 404
    assert client.get("/api/v1/tokens?all=1", headers=mine).status_code == 403
    assert client.get("/api/v1/tokens?user=xem", headers=mine).status_code == 403
    assert _ids(client.get("/api/v1/tokens?user=hoa", headers=mine)) == \
        [t["id"] for t in reversed(tokens)]

    other_id = tokens[0]["id"]
    assert client.delete(f"/api/v1/tokens/{other_id}", headers=mine).status_code == 204
    assert client.get("/api/v1/tokens", headers=mine).json["tokens"][0]["name"] == "báo cáo"
    own_id = tokens[1]["id"]
    assert client.delete(f"/api/v1/tokens/{own_id}", headers=mine).status_code == 204
    assert client.get("/api/v1/me", headers=mine).status_code == 401  # revoked: at once
    assert client.get("/api/v1/me", headers=theirs).status_code == 200
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "token.revoked")
                                .order_by(AuditEvent.id)).all()
    assert [(e.object_id, e.before["username"]) for e in events] == \
        [(str(other_id), "hoa"), (str(own_id), "hoa")]
    assert client.get("/api/v1/tokens").status_code == 401


def test_administrators_list_and_revoke_anyones_tokens(client, make):
    admin = make.user("admin", username="quantri")
    hoa = make.user("viewer", username="hoa")
    headers, _ = _bearer(client, admin)
    theirs, _ = _bearer(client, hoa, "máy chủ báo cáo")

    everyone = client.get("/api/v1/tokens?all=1", headers=headers).json["tokens"]
    assert sorted(t["username"] for t in everyone) == ["hoa", "quantri"]
    [hoas] = client.get("/api/v1/tokens?user=hoa", headers=headers).json["tokens"]
    assert hoas["name"] == "máy chủ báo cáo"
    assert [t["username"] for t in client.get("/api/v1/tokens", headers=headers)
            .json["tokens"]] == ["quantri"]
    assert client.get("/api/v1/tokens?user=nobody", headers=headers).status_code == 404

    assert client.delete(f"/api/v1/tokens/{hoas['id']}", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=theirs).status_code == 401
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "token.revoked"))
    assert event.actor_id == admin.id and event.before["username"] == "hoa"


def test_the_account_page_creates_shows_once_and_revokes(client, make, login):
    user = make.user("unit_editor", make.unit("QB", level="province"), username="hoa")
    other = make.user("viewer", username="xem")
    _bearer(client, other)
    login(user)
    page = client.get("/account/tokens")
    assert page.status_code == 200 and "Bạn chưa có mã API nào." in page.get_data(as_text=True)

    created = client.post("/account/tokens", data={"name": "bảng tính",
                                                   "csrf_token": csrf_token(page)})
    assert created.status_code == 201
    text = created.get_data(as_text=True)
    token = text.split('id="new-token"')[1].split("<code>")[1].split("</code>")[0]
    assert token.startswith("pi_")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 200
    again = client.get("/account/tokens").get_data(as_text=True)
    assert token not in again and "bảng tính" in again

    mine = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))
    theirs = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == other.id))
    form = {"csrf_token": csrf_token(client.get("/account/tokens"))}
    assert client.post(f"/account/tokens/{theirs}/revoke", data=form).status_code == 404
    assert client.post(f"/account/tokens/{theirs}/revoke", data={**form, "back": "admin"}
                       ).status_code == 404
    revoked = client.post(f"/account/tokens/{mine}/revoke", data=form, follow_redirects=True)
    assert "Đã thu hồi mã API" in revoked.get_data(as_text=True)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 401
    assert db.session.scalar(select(ApiToken.id).where(ApiToken.id == theirs)) == theirs


def test_the_people_page_shows_and_revokes_each_users_tokens(client, make, login):
    login(make.user("admin", username="quantri"))
    hoa = make.user("viewer", username="hoa")
    headers, _ = _bearer(client, hoa, "máy chủ báo cáo")
    page = client.get("/admin/users")
    row = page.get_data(as_text=True).split('id="user-hoa"')[1].split("</tr>")[0]
    assert "máy chủ báo cáo" in row
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == hoa.id))
    done = client.post(f"/account/tokens/{token_id}/revoke",
                       data={"back": "admin", "csrf_token": csrf_token(page)})
    assert done.status_code == 302 and done.location.endswith("/admin/users#user-hoa")
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_deactivation_ends_the_session_and_the_tokens_at_once(app, client, make, login):
    admin = make.user("admin", username="quantri")
    xem = make.user("viewer", username="xem")
    headers, _ = _bearer(client, xem)
    browser = app.test_client()
    form = browser.get("/login")
    browser.post("/login", data={"username": "xem", "password": PASSWORD,
                                 "csrf_token": csrf_token(form)})
    assert browser.get("/assessments").status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 200

    login(admin)
    off = client.post("/admin/users/xem/active", data={
        "active": "0", "csrf_token": csrf_token(client.get("/admin/users"))})
    assert off.status_code == 302
    # The very next request of each is refused: no expiry to wait for.
    response = browser.get("/assessments")
    assert response.status_code == 302 and "/login" in response.location
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == xem.id)) is None


def test_the_listing_names_a_bad_query_parameter(client, make):
    headers, _ = _bearer(client, make.user("admin"))
    refused = client.get("/api/v1/tokens?all=maybe", headers=headers)
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "all"
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {p["name"] for p in paths["/api/v1/tokens"]["get"]["parameters"]} == {"user", "all"}
    assert "delete" in paths["/api/v1/tokens/{token_id}"]
    assert "post" in paths["/api/v1/account/password"]
    assert "post" in paths["/api/v1/users/import"]
