""""Start from last year": a campaign copied into a new draft for the next year.

The copy keeps the title (its year moved on), each group's pin, or the set version that declares
itself the successor of the pinned one (its `carry_over` names it), the reviewer assignments of
active reviewers, the survey, tie rule and bands, and every date one year later. It is a draft:
the administrator reviews and edits it, then opens it. A successor set that is not verified needs
the administrator's confirmation, as any new pin does; last year's own pins were confirmed then.
"""

from datetime import UTC, date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.campaigns.criteria import criteria_registry
from server.campaigns.pins import pin_criteria_set
from server.campaigns.settings import DATES
from server.campaigns.setup import CampaignInputError, campaign_dict, unverified
from server.config import LOCAL_TIME
from server.events import emit
from server.extensions import db
from server.models import Campaign, ReviewerAssignment, User


def successor_set(set_id: str, version: str, level: str):
    """The installed set of `level` that carries codes over from `set_id@version` (the highest
    version, if several do), or None."""
    reference = f"{set_id}@{version}"
    found = [s for s in criteria_registry().all() if s.level == level
             and s.carry_over is not None and s.carry_over.previous == reference]
    return found[-1] if found else None


def next_pins(campaign: Campaign) -> dict[str, tuple[str, str, bool]]:
    """{group: (set id, version, whether it is a successor version)} for next year."""
    pins = {}
    for pin in campaign.pins:
        successor = successor_set(pin.criteria_set_id, pin.criteria_set_version,
                                  pin.unit_group)
        pins[pin.unit_group] = ((successor.id, successor.version, True) if successor else
                                (pin.criteria_set_id, pin.criteria_set_version, False))
    return pins


def _next_year(moment):
    """The same Vietnam-time day and hour a year later (29 February becomes the 28th)."""
    if moment is None:
        return None
    local = moment.astimezone(LOCAL_TIME)
    day = 28 if (local.month, local.day) == (2, 29) else local.day
    return local.replace(year=local.year + 1, day=day).astimezone(UTC)


def _next_day(text: str) -> str:
    day = date.fromisoformat(text)
    return day.replace(year=day.year + 1, day=28 if (day.month, day.day) == (2, 29)
                       else day.day).isoformat()


def _next_title(campaign: Campaign) -> str:
    year, title = str(campaign.year), campaign.title
    return (title.replace(year, str(campaign.year + 1)) if year in title
            else f"{title} ({campaign.year + 1})")


def start_from(previous: Campaign, *, actor: User | None,
               confirm_unverified: bool = False) -> Campaign:
    """A new draft campaign for the year after `previous`, with `previous_id` set; commits.

    Refused (409) when a campaign already starts from `previous`, and (422, per group) when a
    successor version is not verified and the administrator did not confirm it.
    """
    existing = db.session.scalar(select(Campaign.id).where(Campaign.previous_id == previous.id))
    if existing is not None:
        raise CampaignInputError({"previous_id": _l(
            "campaign %(id)s already starts from this one: review that draft instead",
            id=existing)}, status=409)
    pins = next_pins(previous)
    problems = {}
    for group, (set_id, version, moved) in pins.items():
        criteria_set = criteria_registry().get(set_id, version)
        if criteria_set is None:
            problems[f"pins.{group}"] = _l("criteria set %(set)s is not installed any more",
                                           set=f"{set_id}@{version}")
        elif moved and unverified(criteria_set) and not confirm_unverified:
            problems[f"pins.{group}"] = _l(
                "%(set)s, the successor of last year's set, is not verified against the "
                "official text (%(note)s): confirm to pin it anyway",
                set=f"{set_id}@{version}", note=criteria_set.source_note or "–")
    if problems:
        raise CampaignInputError(problems)
    campaign = Campaign(
        year=previous.year + 1, title=_next_title(previous), state="draft",
        previous_id=previous.id, survey=previous.survey,
        tie_compare=previous.tie_compare, tie_ranks=previous.tie_ranks,
        bands=previous.bands,
        data_cutoffs=[{**row, "date": _next_day(row["date"])}
                      for row in previous.data_cutoffs or ()],
        **{name: _next_year(getattr(previous, name)) for name in DATES})
    for group, (set_id, version, _moved) in sorted(pins.items()):
        pin_criteria_set(campaign, group, set_id, version)
    db.session.add(campaign)
    db.session.flush()
    rows = db.session.scalars(
        select(ReviewerAssignment).join(User, User.id == ReviewerAssignment.reviewer_id)
        .where(ReviewerAssignment.campaign_id == previous.id, User.active)
        .order_by(ReviewerAssignment.id)).all()
    copies = [ReviewerAssignment(campaign_id=campaign.id, reviewer_id=row.reviewer_id,
                                 domains=list(row.domains), unit_group=row.unit_group)
              for row in rows]
    db.session.add_all(copies)
    db.session.flush()
    actor_id = actor.id if actor is not None else None
    for row in copies:
        emit("reviewer_assignment.created", "reviewer_assignment", row.id, actor_id=actor_id,
             after={"campaign_id": campaign.id, "reviewer_id": row.reviewer_id,
                    "domains": row.domains, "unit_group": row.unit_group})
    emit("campaign.created", "campaign", campaign.id, actor_id=actor_id,
         after={**campaign_dict(campaign), "reviewer_assignments": len(rows),
                "unverified_confirmed": confirm_unverified},
         reason=f"started from campaign {previous.id}")
    db.session.commit()
    return campaign
