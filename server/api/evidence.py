"""The evidence library over the API: list, upload (multipart), new revisions, download."""

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from server.api.assessments import REFUSALS, refusal
from server.api.auth import token_required
from server.api.problems import problems
from server.api.schemas import answers, multipart, query
from server.assessment import evidence
from server.assessment import self_assessment as sa
from server.assessment.evidence.serving import file_response

blp = Blueprint("evidence", __name__, url_prefix="/api/v1", description="Evidence")


def document_dict(document) -> dict:
    return {"id": document.id, "number": document.number,
            "issued_on": document.issued_on.isoformat() if document.issued_on else None,
            "issuer": document.issuer, "title": document.title,
            "revisions": [{"id": r.id, "number": r.number, "filename": r.filename,
                           "sha256": r.blob.sha256, "size": r.blob.size,
                           "media_type": r.blob.media_type,
                           "uploaded_at": r.uploaded_at.isoformat()}
                          for r in document.revisions]}


def _files():
    return [(f.filename, f.stream) for f in request.files.getlist("files") if f.filename]


@blp.route("/assessments/<int:assessment_id>/evidence")
class Library(MethodView):
    @token_required
    @blp.response(200)
    def get(self, assessment_id):
        """The unit's documents for the assessment's campaign, with every revision."""
        try:
            assessment = sa.get_assessment(assessment_id, g.api_user)
        except REFUSALS as error:
            return refusal(error)
        return [document_dict(d)
                for d in evidence.library(assessment.campaign_id, assessment.unit_id)]

    @multipart(blp, required=("files",), files=("files",), many=True,
               number="the document's number", issued_on="its date, YYYY-MM-DD",
               issuer="who issued it", title="its title")
    @token_required
    @blp.response(201)
    @problems(409, 415, 422)
    def post(self, assessment_id):
        """Upload one or many files (multipart `files`) with `number`, `issued_on`, `issuer`,
        `title`: one document per file, whatever the dossier's state, until the campaign
        closes (409 after). 413 too large, 415 type not accepted."""
        try:
            assessment = sa.get_assessment(assessment_id, g.api_user)
            documents = evidence.upload(assessment.campaign_id, assessment.unit_id,
                                        g.api_user, _files(), request.form.to_dict())
        except REFUSALS as error:
            return refusal(error)
        return [document_dict(d) for d in documents]


@blp.route("/evidence/<int:document_id>/revisions")
class Revisions(MethodView):
    @multipart(blp, required=("files",), files=("files",), many=True)
    @token_required
    @blp.response(201)
    @problems(409, 415, 422)
    def post(self, document_id):
        """Add a revision (multipart `files`, one file) until the campaign closes (409 after);
        earlier revisions stay, and links keep the revision they point to."""
        try:
            document = evidence.get_document(document_id, g.api_user)
            evidence.upload(document.campaign_id, document.unit_id, g.api_user, _files(), {},
                            document=document)
        except REFUSALS as error:
            return refusal(error)
        return document_dict(document)


@blp.route("/evidence/revisions/<int:revision_id>/file")
class RevisionFile(MethodView):
    @query(blp, "download", "1: as an attachment")
    @answers(blp, 200, "*/*")
    @token_required
    def get(self, revision_id):
        """The file's bytes; `?download=1` forces an attachment."""
        try:
            revision = evidence.get_revision(revision_id, g.api_user)
        except REFUSALS as error:
            return refusal(error)
        return file_response(revision, download=request.args.get("download") == "1")
