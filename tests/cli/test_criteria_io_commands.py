"""`parindex criteria import | export | validate | test`."""

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from server.extensions import db
from server.models import Job
from tests.cli.test_commands import run
from tests.criteria_io.tables import (
    GOOD,
    add_inflating_part,
    corner_bomb_xlsx,
    rewrite_part,
    write_docx,
    write_xlsx,
)

IMPORT_ARGS = ["--id", "commune-test", "--level", "commune", "--legal-number", "12/QĐ-UBND",
               "--legal-date", "2024-03-01", "--year", "2024", "--bands", "Tốt:80,Khá:70,Yếu:0"]
ROOT = Path(__file__).resolve().parents[2]
CRITERIA = ROOT / "criteria"


def test_import_writes_a_valid_set(app, tmp_path):
    table = write_xlsx(tmp_path / "table.xlsx", GOOD)
    out = tmp_path / "commune-test.yaml"
    result = run(app, "criteria", "import", str(table), *IMPORT_ARGS, "--out", str(out))
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["id"] == "commune-test" and data["verified"] is False
    assert data["bands"][1] == {"label": "Khá", "min": 70}
    assert "not yet checked" in data["source_note"]
    validated = run(app, "criteria", "validate", str(out))
    assert validated.exit_code == 0, validated.output
    assert "valid: commune-test@1.0.0, 2 domains" in validated.output
    again = run(app, "criteria", "import", str(table), *IMPORT_ARGS, "--out", str(out))
    assert again.exit_code != 0 and "--force" in again.output
    # A job read the table; the same table with the same fields is that job again.
    forced = run(app, "criteria", "import", str(table), *IMPORT_ARGS, "--out", str(out),
                 "--force")
    assert forced.exit_code == 0, forced.output
    assert [job.kind for job in db.session.scalars(select(Job))] == ["criteria-import"]


def test_a_refused_table_writes_nothing(app, tmp_path):
    rows = [list(r) for r in GOOD]
    rows[5][2] = "một"                           # 1.1.1: points are not a number
    table = write_xlsx(tmp_path / "table.xlsx", rows)
    out = tmp_path / "commune-test.yaml"
    result = run(app, "criteria", "import", str(table), *IMPORT_ARGS, "--out", str(out))
    assert result.exit_code == 1
    assert "refused, nothing written" in result.output
    assert "row 6: 1.1.1: max points 'một' is not a number" in result.output
    assert not out.exists()
    job = db.session.scalar(select(Job))  # failed at once: the table stays wrong
    assert (job.state, job.attempts, job.params["problems"][0]["row"]) == ("failed", 1, 6)
    assert list(tmp_path.iterdir()) == [table]  # no temporary file left either


