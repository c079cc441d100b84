"""The explanation round's notifications lead to its pages: the unit to its questions, the
reviewers back to the appraisal screen; in the app and in the e-mail alike."""

from sqlalchemy import select

from server.extensions import db
from server.models import Notification, User
from tests.appraisal_round import appraisal_round, questioned


def _links(kind):
    rows = db.session.scalars(select(Notification).where(Notification.kind == kind)).all()
    return {db.session.get(User, n.user_id).username: n.link for n in rows}


def test_the_round_links_to_the_explanation_and_appraisal_pages(make, inbox):
    round_ = appraisal_round(make)
    round_.editor.email, round_.reviewer.email = "canbo@example.gov.vn", "td@example.gov.vn"
    db.session.commit()
    questioned(round_)
    base = f"https://cchc.example.gov.vn/assessments/{round_.assessment.id}"
    assert _links("explanation_requested") == {"canbo": f"{base}/explanation",
                                               "lanhdao": f"{base}/explanation"}
    mail = inbox.wait_for(1)[0]
    assert mail["To"] == "canbo@example.gov.vn"
    assert f"Xem câu hỏi và trả lời: {base}/explanation" in mail.get_content()
    round_.step("explain", round_.head, "Đã giải trình")
    assert _links("explained") == {"admin": f"{base}/appraisal", "thamdinh": f"{base}/appraisal"}
    mail = inbox.wait_for(2)[1]
    assert mail["To"] == "td@example.gov.vn"
    assert f"Xem giải trình và thẩm định lại: {base}/appraisal" in mail.get_content()
