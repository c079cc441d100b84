"""Publishing a unit group as a job: a national group is 10,600 dossiers, more than a request
should hold.

The request makes every refusal `publish` makes (who asks, the dossiers' states, gaps, a
correction's reason, nothing changed) and queues the job; the worker ranks the group and writes
the publication with the job's `done`, in one transaction. The key names the campaign, the
group, the group's inputs digest and the publication's number: the same publication asked twice
is one job, and a new one after it was made is another (refused if nothing changed). A retry
that finds the publication of its number and digest already made returns it, publishing
nothing twice.
"""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from server.extensions import db
from server.jobs.kinds import JobFailed, job_kind
from server.jobs.runner import progress, submit
from server.models import Campaign, Job, Publication, User
from server.results.publications import (
    PublicationError,
    PublicationPlan,
    check_publication,
    write_publication,
)

KIND = "publish-group"


def queue_publication(campaign: Campaign, group: str, user: User, reason: str = "",
                      confirm_gaps: bool = False) -> Job:
    """The job that publishes the group, queued when the caller commits; PublicationError
    (as `publish` raises it) with nothing queued when it cannot publish now."""
    plan = check_publication(campaign, group, user, reason, confirm_gaps)
    return submit(KIND, f"{KIND}:{campaign.id}:{group}:{plan.inputs_digest}:{plan.number}",
                  created_by=user.id, campaign_id=campaign.id,
                  params={"group": group, "number": plan.number, "digest": plan.inputs_digest,
                          "reason": plan.reason, "confirm_gaps": plan.confirm_gaps})


def _publish(campaign: Campaign, user: User, params: dict) -> Publication:
    if not user.has_role("admin"):
        raise JobFailed(_("Only the Department of Home Affairs publishes the index."))
    plan = PublicationPlan(campaign.id, params["group"], params["number"], params["digest"],
                           params["reason"], params["confirm_gaps"])
    try:
        return write_publication(campaign, plan, user)
    except PublicationError as error:  # the group changed since it was asked: asking again
        raise JobFailed(str(error)) from error


def _ranking_link(campaign_id: int, group: str) -> str:
    return current_app.url_map.bind("localhost").build(
        "web.ranking", {"campaign_id": campaign_id, "group": group})


@job_kind(KIND)
def run_publication(job: Job) -> str:
    params = job.params
    campaign = db.session.get(Campaign, job.campaign_id) if job.campaign_id else None
    user = db.session.get(User, job.created_by) if job.created_by else None
    if campaign is None or user is None:
        raise JobFailed(_("The campaign or the administrator who asked no longer exists."))
    publication = db.session.scalar(select(Publication).filter_by(
        campaign_id=campaign.id, unit_group=params["group"], number=params["number"]))
    if publication is None or publication.inputs_digest != params["digest"]:
        publication = _publish(campaign, user, params)
    # else: made by an earlier attempt of this job, whose `done` was not recorded
    units = len(publication.results["ranking"]["rows"])
    job.params = {**params, "result": {"publication_id": publication.id,
                                       "number": publication.number, "units": units,
                                       "changes": len(publication.changes)}}
    progress(job, units, units)
    return _ranking_link(campaign.id, params["group"])
