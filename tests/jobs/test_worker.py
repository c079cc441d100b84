"""Jobs run by a real worker process on a real queue (a SQLite file, and Redis): they survive
the worker's death, run once, and end failed with their error when they cannot succeed."""

import pytest
from sqlalchemy import func, select

from server.assessment.survey_import import queue_survey_import
from server.campaigns.campaign_workflow import apply_campaign_transition
from server.extensions import db
from server.jobs.runner import submit
from server.models import Answer, Assessment, Campaign, Notification, ReviewerAssignment
from tests.jobs.conftest import job_state, wait_until


def test_a_job_killed_mid_run_runs_again_and_completes_once(app, make, queue_app, worker,
                                                           tmp_path):
    user_id = make.user("admin").id
    with queue_app.app_context():
        job_id = submit("test-gated", "test-gated:1", created_by=user_id,
                        params={"folder": str(tmp_path)}).id
        db.session.commit()
    assert job_state(job_id).state == "queued"

    worker.start()
    wait_until((tmp_path / "started-1").exists, what="the first start")
    worker.kill()  # kill -9, mid-job
    assert job_state(job_id).state == "running"

    worker.start()  # its startup sweep finds the lapsed lock and sends the job again
    wait_until((tmp_path / "started-2").exists, what="the second start")
    (tmp_path / "gate-open").touch()
    wait_until(lambda: job_state(job_id).state == "done", what="the job to finish")
    job = job_state(job_id)
    assert (job.attempts, job.result_link, job.error) == (2, "/notifications", "")
    assert db.session.scalars(select(Notification.subject)).all() == [f"job {job_id}"]


def test_opening_queued_while_no_worker_runs_creates_each_dossier_once(app, make, queue_app,
                                                                      worker):
    units = [make.unit(f"P{n:02}", level="province") for n in range(25)]
    campaign = make.campaign(state="draft")
    db.session.add(ReviewerAssignment(campaign_id=campaign.id,
                                      reviewer_id=make.user("reviewer").id,
                                      domains=[str(n) for n in range(1, 9)]))
    db.session.commit()
    with queue_app.app_context():
        job = apply_campaign_transition(db.session.get(Campaign, campaign.id), "open", None)
        job_id = job.id
    assert job_state(job_id).state == "queued"  # nothing ran it: the worker is down

    worker.start()
    wait_until(lambda: job_state(job_id).state == "done", what="the opening")
    with queue_app.app_context():  # asked again with nothing new: a job that adds nothing
        again = apply_campaign_transition(db.session.get(Campaign, campaign.id), "open", None)
        assert again.id != job_id and again.key.startswith(f"open-campaign:{campaign.id}:")
    wait_until(lambda: job_state(again.id).state == "done", what="the second opening")
    assert job_state(job_id).progress_done == 25 and job_state(again.id).progress_done == 0
    assert db.session.scalar(select(func.count(Assessment.id))) == len(units)
    assert db.session.get(Campaign, campaign.id).state == "open"
    assert job_state(job_id).result_link == f"/admin/campaigns/{campaign.id}"


@pytest.mark.parametrize("queue_url", ["sqlite"], indirect=True)
def test_a_job_whose_input_is_wrong_fails_without_retrying(app, make, queue_app, worker):
    with queue_app.app_context():
        campaign = make.campaign(state="closed")
        job = submit("open-campaign", "open-campaign:closed", campaign_id=campaign.id)
        db.session.commit()
        job_id = job.id
    worker.start()
    wait_until(lambda: job_state(job_id).state == "failed", what="the job to fail")
    job = job_state(job_id)
    assert job.attempts == 1  # the campaign is closed: running it again cannot help
    assert "closed" in job.error or "đã kết thúc" in job.error


@pytest.mark.parametrize("queue_url", ["sqlite"], indirect=True)
def test_a_survey_file_queued_by_one_process_is_imported_by_the_worker(
        app, make, province_set, queue_app, worker):
    campaign = make.campaign()
    make.assessment(campaign, make.unit("P01", level="province"))
    leaf = next(leaf for leaf in province_set.leaves() if leaf.source == "survey")
    content = f"Mã đơn vị;Mã tiêu chí;Điểm\nP01;{leaf.code};0,25\n".encode()
    with queue_app.app_context():
        job = queue_survey_import(db.session.get(Campaign, campaign.id), "kq.csv", content,
                                  actor_id=make.user("admin").id)
        db.session.commit()
        job_id = job.id
    worker.start()
    wait_until(lambda: job_state(job_id).state == "done", what="the import")
    job = job_state(job_id)
    assert job.payload is None and job.params["result"]["rows"] == 1  # the file is not kept
    assert db.session.scalars(select(Answer.value).where(Answer.source == "survey")).all() \
        == ["0.25"]
