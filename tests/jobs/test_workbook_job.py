"""The ranking workbook of a large group as a job: written once into the evidence storage by
the worker, downloaded from the job's result link by whoever may read the ranking, and kept by
the storage's clean-up. Small groups still download at once (the threshold is lowered here to
make three units "large")."""

import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from server.assessment.evidence import storage
from server.assessment.evidence.cleanup import clean_storage
from server.extensions import db
from server.models import Job, User
from server.results.exports.ranking_workbook import ABOUT
from server.results.publications import publish
from tests.helpers import PASSWORD, api_token
from tests.jobs.conftest import job_state, wait_until
from tests.publication_data import finalised_group


def _published(app, make):
    campaign = finalised_group(app, make)
    admin = make.user("admin", username="quantri")
    return campaign, publish(campaign, "province", admin), admin


def _jobs() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Job))


def _about(data: bytes) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return dict(book[ABOUT].iter_rows(min_row=2, values_only=True))


def test_a_small_group_downloads_at_once_without_a_job(app, client, make, token_for):
    _campaign, publication, _admin = _published(app, make)
    response = client.get(f"/api/v1/publications/{publication.id}/ranking.xlsx",
                          headers=token_for(make.user("viewer")))
    assert response.status_code == 200 and _jobs() == 0


def test_a_large_groups_workbook_is_written_once_and_read_as_the_ranking_is(
        app, client, make, token_for, monkeypatch):
    monkeypatch.setitem(app.config, "WORKBOOK_JOB_UNITS", 2)
    campaign, publication, admin = _published(app, make)
    viewer, other = token_for(make.user("viewer")), token_for(make.user("viewer"))
    # The tests' queue runs the job as the request commits: the file comes back at once.
    first = client.get(f"/api/v1/publications/{publication.id}/ranking.xlsx", headers=viewer)
    assert first.status_code == 200, first.get_json()
    assert _about(first.data)["Mã công bố"] == f"{publication.id} (số 1)"
    again = client.get(f"/api/v1/publications/{publication.id}/ranking.xlsx", headers=other)
    assert again.data == first.data and _jobs() == 1  # the same job, its file read again
    job = db.session.scalar(select(Job))
    assert job.key == f"ranking-workbook:publication:{publication.id}"
    assert job.result_link == f"/jobs/{job.id}/file"
    assert storage().exists(job.params["file"]["key"])
    assert client.get(f"/api/v1/jobs/{job.id}/file", headers=other).data == first.data

    # A live workbook is the administrators' alone, like the live ranking.
    admin_headers = token_for(admin)
    url = f"/api/v1/campaigns/{campaign.id}/ranking.xlsx?group=province"
    assert client.get(url, headers=viewer).status_code == 403
    live = client.get(url, headers=admin_headers)
    assert live.status_code == 200 and _jobs() == 2
    live_job = db.session.scalar(select(Job).where(Job.key.like("ranking-workbook:live:%")))
    assert client.get(f"/api/v1/jobs/{live_job.id}/file", headers=viewer).status_code == 404
    assert client.get(url, headers=admin_headers).status_code == 200 and _jobs() == 2

    # The clean-up of the storage keeps what the jobs wrote.
    unreferenced = {key for key, _ in clean_storage(timedelta(0)).unreferenced}
    assert job.params["file"]["key"] not in unreferenced
    assert live_job.params["file"]["key"] not in unreferenced


def test_the_web_and_the_public_page_read_the_same_file(app, client, make, login,
                                                      monkeypatch):
    monkeypatch.setitem(app.config, "WORKBOOK_JOB_UNITS", 2)
    campaign, publication, _admin = _published(app, make)
    public = app.test_client().get(f"/public/{campaign.id}/province/workbook.xlsx")
    assert public.status_code == 200
    login(make.user("viewer"))
    signed_in = client.get(f"/rankings/{campaign.id}/province/workbook.xlsx")
    assert signed_in.data == public.data and _jobs() == 1
    assert client.get(f"/publications/{publication.id}/ranking.xlsx").data == public.data
    assert client.get(f"/rankings/{campaign.id}/province/workbook.xlsx?live=1").status_code \
        == 404  # not an administrator


@pytest.mark.parametrize("queue_url", ["sqlite"], indirect=True)
def test_the_worker_writes_it_while_the_api_answers_202(app, app_factory, make, queue_url,
                                                        worker):
    _campaign, publication, _admin = _published(app, make)
    queue_app = app_factory(QUEUE_URL=queue_url, WORKBOOK_JOB_UNITS=2)
    client = queue_app.test_client()
    with queue_app.app_context():
        headers = api_token(client, db.session.scalar(
            select(User).where(User.username == "quantri")), PASSWORD)
    url = f"/api/v1/publications/{publication.id}/ranking.xlsx"
    asked = client.get(url, headers=headers)
    assert asked.status_code == 202, asked.get_json()
    job_id = asked.get_json()["id"]
    assert asked.headers["Location"] == f"/api/v1/jobs/{job_id}"
    assert client.get(url, headers=headers).get_json()["id"] == job_id  # one job
    assert client.get(f"/api/v1/jobs/{job_id}/file", headers=headers).status_code == 404

    worker.start()
    wait_until(lambda: job_state(job_id).state == "done", what="the workbook")
    assert job_state(job_id).progress_done == 3
    written = client.get(f"/api/v1/jobs/{job_id}/file", headers=headers)
    assert written.status_code == 200
    assert _about(written.data)["Mã công bố"] == f"{publication.id} (số 1)"
    assert client.get(url, headers=headers).data == written.data
