"""The audit log is sealed in keyed batches: tested from outside, as an attacker who can write the
database (raw SQL) but does not hold the audit key, and as an operator who restores a backup.
`parindex audit verify` must name every changed, inserted or deleted sealed event and batch."""

import hashlib
import json

import pytest
from sqlalchemy import func, select, text

from server.audit.chain import HASHED_FIELDS, utc_time
from server.events import emit
from server.extensions import db
from server.models import AuditBatch, AuditEvent


def run(app, *args):
    return app.test_cli_runner().invoke(args=["parindex", *args])


def _events(n, start=0):
    for i in range(start, start + n):
        emit("test.write", "thing", i, after={"n": i, "text": "Tiếng Việt"}, reason=f"r{i}")
        db.session.commit()
    return list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def _sealed_log(app, n=4):
    ids = _events(n)
    assert run(app, "audit", "seal").exit_code == 0
    return ids


def _broken(app, *args):
    result = run(app, "audit", "verify", *args)
    assert result.exit_code == 1, result.output
    return result.stderr


def _sha(text_):
    return hashlib.sha256(text_.encode()).hexdigest()


def _attacker_rewrites(event_id, **changes):
    """What whoever can write the database can do without the key: change the event, then
    recompute every hash stored beside it with plain SHA-256 (its entry in the batch, the hash of
    that batch and of every later one, their links, the sealed head)."""
    with db.engine.begin() as conn:
        for column, value in changes.items():
            conn.execute(text(f'UPDATE audit_events SET "{column}" = :v WHERE id = :id'),  # noqa: S608
                         {"v": value, "id": event_id})
        row = conn.execute(select(AuditEvent.__table__).where(AuditEvent.id == event_id)
                           ).mappings().one()
        data = {key: row[key] for key in HASHED_FIELDS}
        data["at"] = utc_time(data["at"])
        new_entry = _sha(json.dumps(data, sort_keys=True, ensure_ascii=False,
                                    separators=(",", ":")))
        prev = "0" * 64
        for batch in conn.execute(select(AuditBatch.__table__)
                                  .order_by(AuditBatch.sequence)).mappings().all():
            entries = [[i, new_entry if i == event_id else h] for i, h in batch["events"]]
            digest = _sha(prev + json.dumps(entries))
            conn.execute(AuditBatch.__table__.update()
                         .where(AuditBatch.sequence == batch["sequence"])
                         .values(events=entries, prev_hash=prev, hash=digest))
            prev = digest
        conn.execute(text("UPDATE audit_seal_head SET hash = :h, mac = :m"),
                     {"h": prev, "m": _sha(prev)})


