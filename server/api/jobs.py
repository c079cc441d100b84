"""A job's state, progress, error and result link (its creator and the administrators)."""

from flask import g, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.api.auth import token_required
from server.api.problems import problems
from server.api.schemas import answers
from server.downloads import XLSX
from server.extensions import db
from server.jobs.runner import job_dict, may_see, take_once
from server.models import Job
from server.results.workbook_jobs import file_response, may_download

blp = Blueprint("jobs", __name__, url_prefix="/api/v1", description="Jobs run by the worker")


def job_answer(job: Job) -> dict:
    """The job as its creator reads it: with `shown_once` (the one-time passwords of a user
    import) the first time they read it done, erased from the job as it is shown."""
    body = job_dict(job)
    secret = take_once(job, g.api_user.id)
    if secret is not None:
        db.session.commit()
        body["shown_once"] = secret
    return body


def accepted(job: Job):
    """The answer to a request that queued `job` (committed): 202, Location its state."""
    return job_answer(job), 202, {"Location": url_for("jobs.JobState", job_id=job.id)}


def file_or_accepted(job: Job):
    """A download that a job writes (committed): the file once the job is done, else 202 with
    the job to follow (its `result_link`, or `/api/v1/jobs/{id}/file`, downloads it)."""
    db.session.refresh(job)
    if job.state == "done":
        return file_response(job)
    return accepted(job)


@blp.route("/jobs/<int:job_id>")
class JobState(MethodView):
    @answers(blp, 200)
    @token_required
    @problems(404)
    def get(self, job_id):
        """State (queued, running, done, failed), attempts, progress {done, total}, the result
        link and `result` once done, the error once failed, with `problems` listing every bad
        row of an imported file ({row, kind, message}). A user import's one-time passwords are
        in `shown_once`, for its creator, the first time they read it done, and never again.
        404 for another user's job, as for one that does not exist (administrators see every
        job)."""
        job = db.session.get(Job, job_id)
        if job is None or not may_see(g.api_user, job):
            abort(404, message="There is no such job of yours.")
        return job_answer(job)


@blp.route("/jobs/<int:job_id>/file")
class JobFile(MethodView):
    @answers(blp, 200, XLSX)
    @token_required
    @problems(404)
    def get(self, job_id):
        """The file a done job wrote (a large group's ranking workbook), authorised as what it
        holds is: a publication's workbook to any signed-in user, a live ranking's to
        administrators. 404 otherwise, and while the job is not done."""
        job = db.session.get(Job, job_id)
        if job is None or not may_download(g.api_user, job):
            abort(404, message="There is no such file.")
        return file_response(job)
