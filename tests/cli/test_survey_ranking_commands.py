"""`parindex survey import|template` and `parindex ranking show|export|long-table`."""

import csv
import io

import openpyxl
from sqlalchemy import select

from server.extensions import db
from server.models import Answer
from server.results.ranking import rank_group
from tests.cli.test_commands import run
from tests.ranking_data import full_answers, write_answers


def _campaign(app, make):
    criteria_set = app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
    campaign = make.campaign()
    for code, drop in (("P01", 3), ("P02", 0)):
        unit = make.unit(code, level="province", group="province")
        write_answers(make.assessment(campaign, unit), criteria_set,
                      full_answers(criteria_set, drop))
    return campaign, criteria_set


def test_survey_template_then_import(app, make, tmp_path):
    campaign, criteria_set = _campaign(app, make)
    template = tmp_path / "t.xlsx"
    result = run(app, "survey", "template", str(campaign.id), str(template))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(template)
    for row in book.worksheets[0].iter_rows(min_row=2):
        row[2].value = 0
    book.save(template)
    result = run(app, "survey", "import", str(campaign.id), str(template))
    assert result.exit_code == 0, result.output
    survey = [leaf for leaf in criteria_set.leaves() if leaf.source == "survey"]
    assert f"imported {2 * len(survey)} survey values for 2 units" in result.output
    assert f"(replaced {2 * len(survey)})" in result.output
    values = db.session.scalars(select(Answer.value).where(Answer.source == "survey")).all()
    assert set(values) == {"0"}


def test_survey_import_refusal_lists_rows(app, make, tmp_path):
    campaign, _set = _campaign(app, make)
    path = tmp_path / "bad.csv"
    path.write_text("Mã đơn vị,Mã tiêu chí,Điểm\nNOPE,1.1.1,1\n", encoding="utf-8")
    result = run(app, "survey", "import", str(campaign.id), str(path))
    assert result.exit_code != 0
    assert "row 2: unknown_unit" in result.output
    assert "Tệp không được nhập" in result.output  # nothing of it was written
    assert run(app, "survey", "import", "999", str(path)).exit_code != 0


def test_ranking_show_and_export(app, make, tmp_path):
    campaign, _set = _campaign(app, make)
    result = run(app, "ranking", "show", str(campaign.id), "province")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:2] == ["1", "P02"] and lines[1].split()[:2] == ["2", "P01"]
    path = tmp_path / "r.xlsx"
    assert run(app, "ranking", "export", str(campaign.id), "province", str(path)).exit_code == 0
    rows = list(openpyxl.load_workbook(path).worksheets[0].iter_rows(min_row=2, values_only=True))
    expected = rank_group(campaign, "province").rows
    assert [(r[1], r[-4]) for r in rows] == [
        (r.unit_code, float(r.index)) for r in expected]
    assert run(app, "ranking", "show", str(campaign.id), "nope").exit_code != 0


def test_ranking_long_table(app, make, tmp_path):
    campaign, criteria_set = _campaign(app, make)
    path = tmp_path / "bang-dai.csv"
    result = run(app, "ranking", "long-table", str(campaign.id), "province", str(path))
    assert result.exit_code == 0, result.output
    lines = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8").lstrip("\ufeff"))))
    leaves = len(criteria_set.leaves())
    assert lines[0][:3] == ["Hạng", "Mã đơn vị", "Đơn vị"] and len(lines) == 1 + 2 * leaves
    assert [line[1] for line in lines[1::leaves]] == ["P02", "P01"]  # in ranking order
    refused = run(app, "ranking", "long-table", str(campaign.id), "nope", str(path))
    assert refused.exit_code != 0
