"""Criteria sets: list, full tree, and scoring of a posted answer set (nothing is stored)."""

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from server.api.auth import token_required
from server.api.problems import problem_response
from server.api.schemas import AnswerSetSchema, CriteriaSetSummarySchema
from server.campaigns.criteria import criteria_registry, summary
from server.engine import AnswersError, score

blp = Blueprint("criteria_sets", __name__, url_prefix="/api/v1/criteria-sets",
                description="Bộ tiêu chí (criteria sets) and scoring")


def _find(set_id: str, version: str):
    criteria_set = criteria_registry().get(set_id, version)
    if criteria_set is None:
        abort(404, message=f"criteria set {set_id}@{version} is not installed")
    return criteria_set


@blp.route("")
class CriteriaSets(MethodView):
    @token_required
    @blp.response(200, CriteriaSetSummarySchema(many=True))
    def get(self):
        """Every installed criteria set and version, with how much of it is verified."""
        return [summary(s) for s in criteria_registry().all()]


@blp.route("/<set_id>/<version>")
class CriteriaSetTree(MethodView):
    @token_required
    @blp.response(200)
    def get(self, set_id, version):
        """The full tree: codes, titles, max points, rules, verified flags."""
        return _find(set_id, version).to_dict()


@blp.route("/<set_id>/<version>/score")
class Scoring(MethodView):
    @token_required
    @blp.arguments(AnswerSetSchema)
    @blp.response(200)
    def post(self, payload, set_id, version):
        """Score an answer set: points, sub-indices, index and the trace. Nothing is stored."""
        criteria_set = _find(set_id, version)
        try:
            return score(criteria_set, payload["answers"]).to_dict()
        except AnswersError as error:
            return problem_response(422, "Some answers cannot be scored.", errors=[
                {"field": f"answers.{p.code}.{p.field}", "sub_criterion": p.code, "kind": p.kind,
                 "message": p.message}
                for p in error.problems
            ])
