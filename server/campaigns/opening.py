"""Opening a campaign as a job: a national campaign creates some 10,600 dossiers, more than a
request should hold.

The request checks what can be checked at once (the campaign's state, a reviewer for every unit
group and domain) and queues the job; the worker creates the dossiers, and the job's `done`, in
one transaction. The key names the units still without a dossier, so the same opening asked
twice is one job, and opening again after units were added is a new one.
"""

import hashlib

from flask import current_app
from flask_babel import gettext as _

from server.campaigns.setup import CampaignInputError, create_dossiers, units_to_open
from server.extensions import db
from server.jobs.kinds import JobFailed, job_kind
from server.jobs.runner import progress, submit
from server.models import Campaign, Job

KIND = "open-campaign"


def queue_opening(campaign: Campaign, *, actor_id: int | None) -> Job:
    """The job that opens the campaign, queued when the caller commits; CampaignInputError
    when it cannot open now."""
    units = sorted(unit.id for unit, _group in units_to_open(campaign))
    digest = hashlib.sha256(f"{campaign.state}:{units}".encode()).hexdigest()[:16]
    return submit(KIND, f"{KIND}:{campaign.id}:{digest}", created_by=actor_id,
                  campaign_id=campaign.id)


@job_kind(KIND)
def run_opening(job: Job) -> str:
    campaign = db.session.get(Campaign, job.campaign_id) if job.campaign_id else None
    if campaign is None:
        raise JobFailed(_("The campaign no longer exists."))
    try:
        created = create_dossiers(campaign, actor_id=job.created_by)
    except CampaignInputError as error:  # changed since it was queued: asking again won't help
        raise JobFailed(str(error)) from error
    progress(job, created, created)
    return current_app.url_map.bind("localhost").build(
        "web.campaign_page", {"campaign_id": campaign.id})
