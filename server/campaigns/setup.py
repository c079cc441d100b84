"""Starting a year: create a campaign with its pins, phases and settings, edit it while it is a
draft, then open it.

One service for the API, the page and the CLI. A campaign is created in `draft`: the year, a
title, for each unit group the criteria-set version it pins, the phase dates in Vietnam time (in
order), the data cut-off dates, whether the survey runs, and the tie rule and bands where they
override the set's (see `settings`). A pin of a set whose wording or points are not verified
against the official text is refused unless the administrator confirms it, so nobody ranks units
on a guess by accident. Opening creates one dossier per active unit of each pinned group; it may
be run again and then only adds the dossiers of units added since.
"""

from dataclasses import asdict, dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server import labels
from server.campaigns.criteria import criteria_registry
from server.campaigns.pins import PinError, pin_criteria_set
from server.campaigns.reviewers import assignments, reaches
from server.campaigns.settings import (
    DATES,
    clean_bands,
    clean_cutoffs,
    clean_dates,
    clean_tie_rule,
    order_problems,
    unknown_band_components,
)
from server.config import LOCAL_TIME
from server.events import emit
from server.extensions import db
from server.models import Assessment, Campaign, Unit, dossier_for
from server.people.groups import group_labels, unknown_group_message

# The dates an administrator sets, by name (the keys of the API's `deadlines`).
DEADLINES = tuple(DATES)
# What an edit may change; absent keys keep their value.
EDITABLE = ("year", "title", "pins", "deadlines", "data_cutoffs", "survey", "tie_rule", "bands")


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
    data_cutoffs: list[dict] = field(default_factory=list)  # [{"label", "date"}]
    survey: bool = True
    tie_rule: dict | None = None  # {"compare", "ranks"}; None: the criteria set's
    bands: list[dict] | None = None  # [{"key", "label", "min"}]; None: the criteria set's


def create_campaign(fields: CampaignFields, *, actor_id: int | None) -> Campaign:
    """A new campaign in `draft`, or CampaignInputError naming every bad field; commits."""
    changes = asdict(fields)
    confirm = changes.pop("confirm_unverified")
    campaign = Campaign(state="draft", data_cutoffs=[], survey=True)
    _apply(campaign, changes, confirm)
    db.session.add(campaign)
    db.session.flush()
    emit("campaign.created", "campaign", campaign.id, actor_id=actor_id,
         after={**_audited(campaign), "unverified_confirmed": confirm})
    db.session.commit()
    return campaign


def update_campaign(campaign: Campaign, changes: dict, *, confirm_unverified: bool = False,
                    actor_id: int | None) -> Campaign:
    """Change a draft campaign's settings: the keys of `changes` (see EDITABLE) replace theirs,
    `deadlines` date by date (an empty one clears it). Refused (409) once the campaign has
    opened, or (422) naming every bad field; commits, or writes nothing."""
    if campaign.state != "draft":
        raise CampaignInputError({"state": _l(
            "only a draft campaign is edited; this one is %(state)s",
            state=labels.CAMPAIGN_STATES[campaign.state])}, status=409)
    unknown = {name: _l("cannot be changed") for name in changes if name not in EDITABLE}
    if unknown:
        raise CampaignInputError(unknown)
    before = _audited(campaign)
    try:
        _apply(campaign, changes, confirm_unverified)
    except CampaignInputError:
        db.session.rollback()
        raise
    after = _audited(campaign)
    changed = [name for name in after if after[name] != before[name]]
    if changed:
        emit("campaign.updated", "campaign", campaign.id, actor_id=actor_id,
             before={name: before[name] for name in changed},
             after={name: after[name] for name in changed} | (
                 {"unverified_confirmed": True} if confirm_unverified else {}))
    db.session.commit()
    return campaign


def _apply(campaign: Campaign, changes: dict, confirm_unverified: bool) -> None:
    """Check every change against the campaign's other values, then write them all; or raise
    CampaignInputError having changed nothing."""
    problems = {}
    if "year" in changes and not (isinstance(changes["year"], int)
                                  and 2000 <= changes["year"] <= 2100):
        problems["year"] = _l("must be a year between 2000 and 2100")
    if "title" in changes and not str(changes["title"] or "").strip():
        problems["title"] = _l("must not be empty")
    dates = {name: getattr(campaign, name) for name in DATES}
    given, found = clean_dates(changes.get("deadlines") or {})
    problems.update(found)
    dates.update(given)
    if not found:
        problems.update(order_problems(dates))
    cutoffs, found = clean_cutoffs(changes.get("data_cutoffs", []))
    problems.update(found)
    tie_rule, found = clean_tie_rule(changes.get("tie_rule"))
    problems.update(found)
    bands, found = clean_bands(changes.get("bands"))
    problems.update(found)
    pins = None
    if "pins" in changes:
        pins, found = _checked_pins(changes["pins"] or {}, campaign, confirm_unverified)
        problems.update(found)
    if "bands" in changes and not problems:
        refs = pins.values() if pins is not None else [
            (pin.criteria_set_id, pin.criteria_set_version) for pin in campaign.pins]
        problems.update(unknown_band_components(
            bands, [found for set_id, version in refs
                    if (found := criteria_registry().get(set_id, version)) is not None]))
    if problems:
        raise CampaignInputError(problems)
    if "year" in changes:
        campaign.year = changes["year"]
    if "title" in changes:
        campaign.title = changes["title"].strip()
    for name, moment in dates.items():
        setattr(campaign, name, moment)
    if "data_cutoffs" in changes:
        campaign.data_cutoffs = cutoffs
    if "survey" in changes:
        campaign.survey = bool(changes["survey"])
    if "tie_rule" in changes:
        campaign.tie_compare, campaign.tie_ranks = tie_rule
    if "bands" in changes:
        campaign.bands = bands
    if pins is not None:
        _replace_pins(campaign, pins)


