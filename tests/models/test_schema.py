"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from server.extensions import db
from server.models import Answer, AuditEvent


def test_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_audit_events_are_append_only(app):
    event = AuditEvent(action="test", object_type="nothing")
    db.session.add(event)
    db.session.commit()
    event.reason = "rewritten"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(PermissionError):
        db.session.commit()


def test_one_answer_per_code_and_source(app, make):
    assessment = make.assessment(make.campaign(), make.unit(level="province"))
    for source in ("self", "appraisal", "survey"):
        db.session.add(Answer(assessment=assessment, code="1.1.1", source=source, value="timely"))
    db.session.commit()
    db.session.add(Answer(assessment=assessment, code="1.1.1", source="self", value="late"))
    with pytest.raises(IntegrityError):
        db.session.commit()
