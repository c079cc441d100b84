"""The administrator's campaigns (Kỳ đánh giá): the list with a sectioned form to create one, and
each campaign's page: its phases as a timeline, pins with each set's source note, its settings
(edited while a draft), the steps (open, close, reopen), "start from last year", and its
reviewers. Thin: server.campaigns checks and writes; a refusal re-renders the form with what was
typed and each problem beside its field."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from server import labels
from server.campaigns.campaign_workflow import (
    TRANSITION_LABELS,
    allowed_transitions,
    apply_campaign_transition,
)
from server.campaigns.criteria import criteria_registry
from server.campaigns.phases import timeline
from server.campaigns.reviewers import assignments
from server.campaigns.settings import DATES, OPENINGS, PHASES, TIE_COMPARE, TIE_RANKS
from server.campaigns.setup import (
    CampaignFields,
    CampaignInputError,
    create_campaign,
    uncovered,
    unverified,
    update_campaign,
)
from server.campaigns.successor import next_pins, start_from
from server.config import LOCAL_TIME
from server.extensions import db
from server.models import LEVELS, Assessment, Campaign, User
from server.people.groups import group_labels
from server.web.access import admin_only
from server.web.blueprint import bp

# Blank rows the form offers for new cut-off dates and bands.
SPARE_ROWS = 2


def _sets_by_group() -> dict[str, list]:
    """The installed criteria-set versions each active group may pin, by the groups' position:
    the sets of the group's level, or any set for a group not named after a level."""
    sets = criteria_registry().all()
    return {group: [s for s in sets if s.level == group or group not in LEVELS]
            for group in group_labels(include_inactive=False)}


def _form_context(errors=None, typed=None) -> dict:
    return {"sets_by_group": _sets_by_group(), "dates": DATES, "phases": PHASES,
            "tie_compare": TIE_COMPARE, "tie_ranks": TIE_RANKS,
            "unverified": unverified, "errors": errors or {}, "typed": typed or {},
            "spare_rows": SPARE_ROWS}


def _local_text(moment, opening: bool) -> str:
    """The stored instant as the form shows it: a plain date when it is the day's start (an
    opening) or end (a deadline), else the date and time."""
    if moment is None:
        return ""
    local = moment.astimezone(LOCAL_TIME)
    plain = (local.hour, local.minute, local.second) == ((0, 0, 0) if opening else (23, 59, 59))
    return local.strftime("%d/%m/%Y" if plain else "%d/%m/%Y %H:%M")


def _typed_from(campaign: Campaign) -> dict:
    """The form's values for a stored campaign."""
    return {"year": str(campaign.year), "title": campaign.title,
            "pins": {p.unit_group: f"{p.criteria_set_id}@{p.criteria_set_version}"
                     for p in campaign.pins},
            "deadlines": {name: _local_text(getattr(campaign, name), name in OPENINGS)
                          for name in DATES},
            "data_cutoffs": list(campaign.data_cutoffs or []), "survey": campaign.survey,
            "tie_compare": campaign.tie_compare or "", "tie_ranks": campaign.tie_ranks or "",
            "bands": [{**band, "min_components": "; ".join(
                f"{key}={value}" for key, value in band.get("min_components", {}).items())}
                for band in campaign.bands or []], "confirm_unverified": False}


def _rows(form, prefix: str, keys: tuple[str, ...]) -> list[dict]:
    """The filled rows of a repeated group of inputs (`prefix`_key_N), in order."""
    count = form.get(f"{prefix}_rows", "")
    count = int(count) if count.isdecimal() else 0
    rows = [{key: form.get(f"{prefix}_{key}_{n}", "").strip() for key in keys}
            for n in range(min(count, 50))]
    return [row for row in rows if any(row.values())]


def _typed_from_form(form) -> dict:
    return {"year": form.get("year", "").strip(), "title": form.get("title", ""),
            "pins": {name[len("pin_"):]: value for name, value in form.items()
                     if name.startswith("pin_")},
            "deadlines": {name: form.get(name, "").strip() for name in DATES},
            "data_cutoffs": _rows(form, "cutoff", ("label", "date")),
            "survey": form.get("survey") == "1",
            "tie_compare": form.get("tie_compare", ""), "tie_ranks": form.get("tie_ranks", ""),
            "bands": _rows(form, "band", ("key", "label", "min", "min_components")),
            "confirm_unverified": form.get("confirm_unverified") == "1"}


def _changes(typed: dict) -> dict:
    """The service's fields from what the form holds."""
    return {"year": int(typed["year"]) if typed["year"].isdecimal() else 0,
            "title": typed["title"],
            "pins": {group: ref for group, ref in typed["pins"].items() if ref},
            "deadlines": typed["deadlines"], "data_cutoffs": typed["data_cutoffs"],
            "survey": typed["survey"],
            "tie_rule": {"compare": typed["tie_compare"], "ranks": typed["tie_ranks"]},
            "bands": typed["bands"] or None}


def _problems(error: CampaignInputError, typed: dict) -> dict:
    errors = dict(error.problems)
    if not typed["year"].isdecimal():
        errors["year"] = _("Enter the year, e.g. 2025.")
    return errors


def _list_page(errors=None, typed=None, status=200):
    campaigns = list(db.session.scalars(select(Campaign).order_by(Campaign.year.desc(),
                                                                  Campaign.id.desc())))
    dossiers = dict(db.session.execute(select(Assessment.campaign_id, func.count())
                                       .group_by(Assessment.campaign_id)).all())
    # Next year is already under way: started from this campaign, or another of that year.
    years = {campaign.year for campaign in campaigns}
    started = {campaign.previous_id for campaign in campaigns if campaign.previous_id} | {
        campaign.id for campaign in campaigns if campaign.year + 1 in years}
    if typed is None:
        typed = {"survey": True, "data_cutoffs": [], "bands": []}
    return render_template("admin/campaigns.html", campaigns=campaigns, dossiers=dossiers,
                           started=started, **_form_context(errors, typed)), status