def test_events_are_written_unsealed_then_sealed_once(app):
    _events(3)
    assert db.session.scalar(select(func.count()).where(AuditEvent.sealed_in.is_(None))) == 3
    result = run(app, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "0 sealed events in 0 batches; 3 events not sealed yet" in result.output
    result = run(app, "audit", "seal")
    assert "sealed 3 events in 1 batches" in result.output
    assert "sealed 0 events" in run(app, "audit", "seal").output
    _events(2, start=3)
    run(app, "audit", "seal")
    result = run(app, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "5 sealed events in 2 batches; 0 events not sealed yet" in result.output
    second = db.session.scalars(select(AuditBatch.events).order_by(AuditBatch.sequence)).all()[1]
    assert [event_id for event_id, _ in second] == [4, 5]


def test_an_empty_log_verifies(app):
    assert run(app, "audit", "verify").exit_code == 0


@pytest.mark.parametrize("column, value", [
    ("reason", "rewritten"), ("object_id", "other"), ("action", "test.other"),
    ("after", '{"n": 99, "text": "Tiếng Việt"}'),
])
def test_a_changed_sealed_event_is_named(app, column, value):
    ids = _sealed_log(app)
    with db.engine.begin() as conn:
        conn.execute(text(f'UPDATE audit_events SET "{column}" = :v WHERE id = :id'),  # noqa: S608
                     {"v": value, "id": ids[1]})
    assert f"event {ids[1]} (batch 1) was changed" in _broken(app)


def test_an_attacker_who_recomputes_every_hash_is_still_named(app, tmp_path):
    ids = _sealed_log(app)
    anchor = tmp_path / "anchor.json"
    assert run(app, "audit", "anchor", str(anchor)).exit_code == 0
    _events(2, start=4)
    run(app, "audit", "seal")
    _attacker_rewrites(ids[2], reason="không có gì")
    errors = _broken(app)
    assert f"event {ids[2]} (batch 1) was changed" in errors
    assert "batch 1 was changed" in errors and "batch 2 was changed" in errors
    assert "the sealed head was changed" in errors
    errors = _broken(app, "--anchor", str(anchor))
    assert f"event {ids[2]} (batch 1) was changed" in errors
    assert "the anchored batch 1 no longer has the anchored hash" in errors


def test_a_log_resealed_under_another_key_is_caught_by_the_anchor(app, tmp_path, monkeypatch):
    """Whoever replaces the key file and reseals a rewritten log passes a plain verify with that
    key; the anchor kept elsewhere still names the rewrite."""
    ids = _sealed_log(app)
    anchor = tmp_path / "anchor.json"
    run(app, "audit", "anchor", str(anchor))
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_seal_head"))
        conn.execute(text("DELETE FROM audit_batches"))
        conn.execute(text("UPDATE audit_events SET reason = 'forged' WHERE id = :id"),
                     {"id": ids[0]})
        conn.execute(text("UPDATE audit_events SET sealed_in = NULL"))
    monkeypatch.setitem(app.config, "AUDIT_KEY", "the-attackers-own-key-" + "x" * 20)
    assert run(app, "audit", "seal").exit_code == 0
    assert run(app, "audit", "verify").exit_code == 0  # a consistent log under the new key
    assert "the anchored batch 1 no longer has the anchored hash" in _broken(
        app, "--anchor", str(anchor))


def test_a_deleted_sealed_event_is_named(app):
    ids = _sealed_log(app)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[1]})
    assert f"event {ids[1]} (sealed in batch 1) was deleted" in _broken(app)


def test_a_batch_whose_list_was_replaced_is_named(app):
    ids = _sealed_log(app, 2)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_batches SET events = :v"), {"v": '{"not": "a list"}'})
    errors = _broken(app)
    assert "batch 1 was changed (its list of events is unreadable)" in errors
    assert f"event {ids[0]} was inserted into batch 1" in errors


def test_an_inserted_event_is_named(app):
    _sealed_log(app)
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO audit_events (id, at, action, object_type, reason, sealed_in) "
            "VALUES (100, '2026-01-01 08:00:00', 'test.forged', 'thing', '', 1)"))
    assert "event 100 was inserted into batch 1" in _broken(app)


def test_an_event_inserted_unsealed_is_counted_as_not_sealed_yet(app):
    _sealed_log(app)
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_events (id, at, action, object_type, reason) "
                          "VALUES (100, '2026-01-01 08:00:00', 'test.new', 'thing', '')"))
    result = run(app, "audit", "verify")
    assert result.exit_code == 0 and "1 events not sealed yet" in result.output


def test_an_event_moved_out_of_its_batch_is_named(app):
    ids = _sealed_log(app)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET sealed_in = NULL WHERE id = :id"),
                     {"id": ids[0]})
    assert f"event {ids[0]} (sealed in batch 1) was marked unsealed" in _broken(app)
    # The sealer takes it again, into a new batch, but the first still lists it.
    run(app, "audit", "seal")
    assert f"event {ids[0]} (sealed in batch 1) was marked in batch 2" in _broken(app)


def test_deleting_the_last_batch_is_named(app):
    _sealed_log(app, 2)
    ids = _events(2, start=2)
    run(app, "audit", "seal")
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_batches WHERE sequence = 2"))
    errors = _broken(app)
    assert f"event {ids[2]} names batch 2, which does not exist" in errors
    assert "batches 2 to 2 were deleted (the sealed head names batch 2)" in errors
    # The same with its events gone too: the keyed head still names it.
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE sealed_in = 2"))
    assert "batches 2 to 2 were deleted" in _broken(app)


def test_deleting_a_middle_batch_or_the_head_is_named(app):
    for start in (0, 2, 4):
        _events(2, start=start)
        run(app, "audit", "seal")
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_batches WHERE sequence = 2"))
        conn.execute(text("DELETE FROM audit_seal_head"))
    errors = _broken(app)
    assert "batches 2 to 2 were deleted" in errors
    assert "the sealed head was deleted" in errors