def _checked_pins(wanted: dict, campaign: Campaign, confirm_unverified: bool
                  ) -> tuple[dict, dict]:
    """{group: (set id, version)} of the wanted pins, and the problems: an unknown group, a set
    not installed or of another level, an unverified set the administrator did not confirm (a
    pin the campaign already holds was confirmed when it was made)."""
    problems, pins = {}, {}
    if not wanted:
        problems["pins"] = _l("pin a criteria set for at least one unit group")
    groups = group_labels(include_inactive=False)
    for group, reference in sorted(wanted.items()):
        key = f"pins.{group}"
        if group not in groups:
            problems[key] = unknown_group_message(group, groups)
            continue
        set_id, _, version = str(reference).partition("@")
        held = campaign.pin_for(group)
        if held is not None and (held.criteria_set_id, held.criteria_set_version) == (
                set_id, version):
            pins[group] = (set_id, version)
            continue
        criteria_set = criteria_registry().get(set_id, version or None)
        if unverified(criteria_set) and not confirm_unverified:
            checked = criteria_set.verification()
            problems[key] = _l(
                "%(set)s is not verified against the official text (%(unverified)s of %(nodes)s "
                "items unverified; %(note)s): confirm to pin it anyway",
                set=f"{set_id}@{criteria_set.version}", unverified=checked["unverified"],
                nodes=checked["nodes"], note=criteria_set.source_note or "–")
            continue
        try:
            # The pin's own checks (exact version, installed, the group's level), on a scratch
            # campaign so that nothing is written before every field is checked.
            pin_criteria_set(Campaign(), group, set_id, version)
        except PinError as error:
            problems[key] = str(error)
            continue
        pins[group] = (set_id, version)
    return pins, problems


def unverified(criteria_set) -> bool:
    """Whether pinning the set needs the administrator's confirmation."""
    return criteria_set is not None and (
        not criteria_set.verified or bool(criteria_set.verification()["unverified"]))


def _replace_pins(campaign: Campaign, pins: dict) -> None:
    """A draft's pins become `pins`; no dossier exists yet, so a pin may still be replaced."""
    stale = [pin for pin in campaign.pins
             if pins.get(pin.unit_group) != (pin.criteria_set_id, pin.criteria_set_version)]
    for pin in stale:
        campaign.pins.remove(pin)
    if stale and campaign.id is not None:
        db.session.flush()  # the unique (campaign, group) row goes before its replacement
    for group, (set_id, version) in sorted(pins.items()):
        pin_criteria_set(campaign, group, set_id, version)


def _audited(campaign: Campaign) -> dict:
    return {name: value for name, value in campaign_dict(campaign).items()
            if name not in ("id", "state")}


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


def units_to_open(campaign: Campaign) -> list[tuple[Unit, str]]:
    """The active units (with their group) that opening the campaign gives a dossier, or
    CampaignInputError (409) while the campaign is closed, or while some unit's domain has no
    reviewer who may appraise it (see `uncovered`)."""
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
    return waiting


def create_dossiers(campaign: Campaign, *, actor_id: int | None) -> int:
    """Open the campaign and add the missing dossiers (the caller commits); the number
    created. Refused as `units_to_open` says."""
    waiting = units_to_open(campaign)
    pins = {pin.unit_group: pin for pin in campaign.pins}
    new = [dossier_for(campaign, unit, pins[group].criteria_set_id,
                       pins[group].criteria_set_version) for unit, group in waiting]
    db.session.add_all(new)
    before = campaign.state
    campaign.state = "open"
    emit("campaign.opened", "campaign", campaign.id, actor_id=actor_id,
         before={"state": before}, after={"state": "open", "dossiers_created": len(new)})
    return len(new)


def open_campaign(campaign: Campaign, *, actor_id: int | None) -> int:
    """Open the campaign and create the missing dossiers at once; the number created. Commits.
    (The API, the page and the CLI queue it as a job: server.campaigns.opening.)"""
    created = create_dossiers(campaign, actor_id=actor_id)
    db.session.commit()
    return created


def campaign_dict(campaign: Campaign) -> dict:
    return {"id": campaign.id, "year": campaign.year, "title": campaign.title,
            "state": campaign.state,
            "pins": {p.unit_group: f"{p.criteria_set_id}@{p.criteria_set_version}"
                     for p in campaign.pins},
            **{name: (getattr(campaign, name).astimezone(LOCAL_TIME).isoformat()
                      if getattr(campaign, name) else None) for name in DEADLINES},
            "data_cutoffs": list(campaign.data_cutoffs or []), "survey": campaign.survey,
            "tie_rule": ({"compare": campaign.tie_compare, "ranks": campaign.tie_ranks}
                         if campaign.tie_compare and campaign.tie_ranks else None),
            "bands": campaign.bands, "previous_id": campaign.previous_id}