def _bounded_import(tmp_path, table, database_url):
    """The real command in a process of its own that may take 1 GiB and 60 s: a bomb that gets
    past the bounds fails the test instead of taking the machine down. Its job runs in that
    process too (the memory queue), as a worker would run it, under the same limit."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))

    out = tmp_path / "commune-test.yaml"
    env = {**os.environ, "PARINDEX_INSTANCE_DIR": str(tmp_path / "instance"),
           "PARINDEX_DATABASE_URL": database_url, "PARINDEX_QUEUE_URL": "memory://"}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "parindex", "criteria", "import",
         str(table), *IMPORT_ARGS, "--out", str(out)],
        cwd=ROOT, env=env, preexec_fn=limit, capture_output=True, text=True, timeout=60)
    return result, time.monotonic() - started, out


@pytest.mark.parametrize("build, problem", [
    (lambda folder: corner_bomb_xlsx(folder / "corner.xlsx"),
     "row 2002: cannot read corner.xlsx: the table has more than 1000 rows"),
    (lambda folder: add_inflating_part(write_xlsx(folder / "zeros.xlsx", GOOD)),
     "table: cannot read zeros.xlsx: the .xlsx file unpacks to 256.0 MB, "
     "more than the 16 MB a table may have"),
    (lambda folder: add_inflating_part(write_docx(folder / "zeros.docx", GOOD)),
     "table: cannot read zeros.docx: the .docx file unpacks to 256.8 MB, "
     "more than the 16 MB a table may have"),
], ids=["declares-A1:XFD1048576", "zip-bomb-xlsx", "zip-bomb-docx"])
def test_a_table_bomb_is_refused_quickly_naming_the_file(app, database_url, tmp_path, build,
                                                         problem):
    table = build(tmp_path)
    assert table.stat().st_size < 300_000
    result, seconds, out = _bounded_import(tmp_path, table, database_url)
    assert result.returncode == 1, result.stderr
    assert f"{table}: refused, nothing written (1 problems):" in result.stderr
    assert problem in result.stderr
    assert seconds < 30 and not out.exists()


def _wide_title_docx(folder):
    # The title row above the header claims two billion columns.
    table = write_docx(folder / "wide.docx", GOOD, [(0, 0, 5)])
    return rewrite_part(table, "word/document.xml", b'<w:gridSpan w:val="6"/>',
                        b'<w:gridSpan w:val="2000000000"/>')


def _merged_rest_xlsx(folder):
    # Below the table, one merged area claims the rest of the sheet.
    table = write_xlsx(folder / "merged.xlsx", GOOD, ["A1:F1"])
    return rewrite_part(table, "xl/worksheets/sheet1.xml", b'<mergeCell ref="A1:F1"/>',
                        b'<mergeCell ref="A1:F1"/><mergeCell ref="A40:XFD1048576"/>')


@pytest.mark.parametrize("build", [_wide_title_docx, _merged_rest_xlsx],
                         ids=["docx-span-of-two-billion", "xlsx-merge-to-XFD1048576"])
def test_what_a_table_claims_beyond_its_cells_is_not_built(app, database_url, tmp_path,
                                                           build):
    result, seconds, out = _bounded_import(tmp_path, build(tmp_path), database_url)
    assert result.returncode == 0, result.stderr
    assert "commune-test@1.0.0, 2 domains, 6 scored items" in result.stdout
    assert seconds < 30 and out.exists()


def test_export_writes_the_table(app, tmp_path):
    out = tmp_path / "t.xlsx"
    result = run(app, "criteria", "export", "district", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"
    assert run(app, "criteria", "export", "nope").exit_code != 0


def test_validate_reports_every_problem(app, tmp_path):
    path = tmp_path / "broken.yaml"
    data = yaml.safe_load((CRITERIA / "commune" / "criteria.yaml").read_text(encoding="utf-8"))
    data["domains"][0]["max_points"] = 99
    data["domains"][1]["criteria"][0]["code"] = "7.7"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run(app, "criteria", "validate", str(path))
    assert result.exit_code == 1
    assert f"{path}: 1:" in result.output and "7.7" in result.output


def test_validate_resolves_an_adaptation_against_installed_sets(app, tmp_path):
    path = tmp_path / "qb.yaml"
    path.write_text(yaml.safe_dump({"id": "commune-qb", "version": "1.0.0",
                                    "extends": "commune@1.0.0", "drop": ["1.1.1"]}))
    result = run(app, "criteria", "validate", str(path))
    assert result.exit_code == 0, result.output
    assert "commune-qb@1.0.0" in result.output


def test_test_runs_the_cases_of_a_set(app):
    result = run(app, "criteria", "test", "commune")
    assert result.exit_code == 0, result.output
    assert "survey_absent.yaml" in result.output and "0 failing" in result.output


def test_test_fails_when_a_case_fails(app, tmp_path, monkeypatch):
    folder = tmp_path / "commune"
    shutil.copytree(CRITERIA / "commune", folder)
    case = folder / "cases" / "full_marks.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("'100.00'", "'99.00'", 1),
                    encoding="utf-8")
    registry = app.extensions["parindex"].criteria
    key = ("commune", "1.0.0")
    monkeypatch.setitem(registry.paths, key, folder / "criteria.yaml")
    result = run(app, "criteria", "test", "commune")
    assert result.exit_code == 1
    assert "FAIL full_marks.yaml" in result.output and "1 failing" in result.output


def test_compare_follows_the_carry_over_map(app, tmp_path):
    import json

    from server.engine import parse_criteria_set
    from tests.engine.test_carry_over import NEW, OLD

    registry = app.extensions["parindex"].criteria
    registry.sets[("xa", "1.0.0")] = parse_criteria_set(OLD, "old")
    registry.sets[("xa", "2.0.0")] = parse_criteria_set(NEW, "new")
    old_answers, new_answers = tmp_path / "2023.json", tmp_path / "2024.json"
    old_answers.write_text(json.dumps({"answers": {"1.1.2": {"value": 2},
                                                   "1.1.3": {"value": "0,5"},
                                                   "1.1.4": {"value": 1}}}))
    new_answers.write_text(json.dumps({"answers": {"1.1.2": {"value": 1},
                                                   "1.1.3": {"value": 2}}}))
    try:
        result = run(app, "criteria", "compare", "xa@1.0.0", str(old_answers), "xa@2.0.0",
                     str(new_answers))
        backwards = run(app, "criteria", "compare", "xa@2.0.0", str(new_answers), "xa@1.0.0",
                        str(old_answers))
        bad = run(app, "criteria", "compare", "xa@1.0.0", str(new_answers), "xa@2.0.0",
                  str(new_answers))
    finally:
        del registry.sets[("xa", "1.0.0")], registry.sets[("xa", "2.0.0")]
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert "before: 1.5 (1.1.3, 1.1.4)  -0.5" in lines["1.1.2"]
    assert "before: 2 (1.1.2)  +0" in lines["1.1.3"]
    assert "before: new" in lines["1.1.5"]
    assert backwards.exit_code == 0  # no map from 2.0.0 to 1.0.0: codes compared as they are
    assert bad.exit_code == 1 and "2024.json: 1.1.3" in bad.output  # 2 > max 1 in 1.0.0
