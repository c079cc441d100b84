"""Token auth and problem+json errors."""


def test_token_then_me(client, make, token_for):
    user = make.user("reviewer", username="thamdinh")
    response = client.get("/api/v1/me", headers=token_for(user))
    assert response.status_code == 200
    assert response.get_json() == {"username": "thamdinh", "full_name": "Nguyễn Văn A",
                                   "roles": ["reviewer"]}


def test_wrong_password_gets_401_problem(client, make):
    user = make.user("viewer")
    response = client.post("/api/v1/tokens", json={"username": user.username, "password": "x"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 401


def test_missing_field_names_the_field(client):
    response = client.post("/api/v1/tokens", json={"username": "a"})
    assert response.status_code == 422
    body = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert {"field": "password", "message": "Missing data for required field."} in body["errors"]


def test_no_token_and_bad_token_are_refused(client):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic x"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_token_of_a_deactivated_user_stops_working(client, make, token_for):
    from server.extensions import db

    user = make.user("viewer")
    headers = token_for(user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_session_cookie_does_not_authenticate_the_api(client, make, login):
    login(make.user("admin"))
    assert client.get("/api/v1/me").status_code == 401


def test_unknown_api_path_is_problem_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_openapi_document_is_served(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["info"]["title"] == "ParIndex API"
    assert "/api/v1/criteria-sets/{set_id}/{version}/score" in spec["paths"]
    assert "bearer" in spec["components"]["securitySchemes"]
