"""The evidence library through its service functions, on every storage backend."""

import hashlib
import io
import zipfile

import pytest

from server.assessment import evidence
from server.assessment import self_assessment as sa
from server.assessment.evidence.sniff import sniff
from server.extensions import db
from server.models import AuditEvent, EvidenceBlob, EvidenceLink

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def dossier(make):
    return make.assessment(make.campaign(), make.unit("QB", level="province"))


@pytest.fixture
def editor(make, dossier):
    return make.user("unit_editor", dossier.unit)


def put(dossier, user, *files, **metadata):
    metadata.setdefault("title", "Kế hoạch CCHC năm 2021")
    return evidence.upload(dossier.campaign_id, dossier.unit_id, user,
                           [(name, io.BytesIO(data)) for name, data in files], metadata)


def test_upload_records_metadata_sha_and_reads_back(dossier, editor):
    document, = put(dossier, editor, ("Kế hoạch số 12.pdf", PDF), number="12/KH-UBND",
                    issued_on="15/01/2021", issuer="UBND tỉnh")
    assert (document.number, document.issued_on.isoformat(), document.issuer) == (
        "12/KH-UBND", "2021-01-15", "UBND tỉnh")
    revision = document.current
    assert revision.blob.sha256 == hashlib.sha256(PDF).hexdigest()
    assert revision.blob.media_type == "application/pdf" and revision.blob.size == len(PDF)
    assert evidence.open_revision(revision).read() == PDF
    assert db.session.scalar(db.select(AuditEvent.action).filter_by(
        action="evidence.uploaded")) == "evidence.uploaded"


def test_many_files_and_same_bytes_reuse_the_blob(dossier, editor):
    documents = put(dossier, editor, ("a.pdf", PDF), ("b.pdf", PDF), ("c.docx", docx_bytes()))
    assert len(documents) == 3
    assert db.session.scalar(db.select(db.func.count(EvidenceBlob.id))) == 2


def test_revisions_are_appended(dossier, editor):
    document, = put(dossier, editor, ("v1.pdf", PDF))
    evidence.upload(dossier.campaign_id, dossier.unit_id, editor,
                    [("v2.png", io.BytesIO(PNG))], {}, document=document)
    assert [r.number for r in document.revisions] == [1, 2]
    assert document.current.filename == "v2.png"
    assert evidence.open_revision(document.revisions[0]).read() == PDF


@pytest.mark.parametrize("name, data, status", [
    ("empty.pdf", b"", 422),
    ("script.pdf", b"<script>alert(1)</script>", 415),
    ("archive.docx", b"PK\x03\x04 not really a zip", 415),
])
def test_refusals(dossier, editor, name, data, status):
    with pytest.raises(evidence.EvidenceError) as refused:
        put(dossier, editor, ("ok.pdf", PDF), (name, data))
    assert refused.value.status == status and name in str(refused.value)
    assert db.session.scalar(db.select(db.func.count(EvidenceBlob.id))) == 0


def test_size_limit_is_a_setting(app, dossier, editor):
    app.config["EVIDENCE_MAX_MB"] = 1
    try:
        with pytest.raises(evidence.EvidenceError) as refused:
            put(dossier, editor, ("big.pdf", PDF + b"0" * (1024 * 1024)))
    finally:
        app.config["EVIDENCE_MAX_MB"] = 50
    assert refused.value.status == 413


def test_metadata_is_checked(dossier, editor):
    with pytest.raises(evidence.EvidenceError) as refused:
        put(dossier, editor, ("a.pdf", PDF), issued_on="31/02/2021")
    assert refused.value.field == "issued_on"
    with pytest.raises(evidence.EvidenceError) as refused:
        put(dossier, editor, ("a.pdf", PDF), title="  ")
    assert refused.value.field == "title"


def test_file_names_lose_paths_and_control_characters():
    assert evidence.clean_filename("../../etc/passwd") == "passwd"
    assert evidence.clean_filename("C:\\Users\\x\\Báo cáo\x00\x1b.pdf") == "Báo cáo.pdf"
    assert evidence.clean_filename("\x00") == "tai-lieu"


def test_type_comes_from_the_bytes_not_the_name():
    assert sniff(io.BytesIO(PDF), "anh.png") == "pdf"
    assert sniff(io.BytesIO(docx_bytes()), "x.pdf") == "docx"
    assert sniff(io.BytesIO(b"MZ\x90\x00"), "x.pdf") is None


def test_link_one_document_to_many_sub_criteria_and_the_rule(dossier, editor, make):
    document, = put(dossier, editor, ("kh.pdf", PDF))
    sa.save_answers(dossier, editor, {"1.1.1": {"value": "timely"}, "1.1.2": {"value": "95"}})
    sa.link(dossier, editor, "1.1.1", document.id)
    sa.link(dossier, editor, "1.1.2", document.id)
    sa.link(dossier, editor, "1.1.2", document.id)  # idempotent
    assert db.session.scalar(db.select(db.func.count(EvidenceLink.id))) == 2
    assert sa.sign_off(dossier).problems == []
    other = make.assessment(dossier.campaign, make.unit("HN", level="province"))
    with pytest.raises(sa.Forbidden):
        sa.link(other, editor, "1.1.1", document.id)


def test_other_unit_and_viewer_cannot_upload_or_read(dossier, editor, make):
    document, = put(dossier, editor, ("kh.pdf", PDF))
    stranger = make.user("unit_editor", make.unit("HN"))
    for user in (stranger, make.user("viewer")):
        with pytest.raises(evidence.EvidenceError) as refused:
            put(dossier, user, ("x.pdf", PDF))
        assert refused.value.status == 403
    with pytest.raises(evidence.EvidenceError) as refused:
        evidence.get_document(document.id, stranger)
    assert refused.value.status == 404


def test_an_odt_whose_mimetype_entry_is_a_bomb_is_not_inflated():
    import tracemalloc

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text"
                         + b" " * (256 * 2**20))
    assert len(buffer.getvalue()) < 2**20
    tracemalloc.start()
    try:
        assert sniff(buffer, "bom.odt") is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20
