"""The unit's page of the explanation round (giải trình): the council's questions, a reply to
each, evidence linked to the questioned sub-criteria, and the head's "send the explanation".

Thin: every check and write is in server.appraisal.explanations; a refusal re-renders the
page with the typed reply kept and the message beside its field.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.appraisal import explanations
from server.appraisal.dossier_steps import available_transitions
from server.assessment import evidence
from server.assessment import self_assessment as sa
from server.campaigns.workflow import STATES, TRANSITION_LABELS
from server.people.permissions import can_edit_unit
from server.web.assessment_views import assessment_or_404
from server.web.blueprint import bp
from server.web.forms import whole_number
from server.web.workflow_views import take_step


def _render(assessment, code=None, typed=None, errors=None, newer=None, status=200):
    return render_template(
        "assessment/explanation.html", assessment=assessment, states=STATES,
        questions=explanations.questions(assessment),
        rules={leaf.code: leaf.rule.to_dict()
               for leaf in sa.criteria_set_for(assessment).leaves()},
        editable=can_edit_unit(current_user, assessment.unit_id)
        and explanations.window_open(assessment),
        deadline=explanations.local_deadline(assessment),
        library=evidence.library(assessment.campaign_id, assessment.unit_id),
        can_send="explain" in {t.key for t in available_transitions(assessment, current_user)},
        send_label=TRANSITION_LABELS["explain"], failed=code, typed=typed or {},
        errors=errors or {}, newer=newer or {}), status


@bp.route("/assessments/<int:assessment_id>/explanation")
@login_required
def explanation_page(assessment_id):
    return _render(assessment_or_404(assessment_id))


@bp.route("/assessments/<int:assessment_id>/explanation/<code>", methods=["POST"])
@login_required
def explanation_reply(assessment_id, code):
    assessment = assessment_or_404(assessment_id)
    typed = {"reply": request.form.get("reply", ""), "version": request.form.get("version", ""),
             "document_id": request.form.get("document_id", "")}
    version = typed["version"].strip()
    document_id = typed["document_id"].strip()
    try:
        # A document alone may be linked; otherwise the reply is saved (an empty one is
        # refused); both together in one transaction.
        explanations.save_reply(assessment, current_user, code, typed["reply"],
                                whole_number(version),
                                whole_number(document_id))
    except sa.Forbidden:
        abort(403)
    except sa.SelfAssessmentError as error:
        flash(str(error), "error")
        errors = {}
        for problem in error.problems:
            errors.setdefault(problem.field or "code", []).append(problem.message)
        return _render(assessment, code, typed, errors, error.current, error.status)
    except evidence.EvidenceError as error:
        flash(str(error), "error")
        return _render(assessment, code, typed, {"document_id": [str(error)]},
                       status=error.status)
    flash(_("Saved: %(code)s.", code=code), "info")
    return redirect(url_for("web.explanation_page", assessment_id=assessment.id,
                            _anchor=f"question-{code}"))


@bp.route("/assessments/<int:assessment_id>/explanation/<code>/evidence/<int:link_id>/delete",
          methods=["POST"])
@login_required
def explanation_unlink(assessment_id, code, link_id):
    assessment = assessment_or_404(assessment_id)
    try:
        explanations.unlink_evidence(assessment, current_user, code, link_id)
    except sa.Forbidden:
        abort(403)
    except (sa.SelfAssessmentError, evidence.EvidenceError) as error:
        flash(str(error), "error")
        return _render(assessment, code, errors={"code": [str(error)]}, status=error.status)
    flash(_("Saved: %(code)s.", code=code), "info")
    return redirect(url_for("web.explanation_page", assessment_id=assessment.id,
                            _anchor=f"question-{code}"))


@bp.route("/assessments/<int:assessment_id>/explanation/send", methods=["POST"])
@login_required
def explanation_send(assessment_id):
    assessment = assessment_or_404(assessment_id)
    back = redirect(url_for("web.explanation_page", assessment_id=assessment.id))
    return take_step(assessment, "explain", back,
                     _("The explanation has been sent to the appraisal council."))
