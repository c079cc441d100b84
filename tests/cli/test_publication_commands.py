"""`parindex publish`, `parindex publications` and `parindex publication-export`."""

import openpyxl
import pytest

from server.extensions import db
from server.models import Assessment, Publication
from server.results.exports.ranking_workbook import ABOUT, SUMMARY
from server.results.publications import latest_publication
from tests.cli.test_commands import run
from tests.publication_data import finalised_group, lower_one_score


@pytest.fixture
def campaign(app, make):
    return finalised_group(app, make)


def test_publish_list_and_export(app, make, campaign, tmp_path):
    admin = make.user("admin", username="snv")
    result = run(app, "publish", str(campaign.id), "province")
    assert result.exit_code == 0, result.output
    assert "(number 1) of province, 3 units" in result.output
    publication = latest_publication(campaign.id, "province")
    assert publication.published_by == admin.id
    assert {a.state for a in db.session.query(Assessment)} == {"published"}
    result = run(app, "publications", str(campaign.id), "province")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == [str(publication.id), "number", "1"] and "snv" in lines[0]
    assert lines[-1] == "the current data still gives publication 1"
    path = tmp_path / "p.xlsx"
    result = run(app, "publication-export", str(publication.id), str(path))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(path, read_only=True)
    indices = {row[1]: row[-4] for row in book[SUMMARY].iter_rows(min_row=2, values_only=True)}
    assert indices == {row["unit_code"]: pytest.approx(float(row["index"]))
                       for row in publication.results["ranking"]["rows"]}
    about = dict(book[ABOUT].iter_rows(min_row=2, values_only=True))
    assert about["Mã công bố"] == f"{publication.id} (số 1)"


def test_a_correction_from_the_command_line(app, make, campaign):
    make.user("admin", username="snv")
    assert run(app, "publish", str(campaign.id), "province").exit_code == 0
    lower_one_score(app, campaign, "P01")
    result = run(app, "publications", str(campaign.id), "province")
    assert "a correction is due" in result.output.splitlines()[-1]
    result = run(app, "publish", str(campaign.id), "province")
    assert result.exit_code != 0 and "lý do" in result.output  # Vietnamese first
    result = run(app, "publish", str(campaign.id), "province", "--reason", "Đính chính P01")
    assert result.exit_code == 0, result.output
    assert "number 2" in result.output
    assert any(line.split()[:2] == ["P01", "total"] for line in result.output.splitlines())


def test_refusals(app, make, campaign, tmp_path):
    # No administrator at all, or two without --user: say whom to name.
    result = run(app, "publish", str(campaign.id), "province")
    assert result.exit_code != 0 and "--user" in result.output
    make.user("admin", username="a1")
    make.user("admin", username="a2")
    assert "--user" in run(app, "publish", str(campaign.id), "province").output
    make.user("reviewer", username="r1")
    result = run(app, "publish", str(campaign.id), "province", "--user", "r1")
    assert result.exit_code != 0 and "r1 is not an administrator" in result.output
    assert run(app, "publish", "999", "province", "--user", "a1").exit_code != 0
    unfinished = db.session.query(Assessment).first()
    unfinished.state = "appraised"
    db.session.commit()
    result = run(app, "publish", str(campaign.id), "province", "--user", "a1")
    assert result.exit_code != 0 and "P01" in result.output
    assert db.session.query(Publication).count() == 0
    assert "has no publication" in run(app, "publications", str(campaign.id), "province").output
    assert run(app, "publication-export", "999", str(tmp_path / "x.xlsx")).exit_code != 0
