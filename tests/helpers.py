"""Small helpers for tests that read pages."""

import re

PASSWORD = "correct horse battery"


def csrf_token(response) -> str:
    match = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"',
                      response.get_data(as_text=True))
    assert match, "the page has no CSRF token"
    return match.group(1)


def api_token(client, user, password: str) -> dict:
    """Headers carrying a bearer token for `user`, obtained through the API itself."""
    response = client.post("/api/v1/tokens", json={"username": user.username,
                                                     "password": password})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def log_in(client, user, password: str):
    """Log `user` in through the real login form, CSRF token included."""
    page = client.get("/login")
    return client.post("/login", data={"username": user.username, "password": password,
                                       "csrf_token": csrf_token(page)}, follow_redirects=True)


def count_statements(action) -> int:
    """How many SQL statements `action()` sends to the database."""
    from sqlalchemy import event

    from server.extensions import db

    count = 0

    def counter(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return count
