"""Reviewer assignments per campaign: administrators assign; reviewers read their own."""

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.api.auth import token_required
from server.api.campaigns import campaign_or_404
from server.api.problems import problem_response
from server.api.schemas import ReviewerAssignmentSchema
from server.campaigns.reviewers import (
    AssignmentError,
    assign_reviewer,
    assignments,
    remove_assignment,
)
from server.extensions import db
from server.models import ReviewerAssignment, User

blp = Blueprint("reviewers", __name__, url_prefix="/api/v1", description="Reviewer assignments")



def _admin_only() -> None:
    if not g.api_user.has_role("admin"):
        abort(403, message="Only an administrator assigns reviewers.")


@blp.route("/campaigns/<int:campaign_id>/reviewer-assignments")
class Assignments(MethodView):
    @token_required
    @blp.response(200, ReviewerAssignmentSchema(many=True))
    def get(self, campaign_id):
        """Every assignment (administrators) or the caller's own (reviewers)."""
        campaign = campaign_or_404(campaign_id)
        if g.api_user.has_role("admin"):
            return assignments(campaign.id)
        if g.api_user.has_role("reviewer"):
            return assignments(campaign.id, g.api_user.id)
        abort(403, message="Only administrators and reviewers read assignments.")

    @token_required
    @blp.arguments(ReviewerAssignmentSchema)
    @blp.response(201, ReviewerAssignmentSchema)
    def post(self, payload, campaign_id):
        """Assign a reviewer to domains (optionally of one unit group) for this campaign."""
        campaign = campaign_or_404(campaign_id)
        _admin_only()
        try:
            row = assign_reviewer(campaign, db.session.get(User, payload["reviewer_id"]),
                                  payload["domains"], payload["unit_group"], g.api_user)
        except AssignmentError as error:
            db.session.rollback()
            return problem_response(422, errors=[
                {"field": field, "message": str(message)}
                for field, message in error.errors.items()])
        db.session.commit()
        return row


@blp.route("/reviewer-assignments/<int:assignment_id>")
class Assignment(MethodView):
    @token_required
    @blp.response(204)
    def delete(self, assignment_id):
        """Remove an assignment."""
        _admin_only()
        row = db.session.get(ReviewerAssignment, assignment_id)
        if row is None:
            abort(404, message="There is no such assignment.")
        remove_assignment(row, g.api_user)
        db.session.commit()
