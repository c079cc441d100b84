"""Pages of the unit's self-assessment: the form, sign-off and submission, withdrawal.

Thin: every check and write is in `server.assessment.self_assessment`; a refusal re-renders the
form with everything the user typed and each problem beside its field.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.assessment import evidence
from server.assessment import self_assessment as sa
from server.campaigns.workflow import STATES, UNIT_EDITABLE_STATES, allowed_transitions
from server.extensions import db
from server.models import Assessment
from server.people.permissions import can_edit_unit, own_unit_ids, roles_for_unit
from server.web.blueprint import bp
from server.web.forms import posted_value, whole_number


def assessment_or_404(assessment_id: int) -> Assessment:
    """The assessment if the current user may read it; 404 alike when absent or not theirs."""
    try:
        return sa.get_assessment(assessment_id, current_user)
    except sa.NotFound:
        abort(404)


@bp.route("/assessments")
@login_required
def assessments():
    query = db.select(Assessment).order_by(Assessment.id.desc())
    if not roles_for_unit(current_user, None):  # unit roles only: their own units
        query = query.where(Assessment.unit_id.in_(own_unit_ids(current_user) or {-1}))
    return render_template("assessment/list.html", assessments=db.session.scalars(query).all(),
                           states=STATES)


def form_items(criteria_set, form) -> dict:
    """The posted form as service items: code -> {value, not_applicable, explanation, version}.

    Only sub-criteria whose version field was posted are taken, so a page showing one domain
    saves that domain only.
    """
    items = {}
    for leaf in criteria_set.leaves():
        code = leaf.code
        if leaf.source != sa.SELF or f"ver-{code}" not in form:
            continue
        version = form.get(f"ver-{code}", "").strip()
        items[code] = {"value": posted_value(leaf, form),
                       "not_applicable": form.get(f"na-{code}") == "1",
                       "explanation": form.get(f"ex-{code}", ""),
                       "version": whole_number(version),
                       # A record-fed item's "use the proposal" box.
                       "use_proposal": form.get(f"use-{code}") == "1"}
    return items


def _render_form(assessment, typed=None, problems=(), newer=None, status=200):
    criteria_set = sa.criteria_set_for(assessment)
    rows = sa.self_rows(assessment)
    stored = {code: sa.row_dict(row) for code, row in rows.items()}
    figures, _result = sa.totals(assessment, rows)
    by_field = {}
    for problem in problems:
        # A part of the value ("value.achieved") is shown beside the value's widget.
        field = (problem.field or "value").split(".")[0]
        by_field.setdefault((problem.code, field), []).append(problem.message)
    editable = assessment.state in UNIT_EDITABLE_STATES and can_edit_unit(
        current_user, assessment.unit_id)
    return render_template(
        "assessment/form.html", assessment=assessment, cs=criteria_set, stored=stored,
        typed=typed or {}, newer=newer or {}, errors=by_field, totals=figures,
        links=sa.links_by_code(assessment), editable=editable, states=STATES,
        proposals=sa.record_proposals(assessment, criteria_set),
        library=evidence.library(assessment.campaign_id, assessment.unit_id),
        deadline=sa.local_deadline(assessment),
        excluded=sa.excluded_items(assessment, criteria_set),
        transitions=[t.key for t in allowed_transitions(assessment, current_user)],
        domain=request.values.get("domain"),
        chosen={key[5:]: value for key, value in request.form.items()
                if key.startswith("link-")}), status


@bp.route("/assessments/<int:assessment_id>", methods=["GET", "POST"])
@login_required
def assessment_form(assessment_id):
    assessment = assessment_or_404(assessment_id)
    if request.method == "GET":
        return _render_form(assessment)
    criteria_set = sa.criteria_set_for(assessment)
    items = form_items(criteria_set, request.form)
    typed = {code: {**item, "version": item["version"]} for code, item in items.items()}
    links = {leaf.code: [int(chosen)] for leaf in criteria_set.leaves()
             if (chosen := request.form.get(f"link-{leaf.code}", "")).isdecimal()}
    try:
        sa.save_answers(assessment, current_user, items, links)
    except sa.StaleWrite as error:
        flash(str(error), "error")
        return _render_form(assessment, typed, error.problems, error.current, 409)
    except sa.SelfAssessmentError as error:
        flash(str(error), "error")
        return _render_form(assessment, typed, error.problems, status=error.status)
    flash(_("Saved."), "info")
    domain = request.form.get("domain")
    return redirect(url_for("web.assessment_form", assessment_id=assessment.id,
                            **({"domain": domain} if domain else {})))


@bp.route("/assessments/<int:assessment_id>/submit", methods=["GET", "POST"])
@login_required
def assessment_submit(assessment_id):
    assessment = assessment_or_404(assessment_id)
    if request.method == "POST":
        try:
            sa.submit(assessment, current_user, request.form.get("digest") or None,
                      confirm_unanswered=request.form.get("confirm_unanswered") == "1")
        except sa.SelfAssessmentError as error:
            flash(str(error), "error")
            if error.status == 409:  # changed or submitted meanwhile: these totals are not it
                return _submit_page(assessment, blocked=str(error)), 409
            unconfirmed = any(isinstance(p, sa.UnansweredDomain) for p in error.problems)
            return _submit_page(assessment, None if unconfirmed else error.problems,
                                unconfirmed), error.status
        flash(_("The self-assessment has been submitted."), "info")
        return redirect(url_for("web.assessment_form", assessment_id=assessment.id))
    return _submit_page(assessment)


def _submit_page(assessment, problems=None, unconfirmed: bool = False, blocked: str = ""):
    """The sign-off page: totals and unanswered items per domain, what blocks submission, and
    the confirmation box when items are unanswered. `blocked` says why there is no submit
    button: a refused submission (409), or a user or state that cannot submit."""
    checked = sa.sign_off(assessment)
    criteria_set = sa.criteria_set_for(assessment)
    if not blocked and "submit" not in {t.key for t in allowed_transitions(assessment,
                                                                            current_user)}:
        blocked = (_("Only the unit head submits the self-assessment.")
                   if assessment.state in UNIT_EDITABLE_STATES
                   else _("The self-assessment has already been submitted."))
    return render_template("assessment/submit.html", assessment=assessment, checked=checked,
                           problems=checked.problems if problems is None else problems,
                           cs=criteria_set, deadline=sa.local_deadline(assessment),
                           excluded=sa.excluded_items(assessment, criteria_set),
                           links=sa.links_by_code(assessment), unconfirmed=unconfirmed,
                           blocked=blocked,
                           may_check_again=assessment.state in UNIT_EDITABLE_STATES)


@bp.route("/assessments/<int:assessment_id>/withdraw", methods=["POST"])
@login_required
def assessment_withdraw(assessment_id):
    from server.campaigns.workflow import TransitionError

    assessment = assessment_or_404(assessment_id)
    try:
        sa.withdraw(assessment, current_user, request.form.get("reason", ""))
    except (TransitionError, sa.SelfAssessmentError) as error:
        flash(str(error), "error")
        return redirect(url_for("web.assessment_form", assessment_id=assessment.id))
    flash(_("The self-assessment has been withdrawn for editing."), "info")
    return redirect(url_for("web.assessment_form", assessment_id=assessment.id))
