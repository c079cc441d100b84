"""The people page: an administrator adds a user and is shown the one-time password once, sees
each refusal beside its field in Vietnamese, and deactivates a user, whose session ends."""

from sqlalchemy import func, select

from server.extensions import db
from server.models import User
from tests.helpers import csrf_token


def _add(client, **fields):
    data = {"username": "hoa", "full_name": "Trần Thị Hoa", "email": "", "role": "unit_editor",
            "unit_code": "QB", **fields}
    data["csrf_token"] = csrf_token(client.get("/admin/users"))
    return client.post("/admin/users", data=data)


def test_add_a_user_then_they_sign_in_with_the_one_time_password(app, client, make, login):
    make.unit("QB", level="province")
    login(make.user("admin", username="quantri"))
    refused = _add(client, username="quantri", unit_code="")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "tên đăng nhập &#39;quantri&#39; đã có" in page
    assert "vai trò Cán bộ đơn vị cần một đơn vị" in page  # the role as people know it
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    # The form has no role chosen at first: an administrator is never made by accident.
    assert '<option value="">–</option><option value="admin"' in \
        client.get("/admin/users").get_data(as_text=True)
    refused = _add(client, role="")
    assert refused.status_code == 422
    assert "không được để trống" in refused.get_data(as_text=True)

    added = _add(client)
    assert added.status_code == 201
    page = added.get_data(as_text=True)
    assert "Mật khẩu dùng một lần, chỉ hiện lúc này" in page
    password = page.split("<code>")[1].split("</code>")[0]
    assert "<code>" not in client.get("/admin/users").get_data(as_text=True)
    other = app.test_client()
    response = other.get("/login")
    assert other.post("/login", data={"username": "hoa", "password": password,
                                      "csrf_token": csrf_token(response)}).status_code == 302


def test_deactivation_ends_the_session(app, client, make, login):
    login(make.user("admin", username="quantri"))
    make.user("viewer", username="xem")
    other = app.test_client()
    response = other.get("/login")
    other.post("/login", data={"username": "xem", "password": "correct horse battery",
                               "csrf_token": csrf_token(response)})
    assert other.get("/assessments").status_code == 200
    token = csrf_token(client.get("/admin/users"))
    done = client.post("/admin/users/xem/active", data={"active": "0", "csrf_token": token},
                       follow_redirects=True)
    assert "phiên đăng nhập và mã API của người này hết hiệu lực" in done.get_data(as_text=True)
    assert other.get("/assessments").status_code == 302  # back to the login page
    myself = client.post("/admin/users/quantri/active", data={"active": "0", "csrf_token": token},
                         follow_redirects=True)
    assert "Bạn không thể tự ngừng hoạt động" in myself.get_data(as_text=True)


def test_the_page_is_for_administrators_only(client, make, login):
    login(make.user("viewer"))
    assert client.get("/admin/users").status_code == 403


def test_nobody_deactivates_themselves_on_the_page_or_over_the_api(client, make, login,
                                                                    token_for):
    admin = make.user("admin", username="quantri")
    headers = token_for(admin)
    refused = client.patch("/api/v1/users/quantri", json={"active": False}, headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == [
        {"field": "active", "message": "Bạn không thể tự ngừng hoạt động tài khoản của mình."}]
    login(admin)
    page = client.post("/admin/users/quantri/active",
                       data={"active": "0", "csrf_token": csrf_token(client.get("/admin/users"))},
                       follow_redirects=True)
    assert "Bạn không thể tự ngừng hoạt động tài khoản của mình." in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).active
