"""Publishing a group as a job, run by a real worker: the same publication asked twice is one
job, a retry after its commit publishes nothing twice, and a group that changed after it was
asked fails the job at once, naming why."""

import pytest
from sqlalchemy import func, select, update

from server.extensions import db
from server.jobs import runner
from server.models import Assessment, AuditEvent, Campaign, Job, Publication, User
from server.results.publications import PublicationError
from server.results.publishing import queue_publication
from tests.jobs.conftest import job_state, wait_until
from tests.publication_data import finalised_group

pytestmark = pytest.mark.parametrize("queue_url", ["sqlite"], indirect=True)


def _count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _queue(queue_app, campaign_id: int, user_id: int, **options) -> int:
    with queue_app.app_context():
        job = queue_publication(db.session.get(Campaign, campaign_id), "province",
                                db.session.get(User, user_id), **options)
        db.session.commit()
        return job.id


def test_asked_twice_it_is_one_job_and_a_retry_after_commit_publishes_nothing_again(
        app, make, queue_app, worker):
    campaign = finalised_group(app, make)
    admin_id = make.user("admin").id
    first = _queue(queue_app, campaign.id, admin_id)
    assert _queue(queue_app, campaign.id, admin_id) == first  # the worker is down: one job
    assert _count(Job) == 1
    key = job_state(first).key
    assert key.startswith(f"publish-group:{campaign.id}:province:") and key.endswith(":1")

    worker.start()
    wait_until(lambda: job_state(first).state == "done", what="the publication")
    job = job_state(first)
    assert job.result_link == f"/rankings/{campaign.id}/province"
    assert job.params["result"]["number"] == 1 and job.params["result"]["units"] == 3
    assert set(db.session.scalars(select(Assessment.state))) == {"published"}
    worker.stop()

    # The queue delivers "run job N" again as if the done had not been seen: the job finds
    # its publication (group, number and inputs digest) and makes no other.
    asked = {k: v for k, v in job_state(first).params.items() if k != "result"}
    db.session.execute(update(Job).where(Job.id == first).values(
        state="queued", attempts=0, finished_at=None, params=asked))
    db.session.commit()
    runner.run_job(first)
    assert job_state(first).state == "done"
    assert _count(Publication) == 1
    assert job_state(first).params["result"]["publication_id"] == \
        db.session.scalar(select(Publication.id))
    assert _count(AuditEvent, AuditEvent.action == "publication.published") == 1

    # Asked again after it was made: refused in the request, nothing queued.
    with queue_app.app_context(), pytest.raises(PublicationError) as refused:
        queue_publication(db.session.get(Campaign, campaign.id), "province",
                          db.session.get(User, admin_id), reason="Đính chính")
    assert refused.value.status == 409 and refused.value.field == "group"
    assert _count(Job) == 1


def test_refusals_are_made_before_anything_is_queued(app, make, queue_app):
    campaign = finalised_group(app, make, ("finalised", "appraised", "finalised"))
    viewer_id, admin_id = make.user("viewer").id, make.user("admin").id
    with pytest.raises(PublicationError) as refused:
        _queue(queue_app, campaign.id, viewer_id)
    assert refused.value.status == 403
    with pytest.raises(PublicationError) as refused:
        _queue(queue_app, campaign.id, admin_id)
    assert refused.value.status == 409 and refused.value.units == ["P02"]
    assert _count(Job) == 0


def test_a_group_changed_after_it_was_asked_fails_the_job_at_once(app, make, queue_app,
                                                                 worker):
    campaign = finalised_group(app, make)
    job_id = _queue(queue_app, campaign.id, make.user("admin").id)
    # The council takes a dossier back before the worker runs the job.
    db.session.execute(update(Assessment).where(Assessment.id == db.session.scalars(
        select(Assessment.id).order_by(Assessment.id)).first()).values(state="appraised"))
    db.session.commit()
    worker.start()
    wait_until(lambda: job_state(job_id).state == "failed", what="the job to fail")
    job = job_state(job_id)
    assert job.attempts == 1  # asking again is what helps, not retrying
    assert "thay đổi" in job.error or "changed" in job.error
    assert _count(Publication) == 0
    assert set(db.session.scalars(select(Assessment.state))) == {"appraised", "finalised"}
