"""The campaign and unit group a Department page is about, from `?campaign=&group=`."""

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select

from server.extensions import db
from server.models import Campaign


def chosen_campaign_group():
    """(campaigns, campaign, groups, group) for an administrator's group page: the campaign
    asked for (else the latest) and the group asked for (else its first pinned one); 403 for
    anyone else, 404 for a campaign or group that does not exist. `campaign` or `group` is
    None when there is none yet."""
    if not current_user.has_role("admin"):
        abort(403)
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.year.desc(),
                                                             Campaign.id.desc())).all()
    chosen = request.args.get("campaign", "")
    campaign = (db.session.get(Campaign, int(chosen)) if chosen.isdecimal()
                else campaigns[0] if campaigns else None)
    if chosen and campaign is None:
        abort(404)
    groups = sorted(pin.unit_group for pin in campaign.pins) if campaign else []
    group = request.args.get("group") or (groups[0] if groups else None)
    if group is not None and group not in groups:
        abort(404)
    return campaigns, campaign, groups, group