@bp.route("/admin/campaigns", methods=["GET", "POST"])
@login_required
def campaign_admin():
    admin_only()
    if request.method == "GET":
        return _list_page()
    typed = _typed_from_form(request.form)
    changes = _changes(typed)
    try:
        campaign = create_campaign(CampaignFields(
            **changes, confirm_unverified=typed["confirm_unverified"]),
            actor_id=current_user.id)
    except CampaignInputError as error:
        db.session.rollback()
        return _list_page(errors=_problems(error, typed), typed=typed, status=422)
    flash(_("Campaign %(title)s created. Assign the reviewers, then open it.",
            title=campaign.title))
    return redirect(url_for("web.campaign_page", campaign_id=campaign.id))


def _campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def campaign_page_response(campaign: Campaign, errors=None, typed=None, status=200,
                           reviewer_errors=None):
    """The campaign's page; the reviewer views render it too, with their form's problems."""
    rows = assignments(campaign.id)
    # The reviewers of every row, read at once (each row's `reviewer` then comes from the
    # session, not from one query per row).
    db.session.scalars(select(User).where(User.id.in_({row.reviewer_id for row in rows}))).all()
    reviewers = [u for u in db.session.scalars(select(User).where(User.active)
                                               .order_by(User.username))
                 if u.has_role("reviewer")]
    pins = [(pin, criteria_registry().get(pin.criteria_set_id, pin.criteria_set_version))
            for pin in sorted(campaign.pins, key=lambda p: p.unit_group)]
    domains = {}
    for _pin, criteria_set in pins:
        for domain in criteria_set.domains if criteria_set else ():
            domains.setdefault(domain.code, domain.title)
    previous = db.session.get(Campaign, campaign.previous_id) if campaign.previous_id else None
    successor = db.session.scalar(select(Campaign).where(Campaign.previous_id == campaign.id))
    return render_template(
        "admin/campaign.html", campaign=campaign, timeline=timeline(campaign), pins=pins,
        dossiers=db.session.scalar(select(func.count()).select_from(Assessment)
                                   .where(Assessment.campaign_id == campaign.id)),
        gaps=uncovered(campaign) if campaign.state != "closed" else {},
        transitions=allowed_transitions(campaign, current_user),
        transition_labels=TRANSITION_LABELS, rows=rows, reviewers=reviewers,
        domains=sorted(domains.items(), key=lambda item: (len(item[0]), item[0])),
        previous=previous, successor=successor, next_pins=next_pins(campaign),
        reviewer_errors=reviewer_errors or {},
        **_form_context(errors, typed or _typed_from(campaign))), status


@bp.route("/admin/campaigns/<int:campaign_id>", methods=["GET", "POST"])
@login_required
def campaign_page(campaign_id):
    admin_only()
    campaign = _campaign_or_404(campaign_id)
    if request.method == "GET":
        return campaign_page_response(campaign)
    typed = _typed_from_form(request.form)
    try:
        update_campaign(campaign, _changes(typed),
                        confirm_unverified=typed["confirm_unverified"],
                        actor_id=current_user.id)
    except CampaignInputError as error:
        db.session.rollback()
        if error.status == 409:
            flash(next(iter(error.problems.values())), "error")
            return redirect(url_for("web.campaign_page", campaign_id=campaign_id))
        return campaign_page_response(campaign, _problems(error, typed), typed, 422)
    flash(_("The campaign's settings have been saved."))
    return redirect(url_for("web.campaign_page", campaign_id=campaign_id))


@bp.route("/admin/campaigns/<int:campaign_id>/transition", methods=["POST"])
@login_required
def campaign_transition(campaign_id):
    return _step(campaign_id, request.form.get("transition", ""))


def _step(campaign_id: int, key: str):
    admin_only()
    campaign = _campaign_or_404(campaign_id)
    try:
        job = apply_campaign_transition(campaign, key, current_user,
                                        request.form.get("reason", ""),
                                        request.form.get("closes_at") or None)
    except CampaignInputError as error:
        db.session.rollback()
        flash(next(iter(error.problems.values())), "error")
    else:
        if job is not None:  # opening: the worker creates the dossiers, its page follows it
            return redirect(url_for("web.job_page", job_id=job.id))
        flash(_("The campaign is now %(state)s.", state=labels.CAMPAIGN_STATES[campaign.state]))
    return redirect(url_for("web.campaign_page", campaign_id=campaign_id))


@bp.route("/admin/campaigns/<int:campaign_id>/successor", methods=["POST"])
@login_required
def campaign_successor(campaign_id):
    admin_only()
    previous = _campaign_or_404(campaign_id)
    try:
        campaign = start_from(previous, actor=current_user,
                              confirm_unverified=request.form.get("confirm_unverified") == "1")
    except CampaignInputError as error:
        db.session.rollback()
        for message in error.problems.values():
            flash(message, "error")
        return redirect(url_for("web.campaign_page", campaign_id=campaign_id))
    flash(_("Campaign %(title)s has been started from %(previous)s as a draft: review its "
            "dates and settings, then open it.", title=campaign.title, previous=previous.title))
    return redirect(url_for("web.campaign_page", campaign_id=campaign.id))
