"""The planner's pages: a unit's own plan from its self-assessment page, the Department's group
page, the refusals beside their fields."""

import io

import openpyxl

from server.planning.plan_workbook import STEPS_SHEET
from server.results.publications import publish


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
