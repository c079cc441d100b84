"""Pages of the evidence library: list, upload (one or many files), revisions, download, links."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from server.assessment import evidence
from server.assessment import self_assessment as sa
from server.assessment.evidence.serving import file_response
from server.campaigns.phases import is_closed
from server.people.permissions import can_edit_unit
from server.web.assessment_views import assessment_or_404 as _assessment
from server.web.blueprint import bp
from server.web.errors import render_error

# Room left in a request for the form's other fields and the multipart framing: the files of
# one upload may fill the rest (the page checks it before sending).
FORM_ROOM = 64 * 1024


def _limits() -> dict:
    """What the page's script checks before sending (static/upload_limit.js)."""
    request_bytes = current_app.config["MAX_CONTENT_LENGTH"]
    return {"max_bytes": request_bytes - FORM_ROOM,
            "max_file_bytes": current_app.config["EVIDENCE_MAX_MB"] * 1024 * 1024,
            "request_mb": request_bytes // (1024 * 1024)}


def _render(assessment, error=None, typed=None, status=200):
    """The library; uploads while the campaign is open, link changes only in draft."""
    can_edit = can_edit_unit(current_user, assessment.unit_id)
    links = sa.links_by_code(assessment)
    linked = {}
    for found in links.values():
        for link in found:
            linked.setdefault(link.document_id, []).append(link)
    return render_template(
        "assessment/evidence.html", assessment=assessment, error=error, typed=typed or {},
        documents=evidence.library(assessment.campaign_id, assessment.unit_id), linked=linked,
        editable=can_edit and not is_closed(assessment.campaign),
        links_open=can_edit and assessment.state == "draft",
        max_mb=current_app.config["EVIDENCE_MAX_MB"], limits=_limits()), status


@bp.errorhandler(RequestEntityTooLarge)
def request_too_large(error):
    """A request over PARINDEX_MAX_REQUEST_MB is refused before its body is read. On the
    evidence pages the library is shown again with the reason (nothing of the body, the typed
    details included, could be kept); elsewhere the error page."""
    if request.endpoint not in ("web.evidence_library", "web.evidence_revision") \
            or not current_user.is_authenticated:
        return render_error(error)
    try:
        assessment = sa.get_assessment(request.view_args["assessment_id"], current_user)
    except sa.SelfAssessmentError:
        return render_error(error)
    message = _("Nothing was uploaded: together the files are larger than the %(mb)s MB the "
                "server accepts at once. Upload them in several smaller batches (each file at "
                "most %(file_mb)s MB); the document details were not received, type them again.",
                mb=_limits()["request_mb"], file_mb=current_app.config["EVIDENCE_MAX_MB"])
    return _render(assessment, evidence.EvidenceError(message, 413, "files"), status=413)


@bp.route("/assessments/<int:assessment_id>/evidence", methods=["GET", "POST"])
@login_required
def evidence_library(assessment_id):
    assessment = _assessment(assessment_id)
    if request.method == "GET":
        return _render(assessment)
    files = [(f.filename, f.stream) for f in request.files.getlist("files") if f.filename]
    metadata = {key: request.form.get(key, "") for key in ("number", "issued_on", "issuer",
                                                           "title")}
    try:
        evidence.upload(assessment.campaign_id, assessment.unit_id, current_user, files,
                        metadata)
    except evidence.EvidenceError as error:
        return _render(assessment, error, metadata, error.status)
    flash(_("Uploaded."), "info")
    return redirect(url_for("web.evidence_library", assessment_id=assessment.id))


@bp.route("/assessments/<int:assessment_id>/evidence/<int:document_id>/revisions",
          methods=["POST"])
@login_required
def evidence_revision(assessment_id, document_id):
    assessment = _assessment(assessment_id)
    try:
        document = evidence.get_document(document_id, current_user)
        if document.unit_id != assessment.unit_id:
            abort(404)
        files = [(f.filename, f.stream) for f in request.files.getlist("files") if f.filename]
        evidence.upload(assessment.campaign_id, assessment.unit_id, current_user, files, {},
                        document=document)
    except evidence.EvidenceError as error:
        return _render(assessment, error, status=error.status)
    flash(_("A new revision was added."), "info")
    return redirect(url_for("web.evidence_library", assessment_id=assessment.id))


@bp.route("/assessments/<int:assessment_id>/links/<int:link_id>/delete", methods=["POST"])
@login_required
def evidence_unlink(assessment_id, link_id):
    assessment = _assessment(assessment_id)
    try:
        sa.unlink(assessment, current_user, link_id)
    except (sa.SelfAssessmentError, evidence.EvidenceError) as error:
        flash(str(error), "error")
    return redirect(url_for("web.evidence_library", assessment_id=assessment.id))


@bp.route("/assessments/<int:assessment_id>/links/<int:link_id>/relink", methods=["POST"])
@login_required
def evidence_relink(assessment_id, link_id):
    """Point a draft's link at its document's newest revision: the unit's explicit choice."""
    assessment = _assessment(assessment_id)
    try:
        found = evidence.find_link(assessment, link_id)
        sa.link(assessment, current_user, found.code, found.document_id)
    except (sa.SelfAssessmentError, evidence.EvidenceError) as error:
        flash(str(error), "error")
    else:
        flash(_("The link now points to the newest revision."), "info")
    return redirect(url_for("web.evidence_library", assessment_id=assessment.id))


@bp.route("/evidence/revisions/<int:revision_id>/file")
@login_required
def evidence_file(revision_id):
    try:
        revision = evidence.get_revision(revision_id, current_user)
    except evidence.EvidenceError:
        abort(404)
    return file_response(revision, download=request.args.get("download") == "1")
