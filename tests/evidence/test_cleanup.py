"""`parindex evidence gc`, on every storage backend: files no evidence refers to are listed and
removed on request, temporaries of interrupted uploads are swept, and nothing young enough to be
an upload in flight is touched."""

import io
import os
import time
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from server.assessment import evidence
from server.assessment.evidence.cleanup import clean_storage

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer <<>>\n%%EOF\n"
ORPHAN = "f" * 64


@pytest.fixture
def kept(make):
    """A stored file an evidence document refers to."""
    dossier = make.assessment(make.campaign(), make.unit("QB", level="province"))
    editor = make.user("unit_editor", dossier.unit)
    [document] = evidence.upload(dossier.campaign_id, dossier.unit_id, editor,
                                 [("kh.pdf", io.BytesIO(PDF))], {"title": "Kế hoạch CCHC"})
    return document.current.blob.storage_key


def _unreferenced(min_age, **options):
    return [key for key, _ in clean_storage(min_age, **options).unreferenced]


def test_unreferenced_files_are_listed_then_deleted_and_young_ones_left(app, kept):
    store = evidence.storage()
    store.put(ORPHAN, io.BytesIO(b"bytes whose row never committed"))

    # Just written: possibly an upload in flight on another worker.
    assert ORPHAN not in _unreferenced(timedelta(hours=1), delete=True)
    assert store.exists(ORPHAN)

    time.sleep(1.1)  # S3 keeps whole seconds
    listed = _unreferenced(timedelta(0))
    assert ORPHAN in listed and kept not in listed
    assert store.exists(ORPHAN)
    result = CliRunner().invoke(app.cli, ["parindex", "evidence", "gc", "--delete",
                                          "--min-age-hours", "1"])
    assert result.exit_code == 0, result.output
    assert store.exists(ORPHAN)  # an hour is not over yet
    clean_storage(timedelta(0), delete=True)
    assert not store.exists(ORPHAN) and store.exists(kept)


def test_interrupted_uploads_are_swept_only_when_old(app):
    store = evidence.storage()
    if app.config["EVIDENCE_STORAGE"] == "s3":
        # moto reports one fixed initiation date for every multipart upload, so only the
        # sweep itself can be shown here, not the age rule (the folder backend shows it).
        store.client.create_multipart_upload(Bucket=store.bucket, Key=f"{store.prefix}{ORPHAN}")
        assert store.sweep(datetime.now(UTC) + timedelta(seconds=5)) >= 1
        uploads = store.client.list_multipart_uploads(Bucket=store.bucket, Prefix=store.prefix)
        assert not uploads.get("Uploads")
        return
    folder = store.root / "ff" / "ff"
    folder.mkdir(parents=True, exist_ok=True)
    old, in_flight = folder / ".partial-old", folder / ".partial-now"
    old.write_bytes(b"half")
    in_flight.write_bytes(b"half")
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))
    assert clean_storage(timedelta(hours=24)).swept == 1
    assert not old.exists() and in_flight.exists()
    assert ".partial-now" not in {key for key, _ in store.stored()}
