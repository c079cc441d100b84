"""Pages of the appraisal council: the reviewer's queue and the per-dossier appraisal screen.

Thin: every decision is made by server.appraisal.decisions (the same service as the API); a refusal
re-renders the screen with the reviewer's input kept and each message beside its field.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from server.appraisal import decisions as appraisal
from server.appraisal import explanations
from server.appraisal.dossier_steps import (
    APPRAISAL_TRANSITIONS,
    available_transitions,
)
from server.appraisal.queue import reviewer_queue
from server.assessment import self_assessment as sa
from server.campaigns.workflow import STATES, TRANSITION_LABELS
from server.extensions import db
from server.models import Campaign
from server.web.blueprint import bp
from server.web.forms import posted_value, whole_number
from server.web.workflow_views import take_step


@bp.route("/appraisal")
@login_required
def appraisal_queue():
    if not (current_user.has_role("reviewer") or current_user.has_role("admin")):
        abort(403)
    chosen = request.args.get("campaign", "")
    campaign_id = whole_number(chosen)
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.year.desc())).all()
    return render_template("appraisal/queue.html",
                           entries=reviewer_queue(current_user, campaign_id),
                           campaigns=campaigns, campaign_id=campaign_id, states=STATES)


def appraisal_assessment_or_404(assessment_id: int):
    """The assessment if the current user may read it or appraise it; 404 alike otherwise."""
    try:
        return appraisal.get_assessment(assessment_id, current_user)
    except sa.NotFound:
        abort(404)


def _render(assessment, code=None, typed=None, problems=(), newer=None, status=200):
    try:
        view = appraisal.appraisal_view(assessment, current_user)
    except sa.Forbidden:
        abort(403)
    criteria_set = sa.criteria_set_for(assessment)
    errors = {}
    for problem in problems:
        errors.setdefault((problem.field or "code").split(".")[0], []).append(problem.message)
    return render_template(
        "appraisal/page.html", assessment=assessment, view=view, cs=criteria_set,
        leaves={leaf.code: leaf for leaf in criteria_set.leaves()},
        domains={d.code: d for d in criteria_set.domains},
        links=sa.links_by_code(assessment), replies=explanations.replies_by_code(assessment),
        editable=assessment.state in appraisal.APPRAISAL_STATES, states=STATES,
        transitions=[t for t in available_transitions(assessment, current_user)
                     if t.key in APPRAISAL_TRANSITIONS],
        transition_labels=TRANSITION_LABELS, explanation_deadline=explanations.local_deadline(
            assessment), failed=code, typed=typed or {}, errors=errors, newer=newer or {}), status


@bp.route("/assessments/<int:assessment_id>/appraisal")
@login_required
def appraisal_page(assessment_id):
    return _render(appraisal_assessment_or_404(assessment_id))


@bp.route("/assessments/<int:assessment_id>/appraisal/items/<code>", methods=["POST"])
@login_required
def appraisal_item(assessment_id, code):
    assessment = appraisal_assessment_or_404(assessment_id)
    criteria_set = sa.criteria_set_for(assessment)
    try:
        leaf = criteria_set.leaf(code)
    except KeyError:
        abort(404)
    action = request.form.get("action", "")
    version = request.form.get("version", "").strip()
    typed = {"value": posted_value(leaf, request.form),
             "not_applicable": request.form.get(f"na-{code}") == "1",
             "reason": request.form.get("reason", ""), "version": version}
    try:
        appraisal.appraise(assessment, current_user, code, action, value=typed["value"],
                           not_applicable=typed["not_applicable"], reason=typed["reason"],
                           version=whole_number(version))
    except sa.Forbidden:
        abort(403)
    except sa.StaleWrite as error:
        flash(str(error), "error")
        return _render(assessment, code, typed, error.problems, error.current, 409)
    except sa.SelfAssessmentError as error:
        flash(str(error), "error")
        return _render(assessment, code, typed, error.problems, status=error.status)
    flash(_("Saved: %(code)s.", code=code), "info")
    return redirect(url_for("web.appraisal_page", assessment_id=assessment.id,
                            _anchor=f"leaf-{code}"))


@bp.route("/assessments/<int:assessment_id>/appraisal/accept-untouched", methods=["POST"])
@login_required
def appraisal_accept_untouched(assessment_id):
    assessment = appraisal_assessment_or_404(assessment_id)
    domain = request.form.get("domain", "")
    back = redirect(url_for("web.appraisal_page", assessment_id=assessment.id,
                            _anchor=f"domain-{domain}"))
    if request.form.get("confirm") != "1":
        flash(_("Tick the confirmation to accept every untouched item of domain %(domain)s.",
                domain=domain), "error")
        return _render(assessment, status=422)
    try:
        codes = appraisal.accept_untouched(assessment, current_user, domain)
    except sa.Forbidden:
        abort(403)
    except sa.SelfAssessmentError as error:
        flash(str(error), "error")
        return _render(assessment, status=error.status)
    flash(_("Accepted the unit's input for %(count)s untouched items of domain %(domain)s.",
            count=len(codes), domain=domain), "info")
    return back


@bp.route("/assessments/<int:assessment_id>/appraisal/steps", methods=["POST"])
@login_required
def appraisal_step(assessment_id):
    """A workflow step taken from the appraisal screen (start, request the explanation,
    complete); the same service as the workflow page."""
    assessment = appraisal_assessment_or_404(assessment_id)
    back = redirect(url_for("web.appraisal_page", assessment_id=assessment.id))
    key = request.form.get("transition", "")
    if key not in APPRAISAL_TRANSITIONS:
        abort(404)
    return take_step(assessment, key, back)
