"""Survey import: all or nothing, every bad row reported, re-import replaces, audited."""

import hashlib
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from server.assessment.survey_import import SurveyImportError, import_survey, write_template
from server.engine.decimals import plain
from server.extensions import db
from server.models import Answer, AuditEvent
from server.results.ranking import rank_group


@pytest.fixture
def setup(app, make):
    criteria_set = app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
    campaign = make.campaign()
    units = [make.unit(code, level="province", group="province") for code in ("P01", "P02")]
    for unit in units:
        make.assessment(campaign, unit)
    make.unit("X99", level="province", group="province")  # exists, not assessed
    survey = [leaf for leaf in criteria_set.leaves() if leaf.source == "survey"]
    self_leaf = next(leaf for leaf in criteria_set.leaves() if leaf.source == "self")
    return campaign, criteria_set, survey, self_leaf


def _csv(lines, sep=";"):
    return ("\n".join(sep.join(line) for line in [("Mã đơn vị", "Mã tiêu chí", "Điểm"), *lines])
            ).encode()


def _survey_rows():
    return db.session.scalars(select(Answer).where(Answer.source == "survey")
                              .order_by(Answer.code)).all()


def test_csv_with_decimal_comma(setup):
    campaign, _set, survey, _self = setup
    leaf = survey[0]
    content = _csv([("P01", leaf.code, "0,25"), ("P02", leaf.code, str(leaf.max_points))])
    result = import_survey(campaign, "ket-qua.csv", content)
    assert (result.rows, result.units, result.replaced) == (2, 2, 0)
    assert result.sha256 == hashlib.sha256(content).hexdigest()
    assert sorted(row.value for row in _survey_rows()) == ["0.25", plain(leaf.max_points)]
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "survey.imported")).one()
    assert event.after == {"filename": "ket-qua.csv", "sha256": result.sha256, "rows": 2,
                           "units": 2, "replaced": 0}


def test_every_bad_row_is_reported_and_nothing_written(setup):
    campaign, _set, survey, self_leaf = setup
    leaf = survey[0]
    content = _csv([
        ("P01", leaf.code, "0,25"),                       # 2: fine
        ("ZZZ", leaf.code, "1"),                          # 3: unknown unit
        ("X99", leaf.code, "1"),                          # 4: not assessed in the campaign
        ("P01", "9.9.9", "1"),                            # 5: unknown code
        ("P01", self_leaf.code, "1"),                     # 6: not a survey item
        ("P02", leaf.code, str(leaf.max_points + 1)),     # 7: out of range
        ("P02", survey[1].code, "-1"),                    # 8: out of range
        ("P01", leaf.code, "0,25"),                       # 9: duplicate of row 2
        ("P02", survey[2].code, "abc"),                   # 10: not a number
        ("P02", survey[3].code, ""),                      # 11: empty value
    ])
    with pytest.raises(SurveyImportError) as refused:
        import_survey(campaign, "bad.csv", content)
    assert [(p.row, p.kind) for p in refused.value.problems] == [
        (3, "unknown_unit"), (4, "unknown_unit"), (5, "unknown_code"), (6, "not_a_survey_item"),
        (7, "out_of_range"), (8, "out_of_range"), (9, "duplicate"), (10, "not_a_number"),
        (11, "missing_value")]
    assert "row 2" in refused.value.problems[6].message
    db.session.rollback()
    assert _survey_rows() == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_reimport_replaces_the_previous_one(setup):
    campaign, _set, survey, _self = setup
    import_survey(campaign, "a.csv", _csv([("P01", s.code, "0") for s in survey[:3]]))
    result = import_survey(campaign, "b.csv", _csv([("P02", survey[0].code, "0,25")]))
    assert result.replaced == 3
    rows = _survey_rows()
    assert [(row.assessment.unit.code, row.code, row.value) for row in rows] == [
        ("P02", survey[0].code, "0.25")]
    assert "b.csv" in rows[0].reason


def test_xlsx_template_round_trip_feeds_the_ranking(setup, tmp_path):
    campaign, criteria_set, survey, _self = setup
    path = tmp_path / "template.xlsx"
    write_template(campaign, str(path))
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert sheet.max_row == 1 + 2 * len(survey)
    for row in sheet.iter_rows(min_row=2):
        row[2].value = row[4].value / 2  # half of each item's max points, as a number
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_survey(campaign, "filled.xlsx", buffer.getvalue())
    assert result.rows == 2 * len(survey)
    rows = rank_group(campaign, "province").rows
    assert all(row.result.survey_points == criteria_set.totals()["survey"] / 2 for row in rows)


def test_unreadable_files(setup):
    campaign, *_ = setup
    for name, content in (("x.xlsx", b"not a zip"), ("x.txt", b"a"), ("x.csv", b"\xff\xfe\x00")):
        with pytest.raises(SurveyImportError) as refused:
            import_survey(campaign, name, content)
        assert refused.value.problems[0].kind == "unreadable"
    with pytest.raises(SurveyImportError) as refused:
        import_survey(campaign, "empty.csv", _csv([]))
    assert refused.value.problems[0].kind == "empty"
