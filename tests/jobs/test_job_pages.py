"""The job page and its state route: its creator and the administrators see it, nobody else;
the CLI waits on a job with a progress bar."""

from server.extensions import db
from server.models import Job


def _job(user, **fields):
    job = Job(kind="open-campaign", key=f"open-campaign:page-{user.id}", created_by=user.id,
              params={}, **fields)
    db.session.add(job)
    db.session.commit()
    return job


def test_the_creator_sees_progress_state_error_and_result(client, make, login):
    owner = make.user("admin", username="owner")
    job = _job(owner, state="running", attempts=1, progress_done=40, progress_total=100)
    login(owner)
    page = client.get(f"/jobs/{job.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Đang chạy" in html and 'value="40"' in html and 'max="100"' in html
    assert "/static/web/jobs.js" in html and "<script>" not in html
    state = client.get(f"/jobs/{job.id}/state").get_json()
    assert (state["state"], state["progress"]) == ("running", {"done": 40, "total": 100})
    job = db.session.get(Job, job.id)
    job.state, job.error = "failed", "Kỳ đánh giá đã kết thúc"
    db.session.commit()
    state = client.get(f"/jobs/{job.id}/state").get_json()
    assert (state["state_label"], state["error"]) == ("Không thành công",
                                                      "Kỳ đánh giá đã kết thúc")


def test_another_user_gets_404_and_an_administrator_sees_it(app, client, make, login,
                                                           token_for):
    unit = make.unit("QB", level="province")
    owner = make.user("unit_head", unit, username="owner")
    job = _job(owner, state="done", result_link="/admin/campaigns/1")
    login(make.user("unit_head", unit, username="colleague"))
    assert client.get(f"/jobs/{job.id}").status_code == 404
    assert client.get(f"/jobs/{job.id}/state").status_code == 404
    assert client.get("/jobs/999999").status_code == 404
    headers = token_for(make.user("reviewer", username="stranger"))
    refused = client.get(f"/api/v1/jobs/{job.id}", headers=headers)
    assert refused.status_code == 404 and refused.mimetype == "application/problem+json"
    admin_headers = token_for(make.user("admin", username="boss"))
    seen = client.get(f"/api/v1/jobs/{job.id}", headers=admin_headers).get_json()
    assert (seen["state"], seen["result_link"]) == ("done", "/admin/campaigns/1")
    assert app.test_client().get(f"/jobs/{job.id}").status_code == 302  # to the sign-in page


def test_the_cli_waits_for_a_job_and_fails_with_its_error(app, make):
    owner = make.user("admin")
    done = _job(owner, state="done", progress_done=3, progress_total=3,
                result_link="/admin/campaigns/1")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["parindex", "jobs", "wait", str(done.id)])
    assert result.exit_code == 0 and "done: /admin/campaigns/1" in result.output
    failed = Job(kind="mail", key="mail:x", state="failed", attempts=5, error="SMTP từ chối",
                 params={})
    db.session.add(failed)
    db.session.commit()
    result = runner.invoke(args=["parindex", "jobs", "wait", str(failed.id)])
    assert result.exit_code == 1 and "failed after 5 attempt(s): SMTP từ chối" in result.output
    assert runner.invoke(args=["parindex", "jobs", "show", "424242"]).exit_code == 1
