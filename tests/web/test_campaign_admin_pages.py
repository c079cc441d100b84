"""The campaign page: create a campaign on the web (refusals beside their fields, in
Vietnamese), see the domains without a reviewer, and open it once they are covered."""

from sqlalchemy import func, select

from server.extensions import db
from server.models import Assessment, Campaign, ReviewerAssignment
from tests.helpers import csrf_token


def _form(client, **fields):
    data = {"year": "2025", "title": "Chỉ số CCHC năm 2025", "pin_province": "province-2020@1.0.0",
            "self_assessment_deadline": "2025-11-30", "confirm_unverified": "1", **fields}
    data["csrf_token"] = csrf_token(client.get("/admin/campaigns"))
    return client.post("/admin/campaigns", data=data)


def test_create_then_open_on_the_web(client, make, login):
    make.unit("QB", level="province", group="province")
    login(make.user("admin", username="quantri"))

    refused = _form(client, year="năm nay", confirm_unverified="", pin_province="")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Nhập năm đánh giá, ví dụ 2025." in page
    assert "hãy chọn bộ tiêu chí cho ít nhất một nhóm đơn vị" in page
    assert 'value="Chỉ số CCHC năm 2025"' in page  # what was typed stays
    unconfirmed = _form(client, confirm_unverified="")
    assert "chưa được đối chiếu với văn bản chính thức" in unconfirmed.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0

    created = _form(client)
    assert created.status_code == 302
    campaign = db.session.scalar(select(Campaign))
    assert created.headers["Location"].endswith(f"/admin/campaigns/{campaign.id}")
    assert campaign.state == "draft" and campaign.pin_for("province") is not None
    page = client.get(f"/admin/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Nhóm đơn vị và lĩnh vực chưa có người thẩm định" in page
    assert "UBND cấp tỉnh / 1: QB" in page

    token = csrf_token(client.get("/admin/campaigns"))
    refused_open = client.post(f"/admin/campaigns/{campaign.id}/transition",
                               data={"csrf_token": token, "transition": "open"},
                               follow_redirects=True)
    assert "cần phân công người thẩm định" in refused_open.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Assessment)) == 0

    reviewer = make.user("reviewer")
    db.session.add(ReviewerAssignment(campaign_id=campaign.id, reviewer_id=reviewer.id,
                                      domains=[str(n) for n in range(1, 9)]))
    db.session.commit()
    opened = client.post(f"/admin/campaigns/{campaign.id}/transition",
                         data={"csrf_token": token, "transition": "open"},
                         follow_redirects=True)
    # The page follows the job that creates the dossiers (run at once in the tests).
    assert opened.request.path.startswith("/jobs/")
    assert "Mở kỳ đánh giá" in opened.get_data(as_text=True)
    assert "Hoàn thành" in opened.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Assessment)) == 1


def test_the_page_is_for_administrators_only(client, make, login):
    unit = make.unit("QB", level="province")
    login(make.user("unit_head", unit))
    assert client.get("/admin/campaigns").status_code == 403
    campaign = make.campaign(state="draft")
    assert client.post(f"/admin/campaigns/{campaign.id}/transition",
                       data={"transition": "open"}).status_code in (400, 403)
    assert db.session.get(Campaign, campaign.id).state == "draft"
