"""The ranking workbook of a large group as a job: a national group's (10,600 units) takes
minutes to write, more than a request should hold.

A group of at most WORKBOOK_JOB_UNITS units (every group of a province) is written in the
request, as it always was: a few seconds, and people expect the file at once. A larger one is
written by the worker into the evidence storage (a local folder or S3: any host serves it), and
the same workbook asked again is the same job, its file downloaded at once once it is done:
a publication's workbook is written once (`ranking-workbook:publication:<id>`: a snapshot never
changes); a live one again only when what it reads changed (`ranking-workbook:live:<campaign>:
<group>:<digest>`, over the stored inputs, the campaign's ranking settings and publications).

The job's result link downloads the file, authorised as the ranking is: a publication's to any
signed-in user (the job is theirs to follow too), a live one to administrators.
"""

import hashlib
import json
import tempfile

from flask import current_app, send_file
from flask_babel import gettext as _
from sqlalchemy import func, select

from server.assessment.evidence import storage
from server.downloads import XLSX
from server.extensions import db
from server.jobs.kinds import JobFailed, job_kind
from server.jobs.runner import progress, submit
from server.models import Assessment, Campaign, Job, Publication, PublicationScore, User
from server.results.exports.ranking_workbook import write_ranking_workbook
from server.results.publication_status import workbook_name, write_publication_workbook
from server.results.publications import PublicationError, group_inputs_digest
from server.results.ranking import rank_group
from server.results.ranking_settings import not_ranked_units

KIND = "ranking-workbook"
CHUNK = 1024 * 1024


def _large(units: int) -> bool:
    return units > current_app.config["WORKBOOK_JOB_UNITS"]


def publication_workbook_job(publication: Publication, user: User | None) -> Job | None:
    """The job of the publication's workbook when its group is large (queued when the caller
    commits, or done already); None when the request should write it itself."""
    units = db.session.scalar(select(func.count()).select_from(PublicationScore)
                              .where(PublicationScore.publication_id == publication.id))
    if not _large(units):
        return None
    return submit(KIND, f"{KIND}:publication:{publication.id}",
                  created_by=user.id if user is not None else None,
                  campaign_id=publication.campaign_id,
                  params={"publication_id": publication.id, "audience": "signed_in"})


def live_workbook_job(campaign: Campaign, group: str, user: User) -> Job | None:
    """The job of the group's live workbook (an administrator's) when the group is large;
    None when the request should write it itself (or it cannot be ranked: the request says
    why)."""
    units = db.session.scalar(select(func.count()).select_from(Assessment).where(
        Assessment.campaign_id == campaign.id, Assessment.unit_group == group))
    if not _large(units):
        return None
    try:
        inputs = group_inputs_digest(campaign, group)
    except PublicationError:
        return None
    # Everything the live ranking reads beside the answers: its settings, and the
    # publications that give last year's indices.
    reads = json.dumps([inputs, campaign.tie_compare, campaign.tie_ranks, campaign.bands,
                        campaign.survey, [row["unit_code"] for row in not_ranked_units(campaign)
                                          if row["group"] == group],
                        [(pin.unit_group, pin.criteria_set_id, pin.criteria_set_version)
                         for pin in campaign.pins],
                        db.session.scalar(select(func.max(Publication.id)))], default=str)
    digest = hashlib.sha256(reads.encode()).hexdigest()[:32]
    return submit(KIND, f"{KIND}:live:{campaign.id}:{group}:{digest}", created_by=user.id,
                  campaign_id=campaign.id,
                  params={"campaign_id": campaign.id, "group": group, "audience": "admin"})


def may_download(user: User | None, job: Job) -> bool:
    """A publication's workbook: anyone who may read the publication (every signed-in user,
    and the public page's readers); a live one: administrators."""
    if job.kind != KIND or job.state != "done":
        return False
    if job.params.get("audience") == "signed_in":
        return True
    return user is not None and user.has_role("admin")


def file_response(job: Job):
    """The stored workbook of a done job, streamed from the storage as an attachment."""
    stored = job.params["file"]
    response = send_file(storage().open(stored["key"]), as_attachment=True,
                         download_name=stored["name"], mimetype=XLSX)
    response.headers["Content-Length"] = str(stored["size"])
    return response


def _write(job: Job, tmp) -> tuple[str, int]:
    """Write the job's workbook into `tmp`; its download name and units."""
    params = job.params
    if "publication_id" in params:
        publication = db.session.get(Publication, params["publication_id"])
        if publication is None:
            raise JobFailed(_("The publication no longer exists."))
        try:
            write_publication_workbook(publication, tmp)
        except PublicationError as error:  # its criteria set is not installed here
            raise JobFailed(str(error)) from error
        return workbook_name(publication), len(publication.results["ranking"]["rows"])
    campaign = db.session.get(Campaign, params["campaign_id"])
    if campaign is None:
        raise JobFailed(_("The campaign no longer exists."))
    ranking = rank_group(campaign, params["group"], detail=True)
    write_ranking_workbook(ranking, tmp)
    return f"xep-hang-{ranking.year}-{ranking.group}-xem-truoc.xlsx", len(ranking.rows)


@job_kind(KIND, keeps_file=True)
def run_workbook(job: Job) -> str:
    with tempfile.TemporaryFile() as tmp:
        name, units = _write(job, tmp)
        tmp.seek(0)
        digest, size = hashlib.sha256(), 0
        while chunk := tmp.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
        tmp.seek(0)
        # Stored under its SHA-256, like any evidence: the same bytes again are a no-op.
        storage().put(digest.hexdigest(), tmp)
    job.params = {**job.params, "file": {"key": digest.hexdigest(), "name": name, "size": size},
                  "result": {"filename": name, "size": size, "units": units}}
    progress(job, units, units)
    return current_app.url_map.bind("localhost").build("web.job_file", {"job_id": job.id})
