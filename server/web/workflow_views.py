"""Pages for the workflow: an assessment's state, steps and history; the audit log; reviewer
assignments. Thin: every decision is made by the services the API also calls."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from server.appraisal.dossier_steps import available_transitions, take_transition
from server.appraisal.gaps import dossier_gaps
from server.assessment.self_assessment import sign_off
from server.audit.log import AuditFilters, assessment_history, audit_page
from server.campaigns.workflow import STATES, TRANSITION_LABELS, TRANSITIONS, TransitionError
from server.extensions import db
from server.models import Assessment, Campaign, Unit, User
from server.people.permissions import audit_scope, can_read_unit
from server.web.access import admin_only
from server.web.blueprint import bp
from server.web.forms import LogoutForm as CsrfForm
from server.web.forms import whole_number


def _readable_assessment(assessment_id: int) -> Assessment:
    # Another unit's dossier is answered like one that does not exist: ids reveal nothing.
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or not can_read_unit(current_user, assessment.unit_id):
        abort(404)
    return assessment


@bp.route("/assessments/<int:assessment_id>/workflow")
@login_required
def assessment_workflow(assessment_id):
    assessment = _readable_assessment(assessment_id)
    transitions = available_transitions(assessment, current_user)
    keys = {t.key for t in transitions}
    # What the submit and finalise steps will ask to confirm.
    unanswered = sign_off(assessment).totals["unanswered"] if "submit" in keys else 0
    gaps = dossier_gaps([assessment]) if "finalise" in keys else []
    return render_template(
        "assessment_workflow.html", assessment=assessment, states=STATES,
        transition_labels=TRANSITION_LABELS, transitions=transitions,
        history=assessment_history(assessment), unanswered=unanswered, gaps=gaps)


@bp.route("/assessments/<int:assessment_id>/transitions", methods=["POST"])
@login_required
def assessment_transition(assessment_id):
    assessment = _readable_assessment(assessment_id)
    back = redirect(url_for("web.assessment_workflow", assessment_id=assessment.id))
    if not CsrfForm().validate_on_submit():
        flash(_("The form has expired; please try again."), "warning")
        return back
    return take_step(assessment, request.form.get("transition", ""), back)


def take_step(assessment: Assessment, key: str, back, done: str | None = None):
    """Take the workflow step `key` with the posted reason, commit, flash the outcome (`done`,
    or the new state) or the refusal, and return `back`. Every page's step buttons end here."""
    try:
        take_transition(assessment, key, current_user, request.form.get("reason", ""),
                        confirm_unanswered=request.form.get("confirm_unanswered") == "1",
                        confirm_gaps=request.form.get("confirm_gaps") == "1")
        db.session.commit()
    except TransitionError as error:
        db.session.rollback()
        flash(str(error), "warning")
        return back
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone else changed this assessment meanwhile; please check and try again."),
              "warning")
        return back
    flash(done or _("Done: %(transition)s. The assessment is now %(state)s.",
                    transition=TRANSITION_LABELS[key], state=STATES[TRANSITIONS[key].target]),
          "info")
    return back


def _int_arg(name):
    value = request.args.get(name, "")
    return whole_number(value)


def _date_arg(name):
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/audit")
@login_required
def audit():
    scope = audit_scope(current_user)
    if scope is not None and not scope:
        abort(403)
    filters = AuditFilters(action=request.args.get("action") or None,
                           unit_id=_int_arg("unit_id"), actor_id=_int_arg("actor_id"),
                           date_from=_date_arg("from"), date_to=_date_arg("to"))
    page = audit_page(scope, filters, max(_int_arg("page") or 1, 1), 50)
    units = db.session.scalars(select(Unit).order_by(Unit.code)
                               .where(*(() if scope is None else (Unit.id.in_(scope),)))).all()
    actors = db.session.scalars(select(User).order_by(User.username)).all() \
        if scope is None else []
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("audit.html", page=page, filters=filters, units=units,
                           actors=actors, query=query)



@bp.route("/admin/reviewers")
@login_required
def reviewer_assignments():
    """Reviewers are assigned on each campaign's page: the menu entry leads there (the chosen
    campaign, else the latest)."""
    admin_only()
    chosen = _int_arg("campaign")
    campaign = db.session.get(Campaign, chosen) if chosen else db.session.scalars(
        select(Campaign).order_by(Campaign.year.desc(), Campaign.id.desc())).first()
    if chosen and campaign is None:
        abort(404)
    if campaign is None:
        return redirect(url_for("web.campaign_admin"))
    return redirect(url_for("web.campaign_page", campaign_id=campaign.id) + "#reviewers")
