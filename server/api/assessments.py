"""Self-assessments over the API: read, save draft answers, links, sign-off, submit, withdraw,
deadline extensions. The same service functions as the web UI, so the same checks."""

import json

import marshmallow as ma
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from server.api.auth import admin_required, token_required
from server.api.problems import problem_response, problems
from server.api.schemas import MAX_LIST_ITEMS, BoundedDict, DbInt, StrictSchema, most_sub_criteria
from server.assessment import evidence
from server.assessment import self_assessment as sa
from server.campaigns.workflow import TransitionError
from server.config import LOCAL_TIME

blp = Blueprint("assessments", __name__, url_prefix="/api/v1/assessments",
                description="Self-assessment")


class AnswerInputSchema(StrictSchema):
    value = ma.fields.Raw(allow_none=True, load_default=None)
    not_applicable = ma.fields.Boolean(load_default=False)
    explanation = ma.fields.String(allow_none=True, load_default=None)
    version = DbInt(allow_none=True, load_default=None)
    use_proposal = ma.fields.Boolean(load_default=False, metadata={
        "description": "for an item fed by the year's records: answer the records' proposal "
                       "(`proposals` of the dossier); an answer other than the proposal needs "
                       "an explanation"})


class AnswersInputSchema(StrictSchema):
    answers = BoundedDict(keys=ma.fields.String(), values=ma.fields.Nested(AnswerInputSchema),
                          required=True, max_items=most_sub_criteria)
    links = BoundedDict(
        keys=ma.fields.String(), values=ma.fields.List(
            DbInt(), validate=ma.validate.Length(max=MAX_LIST_ITEMS)),
        load_default=dict, max_items=most_sub_criteria, metadata={
            "description": "sub-criterion -> ids of library documents to link, at their current "
                           "revision; saved with the answers in one transaction"})


class SubmitSchema(StrictSchema):
    digest = ma.fields.String(load_default=None, allow_none=True)
    confirm_unanswered = ma.fields.Boolean(load_default=False, metadata={
        "description": "go on although some applicable items are unanswered"})


class ReasonSchema(StrictSchema):
    reason = ma.fields.String(load_default="")


class LinkSchema(StrictSchema):
    code = ma.fields.String(required=True)
    document_id = DbInt(required=True)


class ExtensionSchema(StrictSchema):
    until = ma.fields.AwareDateTime(required=True, default_timezone=LOCAL_TIME)
    reason = ma.fields.String(load_default="")


def refusal(error):
    """A service refusal as application/problem+json, with field errors and newer values."""
    if isinstance(error, sa.SelfAssessmentError):
        response = problem_response(error.status, str(error),
                                    errors=[p.to_dict() for p in error.problems] or None)
        if error.current:
            body = response.get_json()
            body["current"] = error.current
            response.set_data(json.dumps(body, ensure_ascii=False))
        return response
    if isinstance(error, evidence.EvidenceError):
        return problem_response(error.status, str(error), errors=[
            {"field": error.field, "message": str(error)}] if error.field else None)
    return problem_response(error.status, str(error))


REFUSALS = (sa.SelfAssessmentError, evidence.EvidenceError, TransitionError)


def link_dict(link) -> dict:
    """A link and the one revision it points to (a later revision never changes it)."""
    return {"id": link.id, "code": link.code, "document_id": link.document_id,
            "revision_id": link.revision_id,
            "sha256": link.revision.blob.sha256 if link.revision else None}


def dossier(assessment) -> dict:
    rows = sa.self_rows(assessment)
    excluded = sa.exclusions_for(assessment)
    figures, _result = sa.totals(assessment, rows, excluded)
    links = sa.links_by_code(assessment)
    deadline = sa.local_deadline(assessment)
    return {
        "id": assessment.id, "unit_id": assessment.unit_id,
        "campaign_id": assessment.campaign_id, "state": assessment.state,
        "criteria_set": {"id": assessment.criteria_set_id,
                         "version": assessment.criteria_set_version},
        "deadline": deadline.isoformat() if deadline else None,
        "answers": {code: sa.row_dict(row) for code, row in rows.items()},
        # Record-fed items: what the year's records propose now, with the evidence.
        "proposals": {code: proposal.to_dict()
                      for code, proposal in sa.record_proposals(assessment).items()},
        "links": {code: [link_dict(link) for link in found] for code, found in links.items()},
        "totals": figures,
        # Decided by the Department of Home Affairs; the unit cannot answer these.
        "exclusions": [{"code": code, "reason": reason} for code, reason
                       in sorted(excluded.items())],
    }


