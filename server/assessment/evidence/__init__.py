"""The evidence library of a unit and campaign: uploads, revisions, links, downloads.

An upload is read as a stream, twice: once to count, hash and sniff it (the request parser has
already spooled a large body to a temporary file, so nothing holds a whole file in memory), once
to hand it to the storage plugin under its SHA-256. The same bytes uploaded again by the same unit
reuse the stored blob. Every write is one transaction; a refused upload writes nothing.

The library stays open until the campaign closes (plans and reports come all year); a link points
to one fixed revision, the document's current one when it was linked, so a later revision never
changes what was signed or appraised. Links change in draft only (the self-assessment service's
`link`, `unlink`) and in the explanation round (server.appraisal.explanations); the unit re-links
to a newer revision explicitly. Here are the link's parts those services share.
"""

import hashlib
import re
import unicodedata
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l

from server.assessment.evidence.sniff import TYPES, sniff
from server.campaigns.criteria import criteria_registry
from server.campaigns.phases import PhaseError, check_dossier_writable
from server.events import emit
from server.extensions import db
from server.models import (
    Assessment,
    Campaign,
    EvidenceBlob,
    EvidenceDocument,
    EvidenceLink,
    EvidenceRevision,
    User,
)
from server.people.permissions import can_edit_unit, can_read_unit

CHUNK = 1024 * 1024


class EvidenceError(Exception):
    """A refused evidence operation; `status` for the interfaces, `field` the input at fault."""

    def __init__(self, message, status: int = 422, field: str = ""):
        super().__init__(message)
        self.message, self.status, self.field = message, status, field

    def __str__(self) -> str:
        return str(self.message)


def storage():
    """The storage backend chosen by PARINDEX_EVIDENCE_STORAGE, through the plugin hook."""
    store = current_app.extensions.get("parindex_evidence_storage")
    if store is None:
        name = current_app.config.get("EVIDENCE_STORAGE", "local")
        store = current_app.extensions["parindex"].pm.hook.parindex_evidence_storage(
            name=name, config=current_app.config)
        if store is None:
            raise RuntimeError(f"no plugin provides the evidence storage {name!r}")
        current_app.extensions["parindex_evidence_storage"] = store
    return store


def clean_filename(name: str | None) -> str:
    """The last path part of `name`, without control characters, NFC, at most 200 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext) if dot and len(ext) <= 9 else name[:200]
    return name or "tai-lieu"


def _measure(stream) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def check_file(stream, filename: str) -> tuple[str, int, str]:
    """(sha256, size, type key) of an upload, or EvidenceError 413/415/422."""
    limit_mb = current_app.config["EVIDENCE_MAX_MB"]
    sha256, size = _measure(stream)
    if size == 0:
        raise EvidenceError(_l("The file %(name)s is empty.", name=filename), 422, "files")
    if size > limit_mb * 1024 * 1024:
        raise EvidenceError(_l("The file %(name)s is larger than %(limit)s MB.",
                               name=filename, limit=limit_mb), 413, "files")
    kind = sniff(stream, filename)
    allowed = current_app.config["EVIDENCE_TYPES"]
    if kind is None or kind not in allowed:
        raise EvidenceError(_l("The file %(name)s is not an accepted type (%(types)s); the "
                               "type is read from the content, not the name.", name=filename,
                               types=", ".join(t.upper() for t in allowed)), 415, "files")
    return sha256, size, kind


def _blob(unit_id: int, stream, sha256: str, size: int, kind: str) -> EvidenceBlob:
    blob = db.session.execute(db.select(EvidenceBlob).filter_by(
        unit_id=unit_id, sha256=sha256)).scalar_one_or_none()
    if blob is not None:
        return blob
    store = storage()
    stream.seek(0)
    store.put(sha256, stream)
    blob = EvidenceBlob(unit_id=unit_id, sha256=sha256, size=size,
                        media_type=TYPES[kind][0], storage_key=sha256)
    db.session.add(blob)
    return blob


def check_metadata(metadata: dict) -> dict:
    """Document metadata: number, issued_on (date or dd/mm/yyyy / ISO text), issuer, title."""
    issued = metadata.get("issued_on")
    if isinstance(issued, str) and issued.strip():
        text = issued.strip()
        try:
            if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
                d, m, y = (int(x) for x in text.split("/"))
                issued = date(y, m, d)
            else:
                issued = date.fromisoformat(text)
        except ValueError:
            raise EvidenceError(_l("The date of issue must be a date such as 31/12/2024."),
                                422, "issued_on") from None
    elif not isinstance(issued, date):
        issued = None
    fields = {key: str(metadata.get(key) or "").strip() for key in ("number", "issuer", "title")}
    limits = {"number": 120, "issuer": 255, "title": 2000}
    for key, limit in limits.items():
        if len(fields[key]) > limit:
            raise EvidenceError(_l("This field is too long (at most %(limit)s characters).",
                                   limit=limit), 422, key)
    if not fields["title"]:
        raise EvidenceError(_l("Give the document's summary (trích yếu)."), 422, "title")
    return {**fields, "issued_on": issued}


def check_library_open(campaign: Campaign) -> None:
    """The unit keeps its library (new documents, new revisions) all year, whatever its
    dossier's state, until the campaign closes (409). A new revision never moves a link."""
    try:
        check_dossier_writable(campaign)
    except PhaseError as error:
        raise EvidenceError(error.message, 409) from error


