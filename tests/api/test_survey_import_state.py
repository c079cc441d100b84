"""The survey import endpoint answers 409 problem+json naming the campaign's state."""

import io

from server.extensions import db


def test_import_into_a_campaign_being_planned_is_409(app, client, make, token_for):
    criteria_set = app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
    campaign = make.campaign()
    campaign.state = "draft"
    db.session.commit()
    make.assessment(campaign, make.unit("P01", level="province"))
    leaf = next(leaf for leaf in criteria_set.leaves() if leaf.source == "survey")
    response = client.post(
        f"/api/v1/campaigns/{campaign.id}/survey-import", headers=token_for(make.user("admin")),
        data={"file": (io.BytesIO(f"a;b;c\nP01;{leaf.code};0,25\n".encode()), "kq.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert "'draft'" in body["detail"] and "only while the campaign is open" in body["detail"]
    assert body["errors"] == [{"field": "campaign", "row": 0, "kind": "campaign_not_open",
                               "message": body["detail"]}]
