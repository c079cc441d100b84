"""A backup restored into an empty database and evidence store gives back the same rankings,
the same files and an audit chain that still verifies; a damaged backup or a database that is
not empty is refused with nothing restored."""

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from server.assessment import evidence
from server.audit.seal import seal
from server.audit.verify import verify
from server.backup.archive import BackupError, restore_backup, write_backup
from server.demo.province import load_demo
from server.extensions import db
from server.models import Assessment, Campaign, EvidenceBlob, Publication, Unit, User
from server.people.units import UnitFields, save_unit
from tests.conftest import _empty_tables

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def year(app):
    """The demo province, with one evidence file in the open year's province dossier."""
    load_demo()
    dossier = db.session.scalar(select(Assessment).join(Campaign).where(Campaign.year == 2021)
                                .join(Unit, Assessment.unit_id == Unit.id)
                                .where(Unit.code == "QB"))
    editor = db.session.scalar(select(User).filter_by(username="canbo"))
    [document] = evidence.upload(dossier.campaign_id, dossier.unit_id, editor,
                                 [("kh.pdf", io.BytesIO(PDF))], {"title": "Kế hoạch CCHC"})
    return document.current.blob.storage_key


def _state(client, headers):
    campaign = db.session.scalar(select(Campaign).filter_by(year=2020))
    rankings = {group: client.get(f"/api/v1/campaigns/{campaign.id}/ranking?group={group}",
                                  headers=headers).get_json()
                for group in ("province", "department")}
    publications = [(p.unit_group, p.number, p.inputs_digest, p.results)
                    for p in db.session.scalars(select(Publication).order_by(Publication.id))]
    return rankings, publications


def _fresh_store(app, folder: Path) -> None:
    app.config["EVIDENCE_DIR"] = str(folder)
    app.extensions.pop("parindex_evidence_storage", None)


def test_round_trip_into_an_empty_database_and_store(app, client, year, tmp_path, monkeypatch):
    headers = client.application.test_client().post("/api/v1/tokens", json={
        "username": "admin", "password": "parindex-demo"}).get_json()
    headers = {"Authorization": f"Bearer {headers['token']}"}
    before = _state(client, headers)
    assert before[0]["department"]["rows"] and len(before[1]) == 2
    seal()
    runner = CliRunner()
    result = runner.invoke(app.cli, ["parindex", "backup", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    blobs = db.session.query(EvidenceBlob).count()  # the demo's records' documents and ours
    assert manifest["tables"]["units"]["rows"] == db.session.query(Unit).count()

    original_dir = app.config["EVIDENCE_DIR"]
    db.session.remove()
    _empty_tables()
    _fresh_store(app, tmp_path / "restored-evidence")
    try:
        result = runner.invoke(app.cli, ["parindex", "restore", str(tmp_path / "backup")])
        assert result.exit_code == 0, result.output
        assert f"{blobs} evidence files" in result.output and blobs >= 2
        assert _state(client, headers) == before  # the tokens came back too
        with evidence.storage().open(year) as stored:
            assert stored.read() == PDF
        report = verify()
        assert report.intact and report.events > 0 and report.unsealed == 0
        # Restored elsewhere without the audit key (a new one was generated there): the log
        # reads, but does not verify.
        with monkeypatch.context() as elsewhere:
            elsewhere.setitem(app.config, "AUDIT_KEY", "a-key-generated-after-the-restore")
            report = verify()
            assert not report.intact
            assert "the audit key is missing or does not match" in report.problems[0].message
        # New rows get new ids (PostgreSQL's sequences were moved past the restored rows).
        save_unit(UnitFields("MOI", "Đơn vị mới", "department", "department", "QB"),
                  actor_id=None)
        db.session.commit()
    finally:
        _fresh_store(app, Path(original_dir))


def test_a_damaged_backup_or_a_database_with_data_is_refused(app, year, tmp_path):
    write_backup(tmp_path / "backup")
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(tmp_path / "backup")
    with pytest.raises(BackupError, match="not empty"):
        write_backup(tmp_path / "backup")

    units = tmp_path / "backup" / "tables" / "units.jsonl"
    units.write_text(units.read_text().replace("Sở Tư pháp", "Sở Tư Pháp"))
    db.session.remove()
    _empty_tables()
    with pytest.raises(BackupError, match=r"units\.jsonl does not match the manifest"):
        restore_backup(tmp_path / "backup")
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0
