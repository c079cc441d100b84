"""The administrator's publication page: per unit group, how far the dossiers are, the publish
form, the publications with what each correction changed and whether the data has drifted;
and the campaign's ranking settings. Every decision is made by the services the API calls."""

from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from server.campaigns.criteria import criteria_registry
from server.campaigns.settings import TIE_COMPARE, TIE_RANKS
from server.campaigns.workflow import STATES
from server.downloads import xlsx_download
from server.extensions import db
from server.models import Assessment, Campaign, Publication, Unit, User
from server.results.imported import (
    ImportedResultsError,
    ImportRequest,
    find_criteria_set,
    import_results,
    write_template,
)
from server.results.publication_status import (
    drift,
    group_statuses,
    workbook_name,
    write_publication_workbook,
)
from server.results.publications import (
    PublicationError,
    group_gaps,
    imported_source,
    publications,
)
from server.results.publishing import queue_publication
from server.results.ranking_settings import (
    KEEP,
    SettingsError,
    not_ranked_units,
    update_ranking_settings,
)
from server.results.workbook_jobs import file_response, publication_workbook_job
from server.web.blueprint import bp
from server.web.filters import points
from server.web.forms import LogoutForm as CsrfForm

CHANGE_FIELDS = {"rank": _l("Rank"), "ranked": _l("Ranked"), "total": _l("Total points"),
                 "index": _l("Index (%)"), "classification": _l("Classification"),
                 "unit": _l("Unit in the group")}


def _admin_campaign(campaign_id: int) -> Campaign:
    if not current_user.has_role("admin"):
        abort(403)
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


@bp.route("/admin/publications")
@login_required
def publications_home():
    if not current_user.has_role("admin"):
        abort(403)
    campaign = db.session.scalars(
        select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())).first()
    if campaign is None:
        return render_template("publications/admin.html", campaign=None, **_import_context())
    return redirect(url_for("web.campaign_publications", campaign_id=campaign.id))


def _import_context(errors=None, problems=None, form=None) -> dict:
    """What the form importing a past year's published results needs."""
    return {"criteria_sets": criteria_registry().all(), "tie_compare": TIE_COMPARE,
            "tie_ranks": TIE_RANKS, "import_errors": errors or {},
            "import_problems": problems or [], "import_form": form or {}}


def _domain_titles(publication: Publication) -> dict[str, str]:
    criteria_set = criteria_registry().get(publication.criteria_set_id,
                                           publication.criteria_set_version)
    return {d.code: d.title for d in criteria_set.domains} if criteria_set else {}


def _change_label(field: str, domain_titles: dict) -> str:
    if field.startswith("domain:"):
        code = field.partition(":")[2]
        return _("Domain %(code)s. %(title)s", code=code, title=domain_titles.get(code, ""))
    return str(CHANGE_FIELDS.get(field, field))


def _value_text(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        try:
            return points(Decimal(value))
        except InvalidOperation:
            return value
    return points(value)


def _publication_view(publication: Publication, publisher: User | None) -> dict:
    titles = _domain_titles(publication)
    return {"publication": publication, "publisher": publisher,
            "published_at": publication.published_at,
            "changes": [{**c, "label": _change_label(c["field"], titles),
                         "before_text": _value_text(c["before"]),
                         "after_text": _value_text(c["after"])} for c in publication.changes]}


def _group_view(campaign: Campaign, status) -> dict:
    rows = publications(campaign.id, status.group)
    publishers = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_({p.published_by for p in rows})))} if rows else {}
    imported = bool(rows) and rows[0].imported
    return {
        "status": status,
        "publications": [_publication_view(p, publishers.get(p.published_by)) for p in rows],
        # Imported figures are the decision's: no data here to drift, nothing to publish.
        "drift": drift(rows[0]) if rows and not imported else None,
        "imported_source": imported_source(rows[0]) if imported else None,
        "gaps": None if imported else group_gaps(campaign, status.group),
    }


def _page(campaign: Campaign, *, publish_errors=None, publish_group=None, form=None,
          settings_errors=None, status_code=200, import_context=None):
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.year.desc())).all()
    groups = [_group_view(campaign, status) for status in group_statuses(campaign)]
    set_rules = {}
    for pin in campaign.pins:
        criteria_set = criteria_registry().get(pin.criteria_set_id, pin.criteria_set_version)
        if criteria_set is not None:
            set_rules[pin.unit_group] = criteria_set.tie_rule
    units = db.session.execute(
        select(Unit.code, Unit.name, Assessment.unit_group.label("group"))
        .join(Assessment, Assessment.unit_id == Unit.id)
        .where(Assessment.campaign_id == campaign.id, Assessment.ranked.is_(True))
        .order_by(Assessment.unit_group, Unit.code)).all()
    return render_template(
        "publications/admin.html", campaign=campaign, campaigns=campaigns,
        groups=groups, states=STATES, set_rules=set_rules,
        not_ranked=not_ranked_units(campaign), rankable_units=units,
        publish_errors=publish_errors or {}, publish_group=publish_group, form=form or {},
        settings_errors=settings_errors or {},
        **(import_context or _import_context())), status_code


