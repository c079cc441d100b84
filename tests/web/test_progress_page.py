"""/admin/progress: the grid for the Department of Home Affairs with its filters, totals per
state, overdue units highlighted, links to each dossier and the workbook download; who may see
it."""

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest

from server.extensions import db
from server.models import ReviewerAssignment
from tests.helpers import PASSWORD, log_in


@pytest.fixture
def world(make):
    now = datetime.now(UTC)
    campaign = make.campaign(self_assessment_deadline=now - timedelta(days=1))
    qb = make.unit("QB", name="UBND tỉnh Quảng Bình", level="province")
    make.unit("HN", name="UBND thành phố Hà Nội", level="province")
    assessment = make.assessment(campaign, qb)
    assessment.state = "submitted"
    db.session.commit()
    return {"campaign": campaign, "assessment": assessment, "qb": qb}


def test_admin_sees_the_grid_with_totals_links_and_overdue_rows(client, world, make, login):
    login(make.user("admin"))
    home = client.get("/").get_data(as_text=True)
    assert 'href="/admin/progress"' in home and ">Tiến độ<" in home
    response = client.get("/admin/progress")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Tiến độ đánh giá Chỉ số CCHC" in text
    assert "Đã gửi: <strong>1</strong>" in text and "Chưa bắt đầu: <strong>1</strong>" in text
    assert "Quá hạn: <strong>1</strong>" in text
    # HN never started and its deadline passed: highlighted, with the reason.
    assert '<tr class="overdue">\n      <td>HN – UBND thành phố Hà Nội</td>' in text
    assert "Quá thời hạn tự đánh giá" in text
    assert f'href="/assessments/{world["assessment"].id}/workflow"' in text
    assert f'href="/admin/progress.xlsx?campaign={world["campaign"].id}"' in text
    assert "Điểm thẩm định" not in text  # scoring every dossier is asked for
    text = client.get(f"/admin/progress?campaign={world['campaign'].id}&points=1"
                      ).get_data(as_text=True)
    assert "Điểm tự đánh giá</th>" in text and "Điểm thẩm định</th>" in text


def test_filters_from_the_form_and_in_the_download(client, world, make, login):
    login(make.user("admin"))
    campaign = world["campaign"].id
    text = client.get(f"/admin/progress?campaign={campaign}&state=submitted&q=&overdue=",
                      ).get_data(as_text=True)
    assert "QB – UBND tỉnh Quảng Bình" in text and "HN – " not in text
    assert "Đang hiển thị 1 đơn vị" in text
    assert f"/admin/progress.xlsx?campaign={campaign}&amp;state=submitted" in text
    text = client.get(f"/admin/progress?campaign={campaign}&q=hà+nội&overdue=1"
                      ).get_data(as_text=True)
    assert "HN – UBND thành phố Hà Nội" in text and "QB – " not in text
    response = client.get(f"/admin/progress.xlsx?campaign={campaign}&overdue=1")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["Tiến độ"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[:4] for row in rows] == [("HN", "UBND thành phố Hà Nội", "UBND cấp tỉnh",
                                          "Chưa bắt đầu")]


def test_a_bad_filter_is_shown_beside_its_field(client, world, make, login):
    login(make.user("admin"))
    response = client.get(f"/admin/progress?campaign={world['campaign'].id}&state=lost")
    assert response.status_code == 422
    assert "Trạng thái không hợp lệ." in response.get_data(as_text=True)
    assert client.get("/admin/progress.xlsx?state=lost").status_code == 422


def _client_of(app, user):
    client = app.test_client()
    log_in(client, user, PASSWORD)
    return client


def test_who_may_open_the_grid(app, client, world, make):
    assert client.get("/admin/progress").status_code == 302  # to the login page
    reviewer = make.user("reviewer")
    for user in (make.user("viewer"), make.user("unit_head", world["qb"]), reviewer):
        refused = _client_of(app, user)
        assert refused.get("/admin/progress").status_code == 403
        assert refused.get("/admin/progress.xlsx").status_code == 403
        assert 'href="/admin/progress"' not in refused.get("/").get_data(as_text=True) \
            or user is reviewer  # reviewers have the link; it opens with an assignment
    db.session.add(ReviewerAssignment(campaign_id=world["campaign"].id,
                                      reviewer_id=reviewer.id, domains=["1"]))
    db.session.commit()
    client = _client_of(app, reviewer)
    response = client.get("/admin/progress")
    assert response.status_code == 200
    assert "QB – UBND tỉnh Quảng Bình" in response.get_data(as_text=True)
    assert client.get("/admin/progress?campaign=999").status_code == 404
    other = make.campaign(2022)
    assert client.get(f"/admin/progress?campaign={other.id}").status_code == 403


def test_admin_without_campaigns_sees_a_note(client, make, login):
    login(make.user("admin"))
    response = client.get("/admin/progress")
    assert response.status_code == 200
    assert "Chưa có kỳ đánh giá nào." in response.get_data(as_text=True)


def test_the_demo_shows_the_province_and_its_departments(app, client):
    from server.demo.province import DEMO_PASSWORD, load_demo
    from server.models import User

    load_demo()
    admin = db.session.scalar(db.select(User).filter_by(username="admin"))
    log_in(client, admin, DEMO_PASSWORD)
    text = client.get("/admin/progress").get_data(as_text=True)
    assert "QB – UBND tỉnh Quảng Bình" in text and "STP – Sở Tư pháp" in text
    # Opened for the province and every department; nobody has answered anything yet.
    assert "Chưa bắt đầu: <strong>21</strong>" in text
