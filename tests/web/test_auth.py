"""Login, logout, CSRF and roles in the web UI."""

from tests.helpers import csrf_token


def test_pages_need_login(client):
    response = client.get("/criteria-sets")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_then_logout(client, make, login):
    user = make.user("viewer")
    page = login(user)
    assert page.status_code == 200
    assert "Đăng xuất" in page.get_data(as_text=True)
    assert client.get("/criteria-sets").status_code == 200

    home = client.get("/")
    response = client.post("/logout", data={"csrf_token": csrf_token(home)})
    assert response.status_code == 302
    assert client.get("/criteria-sets").status_code == 302


def test_wrong_password_is_refused_in_vietnamese(client, make, login):
    user = make.user("viewer")
    page = login(user, password="not the password")
    text = page.get_data(as_text=True)
    assert "Sai tên đăng nhập hoặc mật khẩu." in text
    assert client.get("/criteria-sets").status_code == 302


def test_inactive_user_cannot_log_in(client, make, login):
    user = make.user("viewer", active=False)
    login(user)
    assert client.get("/criteria-sets").status_code == 302


def test_login_without_csrf_token_is_refused(client, make):
    user = make.user("viewer")
    client.get("/login")
    response = client.post("/login", data={"username": user.username,
                                           "password": "correct horse battery"})
    assert response.status_code == 400
    assert client.get("/criteria-sets").status_code == 302


def test_logout_without_csrf_token_keeps_the_session(client, make, login):
    login(make.user("viewer"))
    assert client.post("/logout").status_code == 400
    assert client.get("/criteria-sets").status_code == 200


def test_login_does_not_redirect_off_site(client, make):
    user = make.user("viewer")
    page = client.get("/login")
    response = client.post("/login?next=//evil.example/x", data={
        "username": user.username, "password": "correct horse battery",
        "csrf_token": csrf_token(page)})
    assert response.headers["Location"] == "/"


def test_plugins_page_is_for_administrators_only(client, make, login):
    login(make.user("unit_editor", make.unit()))
    assert client.get("/admin/plugins").status_code == 403


def test_administrator_sees_plugins_with_versions(client, make, login):
    login(make.user("admin"))
    text = client.get("/admin/plugins").get_data(as_text=True)
    assert "province-2020" in text and "audit" in text
    assert "0.1.0" in text


def test_language_switch_to_english(client, make, login):
    login(make.user("viewer"))
    home = client.get("/")
    client.post("/lang/en", data={"csrf_token": csrf_token(home), "next": "/"})
    assert "Log out" in client.get("/").get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Request-ID"]


def test_every_page_has_a_content_security_policy_and_hsts_only_over_https(app, client):
    from server.app import CONTENT_SECURITY_POLICY

    for path in ("/login", "/public", "/no-such-page"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "script-src 'self'" in CONTENT_SECURITY_POLICY
        assert "Strict-Transport-Security" not in response.headers
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        assert client.get("/login").headers["Strict-Transport-Security"].startswith(
            "max-age=31536000")
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