def upload(campaign_id: int, unit_id: int, user: User, files, metadata: dict,
           document: EvidenceDocument | None = None) -> list[EvidenceDocument]:
    """Add documents (one per file) or, with `document`, one new revision per file to it.

    `files` is a list of (filename, seekable binary stream). Every file is checked before any
    is stored; one refusal refuses them all.
    """
    if not can_edit_unit(user, unit_id):
        raise EvidenceError(_l("You may not change this unit's evidence."), 403)
    check_library_open(db.session.get(Campaign, campaign_id))
    if not files:
        raise EvidenceError(_l("Choose at least one file."), 422, "files")
    fields = check_metadata(metadata) if document is None else None
    checked = [(clean_filename(name), stream, *check_file(stream, clean_filename(name)))
               for name, stream in files]
    documents = []
    for name, stream, sha256, size, kind in checked:
        blob = _blob(unit_id, stream, sha256, size, kind)
        target = document
        if target is None:
            target = EvidenceDocument(campaign_id=campaign_id, unit_id=unit_id,
                                      created_by=user.id, **fields)
            db.session.add(target)
        number = (target.revisions[-1].number + 1) if target.revisions else 1
        revision = EvidenceRevision(document=target, number=number, blob=blob, filename=name,
                                    uploaded_by=user.id)
        db.session.add(revision)
        db.session.flush()
        emit("evidence.uploaded", "evidence_document", target.id, actor_id=user.id,
             unit_id=unit_id, after={"revision": number, "filename": name, "sha256": sha256,
                                     "size": size, "media_type": blob.media_type})
        documents.append(target)
    db.session.commit()
    return documents


def get_document(document_id: int, user: User) -> EvidenceDocument:
    document = db.session.get(EvidenceDocument, document_id)
    if document is None or not can_read_unit(user, document.unit_id):
        raise EvidenceError(_l("There is no such document."), 404)
    return document


def library(campaign_id: int, unit_id: int) -> list[EvidenceDocument]:
    return list(db.session.execute(db.select(EvidenceDocument).filter_by(
        campaign_id=campaign_id, unit_id=unit_id).order_by(EvidenceDocument.id)).scalars())


def get_revision(revision_id: int, user: User) -> EvidenceRevision:
    revision = db.session.get(EvidenceRevision, revision_id)
    if revision is None or not can_read_unit(user, revision.document.unit_id):
        raise EvidenceError(_l("There is no such document."), 404)
    return revision


def open_revision(revision: EvidenceRevision):
    return storage().open(revision.blob.storage_key)


def check_link_target(assessment: Assessment, code: str, document_id: int,
                      documents: dict[int, EvidenceDocument] | None = None) -> EvidenceDocument:
    """The document to link to `code`, or EvidenceError 422: `code` must be a sub-criterion of
    the pinned set, the document one of the unit's library for the campaign (`documents`, that
    library by id, when the caller has read it already)."""
    try:
        criteria_registry().get(assessment.criteria_set_id,
                                assessment.criteria_set_version).leaf(code)
    except KeyError:
        raise EvidenceError(_l("This is not a sub-criterion of the pinned criteria set."),
                            422, "code") from None
    document = (documents.get(document_id) if documents is not None
                else db.session.get(EvidenceDocument, document_id))
    if document is None or document.unit_id != assessment.unit_id \
            or document.campaign_id != assessment.campaign_id:
        raise EvidenceError(_l("There is no such document."), 422, "document_id")
    return document


def put_link(assessment: Assessment, user: User, code: str, document: EvidenceDocument,
             found: EvidenceLink | None) -> EvidenceLink:
    """Point `code`'s link to `document` (`found`, when there is one) at the document's current
    revision, in the caller's transaction: a new link, or an existing one moved to the newest
    file (the unit's explicit choice). Nothing else ever moves a link."""
    revision = document.current
    after = {"code": code, "document_id": document.id, "revision_id": revision_id(revision),
             "sha256": revision.blob.sha256 if revision else None}
    if found is None:
        found = EvidenceLink(assessment_id=assessment.id, code=code, document_id=document.id,
                             revision=revision, created_by=user.id)
        db.session.add(found)
        db.session.flush()
        emit("evidence.linked", "evidence_link", found.id, actor_id=user.id,
             unit_id=assessment.unit_id, after=after)
    elif found.revision_id != revision_id(revision):
        before = {"code": code, "document_id": document.id, "revision_id": found.revision_id}
        found.revision = revision
        db.session.flush()
        emit("evidence.relinked", "evidence_link", found.id, actor_id=user.id,
             unit_id=assessment.unit_id, before=before, after=after)
    return found


def revision_id(revision: EvidenceRevision | None) -> int | None:
    return None if revision is None else revision.id


def add_link(assessment: Assessment, user: User, code: str, document_id: int) -> EvidenceLink:
    """Link (or move to its newest revision) a document of the unit's library on one
    sub-criterion, once the caller has checked the unit may change links now; commits."""
    document = check_link_target(assessment, code, document_id)
    found = put_link(assessment, user, code, document, db.session.execute(
        db.select(EvidenceLink).filter_by(assessment_id=assessment.id, code=code,
                                          document_id=document_id)).scalar_one_or_none())
    db.session.commit()
    return found


def find_link(assessment: Assessment, link_id: int) -> EvidenceLink:
    found = db.session.get(EvidenceLink, link_id)
    if found is None or found.assessment_id != assessment.id:
        raise EvidenceError(_l("There is no such link."), 404)
    return found


def remove_link(assessment: Assessment, user: User, found: EvidenceLink) -> None:
    """Delete a link the caller has checked may change now; commits."""
    emit("evidence.unlinked", "evidence_link", found.id, actor_id=user.id,
         unit_id=assessment.unit_id, before={"code": found.code,
                                             "document_id": found.document_id,
                                             "revision_id": found.revision_id})
    db.session.delete(found)
    db.session.commit()
