"""A job's state, progress, error and result link (its creator and the administrators)."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.api.auth import token_required
from server.api.problems import problems
from server.api.schemas import answers
from server.extensions import db
from server.jobs.runner import job_dict, may_see
from server.models import Job

blp = Blueprint("jobs", __name__, url_prefix="/api/v1", description="Jobs run by the worker")


@blp.route("/jobs/<int:job_id>")
class JobState(MethodView):
    @answers(blp, 200)
    @token_required
    @problems(404)
    def get(self, job_id):
        """State (queued, running, done, failed), attempts, progress {done, total}, the result
        link once done and the error once failed. 404 for another user's job, as for one that
        does not exist (administrators see every job)."""
        job = db.session.get(Job, job_id)
        if job is None or not may_see(g.api_user, job):
            abort(404, message="There is no such job of yours.")
        return job_dict(job)