def test_without_the_key_the_log_is_not_called_intact_nor_sealed(app, monkeypatch):
    """A backup restored where `instance/audit_key` was not restored: a new key was generated."""
    _sealed_log(app)
    monkeypatch.setitem(app.config, "AUDIT_KEY", "f" * 64)
    errors = _broken(app)
    assert "the audit key is missing or does not match" in errors
    assert "intact" not in errors
    _events(1, start=10)
    result = run(app, "audit", "seal")
    assert result.exit_code == 1 and "the audit key does not match" in result.output
    monkeypatch.undo()  # the key is restored
    assert "sealed 1 events" in run(app, "audit", "seal").output
    assert run(app, "audit", "verify").exit_code == 0


def test_a_rolled_back_write_leaves_nothing_to_seal(app):
    _events(2)
    emit("test.write", "thing", 9)
    db.session.rollback()
    _events(1, start=3)
    assert "sealed 3 events" in run(app, "audit", "seal").output
    assert run(app, "audit", "verify").exit_code == 0


def test_an_event_committed_after_a_later_id_was_sealed_is_sealed_next(app):
    """Ids are handed out before commit: an event with a smaller id can commit after a seal took
    a larger one. The sealer takes what is unsealed, not what follows the last id."""
    _events(2, start=0)
    with db.engine.begin() as conn:  # id 50 committed and sealed first
        conn.execute(text("INSERT INTO audit_events (id, at, action, object_type, reason) "
                          "VALUES (50, '2026-01-01 08:00:00', 'test.fast', 'thing', '')"))
    run(app, "audit", "seal")
    with db.engine.begin() as conn:  # id 10 commits afterwards
        conn.execute(text("INSERT INTO audit_events (id, at, action, object_type, reason) "
                          "VALUES (10, '2026-01-01 08:00:01', 'test.slow', 'thing', '')"))
    assert "sealed 1 events in 1 batches" in run(app, "audit", "seal").output
    assert db.session.scalar(select(AuditEvent.sealed_in).where(AuditEvent.id == 10)) == 2
    assert run(app, "audit", "verify").exit_code == 0


def test_anchor_round_trip_and_bad_anchors(app, tmp_path):
    assert "nothing is sealed yet" in run(app, "audit", "anchor", str(tmp_path / "a")).output
    _sealed_log(app)
    result = run(app, "audit", "anchor", "-")
    assert result.exit_code == 0, result.output
    anchor = json.loads(result.stdout)
    assert anchor["sequence"] == 1 and len(anchor["hash"]) == 64 and anchor["sealed_at"]
    path = tmp_path / "anchor.json"
    path.write_text(result.stdout)
    _events(1, start=9)
    run(app, "audit", "seal")  # the log goes on; the anchored batch stays as it was
    result = run(app, "audit", "verify", "--anchor", str(path))
    assert result.exit_code == 0 and "anchored batch 1 matches" in result.output
    (tmp_path / "bad.json").write_text('{"sequence": "x"}')
    result = run(app, "audit", "verify", "--anchor", str(tmp_path / "bad.json"))
    assert result.exit_code == 1 and "not an audit anchor" in result.output
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events"))
        conn.execute(text("DELETE FROM audit_batches"))
        conn.execute(text("DELETE FROM audit_seal_head"))
    assert "the anchored batch 1 was deleted" in _broken(app, "--anchor", str(path))
    assert "nothing is sealed yet" in run(app, "audit", "anchor", str(tmp_path / "c")).output


def test_anchor_refuses_a_broken_log(app, tmp_path):
    ids = _sealed_log(app)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[0]})
    result = run(app, "audit", "anchor", str(tmp_path / "a.json"))
    assert result.exit_code == 1 and "no anchor written" in result.output


def test_a_request_that_wrote_events_seals_them_once_they_are_due(app, client, monkeypatch):
    def failed_login():
        response = client.post("/api/v1/tokens", json={"username": "ai", "password": "sai"})
        assert response.status_code == 401
        response.close()  # the server seals after the response is sent

    monkeypatch.setitem(app.config, "AUDIT_SEAL_AFTER_SECONDS", 3600)
    failed_login()
    assert db.session.scalar(select(func.count()).where(AuditEvent.sealed_in.is_(None))) == 1
    monkeypatch.setitem(app.config, "AUDIT_SEAL_AFTER_SECONDS", 0)
    failed_login()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(AuditEvent.sealed_in.is_(None))) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditBatch)) == 1
    assert run(app, "audit", "verify").exit_code == 0
