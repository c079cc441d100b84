"""Recording and sweeping jobs, in one process (jobs run at once in the tests: QUEUE_URL
memory://): one job per key, a failed one asked again starts over, the sweep fails a job whose
worker died on its last attempt and leaves finished ones alone."""

from datetime import timedelta

from server.extensions import db
from server.jobs.runner import ONCE, ONCE_KEPT, run_job, submit, sweep, take_once
from server.models import Job
from server.models.types import utcnow


def test_the_same_key_is_one_job_and_a_failed_one_starts_over(app, make):
    campaign = make.campaign(state="closed")
    first = submit("open-campaign", "open-campaign:k", campaign_id=campaign.id)
    again = submit("open-campaign", "open-campaign:k", campaign_id=campaign.id)
    assert first.id == again.id
    db.session.commit()  # runs it: the campaign is closed, so it fails at once
    job = db.session.get(Job, first.id)
    assert (job.state, job.attempts) == ("failed", 1)
    campaign.state = "draft"
    db.session.commit()
    retried = submit("open-campaign", "open-campaign:k", campaign_id=campaign.id)
    db.session.commit()
    job = db.session.get(Job, retried.id)
    assert (retried.id, job.state, job.attempts, job.error) == (first.id, "done", 1, "")
    assert db.session.query(Job).count() == 1


def test_an_unknown_kind_fails_with_its_name(app):
    job = Job(kind="nobody-knows", key="x:1", params={})
    db.session.add(job)
    db.session.commit()
    run_job(job.id)
    job = db.session.get(Job, job.id)
    assert job.state == "failed" and "nobody-knows" in job.error


def test_the_sweep_fails_a_job_whose_worker_died_on_its_last_attempt(app):
    lapsed = utcnow() - timedelta(seconds=5)
    dead = Job(kind="mail", key="mail:dead", params={}, state="running", attempts=5,
               max_attempts=5, locked_until=lapsed)
    done = Job(kind="mail", key="mail:done", params={}, state="done", attempts=5,
               max_attempts=5, locked_until=lapsed)
    alive = Job(kind="mail", key="mail:alive", params={}, state="running", attempts=1,
                max_attempts=5, locked_until=utcnow() + timedelta(minutes=5))
    db.session.add_all([dead, done, alive])
    db.session.commit()
    assert sweep() == 0
    states = {job.key: (job.state, job.error) for job in db.session.query(Job)}
    assert states["mail:dead"][0] == "failed" and "dừng giữa chừng" in states["mail:dead"][1]
    assert states["mail:done"] == ("done", "") and states["mail:alive"] == ("running", "")


def test_one_time_passwords_wait_a_day_at_most(app, make):
    admin = make.user("admin")
    secret = [{"username": "an", "one_time_password": "tạm-1"}]
    fresh = Job(kind="import-users", key="import-users:fresh", state="done", created_by=admin.id,
                params={ONCE: secret}, finished_at=utcnow() - timedelta(hours=23))
    stale = Job(kind="import-users", key="import-users:stale", state="done", created_by=admin.id,
                params={ONCE: secret}, finished_at=utcnow() - ONCE_KEPT - timedelta(minutes=1))
    late = Job(kind="import-users", key="import-users:late", state="done", created_by=admin.id,
               params={ONCE: secret}, finished_at=utcnow() - ONCE_KEPT - timedelta(minutes=1))
    db.session.add_all([fresh, stale, late])
    db.session.commit()
    assert take_once(late, admin.id) is None and ONCE not in late.params  # read too late
    db.session.commit()
    sweep()
    kept = {job.key: ONCE in job.params for job in db.session.query(Job)}
    assert kept == {"import-users:fresh": True, "import-users:stale": False,
                    "import-users:late": False}
    assert take_once(db.session.get(Job, fresh.id), admin.id) == secret
