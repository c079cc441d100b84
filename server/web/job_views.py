"""A job's page, refreshing itself (static/jobs.js polls the state route; it reloads the page
when the job ends with what only the page shows: a failed import's bad rows and, to its creator
once, a user import's one-time passwords)."""

from flask import abort, jsonify, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server import labels
from server.extensions import db
from server.jobs.runner import ONCE, job_dict, may_see, take_once
from server.models import Job
from server.results.workbook_jobs import file_response, may_download
from server.web.blueprint import bp


def _job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or not may_see(current_user, job):
        abort(404)  # another user's job is as absent as one that does not exist
    return job


# What a done job made, in a sentence, by kind (its `result`).
SUMMARIES = {
    "publish-group": lambda result: _(
        "Publication %(number)s of the group has been made; %(units)s units.",
        number=result["number"], units=result["units"]),
    "unit-import": lambda result: _(
        "%(created)s unit(s) created, %(updated)s updated.", created=result["created"],
        updated=result["updated"]),
}


def _summary(job: Job) -> str:
    result = (job.params or {}).get("result")
    return SUMMARIES[job.kind](result) if job.state == "done" and result \
        and job.kind in SUMMARIES else ""


def _state(job: Job) -> dict:
    state = job_dict(job)
    # What only the page itself shows, once the job ends: its bad rows, the passwords.
    more = bool(state["problems"]) or (ONCE in (job.params or {})
                                      and job.created_by == current_user.id)
    return {**state, "state_label": str(labels.JOB_STATES[job.state]), "reload": more,
            "summary": _summary(job)}


@bp.route("/jobs/<int:job_id>")
@login_required
def job_page(job_id):
    job = _job(job_id)
    shown_once = take_once(job, current_user.id)
    if shown_once is not None:
        db.session.commit()
    return render_template("jobs/job.html", job=job, state=_state(job), shown_once=shown_once,
                           kind_label=labels.JOB_KINDS.get(job.kind, job.kind))


@bp.route("/jobs/<int:job_id>/state")
@login_required
def job_state(job_id):
    return jsonify(_state(_job(job_id)))


@bp.route("/jobs/<int:job_id>/file")
@login_required
def job_file(job_id):
    """The file a done job wrote (a large group's ranking workbook), authorised as what it
    holds is (server.results.workbook_jobs.may_download)."""
    job = db.session.get(Job, job_id)
    if job is None or not may_download(current_user, job):
        abort(404)
    return file_response(job)
