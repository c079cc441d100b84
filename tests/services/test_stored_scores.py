"""Scores are stored by every writer that can change them, equal to what the engine gives from
the answers; a ranking reads them; `parindex scores check` finds a stored score that differs."""

import threading

import pytest
from sqlalchemy import delete, func, insert, select, update

from server.appraisal import decisions as ap
from server.assessment import self_assessment as sa
from server.assessment.survey_import import import_survey
from server.campaigns.exclusions import clear_exclusion, exclusions_for, set_exclusions
from server.campaigns.setup import update_campaign
from server.campaigns.stored_scores import check
from server.engine import score
from server.extensions import db
from server.models import Answer, DossierScore, LeafScore
from server.results.ranking import RankingError, rank_group
from tests.appraisal_round import appraisal_round


def _stored(assessment) -> DossierScore:
    db.session.expire_all()
    return db.session.get(DossierScore, assessment.id)


def _assert_matches_engine(assessment, criteria_set):
    """What is stored is the engine's score of the answers now, leaf by leaf."""
    assert check() == []
    rows = db.session.scalars(select(Answer).filter_by(assessment_id=assessment.id,
                                                       source="self")).all()
    own = score(criteria_set, sa.engine_input(rows), exclusions_for(assessment))
    assert _stored(assessment).self_total == own.total


def test_every_writer_stores_what_the_engine_gives(make, province_set):
    round_ = appraisal_round(make)  # the unit saved three answers through the service
    dossier = round_.assessment
    stored = _stored(dossier)
    assert stored is not None and stored.self_total > 0
    assert db.session.scalar(select(func.count()).select_from(LeafScore).where(
        LeafScore.assessment_id == dossier.id)) == len(province_set.leaves())
    _assert_matches_engine(dossier, province_set)

    dossier.state = "draft"
    db.session.commit()
    sa.save_answers(dossier, round_.editor, {"1.3.2": {"not_applicable": True}})  # a mark
    _assert_matches_engine(dossier, province_set)
    before = _stored(dossier).total

    dossier.state = "in_appraisal"
    db.session.commit()
    ap.appraise(dossier, round_.reviewer, "1.1.1", "adjust", value="late", reason="muộn")
    _assert_matches_engine(dossier, province_set)
    assert _stored(dossier).total < before  # the appraisal replaced the self score
    ap.accept_untouched(dossier, round_.reviewer, "1")
    _assert_matches_engine(dossier, province_set)

    campaign, unit = dossier.campaign, round_.unit
    set_exclusions(campaign, unit, ["2"], "không có thủ tục", round_.admin)
    db.session.commit()
    _assert_matches_engine(dossier, province_set)
    assert _stored(dossier).domains["2"][2] is True  # domain 2 not applicable
    clear_exclusion(campaign, unit, "2", round_.admin)
    db.session.commit()
    _assert_matches_engine(dossier, province_set)

    survey = [leaf for leaf in province_set.leaves() if leaf.source == "survey"]
    import_survey(campaign, "ket-qua.csv", "\n".join(
        ["Mã đơn vị;Mã tiêu chí;Điểm"] + [f"QB;{leaf.code};0,5" for leaf in survey]).encode())
    _assert_matches_engine(dossier, province_set)
    assert _stored(dossier).survey_points == len(survey) * 0.5

    db.session.execute(update(Answer).where(Answer.source == "survey").values(value="0"))
    db.session.commit()  # a bulk write, which the session does not see row by row
    _assert_matches_engine(dossier, province_set)
    assert _stored(dossier).survey_points == 0
    db.session.execute(delete(Answer).where(Answer.source == "survey"))
    db.session.execute(insert(Answer), [{"assessment_id": dossier.id, "code": leaf.code,
                                         "source": "survey", "value": "0.5"} for leaf in survey])
    db.session.commit()  # a bulk insert: its rows name the dossier
    _assert_matches_engine(dossier, province_set)
    assert _stored(dossier).survey_points == len(survey) * 0.5


def test_a_draft_campaigns_survey_setting_and_pin_rescore_its_dossiers(make, province_set):
    campaign = make.campaign(state="draft")
    dossier = make.assessment(campaign, make.unit("QB", level="province", group="province"))
    assert _stored(dossier).survey_absent is False
    update_campaign(campaign, {"survey": False}, actor_id=None)
    assert _stored(dossier).survey_absent is True  # no survey this year: rescaled to 100
    assert check() == []
    campaign.pins[0].criteria_set_version = "1.0.0"  # the same pin written again changes nothing
    db.session.commit()
    assert check() == []


def test_a_ranking_reads_the_stored_scores_and_names_a_missing_one(make, province_set):
    round_ = appraisal_round(make)
    campaign = round_.assessment.campaign
    stored_total = _stored(round_.assessment).total
    (row,) = rank_group(campaign, "province").rows
    assert row.result.total == stored_total
    # Read, not recomputed: a stored figure changed behind the engine's back shows as stored...
    db.session.execute(update(DossierScore).values(total=stored_total + 1))
    db.session.commit()
    (row,) = rank_group(campaign, "province").rows
    assert row.result.total == stored_total + 1
    # ... and the check names it, with the field, until the scores are stored again.
    differences = check()
    assert [(item["unit_code"], item["field"]) for item in differences] == [("QB", "total")]
    db.session.execute(DossierScore.__table__.delete())
    db.session.commit()
    with pytest.raises(RankingError, match="no stored score for QB"):
        rank_group(campaign, "province")


def test_the_commands_check_and_rebuild(app, make):
    round_ = appraisal_round(make)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["parindex", "scores", "check"]).exit_code == 0
    db.session.execute(update(LeafScore).where(LeafScore.code == "1.1.1").values(points=0))
    db.session.commit()
    result = runner.invoke(args=["parindex", "scores", "check"])
    assert result.exit_code == 1
    assert f"assessment {round_.assessment.id} (QB): leaf 1.1.1" in result.output
    result = runner.invoke(args=["parindex", "scores", "rebuild"])
    assert result.exit_code == 0 and "stored the scores of 1 of 1 dossier(s)" in result.output
    assert runner.invoke(args=["parindex", "scores", "check"]).exit_code == 0
    refused = runner.invoke(args=["parindex", "scores", "check", "--campaign", "999"])
    assert refused.exit_code == 1 and "campaign 999 does not exist" in refused.output


def test_concurrent_saves_of_one_dossier_store_both(app, make, province_set):
    """Two editors save different items of one dossier at once: the later transaction waits
    for the dossier's lock and scores both saves (PostgreSQL; SQLite has one writer)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite has one write lock)")
    round_ = appraisal_round(make)
    dossier = round_.assessment
    dossier.state = "draft"
    db.session.commit()
    ids = (dossier.id, round_.editor.id)
    barrier, errors = threading.Barrier(2), []

    def save(code, value):
        try:
            with app.app_context():
                from server.models import Assessment, User
                assessment = db.session.get(Assessment, ids[0])
                user = db.session.get(User, ids[1])
                barrier.wait(5)
                sa.save_answers(assessment, user, {code: {"value": value}})
                db.session.remove()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=save, args=args)
               for args in (("2.2.3", "full"), ("3.2.1", "timely"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert check() == []
