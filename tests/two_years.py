"""Two years of a province group, for the pages a unit opens first and the every-page tests:
last year (2020) published for P01-P04, this year (2021) P02 asked for an explanation by the
council with a document of a very long unbroken title linked, P03 in appraisal, P01 filling in
its draft."""

import io
from datetime import UTC, datetime, timedelta

from server.appraisal import decisions as ap
from server.appraisal.dossier_steps import take_transition
from server.assessment import evidence
from server.assessment import self_assessment as sa
from server.extensions import db
from server.models import ReviewerAssignment
from server.results.publications import publish
from tests.web.ranking_pages import ranked_group

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer <<>>\n%%EOF\n"
LONG_TITLE = "Báo-cáo-kết-quả-thực-hiện-kế-hoạch-cải-cách-hành-chính-" * 6
DAYS_LEFT = 12  # to this year's deadlines


def two_years(app, make) -> dict:
    province_set = app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
    group = ranked_group(make, province_set)
    before = group["campaign"]
    before.year, before.title = 2020, "Chỉ số CCHC năm 2020"
    group["admin"].username = "admin"
    db.session.commit()
    publication = publish(before, "province", group["admin"])
    soon = datetime.now(UTC) + timedelta(days=DAYS_LEFT, hours=1)
    now = make.campaign(2021, self_assessment_deadline=soon, explanation_deadline=soon,
                        appraisal_deadline=soon + timedelta(days=20))
    units = {code: dossier.unit for code, dossier in group["dossiers"].items()}
    p01, p02, p03 = (make.assessment(now, units[code]) for code in ("P01", "P02", "P03"))
    editor = make.user("unit_editor", units["P02"], username="canbo")
    p01_editor = make.user("unit_editor", units["P01"], username="p01")
    reviewer = make.user("reviewer", username="thamdinh")
    db.session.add(ReviewerAssignment(campaign_id=now.id, reviewer_id=reviewer.id,
                                      domains=["1"]))
    document, = evidence.upload(now.id, units["P02"].id, editor,
                                [("bao-cao.pdf", io.BytesIO(PDF))],
                                {"title": LONG_TITLE, "number": "12/BC-UBND"})
    sa.save_answers(p02, editor, {"1.1.1": {"value": "timely"},
                                  "1.1.2": {"value": "95", "explanation": LONG_TITLE}},
                    links={"1.1.1": [document.id]})
    sa.save_answers(p01, p01_editor,
                    {"1.1.1": {"value": "late", "explanation": "Kế hoạch ban hành chậm"}})
    sa.save_answers(p03, make.user("unit_editor", units["P03"]),
                    {"1.1.1": {"value": "timely", "explanation": "Kế hoạch số 5/KH-UBND"}})
    p02.state = p03.state = "in_appraisal"
    db.session.commit()
    ap.appraise(p02, reviewer, "1.1.1", "adjust", value="late", reason="Kế hoạch ban hành muộn")
    ap.appraise(p02, reviewer, "1.1.2", "request_explanation",
                reason="Số liệu 95% lấy từ báo cáo nào?")
    take_transition(p02, "request_explanation", reviewer, "")
    db.session.commit()
    return {"before": before, "now": now, "p01": p01, "p02": p02, "p03": p03, "editor": editor,
            "p02_before": group["dossiers"]["P02"], "publication": publication,
            "units": units, "admin": group["admin"]}
