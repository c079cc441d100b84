"""Survey import is refused, with nothing written, unless the campaign is open and none of its
dossiers is finalised or published."""

import pytest
from sqlalchemy import func, select

from server.assessment.survey_import import SurveyImportRefused, import_survey
from server.extensions import db
from server.models import Answer, AuditEvent


@pytest.fixture
def setup(app, make):
    criteria_set = app.extensions["parindex"].criteria.get("province-2020", "1.0.0")
    campaign = make.campaign()
    assessments = [make.assessment(campaign, make.unit(code, level="province"))
                   for code in ("P01", "P02")]
    leaf = next(leaf for leaf in criteria_set.leaves() if leaf.source == "survey")
    content = f"Mã đơn vị;Mã tiêu chí;Điểm\nP01;{leaf.code};0,25\n".encode()
    return campaign, assessments, content


def _nothing_written():
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "survey.imported")) == 0


@pytest.mark.parametrize("state", ["draft", "closed"])
def test_a_campaign_that_is_not_open_is_refused(setup, state):
    campaign, _assessments, content = setup
    campaign.state = state
    db.session.commit()
    with pytest.raises(SurveyImportRefused) as raised:
        import_survey(campaign, "ket-qua.csv", content)
    (problem,) = raised.value.problems
    assert problem.kind == "campaign_not_open"
    assert f"is '{state}'" in problem.message and "only while the campaign is open" \
        in problem.message
    db.session.rollback()
    _nothing_written()


@pytest.mark.parametrize("state", ["finalised", "published"])
def test_finalised_or_published_results_are_refused(setup, state):
    campaign, assessments, content = setup
    assessments[1].state = state
    db.session.commit()
    with pytest.raises(SurveyImportRefused) as raised:
        import_survey(campaign, "ket-qua.csv", content)
    (problem,) = raised.value.problems
    assert problem.kind == "results_frozen"
    assert "P02" in problem.message and "P01" not in problem.message
    db.session.rollback()
    _nothing_written()


def test_an_open_campaign_in_appraisal_still_imports(setup):
    campaign, assessments, content = setup
    assessments[0].state = "appraised"
    db.session.commit()
    assert import_survey(campaign, "ket-qua.csv", content).rows == 1


def test_the_command_names_the_problem(setup, app, tmp_path):
    campaign, _assessments, content = setup
    campaign.state = "closed"
    db.session.commit()
    path = tmp_path / "ket-qua.csv"
    path.write_bytes(content)
    result = app.test_cli_runner().invoke(
        args=["parindex", "survey", "import", str(campaign.id), str(path)])
    assert result.exit_code == 1
    assert "is 'closed': survey results can be imported only while the campaign is open" \
        in result.output
