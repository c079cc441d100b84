"""Starting a year: create a campaign with its pins and deadlines, then open it.

One service for the API and the CLI. A campaign is created in `draft`: the year, a title, for
each unit group the criteria-set version it pins, and the deadlines in Vietnam time. A pin of a
set whose wording or points are not verified against the official text is refused unless the
administrator confirms it, so nobody ranks units on a guess by accident. Opening creates one
dossier per active unit of each pinned group; it may be run again and then only adds the dossiers
of units added since.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server.campaigns.criteria import criteria_registry
from server.campaigns.pins import PinError, pin_criteria_set
from server.campaigns.reviewers import assignments, reaches
from server.config import LOCAL_TIME
from server.events import emit
from server.extensions import db
from server.models import Assessment, Campaign, Unit, dossier_for
from server.people.groups import group_labels, unknown_group_message

DEADLINES = ("self_assessment_deadline", "explanation_deadline", "appraisal_deadline",
             "publication_date")


class CampaignInputError(ValueError):
    """{field: message}; nothing was written."""

    def __init__(self, problems: dict[str, str], status: int = 422):
        self.problems = {name: str(message) for name, message in problems.items()}
        self.status = status
        super().__init__("; ".join(f"{name}: {message}" for name, message in problems.items()))


@dataclass
class CampaignFields:
    year: int
    title: str
    pins: dict[str, str]  # unit group -> "set-id@version"
    deadlines: dict[str, str] = field(default_factory=dict)  # name -> ISO date or datetime
    confirm_unverified: bool = False


def parse_deadline(text: str) -> datetime:
    """An ISO date (the end of that day in Vietnam) or datetime (Vietnam time unless zoned)."""
    text = text.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(23, 59, 59), LOCAL_TIME)
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise ValueError(str(_l("%(value)s is not a date (YYYY-MM-DD) or a date and time",
                                value=repr(text)))) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TIME)


def create_campaign(fields: CampaignFields, *, actor_id: int | None) -> Campaign:
    """A new campaign in `draft`, or CampaignInputError naming every bad field; commits."""
    problems = {}
    if not 2000 <= fields.year <= 2100:
        problems["year"] = _l("must be a year between 2000 and 2100")
    if not fields.title.strip():
        problems["title"] = _l("must not be empty")
    deadlines = {}
    for name, value in fields.deadlines.items():
        if name not in DEADLINES:
            problems[f"deadlines.{name}"] = _l("is not one of %(choices)s",
                                                   choices=", ".join(DEADLINES))
            continue
        if value:
            try:
                # Stored as UTC instants; shown again in Vietnam time.
                deadlines[name] = parse_deadline(value).astimezone(UTC)
            except ValueError as error:
                problems[f"deadlines.{name}"] = str(error)
    if not fields.pins:
        problems["pins"] = _l("pin a criteria set for at least one unit group")
    campaign = Campaign(year=fields.year, title=fields.title.strip(), state="draft",
                        **deadlines)
    groups = group_labels(include_inactive=False)
    for group, reference in sorted(fields.pins.items()):
        key = f"pins.{group}"
        if group not in groups:
            problems[key] = unknown_group_message(group, groups)
            continue
        set_id, _, version = reference.partition("@")
        criteria_set = criteria_registry().get(set_id, version or None)
        unverified = criteria_set is not None and (
            not criteria_set.verified or criteria_set.verification()["unverified"])
        if unverified and not fields.confirm_unverified:
            checked = criteria_set.verification()
            problems[key] = _l(
                "%(set)s is not verified against the official text (%(unverified)s of %(nodes)s "
                "items unverified; %(note)s): confirm to pin it anyway",
                set=f"{set_id}@{criteria_set.version}", unverified=checked["unverified"],
                nodes=checked["nodes"], note=criteria_set.source_note or "–")
            continue
        try:
            pin_criteria_set(campaign, group, set_id, version)
        except PinError as error:
            problems[key] = str(error)
    if problems:
        raise CampaignInputError(problems)
    db.session.add(campaign)
    db.session.flush()
    emit("campaign.created", "campaign", campaign.id, actor_id=actor_id, after={
        "year": campaign.year, "title": campaign.title,
        "pins": {p.unit_group: f"{p.criteria_set_id}@{p.criteria_set_version}"
                 for p in campaign.pins},
        "deadlines": {name: moment.isoformat() for name, moment in deadlines.items()},
        "unverified_confirmed": fields.confirm_unverified})
    db.session.commit()
    return campaign


def uncovered(campaign: Campaign, members: list[tuple[Unit, str]] | None = None
              ) -> dict[str, list[str]]:
    """{"group / domain": [unit codes]} of the (unit, domain) pairs no assigned reviewer may
    appraise, by the rule of `may_appraise` (`reaches`): none is assigned the group and domain,
    the reviewer's role does not allow the domain, or every one belongs to that unit (nobody
    appraises their own unit). Reads in a fixed number of queries, whatever the number of
    units."""
    pins = {pin.unit_group: pin for pin in campaign.pins}
    if members is None:
        dossiers, waiting = _members(campaign, pins)
        members = dossiers + waiting
    rows = assignments(campaign.id)
    found = {}
    for group, pin in sorted(pins.items()):
        criteria_set = criteria_registry().get(pin.criteria_set_id, pin.criteria_set_version)
        group_units = sorted((unit for unit, in_group in members if in_group == group),
                             key=lambda unit: unit.code)
        for domain in criteria_set.domains:
            candidates = [row for row in rows if row.covers(group, domain.code)]
            missing = [unit.code for unit in group_units
                       if not any(reaches(row, unit.id, group, domain.code)
                                  for row in candidates)]
            if missing:
                found[f"{group} / {domain.code}"] = missing
    return found


def _members(campaign: Campaign, pins) -> tuple[list[tuple[Unit, str]], list[tuple[Unit, str]]]:
    """The campaign's active units with the group each is ranked in: those with a dossier in
    the group the dossier keeps (frozen when it was created), then those still without one in
    their group of today."""
    dossiers = [(unit, group) for unit, group in db.session.execute(
        select(Unit, Assessment.unit_group).join(Assessment, Assessment.unit_id == Unit.id)
        .where(Assessment.campaign_id == campaign.id, Unit.active,
               Assessment.unit_group.in_(pins)))]
    have = set(db.session.scalars(select(Assessment.unit_id)
                                  .where(Assessment.campaign_id == campaign.id)))
    waiting = [(unit, unit.group) for unit in db.session.scalars(
        select(Unit).where(Unit.active, Unit.group.in_(pins)).order_by(Unit.code))
        if unit.id not in have]
    return dossiers, waiting


def open_campaign(campaign: Campaign, *, actor_id: int | None) -> int:
    """Open the campaign and create the missing dossiers; the number created. Commits.

    Refused while the campaign is closed, or while some unit's domain has no reviewer who may
    appraise it (see `uncovered`).
    """
    if campaign.state == "closed":
        raise CampaignInputError({"state": _l("the campaign is closed")}, status=409)
    pins = {pin.unit_group: pin for pin in campaign.pins}
    dossiers, waiting = _members(campaign, pins)
    gaps = uncovered(campaign, dossiers + waiting)
    if gaps:
        names = group_labels()
        shown = "; ".join(
            f"{names.get(group, group)} / {domain}: {', '.join(codes[:5])}"
            + (" …" if len(codes) > 5 else "")
            for (group, _, domain), codes in ((pair.partition(" / "), codes)
                                              for pair, codes in gaps.items()))
        raise CampaignInputError({"reviewers": _l(
            "assign a reviewer (not of the unit itself) to every unit group and domain first: "
            "%(gaps)s", gaps=shown)}, status=409)
    new = [dossier_for(campaign, unit, pins[group].criteria_set_id,
                       pins[group].criteria_set_version) for unit, group in waiting]
    db.session.add_all(new)
    before = campaign.state
    campaign.state = "open"
    emit("campaign.opened", "campaign", campaign.id, actor_id=actor_id,
         before={"state": before}, after={"state": "open", "dossiers_created": len(new)})
    db.session.commit()
    return len(new)


def campaign_dict(campaign: Campaign) -> dict:
    return {"id": campaign.id, "year": campaign.year, "title": campaign.title,
            "state": campaign.state,
            "pins": {p.unit_group: f"{p.criteria_set_id}@{p.criteria_set_version}"
                     for p in campaign.pins},
            **{name: (getattr(campaign, name).astimezone(LOCAL_TIME).isoformat()
                      if getattr(campaign, name) else None) for name in DEADLINES}}
