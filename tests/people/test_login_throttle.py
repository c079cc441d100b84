"""Failed sign-ins are slowed per (username, address) and, far later, per username, with waits
that grow but never lock anyone out; counted in the database so every worker shares them; audited
without the password; cleared by a success (the pair) or an administrator (everything)."""

import hashlib
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, LoginThrottle
from tests.helpers import PASSWORD, api_token, csrf_token

HOME, AWAY = "10.0.0.1", "203.0.113.7"


def web_try(client, username, password, address=HOME):
    env = {"REMOTE_ADDR": address}
    page = client.get("/login", environ_base=env)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(page)}, environ_base=env)


def api_try(client, username, password, address=HOME):
    return client.post("/api/v1/tokens", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def later(seconds):
    """As if `seconds` had passed since every counted failure."""
    for row in db.session.scalars(select(LoginThrottle)):
        row.last_failure_at -= timedelta(seconds=seconds)
    db.session.commit()


def counters():
    return {row.key: row.failures for row in db.session.scalars(select(LoginThrottle))}


def test_the_web_form_slows_a_guesser_in_vietnamese(client, make):
    hoa = make.user("unit_head", make.unit(), username="hoa")
    for _ in range(5):
        assert web_try(client, "hoa", "guess").status_code == 200
    # Even the right password waits: a guesser must not learn it was right.
    response = web_try(client, "hoa", PASSWORD)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "15"
    text = response.get_data(as_text=True)
    assert "Đăng nhập sai quá nhiều lần" in text
    assert client.get("/criteria-sets").status_code == 302

    later(15)
    response = web_try(client, "hoa", PASSWORD)
    assert response.status_code == 302  # signed in
    assert f"pair:hoa|{HOME}" not in counters()  # the success cleared the pair
    assert hoa.username == "hoa"


def test_the_api_answers_429_problem_with_retry_after(client, make):
    make.user("viewer", username="xem")
    for _ in range(5):
        assert api_try(client, "xem", "guess").status_code == 401
    response = api_try(client, "xem", PASSWORD)
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 429
    assert response.headers["Retry-After"] == "15"


def test_the_wait_doubles_with_each_failure_up_to_the_longest(client, make):
    make.user("viewer", username="xem")
    for _ in range(5):
        api_try(client, "xem", "guess")
    waits = []
    for _ in range(7):
        wait = int(api_try(client, "xem", "guess").headers["Retry-After"])
        waits.append(wait)
        later(wait)
        assert api_try(client, "xem", "guess").status_code == 401  # one more failure
    assert waits == [15, 30, 60, 120, 240, 300, 300]


def test_the_web_form_and_the_api_share_the_count(client, make):
    make.user("viewer", username="xem")
    for _ in range(3):
        web_try(client, "xem", "guess")
    for _ in range(2):
        api_try(client, "xem", "guess")
    assert web_try(client, "xem", PASSWORD).status_code == 429


def test_one_address_cannot_slow_the_owner_elsewhere(client, make):
    make.user("unit_head", make.unit(), username="hoa")
    for _ in range(5):
        api_try(client, "hoa", "guess", address=AWAY)
    for _ in range(30):  # keeps trying through its waits
        later(300)
        api_try(client, "hoa", "guess", address=AWAY)
    assert api_try(client, "hoa", "guess", address=AWAY).status_code == 429
    # Only the pair's first failures count for the username alone.
    assert counters()["user:hoa"] == 5
    assert web_try(client, "hoa", PASSWORD, address=HOME).status_code == 302


def test_many_addresses_slow_the_username_everywhere_but_briefly(client, make):
    make.user("unit_head", make.unit(), username="hoa")
    for n in range(10):
        for _ in range(5):
            api_try(client, "hoa", "guess", address=f"198.51.100.{n}")
    response = api_try(client, "hoa", PASSWORD, address=HOME)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "15"
    # The username alone never waits more than a fifth of the longest wait: no lock-out.
    for n in range(10, 20):
        later(60)
        api_try(client, "hoa", "guess", address=f"198.51.100.{n}")
    assert int(api_try(client, "hoa", PASSWORD, address=HOME).headers["Retry-After"]) <= 60
    later(60)
    assert api_try(client, "hoa", PASSWORD, address=HOME).status_code == 201


def test_failures_a_day_old_are_forgotten(client, make):
    make.user("viewer", username="xem")
    for _ in range(8):
        later(300)
        api_try(client, "xem", "guess")
    later(timedelta(days=1).total_seconds())
    assert api_try(client, "xem", "guess").status_code == 401
    assert counters()[f"pair:xem|{HOME}"] == 1


def test_another_hosts_clock_a_little_ahead_changes_nothing(client, make):
    make.user("viewer", username="xem")
    api_try(client, "xem", "guess")
    later(-2)  # the last failure was written by a host whose clock is 2 s ahead
    assert api_try(client, "xem", "guess").status_code == 401
    for _ in range(3):
        api_try(client, "xem", "guess")
    later(-2)
    assert api_try(client, "xem", PASSWORD).headers["Retry-After"] == "15"


def test_failures_and_refusals_are_audited_without_the_password(client, make):
    make.user("viewer", username="xem")
    for _ in range(5):
        api_try(client, "xem", "secret guess")
    web_try(client, "nobody", "other secret")
    api_try(client, "xem", "third secret")
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    failed = [e.after for e in events if e.action == "auth.login_failed"]
    assert failed[0] == {"username": "xem", "address": HOME}
    assert failed[-1] == {"username": "nobody", "address": HOME}
    assert len(failed) == 6
    throttled = [e.after for e in events if e.action == "auth.login_throttled"]
    assert throttled == [{"username": "xem", "address": HOME, "retry_after": 15}]
    assert not any("secret" in str(e.after) for e in events)


def test_unknown_usernames_are_slowed_alike(client):
    for _ in range(5):
        assert api_try(client, "nobody", "guess").status_code == 401
    assert api_try(client, "nobody", "guess").status_code == 429


def test_concurrent_failures_all_count(app, make):
    """Every worker's failures count: an upsert, not a read then a write."""
    make.user("viewer", username="xem")

    def guesser(n):
        client = app.test_client()
        for _ in range(3):
            api_try(client, "xem", "guess", address=f"192.0.2.{n}")

    threads = [threading.Thread(target=guesser, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    found = counters()
    assert found["user:xem"] == 24
    assert [found[f"pair:xem|192.0.2.{n}"] for n in range(8)] == [3] * 8


@pytest.mark.parametrize("method, function", [("pbkdf2:sha256:1000", "pbkdf2_hmac"),
                                              ("scrypt", "scrypt")])
def test_an_unknown_username_costs_the_same_hash_check(app, client, make, monkeypatch,
                                                       method, function):
    """Timing must not tell which usernames exist: every miss checks one hash of the
    configured method, with the same parameters."""
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", method)
    make.user("viewer", username="xem")
    make.user("viewer", username="gone", active=False)
    api_try(client, "warm-up", "guess")  # the stand-in hash is made once, on first use
    real = getattr(hashlib, function)
    calls = []

    def spy(*args, **kwargs):
        # The parameters that set the cost, not the password or the salt.
        calls.append((args[:1] + args[3:], {k: v for k, v in kwargs.items() if k != "salt"}))
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, function, spy)
    seen = {}
    for username in ("xem", "nobody", "gone"):
        calls.clear()
        assert api_try(client, username, "guess", address=username).status_code == 401
        seen[username] = list(calls)
    assert len(seen["xem"]) == 1
    assert seen["nobody"] == seen["xem"] == seen["gone"]


# -- administrators clear a throttle ----------------------------------------------------------

def _slowed(client, username):
    for n in range(5):
        api_try(client, username, "guess")
        api_try(client, username, "guess", address=f"198.51.100.{n}")
    assert api_try(client, username, PASSWORD).status_code == 429


def test_the_cli_clears_a_throttle(app, client, make):
    make.user("unit_head", make.unit(), username="hoa")
    _slowed(client, "hoa")
    result = app.test_cli_runner().invoke(args=["parindex", "users", "unthrottle", "hoa"])
    assert result.exit_code == 0, result.output
    assert "hoa" in result.output
    assert counters() == {}
    assert api_try(client, "hoa", PASSWORD).status_code == 201
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.unthrottled"))
    assert event.after == {"cleared": 7}

    result = app.test_cli_runner().invoke(args=["parindex", "users", "unthrottle", "nobody"])
    assert result.exit_code != 0
    assert "nobody" in result.output


def test_the_api_clears_a_throttle_for_administrators_only(client, make):
    admin = api_token(client, make.user("admin", username="quantri"), PASSWORD)
    editor = api_token(client, make.user("unit_editor", make.unit()), PASSWORD)
    make.user("unit_head", make.unit(), username="hoa")
    make.user("viewer", username="xem")
    _slowed(client, "hoa")
    _slowed(client, "xem")
    assert client.delete("/api/v1/users/hoa/throttle").status_code == 401
    assert client.delete("/api/v1/users/hoa/throttle", headers=editor).status_code == 403
    missing = client.delete("/api/v1/users/nobody/throttle", headers=admin)
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
    assert client.delete("/api/v1/users/hoa/throttle", headers=admin).status_code == 204
    assert api_try(client, "hoa", PASSWORD).status_code == 201
    assert api_try(client, "xem", PASSWORD).status_code == 429  # only the one named


def test_the_people_page_shows_and_clears_failed_sign_ins(client, make, login):
    make.user("unit_head", make.unit(), username="hoa")
    _slowed(client, "hoa")
    login(make.user("admin", username="quantri"))
    page = client.get("/admin/users")
    row = page.get_data(as_text=True).split('id="user-hoa"')[1].split("</tr>")[0]
    assert "10 lần đăng nhập sai gần đây" in row
    response = client.post("/admin/users/hoa/unthrottle", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert "failed-sign-ins" not in client.get("/admin/users").get_data(as_text=True)
    assert api_try(client, "hoa", PASSWORD).status_code == 201
    assert client.post("/admin/users/nobody/unthrottle",
                       data={"csrf_token": csrf_token(page)}).status_code == 404


def test_only_administrators_clear_on_the_page(client, make, login):
    make.user("viewer", username="xem")
    login(make.user("unit_editor", make.unit()))
    token = csrf_token(client.get("/"))
    assert client.post("/admin/users/xem/unthrottle",
                       data={"csrf_token": token}).status_code == 403


def test_behind_a_proxy_the_forwarded_address_counts(app, app_factory, make):
    """With PARINDEX_TRUSTED_PROXIES, the address is the client's, not the proxy's: one
    client's failures do not slow everyone behind the same proxy."""
    proxied = app_factory(TRUSTED_PROXIES=1)
    proxied.test_client_class = app.test_client_class
    client = proxied.test_client()
    make.user("viewer", username="xem")

    def attempt(password, client_address):
        return client.post("/api/v1/tokens", json={"username": "xem", "password": password},
                           headers={"X-Forwarded-For": client_address},
                           environ_base={"REMOTE_ADDR": "127.0.0.1"})

    for _ in range(5):
        attempt("guess", AWAY)
    assert attempt(PASSWORD, AWAY).status_code == 429
    assert attempt(PASSWORD, HOME).status_code == 201
    assert f"pair:xem|{AWAY}" in counters()
