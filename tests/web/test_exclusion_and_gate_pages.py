"""Items not applicable and the completeness gates through the real pages: the administrator's
exclusion page, the unit's read-only "Không áp dụng" rows, the tick box at submission, the gaps
listed on the workflow page and the publication page."""

import pytest
from sqlalchemy import select

from server.campaigns.exclusions import set_exclusions
from server.extensions import db
from server.models import Assessment, AuditEvent, ExcludedItem, Publication
from tests.helpers import csrf_token
from tests.publication_data import finalised_group

REASON = "Đơn vị không có thủ tục hành chính"
NOT_APPLICABLE = "Không áp dụng (Sở Nội vụ quyết định)"


@pytest.fixture
def world(make):
    campaign = make.campaign()
    unit = make.unit("STP", level="province", group="province", name="Sở Tư pháp")
    return {"campaign": campaign, "unit": unit, "dossier": make.assessment(campaign, unit),
            "admin": make.user("admin")}


def _page_url(world):
    return f"/admin/exclusions?campaign={world['campaign'].id}&unit={world['unit'].code}"


def test_the_administrator_marks_a_domain_not_applicable_and_lets_it_apply_again(
        client, login, world):
    login(world["admin"])
    page = client.get(_page_url(world))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="codes" value="3"' in html
    assert 'name="codes" value="3.1.1"' in html
    refused = client.post(_page_url(world), data={"codes": ["3"], "reason": "",
                                                  "csrf_token": csrf_token(page)})
    assert refused.status_code == 422
    assert "Ghi lý do của quyết định." in refused.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(ExcludedItem.id))) == 0
    done = client.post(_page_url(world), data={"codes": ["3", "5.2"], "reason": REASON,
                                               "csrf_token": csrf_token(page)},
                       follow_redirects=True)
    html = done.get_data(as_text=True)
    assert 'data-code="3"' in html and 'data-code="5.2"' in html and REASON in html
    cleared = client.post(f"/admin/exclusions/clear?campaign={world['campaign'].id}"
                          f"&unit={world['unit'].code}",
                          data={"code": "5.2", "csrf_token": csrf_token(page)},
                          follow_redirects=True)
    assert cleared.status_code == 200 and 'data-code="5.2"' not in cleared.get_data(
        as_text=True)
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.startswith("exclusion.")).order_by(AuditEvent.id)).all()
    assert [(e.action, (e.after or e.before)["code"]) for e in events] == [
        ("exclusion.set", "3"), ("exclusion.set", "5.2"), ("exclusion.cleared", "5.2")]


def test_the_exclusion_page_is_for_administrators(client, login, make, world):
    assert client.get(_page_url(world)).status_code == 302  # to the login page
    login(make.user("unit_head", world["unit"]))
    assert client.get(_page_url(world)).status_code == 403


def test_unknown_campaign_or_unit_is_404(client, login, world):
    login(world["admin"])
    assert client.get("/admin/exclusions?campaign=999&unit=STP").status_code == 404
    assert client.get(f"/admin/exclusions?campaign={world['campaign'].id}&unit=NOPE"
                      ).status_code == 404


def test_the_unit_sees_excluded_items_read_only_with_the_reason(client, login, make, world):
    set_exclusions(world["campaign"], world["unit"], ["3"], REASON, world["admin"])
    db.session.commit()
    login(make.user("unit_editor", world["unit"]))
    html = client.get(f"/assessments/{world['dossier'].id}").get_data(as_text=True)
    assert f"{NOT_APPLICABLE}: {REASON}" in html
    assert 'name="v-3.1.1"' not in html and 'name="ver-3.1.1"' not in html
    assert 'name="v-1.1.1"' in html


def test_submitting_with_unanswered_items_needs_the_tick_box(client, login, make, world):
    login(make.user("unit_head", world["unit"]))
    url = f"/assessments/{world['dossier'].id}/submit"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert 'name="confirm_unanswered"' in html and "required" in html
    assert 'id="submit-unanswered">70<' in html
    refused = client.post(url, data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 422
    assert "Đánh dấu ô xác nhận để gửi hồ sơ" in refused.get_data(as_text=True)
    assert db.session.get(Assessment, world["dossier"].id).state == "draft"
    done = client.post(url, data={"csrf_token": csrf_token(page), "confirm_unanswered": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Assessment, world["dossier"].id).state == "submitted"


def test_the_submit_page_counts_without_excluded_domains(client, login, make, world):
    set_exclusions(world["campaign"], world["unit"], ["3"], REASON, world["admin"])
    db.session.commit()
    login(make.user("unit_head", world["unit"]))
    html = client.get(f"/assessments/{world['dossier'].id}/submit").get_data(as_text=True)
    assert 'id="submit-unanswered">59<' in html  # 70 self-assessed items, 11 in domain 3


def test_finalising_from_the_workflow_page_lists_the_gaps_and_needs_a_reason(
        client, login, world):
    world["dossier"].state = "appraised"
    db.session.commit()
    login(world["admin"])
    url = f"/assessments/{world['dossier'].id}/workflow"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert "lĩnh vực 1: 10 chưa tự chấm" in html and 'name="confirm_gaps"' in html
    refused = client.post(f"/assessments/{world['dossier'].id}/transitions", data={
        "transition": "finalise", "csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "Hãy xác nhận và ghi lý do" in refused.get_data(as_text=True)
    client.post(f"/assessments/{world['dossier'].id}/transitions", data={
        "transition": "finalise", "confirm_gaps": "1", "reason": "Chốt theo số liệu có",
        "csrf_token": csrf_token(page)})
    db.session.expire_all()
    assert db.session.get(Assessment, world["dossier"].id).state == "finalised"


def test_the_publication_page_lists_dossiers_with_gaps_before_publishing(
        app, client, login, make):
    campaign = finalised_group(app, make)
    dossier = db.session.scalars(select(Assessment)).first()
    db.session.execute(db.delete(db.metadata.tables["answers"]).where(
        db.metadata.tables["answers"].c.assessment_id == dossier.id,
        db.metadata.tables["answers"].c.source == "appraisal"))
    db.session.commit()
    login(make.user("admin"))
    url = f"/admin/campaigns/{campaign.id}/publications"
    page = client.get(url)
    assert 'data-unit="P01"' in page.get_data(as_text=True)
    data = {"group": "province", "confirm": "1", "csrf_token": csrf_token(page)}
    refused = client.post(url, data=data)
    assert refused.status_code == 422 and db.session.query(Publication).count() == 0
    done = client.post(url, data={**data, "confirm_gaps": "1",
                                  "reason": "Công bố theo số liệu đã chốt"})
    assert done.status_code == 302 and db.session.query(Publication).count() == 1
