"""A campaign's own page: its phases as a timeline, the pinned sets with their source notes, the
settings edited while a draft (problems beside their fields, in Vietnamese), the steps (open,
close, reopen with a reason), "start from last year", and reviewer assignment."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Campaign, ReviewerAssignment
from tests.helpers import csrf_token


@pytest.fixture
def admin(make, login):
    user = make.user("admin", username="quantri")
    login(user)
    return user


def _post(client, url, page, **data):
    response = client.post(url, data={"csrf_token": csrf_token(client.get(page)), **data})
    db.session.expire_all()  # the request wrote in its own session
    return response


def test_the_page_shows_the_timeline_and_each_sets_source(client, make, admin):
    campaign = make.campaign(
        2025, state="draft",
        self_assessment_deadline=datetime(2025, 11, 30, 16, 59, 59, tzinfo=UTC),
        data_cutoffs=[{"label": "Số liệu 9 tháng", "date": "2025-09-30"}])
    page = client.get(f"/admin/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Các mốc thời gian" in page
    assert "Hạn tự đánh giá</strong>:\n      30/11/2025 23:59" in page
    assert "Số liệu 9 tháng</strong>:\n      30/09/2025 23:59" in page
    assert "chưa đối chiếu" in page  # province-2020 is not verified
    assert "Bắt đầu từ năm trước" in page


def test_a_draft_is_edited_on_the_page(client, make, admin):
    campaign = make.campaign(2025, state="draft")
    url = f"/admin/campaigns/{campaign.id}"
    form = {"year": "2025", "title": "Năm 2025", "pin_province": "province-2020@1.0.0",
            "self_assessment_opens": "2025-12-05", "self_assessment_deadline": "2025-11-30",
            "cutoff_rows": "2", "cutoff_label_0": "Số liệu 9 tháng",
            "cutoff_date_0": "30/09/2025", "band_rows": "2", "band_key_0": "tot",
            "band_label_0": "Tốt", "band_min_0": "80", "band_key_1": "kha",
            "band_label_1": "Khá", "band_min_1": "85", "tie_compare": "rounded"}
    refused = _post(client, url, url, **form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "không được trước ngày bắt đầu tự đánh giá" in page
    assert "Số liệu 9 tháng" in page and 'value="30/09/2025"' in page  # what was typed stays
    assert "cao nhất trước" in page
    assert db.session.get(Campaign, campaign.id).title != "Năm 2025"

    form.update(self_assessment_opens="2025-10-01 08:00", cutoff_date_0="2025-09-30",
                band_min_1="70", tie_ranks="shared", survey="1")
    saved = _post(client, url, url, **form)
    assert saved.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Campaign, campaign.id)
    assert stored.title == "Năm 2025" and stored.tie_ranks == "shared" and stored.survey
    assert stored.data_cutoffs == [{"label": "Số liệu 9 tháng", "date": "2025-09-30"}]
    page = client.get(url).get_data(as_text=True)
    assert 'value="01/10/2025 08:00"' in page and 'value="30/11/2025"' in page


def test_close_and_reopen_with_the_buttons(client, make, admin):
    make.unit("QB", level="province")
    campaign = make.campaign(2025, state="open")
    url = f"/admin/campaigns/{campaign.id}"
    step = f"{url}/transition"
    closed = _post(client, step, url, transition="close")
    assert closed.status_code == 302
    assert db.session.get(Campaign, campaign.id).state == "closed"
    page = client.get(url).get_data(as_text=True)
    assert "Mở lại kỳ đánh giá" in page
    assert "Chỉ sửa thiết lập khi kỳ đánh giá còn là bản nháp" in page
    refused = client.post(step, data={"csrf_token": csrf_token(client.get(url)),
                                      "transition": "reopen"}, follow_redirects=True)
    assert "cần ghi rõ lý do" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).state == "closed"
    _post(client, step, url, transition="reopen", reason="Phúc tra")
    assert db.session.get(Campaign, campaign.id).state == "open"


def test_start_from_last_year_opens_the_new_draft(client, make, admin):
    previous = make.campaign(2024, state="closed", pins=(("province", "province-2020", "1.1.0"),))
    started = _post(client, f"/admin/campaigns/{previous.id}/successor", "/admin/campaigns")
    new = db.session.scalar(select(Campaign).where(Campaign.previous_id == previous.id))
    assert started.status_code == 302
    assert started.headers["Location"].endswith(f"/admin/campaigns/{new.id}")
    assert new.year == 2025 and new.state == "draft"
    page = client.get(f"/admin/campaigns/{new.id}").get_data(as_text=True)
    assert "Chỉ số CCHC năm 2025" in page and "Chỉ số CCHC năm 2024" in page  # linked back


def test_reviewers_are_assigned_and_removed_on_the_page(client, make, admin):
    make.unit("QB", level="province")
    campaign = make.campaign(2025, state="draft")
    reviewer = make.user("reviewer", username="thamdinh")
    url = f"/admin/campaigns/{campaign.id}"
    assert " / 3: QB" in client.get(url).get_data(as_text=True)

    refused = _post(client, f"{url}/reviewers", url, reviewer_id=str(reviewer.id))
    assert refused.status_code == 422
    assert "Chọn ít nhất một lĩnh vực." in refused.get_data(as_text=True)
    assigned = client.post(f"{url}/reviewers", data={
        "csrf_token": csrf_token(client.get(url)), "reviewer_id": str(reviewer.id),
        "unit_group": "province", "domains": ["1", "2", "3", "4", "5", "6", "7", "8"]})
    assert assigned.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "thamdinh" in page and " / 3: QB" not in page
    row = db.session.scalar(select(ReviewerAssignment))
    removed = _post(client, f"{url}/reviewers/{row.id}/delete", url)
    assert removed.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ReviewerAssignment)) == 0
    other = make.campaign(2026, state="draft")
    kept = ReviewerAssignment(campaign_id=other.id, reviewer_id=reviewer.id, domains=["1"])
    db.session.add(kept)
    db.session.commit()
    assert _post(client, f"{url}/reviewers/{kept.id}/delete", url).status_code == 404


def test_the_campaign_pages_are_for_administrators_only(client, make, login):
    unit = make.unit("QB", level="province")
    campaign = make.campaign(state="draft")
    login(make.user("reviewer", unit))
    url = f"/admin/campaigns/{campaign.id}"
    assert client.get(url).status_code == 403
    token = csrf_token(client.get("/"))
    for path in ("", "/transition", "/successor", "/reviewers"):
        assert client.post(url + path, data={"csrf_token": token, "transition": "open",
                                             "title": "x"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1
    assert db.session.get(Campaign, campaign.id).state == "draft"


def test_start_from_last_year_is_offered_only_while_next_year_has_no_campaign(client, make,
                                                                             admin):
    older, newer = make.campaign(2020, state="closed"), make.campaign(2021)
    page = client.get("/admin/campaigns").get_data(as_text=True)
    assert f"/admin/campaigns/{older.id}/successor" not in page  # 2021 is under way
    assert f"/admin/campaigns/{newer.id}/successor" in page


def test_a_band_asks_component_minimums_on_the_page(client, make, admin):
    campaign = make.campaign(2025, state="draft")
    url = f"/admin/campaigns/{campaign.id}"
    form = {"year": "2025", "title": "Năm 2025", "pin_province": "province-2020@1.0.0",
            "band_rows": "2", "band_key_0": "tot", "band_label_0": "Tốt", "band_min_0": "80",
            "band_min_components_0": "sipas=50", "band_key_1": "kha", "band_label_1": "Khá",
            "band_min_1": "0"}
    refused = _post(client, url, url, **form)
    assert refused.status_code == 422
    assert "sipas: không bộ tiêu chí nào được gắn có thành phần sipas" in \
        refused.get_data(as_text=True)
    form["band_min_components_0"] = "survey=60; 1=50,5"
    assert _post(client, url, url, **form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).bands[0]["min_components"] == {
        "survey": "60", "1": "50.5"}
    assert 'value="survey=60; 1=50.5"' in client.get(url).get_data(as_text=True)
