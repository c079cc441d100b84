"""Two versions of a small commune set for report tests: 2.0.0 renumbers domain 1 and carries
last year's codes over (1.1.2 -> 1.1.3; 1.1.3 and 1.1.4 merged into 1.1.2; 1.1.5 is new)."""

import pytest

from server.engine import parse_criteria_set


def _set(version, domain_one, carry_over=None):
    data = {"id": "xa-bao-cao", "version": version, "title": "Bộ tiêu chí xã (thử)",
            "level": "commune", "legal_basis": {"number": "1/QĐ-UBND", "date": "2023-01-02"},
            "years": [2023, 2024], "bands": [{"label": "Tốt", "min": 80},
                                             {"label": "Yếu", "min": 0}],
            "tie_rule": {"compare": "unrounded", "ranks": "shared"},
            "domains": [
                {"code": "1", "title": "Chỉ đạo, điều hành", "responsible_agency": "Phòng Nội vụ",
                 "criteria": [{"code": "1.1", "title": "Kế hoạch CCHC", "sub_criteria": [
                     {"code": code, "title": title, "max_points": points,
                      "rule": {"type": "manual", "step": "0.25"}}
                     for code, title, points in domain_one]}]},
                {"code": "2", "title": "Thể chế", "responsible_agency": "Phòng Tư pháp",
                 "criteria": [
                     {"code": "2.1", "title": "Văn bản QPPL", "sub_criteria": [
                         {"code": "2.1.1", "title": "Ban hành văn bản", "max_points": 2,
                          "rule": {"type": "manual", "step": "0.25"}},
                         {"code": "2.1.2", "title": "Kiểm tra văn bản", "max_points": 1,
                          "not_applicable_allowed": True,
                          "rule": {"type": "manual", "step": "0.25"}}]},
                     {"code": "2.2", "title": "Người dân đánh giá", "max_points": 3,
                      "source": "survey", "rule": {"type": "survey"}}]}]}
    if carry_over:
        data["carry_over"] = carry_over
    return data


OLD = _set("1.0.0", [("1.1.1", "Ban hành kế hoạch", 1), ("1.1.2", "Thực hiện kế hoạch", 2),
                     ("1.1.3", "Kiểm tra", 1), ("1.1.4", "Tuyên truyền", 1)])
NEW = _set("2.0.0", [("1.1.1", "Ban hành kế hoạch", 1),
                     ("1.1.2", "Kiểm tra, tuyên truyền", 2),
                     ("1.1.3", "Thực hiện kế hoạch", 2), ("1.1.5", "Sáng kiến", 1)],
           {"from": "xa-bao-cao@1.0.0",
            "codes": {"1.1.2": "1.1.3", "1.1.3": "1.1.2", "1.1.4": "1.1.2"}})


@pytest.fixture
def report_sets(app):
    """Install both versions in the app's registry for the test, then take them out again."""
    registry = app.extensions["parindex"].criteria
    sets = {version: parse_criteria_set(data, f"test:{version}")
            for version, data in (("1.0.0", OLD), ("2.0.0", NEW))}
    for version, criteria_set in sets.items():
        registry.sets[(criteria_set.id, version)] = criteria_set
    yield sets
    for version in sets:
        registry.sets.pop(("xa-bao-cao", version), None)


# unit code -> code -> rule input (None: not applicable), per year; appraisal rows apart.
ANSWERS_2023 = {
    "X1": {"1.1.1": "1", "1.1.2": "1", "1.1.3": "0.5", "1.1.4": "1", "2.1.1": "2",
           "2.1.2": None, "2.2": "2"},
    "X2": {"1.1.1": "1", "1.1.2": "2", "1.1.3": "1", "1.1.4": "1", "2.1.1": "2",
           "2.1.2": "1", "2.2": "3"},
}
ANSWERS_2024 = {
    "X1": {"1.1.1": "1", "1.1.2": "1", "1.1.3": "2", "1.1.5": "0", "2.1.1": "2",
           "2.1.2": "0.5", "2.2": "3"},
    "X2": {"1.1.1": "1", "1.1.2": "2", "1.1.3": "2", "1.1.5": "1", "2.1.1": "1",
           "2.1.2": "1", "2.2": "3"},
    # X3 is new this year; nobody imported its survey result, so 2.2 is unanswered (lost).
    "X3": {"1.1.1": "0", "1.1.2": "2", "1.1.3": "2", "1.1.5": "1", "2.1.1": "2",
           "2.1.2": None},
}


def write_answers(assessment, criteria_set, answers, explanations=None):
    from server.extensions import db
    from server.models import Answer

    for code, value in answers.items():
        db.session.add(Answer(
            assessment_id=assessment.id, code=code, source=criteria_set.leaf(code).source,
            value=value, not_applicable=value is None,
            explanation=(explanations or {}).get(code, "")))
    db.session.commit()


def build_scenario(make, sets):
    """Campaigns 2023 (an empty earlier one, then the one compared with) and 2024; units X1-X3
    of the commune group. X1 2024 has an appraisal lowering 1.1.1 and a question on 2.1.1."""
    from server.extensions import db
    from server.models import Answer

    pin_old = (("commune", "xa-bao-cao", "1.0.0"),)
    make.campaign(2023, pins=pin_old)  # an earlier campaign of the year: not the latest
    last_year = make.campaign(2023, pins=pin_old)
    this_year = make.campaign(2024, pins=(("commune", "xa-bao-cao", "2.0.0"),))
    units = {code: make.unit(code, name=f"UBND xã {code}", level="commune")
             for code in ("X1", "X2", "X3")}
    assessments = {}
    for code, answers in ANSWERS_2023.items():
        write_answers(make.assessment(last_year, units[code]), sets["1.0.0"], answers)
    for code, answers in ANSWERS_2024.items():
        assessments[code] = make.assessment(this_year, units[code])
        write_answers(assessments[code], sets["2.0.0"], answers,
               {"1.1.5": "Chưa có sáng kiến"} if code == "X1" else None)
    x1 = assessments["X1"]
    db.session.add_all([
        Answer(assessment_id=x1.id, code="1.1.1", source="appraisal", value="0.5",
               reason="Ban hành kế hoạch chậm"),
        Answer(assessment_id=x1.id, code="2.1.1", source="appraisal", value=None,
               reason="Đề nghị bổ sung văn bản"),
    ])
    db.session.commit()
    return {"last_year": last_year, "this_year": this_year, "units": units,
            "assessments": assessments}
