"""Logging out ends the session on the server: a copy of its cookie, saved before, no longer
signs anyone in on any worker. A password change ends the user's other sessions but keeps the
one it was made in."""

from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent
from tests.helpers import PASSWORD, csrf_token, log_in


def _copy_of_the_session(app, client):
    """A second browser holding a saved copy of `client`'s session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def test_a_cookie_saved_before_logout_no_longer_works_after_it(app, client, make):
    user = make.user("viewer")
    log_in(client, user, PASSWORD)
    saved = _copy_of_the_session(app, client)
    assert saved.get("/criteria-sets").status_code == 200

    client.post("/logout", data={"csrf_token": csrf_token(client.get("/"))})

    assert saved.get("/criteria-sets").status_code == 302
    assert saved.get("/criteria-sets").headers["Location"].startswith("/login")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.logout"))
    # Logging in again opens a new session that works.
    log_in(client, user, PASSWORD)
    assert client.get("/criteria-sets").status_code == 200


def test_logging_out_ends_every_session_of_the_user(app, client, make):
    user = make.user("viewer")
    other = app.test_client()
    log_in(other, user, PASSWORD)
    log_in(client, user, PASSWORD)
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/"))})
    assert other.get("/criteria-sets").status_code == 302


def test_a_password_change_keeps_this_session_and_ends_the_others(app, client, make):
    user = make.user("viewer")
    log_in(client, user, PASSWORD)
    saved = _copy_of_the_session(app, client)
    page = client.get("/account/password")
    response = client.post("/account/password", data={
        "csrf_token": csrf_token(page), "current_password": PASSWORD,
        "new_password": "a new long password", "new_password_again": "a new long password"})
    assert response.status_code == 302
    assert client.get("/criteria-sets").status_code == 200
    assert saved.get("/criteria-sets").status_code == 302


def test_a_password_changed_through_the_api_ends_the_web_sessions(app, client, make, token_for):
    user = make.user("viewer")
    headers = token_for(user)
    log_in(client, user, PASSWORD)
    response = client.post("/api/v1/account/password", headers=headers, json={
        "current_password": PASSWORD, "new_password": "a new long password"})
    assert response.status_code == 204
    assert client.get("/criteria-sets").status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 200
