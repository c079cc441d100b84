"""The campaign's own workflow, declared as data like the dossier workflow (`workflow`).

A campaign is `draft` while the administrator sets it up, `open` while units and reviewers
work, `closed` when the year is over (no dossier takes another write, see `phases`). Each
transition names the states it leaves from, the state it reaches, the roles that may take it and
whether a reason is required. Opening is a job (`opening`: it creates the dossiers and may be
run again on an open campaign to add the units added since); closing and reopening are applied
here. Every step emits one `campaign.*` event with the state before and after; commits.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l

from server import labels
from server.campaigns.opening import queue_opening
from server.campaigns.settings import clean_dates, local_text, order_problems
from server.campaigns.setup import DEADLINES, CampaignInputError
from server.events import emit
from server.extensions import db
from server.models import Campaign, Job, User


@dataclass(frozen=True)
class CampaignTransition:
    key: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...] = ("admin",)
    reason_required: bool = False


TRANSITIONS = {t.key: t for t in (
    # Run again on an open campaign, it adds the dossiers of units added since.
    CampaignTransition("open", ("draft", "open"), "open"),
    CampaignTransition("close", ("open",), "closed"),
    # A closed year taken up again (a correction after publication, say) needs a reason.
    CampaignTransition("reopen", ("closed",), "open", reason_required=True),
)}

TRANSITION_LABELS = {
    "open": _l("Open the campaign"),
    "close": _l("Close the campaign"),
    "reopen": _l("Reopen the campaign"),
}


def _may(user: User | None, transition: CampaignTransition) -> bool:
    # None is the command line, run by whoever administers the server.
    return user is None or any(user.has_role(role) for role in transition.roles)


def allowed_transitions(campaign: Campaign, user: User | None) -> list[CampaignTransition]:
    """The transitions `user` may take on the campaign now, in declaration order."""
    return [t for t in TRANSITIONS.values() if campaign.state in t.sources and _may(user, t)]


def apply_campaign_transition(campaign: Campaign, key: str, user: User | None,
                              reason: str = "", closes_at: str | None = None) -> Job | None:
    """Take transition `key`, or raise CampaignInputError (403 not allowed to, 409 not from this
    state, 422 a missing reason or closing date); commits. `open` is queued: its job (see
    server.campaigns.opening). `closes_at` moves the closing date when reopening a campaign
    whose date passed."""
    transition = TRANSITIONS.get(key)
    if transition is None:
        raise CampaignInputError({"transition": _l("is not one of %(choices)s",
                                                   choices=", ".join(TRANSITIONS))})
    if not _may(user, transition):
        raise CampaignInputError({"transition": _l(
            "Only an administrator may take the step %(transition)s.",
            transition=TRANSITION_LABELS[key])}, status=403)
    if campaign.state not in transition.sources:
        raise CampaignInputError({"state": _l(
            "%(transition)s is not possible while the campaign is %(state)s.",
            transition=TRANSITION_LABELS[key], state=labels.CAMPAIGN_STATES[campaign.state])},
            status=409)
    reason = (reason or "").strip()
    if transition.reason_required and not reason:
        raise CampaignInputError({"reason": _l("%(transition)s needs a reason.",
                                               transition=TRANSITION_LABELS[key])})
    actor_id = user.id if user is not None else None
    if key == "open":
        job = queue_opening(campaign, actor_id=actor_id)
        db.session.commit()
        return job
    before = {"state": campaign.state}
    after = {"state": transition.target}
    if key == "reopen":
        moved = _closing_date(campaign, closes_at)
        if moved is not None:
            before["closes_at"] = campaign.closes_at.isoformat() if campaign.closes_at else None
            campaign.closes_at = moved
            after["closes_at"] = moved.isoformat()
    campaign.state = transition.target
    emit(f"campaign.{key}", "campaign", campaign.id, actor_id=actor_id, before=before,
         after=after, reason=reason)
    db.session.commit()
    return None


def _closing_date(campaign: Campaign, closes_at: str | None) -> datetime | None:
    """The new closing date given on reopening (checked against the other phases); required
    when the campaign's own closing date has passed, or it would still be closed."""
    if not closes_at:
        if campaign.closes_at is not None and datetime.now(UTC) > campaign.closes_at:
            raise CampaignInputError({"closes_at": _l(
                "the campaign closed on %(when)s (Vietnam time): give a later closing date",
                when=local_text(campaign.closes_at))})
        return None
    values, problems = clean_dates({"closes_at": closes_at})
    if not problems:
        moment = values["closes_at"]
        if moment is None or moment <= datetime.now(UTC):
            problems = {"closes_at": _l("must be a date still to come")}
        else:
            dates = {name: getattr(campaign, name) for name in DEADLINES} | values
            problems = order_problems(dates)
    if problems:
        raise CampaignInputError({"closes_at": next(iter(problems.values()))})
    return values["closes_at"]
