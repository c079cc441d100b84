"""The administrator's publication page: state counts, the publish form and its refusals in
Vietnamese beside the field, corrections with their changes, drift, and ranking settings."""

import io
from decimal import Decimal

import openpyxl
from sqlalchemy import func, select

from server.extensions import db
from server.models import Assessment, AuditEvent, Campaign, Publication
from server.results.exports.ranking_workbook import ABOUT
from server.results.publications import latest_publication
from tests.helpers import csrf_token
from tests.publication_data import finalised_group, lower_one_score


def _url(campaign):
    return f"/admin/campaigns/{campaign.id}/publications"


def _publish(client, campaign, reason="", confirm=True):
    data = {"group": "province", "reason": reason,
            "csrf_token": csrf_token(client.get(_url(campaign)))}
    if confirm:
        data["confirm"] = "1"
    return client.post(_url(campaign), data=data, follow_redirects=True)


def _settings(client, campaign, **data):
    data["csrf_token"] = csrf_token(client.get(_url(campaign)))
    return client.post(f"/admin/campaigns/{campaign.id}/ranking-settings", data=data,
                       follow_redirects=True)


def _publications():
    return db.session.scalar(select(func.count()).select_from(Publication))


def test_the_page_counts_states_and_names_the_units_not_finalised(app, client, make, login):
    campaign = finalised_group(app, make, ("finalised", "appraised", "in_appraisal"))
    login(make.user("admin"))
    response = client.get("/admin/publications", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Công bố Chỉ số CCHC" in text
    assert "Số hồ sơ: 3" in text
    assert "Hội đồng đã thông qua: 1" in text and "Đã thẩm định: 1" in text
    assert "Chưa được Hội đồng thông qua (2):" in text
    assert "P02 – Tỉnh P02 (Đã thẩm định)" in text and "P03 – Tỉnh P03" in text
    # Publishing is refused, the refusal beside the form, nothing written.
    response = _publish(client, campaign)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert '<p class="error" role="alert">' in text and "P02 (Đã thẩm định)" in text
    # A group the campaign does not rank is refused too, the message flashed.
    response = client.post(_url(campaign), data={
        "group": "commune", "confirm": "1", "csrf_token": csrf_token(response)})
    assert response.status_code == 422
    assert 'class="flash warning"' in response.get_data(as_text=True)
    assert _publications() == 0


def test_publish_needs_the_confirmation_then_lists_the_publication(app, client, make, login):
    campaign = finalised_group(app, make)
    login(make.user("admin"))
    response = _publish(client, campaign, reason="Ghi chú", confirm=False)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Hãy đánh dấu ô xác nhận để công bố." in text
    assert ">Ghi chú</textarea>" in text  # the typed reason is kept
    assert _publications() == 0
    response = _publish(client, campaign)  # the job's page, the job run at once by the tests
    assert response.request.path.startswith("/jobs/")
    assert f'href="/rankings/{campaign.id}/province"' in response.get_data(as_text=True)
    text = client.get(_url(campaign)).get_data(as_text=True)
    assert "Lần công bố đầu tiên" in text and "Tải tệp .xlsx" in text
    assert "Số liệu hiện tại vẫn cho kết quả như lần công bố 1." in text
    assert "Công bố đính chính" in text and "Lý do đính chính (bắt buộc)" in text
    states = db.session.scalars(select(Assessment.state)).all()
    assert set(states) == {"published"}


def test_a_correction_needs_a_reason_and_shows_the_drift_and_changes(app, client, make,
                                                                      login):
    campaign = finalised_group(app, make)
    login(make.user("admin"))
    _publish(client, campaign)
    lower_one_score(app, campaign, "P01")
    text = client.get(_url(campaign)).get_data(as_text=True)
    assert "Số liệu chấm điểm đã thay đổi kể từ lần công bố 1." in text
    assert "cần công bố đính chính" in text
    response = _publish(client, campaign, reason="  ")
    assert response.status_code == 422
    assert "Công bố đính chính phải nêu lý do." in response.get_data(as_text=True)
    response = _publish(client, campaign, reason="Đính chính tiêu chí 1.1 của P01")
    assert response.request.path.startswith("/jobs/")
    text = client.get(_url(campaign)).get_data(as_text=True)
    publication = latest_publication(campaign.id, "province")
    total = next(c for c in publication.changes if c["field"] == "total")
    before, after = (format(Decimal(total[k]).normalize(), "f").replace(".", ",")
                     for k in ("before", "after"))
    assert f"P01 · Tổng điểm: {before} → {after}" in text
    assert "P01 · Lĩnh vực 1." in text and "Đính chính tiêu chí 1.1 của P01" in text


def test_any_signed_in_user_downloads_a_published_workbook(app, client, make, login):
    campaign = finalised_group(app, make)
    login(make.user("admin"))
    _publish(client, campaign)
    publication = latest_publication(campaign.id, "province")
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/"))})
    login(make.user("unit_head", make.unit("SNV")))
    response = client.get(f"/publications/{publication.id}/ranking.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    about = dict(book[ABOUT].iter_rows(min_row=2, values_only=True))
    assert about["Mã công bố"] == f"{publication.id} (số 1)"
    assert client.get("/publications/999/ranking.xlsx").status_code == 404
    # ... but the administrator's page stays closed to a unit.
    assert client.get(_url(campaign)).status_code == 403


def test_ranking_settings_from_the_page(app, client, make, login):
    campaign = finalised_group(app, make)
    login(make.user("admin"))
    response = _settings(client, campaign, action="tie_rule", compare="rounded", ranks="")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Chọn thêm cách xếp hạng khi chỉ số bằng nhau, hoặc để trống cả hai." in text
    assert '<option value="rounded" selected>' in text  # the choice is kept
    response = _settings(client, campaign, action="not_ranked", unit_code="P02",
                         not_ranked_reason=" ")
    assert response.status_code == 422
    assert "Nêu lý do đơn vị được chấm điểm nhưng không xếp hạng." in \
        response.get_data(as_text=True)
    response = _settings(client, campaign, action="not_ranked", unit_code="",
                         not_ranked_reason="x")
    assert "Không có đơn vị – được đánh giá trong kỳ này." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action.in_(("campaign.tie_rule", "assessment.not_ranked")))) == 0

    response = _settings(client, campaign, action="tie_rule", compare="rounded",
                         ranks="distinct")
    assert "Đã lưu thiết lập xếp hạng." in response.get_data(as_text=True)
    response = _settings(client, campaign, action="not_ranked", unit_code="P02",
                         not_ranked_reason="Mới sáp nhập")
    text = response.get_data(as_text=True)
    assert "P02 – Tỉnh P02</td><td>UBND cấp tỉnh</td><td>Mới sáp nhập</td>" in text
    db.session.expire_all()
    refreshed = db.session.get(Campaign, campaign.id)
    assert (refreshed.tie_compare, refreshed.tie_ranks) == ("rounded", "distinct")
    response = _settings(client, campaign, action="rank_again", unit_code="P02")
    assert "Mọi đơn vị được đánh giá đều được xếp hạng." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Assessment)
                             .where(Assessment.ranked.is_(False))) == 0


def test_only_administrators_and_only_with_a_csrf_token(app, client, make, login):
    campaign = finalised_group(app, make)
    login(make.user("reviewer"))
    assert client.get("/admin/publications").status_code == 403
    assert client.get(_url(campaign)).status_code == 403
    token = csrf_token(client.get("/"))
    assert client.post(_url(campaign), data={"group": "province", "confirm": "1",
                                             "csrf_token": token}).status_code == 403
    assert client.post(f"/admin/campaigns/{campaign.id}/ranking-settings", data={
        "action": "tie_rule", "compare": "rounded", "ranks": "shared",
        "csrf_token": token}).status_code == 403
    client.post("/logout", data={"csrf_token": token})
    login(make.user("admin"))
    assert client.post(_url(campaign), data={"group": "province",
                                             "confirm": "1"}).status_code == 400
    assert client.post(f"/admin/campaigns/{campaign.id}/ranking-settings", data={
        "action": "tie_rule", "compare": "rounded", "ranks": "shared"}).status_code == 400
    assert client.get("/admin/campaigns/999/publications").status_code == 404
    assert _publications() == 0
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).tie_compare is None
