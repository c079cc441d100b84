"""`parindex worker` runs the jobs; `parindex jobs show|wait ID` follows one; `wait_for_job`
lets a command that queued a job wait for it with a progress bar."""

import json
import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from server.extensions import db
from server.jobs.queue import run_worker
from server.jobs.runner import job_dict
from server.models import Job


@click.command("worker")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="Jobs run at once (default PARINDEX_WORKER_THREADS, 2).")
@with_appcontext
def worker_command(threads):
    """Run queued jobs until stopped (bin/serve starts it beside gunicorn)."""
    run_worker(threads or current_app.config["WORKER_THREADS"])


def _job(job_id: int) -> Job:
    db.session.rollback()  # a fresh read: the worker commits from another process
    job = db.session.get(Job, job_id)
    if job is None:
        raise click.ClickException(f"job {job_id} does not exist")
    return job


def wait_for_job(job_id: int, poll_seconds: float = 0.5) -> Job:
    """Wait until the job is done (returned) or failed (its error, as a ClickException), with a
    progress bar on stderr. A job waits for `parindex worker` (bin/serve starts it)."""
    job = _job(job_id)
    with click.progressbar(length=max(job.progress_total or 1, 1), label=f"job {job_id}",
                           file=sys.stderr) as bar:
        while job.state in ("queued", "running"):
            time.sleep(poll_seconds)
            job = _job(job_id)
            bar.length = max(job.progress_total or 1, 1)
            bar.update(job.progress_done - bar.pos)
        if job.state == "done":
            bar.update(bar.length - bar.pos)
    if job.state == "failed":
        raise click.ClickException(f"job {job_id} failed after {job.attempts} attempt(s): "
                                   f"{job.error}")
    return job


def wait_for_import(job_id: int) -> Job:
    """`wait_for_job` for an import: a file with bad rows fails naming each, on stderr, as an
    import in the command itself did."""
    try:
        return wait_for_job(job_id)
    except click.ClickException:
        problems = _job(job_id).params.get("problems")
        if not problems:
            raise
        for problem in problems:
            click.echo(f"row {problem['row']}: {problem['kind']}: {problem['message']}",
                       err=True)
        raise click.ClickException(f"{len(problems)} bad row(s); nothing imported") from None


@click.group("jobs")
def jobs_group():
    """Jobs run by the worker (opening a campaign, publishing, imports, workbooks, e-mail)."""


@jobs_group.command("show")
@click.argument("job_id", type=int)
@with_appcontext
def show_command(job_id):
    """A job's state, progress, error and result link, as JSON."""
    click.echo(json.dumps(job_dict(_job(job_id)), ensure_ascii=False, indent=2))


@jobs_group.command("wait")
@click.argument("job_id", type=int)
@with_appcontext
def wait_command(job_id):
    """Wait for a job with a progress bar; fails when the job fails."""
    job = wait_for_job(job_id)
    click.echo(f"job {job_id} done" + (f": {job.result_link}" if job.result_link else ""))