@bp.route("/admin/campaigns/<int:campaign_id>/publications", methods=["GET", "POST"])
@login_required
def campaign_publications(campaign_id):
    campaign = _admin_campaign(campaign_id)
    if request.method == "GET":
        return _page(campaign)
    if not CsrfForm().validate_on_submit():
        abort(400)
    group = request.form.get("group", "")
    reason = request.form.get("reason", "")
    if not request.form.get("confirm"):
        return _page(campaign, publish_group=group, form=request.form, status_code=422,
                     publish_errors={"confirm": _("Tick the box to confirm the publication.")})
    try:
        job = queue_publication(campaign, group, current_user, reason,
                                confirm_gaps=request.form.get("confirm_gaps") == "1")
    except PublicationError as error:
        db.session.rollback()
        if campaign.pin_for(group) is None:  # no section of the page to show it beside
            flash(str(error), "warning")
        return _page(campaign, publish_group=group, form=request.form,
                     publish_errors={field: str(error) for field in error.fields or ["group"]},
                     status_code=error.status)
    db.session.commit()
    # The worker ranks and freezes the group; the job's page follows it to the ranking.
    return redirect(url_for("web.job_page", job_id=job.id))


@bp.route("/admin/publications/import", methods=["POST"])
@login_required
def publication_import():
    """Import a past year's published results; a refusal shows the form again with the field
    or every bad row of the file."""
    if not current_user.has_role("admin"):
        abort(403)
    if not CsrfForm().validate_on_submit():
        abort(400)
    form = request.form
    upload = request.files.get("file")
    errors, problems = {}, []
    year = form.get("year", "").strip()
    if upload is None or not upload.filename:
        errors["file"] = _("Choose an .xlsx or .csv file.")
    if not year.isdecimal():
        errors["year"] = _("must be a year such as 2024")
    if not errors:
        import_request = ImportRequest(
            int(year), form.get("group", ""), form.get("criteria_set", ""),
            form.get("source", ""), form.get("tie_compare", ""), form.get("tie_ranks", ""),
            form.get("reason", ""))
        try:
            publication = import_results(import_request, upload.filename, upload.read(),
                                         current_user)
        except ImportedResultsError as error:
            problems = error.problems
        except PublicationError as error:
            errors[error.field or "group"] = str(error)
        else:
            flash(_("The published results of %(year)s have been imported: publication "
                    "%(number)s, %(units)s units.", year=year, number=publication.number,
                    units=len(publication.results["ranking"]["rows"])), "info")
            return redirect(url_for("web.campaign_publications",
                                    campaign_id=publication.campaign_id) + "#group-"
                            + publication.unit_group)
    db.session.rollback()
    context = _import_context(errors, problems, form)
    campaign = db.session.scalars(
        select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())).first()
    if campaign is None:
        return render_template("publications/admin.html", campaign=None, **context), 422
    return _page(campaign, import_context=context, status_code=422)


@bp.route("/admin/publications/import-template.xlsx")
@login_required
def publication_import_template():
    if not current_user.has_role("admin"):
        abort(403)
    criteria_set = find_criteria_set(request.args.get("criteria_set", "")) \
        if "@" in request.args.get("criteria_set", "") else None
    if criteria_set is None:
        abort(404)
    return xlsx_download(lambda buffer: write_template(criteria_set, buffer),
                         f"mau-ket-qua-da-cong-bo-{criteria_set.id}.xlsx")


@bp.route("/admin/campaigns/<int:campaign_id>/ranking-settings", methods=["POST"])
@login_required
def campaign_ranking_settings(campaign_id):
    campaign = _admin_campaign(campaign_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    current = [{"unit_code": row["unit_code"], "reason": row["reason"]}
               for row in not_ranked_units(campaign)]
    tie_rule, not_ranked = KEEP, KEEP
    if action == "tie_rule":
        tie_rule = {"compare": request.form.get("compare") or None,
                    "ranks": request.form.get("ranks") or None}
    elif action == "not_ranked":
        not_ranked = [*current, {"unit_code": request.form.get("unit_code", ""),
                                 "reason": request.form.get("not_ranked_reason", "")}]
    elif action == "rank_again":
        not_ranked = [row for row in current
                      if row["unit_code"] != request.form.get("unit_code")]
    else:
        abort(400)
    try:
        update_ranking_settings(campaign, current_user, tie_rule=tie_rule,
                                not_ranked=not_ranked)
    except SettingsError as error:
        db.session.rollback()
        # The new entry is the last of the list: show its problems beside the add form.
        errors = {field.rpartition(".")[2] if field.startswith("not_ranked.") else field:
                  str(message) for field, message in error.errors.items()}
        return _page(campaign, form=request.form, settings_errors=errors, status_code=422)
    db.session.commit()
    flash(_("The ranking settings have been saved."), "info")
    return redirect(url_for("web.campaign_publications", campaign_id=campaign.id)
                    + "#ranking-settings")


@bp.route("/publications/<int:publication_id>/ranking.xlsx")
@login_required
def publication_workbook(publication_id):
    """A publication's workbook; published results are open to every signed-in user."""
    publication = db.session.get(Publication, publication_id)
    if publication is None:
        abort(404)
    job = publication_workbook_job(publication, current_user)
    if job is not None:  # a large group: written once by the worker
        db.session.commit()
        db.session.refresh(job)
        return file_response(job) if job.state == "done" else \
            redirect(url_for("web.job_page", job_id=job.id))
    try:
        return xlsx_download(lambda buffer: write_publication_workbook(publication, buffer),
                             workbook_name(publication))
    except PublicationError:
        abort(500)
