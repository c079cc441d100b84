"""The planner's pages: a unit's own plan from its self-assessment page, the Department's group
page, the refusals beside their fields."""

import io

import openpyxl
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, Campaign
from server.planning.plan_workbook import STEPS_SHEET
from server.planning.weights import effort_weights
from server.results.publications import publish
from tests.helpers import csrf_token


def test_the_unit_plans_from_its_own_page(client, login, group):
    campaign, head = group["campaign"], group["heads"]["P05"]
    assessment = group["dossiers"]["P05"]
    publish(campaign, "province", group["admin"])
    login(head)
    form = client.get(f"/assessments/{assessment.id}").get_data(as_text=True)
    assert f'href="/assessments/{assessment.id}/plan"' in form
    empty = client.get(f"/assessments/{assessment.id}/plan")
    assert empty.status_code == 200 and 'id="plan-summary"' not in empty.get_data(as_text=True)
    page = client.get(f"/assessments/{assessment.id}/plan?rank=2-3&domain_min=60")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="plan-after"' in text and 'id="plan-by-agency"' in text and 'id="step-' in text
    download = client.get(f"/assessments/{assessment.id}/plan.xlsx?rank=2-3&domain_min=60")
    assert download.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(download.data), read_only=True)[STEPS_SHEET]
    # Refusals beside their fields; another unit's plan does not exist for this unit.
    bad = client.get(f"/assessments/{assessment.id}/plan?rank=x&index=200")
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert text.count('class="error"') == 2 and 'id="plan-summary"' not in text
    assert client.get(f"/assessments/{group['dossiers']['P04'].id}/plan?index=90"
                      ).status_code == 404
    assert client.get("/plans").status_code == 403


def test_the_department_sees_the_group_farthest_first(client, login, group):
    campaign = group["campaign"]
    login(group["admin"])
    page = client.get(f"/plans?campaign={campaign.id}&group=province&index=99")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    order = [text.index(f'data-unit="{code}"') for code in ("P05", "P04", "P03", "P02", "P01")]
    assert order == sorted(order)
    assert client.get(f"/plans.xlsx?campaign={campaign.id}&group=province&index=99"
                      ).status_code == 200
    assert client.get(f"/plans?campaign={campaign.id}&group=nowhere").status_code == 404
    unpublished_rank = client.get(f"/plans?campaign={campaign.id}&group=province&rank=2")
    assert unpublished_rank.status_code == 200  # the Department plans on current scores
    assert client.get(f"/plans?campaign={campaign.id}&group=province&band=Z").status_code == 422


def test_the_department_sets_effort_weights_on_a_page(client, login, group):
    campaign = group["campaign"]
    url = f"/plans/weights?campaign={campaign.id}&group=province"
    login(group["heads"]["P05"])
    assert client.get(url).status_code == 403
    login(group["admin"])
    page = client.get(url)
    assert page.status_code == 200 and 'name="w-1.1.1"' in page.get_data(as_text=True)
    token = csrf_token(page)
    form = {"csrf_token": token, "campaign": campaign.id, "group": "province",
            "w-1.1.1": "3", "w-8.1.1": "abc", "reason": "SIPAS khó cải thiện"}
    refused = client.post("/plans/weights", data=form)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Không có gì được lưu" in text
    assert "Trọng số công sức là số nguyên từ 1 đến 100" in text and 'value="abc"' in text
    db.session.expire_all()
    assert effort_weights(db.session.get(Campaign, campaign.id), "province") == {}
    saved = client.post("/plans/weights", data={**form, "w-8.1.1": "5"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert effort_weights(db.session.get(Campaign, campaign.id), "province") == {
        "1.1.1": 3, "8.1.1": 5}
    event = db.session.scalars(select(AuditEvent).filter_by(action="campaign.plan_weights")
                               ).one()
    assert event.reason == "SIPAS khó cải thiện"
    assert 'value="5"' in client.get(url).get_data(as_text=True)
    assert client.get(f"/plans/weights?campaign={campaign.id}&group=nowhere").status_code == 404
