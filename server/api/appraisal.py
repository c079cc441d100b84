"""Appraisal over the API: the reviewer's view of a dossier, one decision per sub-criterion,
and the explicit accept-all of untouched items. The same service as every other interface."""

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from server.api.auth import token_required
from server.api.problems import problem_response, problems
from server.api.schemas import DbInt, StrictSchema
from server.appraisal import decisions as appraisal
from server.assessment import self_assessment as sa

blp = Blueprint("appraisal", __name__, url_prefix="/api/v1/assessments",
                description="Appraisal")


class AppraiseSchema(StrictSchema):
    action = ma.fields.String(required=True,
                              validate=ma.validate.OneOf(list(appraisal.ACTIONS)))
    value = ma.fields.Raw(allow_none=True, load_default=None)
    not_applicable = ma.fields.Boolean(load_default=False)
    reason = ma.fields.String(load_default="")
    version = DbInt(allow_none=True, load_default=None)


class AcceptUntouchedSchema(StrictSchema):
    domain = ma.fields.String(required=True)


def refusal(error: sa.SelfAssessmentError):
    """A refusal as problem+json; each problem names its request field (code, value, reason...)."""
    errors = [{"field": p.field or "code", "sub_criterion": p.code or None, "kind": p.kind,
               "message": p.message} for p in error.problems]
    response = problem_response(error.status, str(error), errors=errors or None)
    if error.current:
        body = response.get_json()
        body["current"] = error.current
        response.set_data(response.json_module.dumps(body))
    return response


@blp.route("/<int:assessment_id>/appraisal")
class AppraisalView(MethodView):
    @token_required
    @blp.response(200)
    def get(self, assessment_id):
        """Per sub-criterion of the caller's domains: the unit's input, self score, explanation,
        evidence, the appraisal so far, and the running totals."""
        try:
            assessment = appraisal.get_assessment(assessment_id, g.api_user)
            return appraisal.appraisal_view(assessment, g.api_user)
        except sa.SelfAssessmentError as error:
            return refusal(error)


@blp.route("/<int:assessment_id>/appraisal/accept-untouched")
class AcceptUntouched(MethodView):
    @token_required
    @blp.arguments(AcceptUntouchedSchema)
    @blp.response(200)
    @problems(409)
    def post(self, payload, assessment_id):
        """Accept the unit's input for every item of the domain not appraised yet."""
        try:
            assessment = appraisal.get_assessment(assessment_id, g.api_user)
            codes = appraisal.accept_untouched(assessment, g.api_user, payload["domain"])
        except sa.SelfAssessmentError as error:
            return refusal(error)
        return {"accepted": codes}


@blp.route("/<int:assessment_id>/appraisal/<string:code>")
class Appraise(MethodView):
    @token_required
    @blp.arguments(AppraiseSchema)
    @blp.response(200)
    @problems(409)
    def post(self, payload, assessment_id, code):
        """Accept, adjust (reason required) or ask the unit a question (the reason). `version`
        is the appraisal's version read (null for none): a stale one answers 409."""
        try:
            assessment = appraisal.get_assessment(assessment_id, g.api_user)
            row = appraisal.appraise(assessment, g.api_user, code, payload["action"],
                                     value=payload["value"],
                                     not_applicable=payload["not_applicable"],
                                     reason=payload["reason"], version=payload["version"])
        except sa.SelfAssessmentError as error:
            return refusal(error)
        return {"code": code, **appraisal.appraisal_dict(
            row, self_row=sa.self_rows(assessment).get(code))}
