"""Workflow transitions of an assessment, and its history (its audit events)."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy.orm.exc import StaleDataError

from server.api.auth import token_required
from server.api.problems import problem_response, problems
from server.api.schemas import (
    AssessmentStateSchema,
    AuditEventSchema,
    TransitionRequestSchema,
)
from server.appraisal.dossier_steps import available_transitions, take_transition
from server.appraisal.gaps import GapsNotConfirmed
from server.audit.log import assessment_history
from server.campaigns.workflow import (
    STATES,
    TRANSITION_LABELS,
    ReasonRequired,
    TransitionError,
    TransitionNotAllowed,
)
from server.extensions import db
from server.models import Assessment
from server.people.permissions import can_read_unit

blp = Blueprint("transitions", __name__, url_prefix="/api/v1",
                description="Assessment workflow")


def readable_assessment(assessment_id: int) -> Assessment:
    # Another unit's dossier is answered like one that does not exist: ids reveal nothing.
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or not can_read_unit(g.api_user, assessment.unit_id):
        abort(404, message="There is no such assessment.")
    return assessment


def state_of(assessment: Assessment) -> dict:
    return {
        "id": assessment.id, "campaign_id": assessment.campaign_id,
        "unit_id": assessment.unit_id, "state": assessment.state,
        "state_label": str(STATES[assessment.state]),
        "transitions": [{"key": t.key, "label": str(TRANSITION_LABELS[t.key]),
                         "reason_required": t.reason_required}
                        for t in available_transitions(assessment, g.api_user)],
    }


@blp.route("/assessments/<int:assessment_id>/transitions")
class Transitions(MethodView):
    @token_required
    @blp.response(200, AssessmentStateSchema)
    def get(self, assessment_id):
        """The assessment's state and the transitions the caller may take now."""
        return state_of(readable_assessment(assessment_id))

    @token_required
    @blp.arguments(TransitionRequestSchema)
    @blp.response(200, AssessmentStateSchema)
    @problems(409)
    def post(self, payload, assessment_id):
        """Take a transition. 409: not possible from the current state (or a concurrent change);
        403: the caller may not take it for this unit; 422: a reason is required, or a
        confirmation: `confirm_unanswered` to submit with unanswered items (one error per
        domain with its count), `confirm_gaps` and `reason` to finalise a dossier with
        unanswered or unappraised items (the dossier listed in `gaps`)."""
        assessment = readable_assessment(assessment_id)
        try:
            take_transition(assessment, payload["transition"], g.api_user, payload["reason"],
                            confirm_unanswered=payload["confirm_unanswered"],
                            confirm_gaps=payload["confirm_gaps"])
            db.session.commit()
        except GapsNotConfirmed as error:
            db.session.rollback()
            return problem_response(error.status, str(error), errors=[
                {"field": field, "message": str(error)} for field in error.fields],
                extra={"gaps": [gap.to_dict() for gap in error.gaps]})
        except TransitionError as error:
            db.session.rollback()
            problems = error.problems
            field = ("reason" if isinstance(error, ReasonRequired)
                     else "transition" if isinstance(error, TransitionNotAllowed) else None)
            errors = ([p.to_dict() for p in problems] if problems
                      else [{"field": field, "message": str(error)}] if field else None)
            return problem_response(error.status, str(error), errors=errors)
        except StaleDataError:
            db.session.rollback()
            return problem_response(409, "The assessment was changed by someone else; "
                                         "reload it and try again.")
        return state_of(assessment)


@blp.route("/assessments/<int:assessment_id>/history")
class History(MethodView):
    @token_required
    @blp.response(200, AuditEventSchema(many=True))
    def get(self, assessment_id):
        """The assessment's audit events, oldest first."""
        return assessment_history(readable_assessment(assessment_id))