@blp.route("/<int:assessment_id>")
class AssessmentResource(MethodView):
    @token_required
    @blp.response(200)
    def get(self, assessment_id):
        """The unit's self-assessment: state, answers with their versions, links and totals."""
        try:
            return dossier(sa.get_assessment(assessment_id, g.api_user))
        except REFUSALS as error:
            return refusal(error)


@blp.route("/<int:assessment_id>/answers")
class Answers(MethodView):
    @token_required
    @blp.arguments(AnswersInputSchema)
    @blp.response(200)
    @problems(409, 503)
    def put(self, payload, assessment_id):
        """Save draft answers, and with them `links` to library documents, in one transaction.
        Each answer carries the `version` it was read at (null for a new one); a stale one
        refuses the save with 409 and the newer values in `current`; an invalid answer or link
        refuses it with 422. Nothing is saved unless everything is accepted."""
        try:
            assessment = sa.get_assessment(assessment_id, g.api_user)
            sa.save_answers(assessment, g.api_user, payload["answers"], payload["links"])
            return dossier(assessment)
        except REFUSALS as error:
            return refusal(error)


@blp.route("/<int:assessment_id>/links")
class Links(MethodView):
    @token_required
    @blp.arguments(LinkSchema)
    @blp.response(201)
    @problems(409)
    def post(self, payload, assessment_id):
        """Link a document of the unit's library to a sub-criterion, at the document's current
        revision (draft only; 409 naming the state otherwise). Linking a linked document again
        moves the link to its newest revision; nothing else ever moves a link."""
        try:
            assessment = sa.get_assessment(assessment_id, g.api_user)
            return link_dict(sa.link(assessment, g.api_user, payload["code"],
                                           payload["document_id"]))
        except REFUSALS as error:
            return refusal(error)


@blp.route("/<int:assessment_id>/links/<int:link_id>")
class LinkResource(MethodView):
    @token_required
    @blp.response(204)
    @problems(409)
    def delete(self, assessment_id, link_id):
        """Remove a link (draft only; 409 naming the state otherwise)."""
        try:
            sa.unlink(sa.get_assessment(assessment_id, g.api_user), g.api_user, link_id)
        except REFUSALS as error:
            return refusal(error)
        return ""


@blp.route("/<int:assessment_id>/sign-off")
class SignOff(MethodView):
    @token_required
    @blp.response(200)
    def get(self, assessment_id):
        """The totals about to be submitted, the linked files (document, revision, SHA-256),
        the digest of both, and what blocks submission."""
        try:
            checked = sa.sign_off(sa.get_assessment(assessment_id, g.api_user))
        except REFUSALS as error:
            return refusal(error)
        return {"totals": checked.totals, "digest": checked.digest,
                "evidence": checked.evidence,
                "problems": [p.to_dict() for p in checked.problems]}


@blp.route("/<int:assessment_id>/submission")
class SubmissionResource(MethodView):
    @token_required
    @blp.arguments(SubmitSchema)
    @blp.response(201)
    @problems(409)
    def post(self, payload, assessment_id):
        """Submit (unit head). Send the sign-off `digest` to be sure what was checked is sent.
        While applicable items are unanswered: 422 with one `confirm_unanswered` error per
        domain and its count, unless `confirm_unanswered` is true."""
        try:
            submission = sa.submit(sa.get_assessment(assessment_id, g.api_user), g.api_user,
                                   payload["digest"], payload["confirm_unanswered"])
        except REFUSALS as error:
            return refusal(error)
        return {"id": submission.id, "totals": submission.totals,
                "digest": submission.answers_digest,
                "submitted_at": submission.submitted_at.isoformat()}

    @token_required
    @blp.arguments(ReasonSchema)
    @blp.response(200)
    @problems(409)
    def delete(self, payload, assessment_id):
        """Withdraw the submission to edit again (unit head, until appraisal starts)."""
        try:
            assessment = sa.get_assessment(assessment_id, g.api_user)
            sa.withdraw(assessment, g.api_user, payload["reason"])
        except REFUSALS as error:
            return refusal(error)
        return {"state": assessment.state}


@blp.route("/<int:assessment_id>/extension")
class Extension(MethodView):
    @token_required
    @admin_required
    @blp.arguments(ExtensionSchema)
    @blp.response(200)
    @problems(409)
    def put(self, payload, assessment_id):
        """Extend this unit's self-assessment deadline (administrator); recorded and audited."""
        try:
            extension = sa.grant_extension(sa.get_assessment(assessment_id, g.api_user),
                                           g.api_user, payload["until"], payload["reason"])
        except REFUSALS as error:
            return refusal(error)
        return {"until": extension.until.isoformat(),
                "reason": extension.reason}
