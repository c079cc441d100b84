"""After login and the language switch, `next` leads only to a path of this site: never off-site
(however a browser would read it), and never into a header."""

from urllib.parse import quote

import pytest

from tests.helpers import PASSWORD, csrf_token

OFF_SITE = [
    "/\t/evil.example",  # `?next=/%09/evil.example`: browsers drop the tab
    "/\n/evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",  # browsers read "\" as "/"
    "\\/evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    " //evil.example",
    "/\r\nSet-Cookie: stolen=1",  # header splitting
    "/x\rLocation: https://evil.example",
]
SAME_SITE = ["/criteria-sets", "/criteria-sets?year=2021#top", "/admin/users"]


def _login(client, user, target):
    page = client.get("/login")
    return client.post(f"/login?next={quote(target, safe='')}", data={
        "username": user.username, "password": PASSWORD, "csrf_token": csrf_token(page)})


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_never_sends_off_site(client, make, target):
    response = _login(client, make.user("viewer"), target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "stolen" not in str(response.headers)


@pytest.mark.parametrize("target", SAME_SITE)
def test_login_goes_on_to_a_path_of_the_site(client, make, target):
    response = _login(client, make.user("viewer"), target)
    assert response.headers["Location"] == target


def test_the_tab_case_as_an_attacker_sends_it(client, make):
    page = client.get("/login")
    response = client.post("/login?next=/%09/evil.example", data={
        "username": make.user("viewer").username, "password": PASSWORD,
        "csrf_token": csrf_token(page)})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_language_switch_never_sends_off_site(client, make, login, target):
    login(make.user("viewer"))
    token = csrf_token(client.get("/"))
    response = client.post("/lang/en", data={"csrf_token": token, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "stolen" not in str(response.headers)


def test_the_language_switch_goes_back_to_the_page(client, make, login):
    login(make.user("viewer"))
    token = csrf_token(client.get("/"))
    response = client.post("/lang/en", data={"csrf_token": token,
                                             "next": "/criteria-sets?x=1"})
    assert response.headers["Location"] == "/criteria-sets?x=1"
