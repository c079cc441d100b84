"""The explanation round over the API, the unit's side: the council's open questions, the reply
to each, and evidence linked to a questioned sub-criterion. The same service as the web page."""

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from server.api.appraisal import refusal as appraisal_refusal
from server.api.assessments import link_dict
from server.api.auth import token_required
from server.api.problems import problem_response, problems
from server.api.schemas import DbInt, StrictSchema
from server.appraisal import explanations
from server.assessment import evidence
from server.assessment import self_assessment as sa

blp = Blueprint("explanations", __name__, url_prefix="/api/v1/assessments",
                description="Explanation round")


class ExplanationReplySchema(StrictSchema):
    reply = ma.fields.String(required=True)
    version = DbInt(allow_none=True, load_default=None)


class ExplanationLinkSchema(StrictSchema):
    document_id = DbInt(required=True)


def refusal(error):
    """problem+json naming the request field at fault (code, reply, version, document_id)."""
    if isinstance(error, evidence.EvidenceError):
        return problem_response(error.status, str(error), errors=[
            {"field": error.field, "message": str(error)}] if error.field else None)
    return appraisal_refusal(error)


REFUSALS = (sa.SelfAssessmentError, evidence.EvidenceError)


@blp.route("/<int:assessment_id>/explanation")
class Questions(MethodView):
    @token_required
    @blp.response(200)
    def get(self, assessment_id):
        """The open questions, each with the unit's reply, earlier rounds and linked evidence;
        whether the caller may answer now, and the deadline (Vietnam time)."""
        try:
            assessment = sa.get_assessment(assessment_id, g.api_user)
        except REFUSALS as error:
            return refusal(error)
        deadline = explanations.local_deadline(assessment)
        try:
            explanations.check_window(assessment, g.api_user)
            may_answer = True
        except sa.SelfAssessmentError:
            may_answer = False
        return {"id": assessment.id, "state": assessment.state,
                "deadline": deadline.isoformat() if deadline else None,
                "may_answer": may_answer, "questions": explanations.questions(assessment)}


@blp.route("/<int:assessment_id>/explanation/<string:code>")
class Reply(MethodView):
    @token_required
    @blp.arguments(ExplanationReplySchema)
    @blp.response(200)
    @problems(409)
    def put(self, payload, assessment_id, code):
        """Write the reply to the open question on `code`. `version` is the reply's version
        read (null for none yet): a stale one answers 409 with the newer reply."""
        try:
            assessment = sa.get_assessment(assessment_id, g.api_user)
            row = explanations.save_reply(assessment, g.api_user, code, payload["reply"],
                                          payload["version"])
        except REFUSALS as error:
            return refusal(error)
        return {"code": row.code, **explanations.reply_dict(row)}


@blp.route("/<int:assessment_id>/explanation/<string:code>/evidence")
class ReplyEvidence(MethodView):
    @token_required
    @blp.arguments(ExplanationLinkSchema)
    @blp.response(201)
    @problems(409)
    def post(self, payload, assessment_id, code):
        """Link a document of the unit's library to the questioned sub-criterion `code`, at its
        current revision; linking a linked document again moves the link to its newest one."""
        try:
            assessment = sa.get_assessment(assessment_id, g.api_user)
            link = explanations.link_evidence(assessment, g.api_user, code,
                                              payload["document_id"])
        except REFUSALS as error:
            return refusal(error)
        return link_dict(link)


@blp.route("/<int:assessment_id>/explanation/<string:code>/evidence/<int:link_id>")
class ReplyEvidenceLink(MethodView):
    @token_required
    @blp.response(204)
    @problems(409)
    def delete(self, assessment_id, code, link_id):
        """Remove a link of the questioned sub-criterion `code`, in the window."""
        try:
            explanations.unlink_evidence(sa.get_assessment(assessment_id, g.api_user),
                                         g.api_user, code, link_id)
        except REFUSALS as error:
            return refusal(error)
        return ""
