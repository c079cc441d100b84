"""Reading the audit log: filters and pages shared by the web page and the API."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import String, false, func, select

from server.extensions import db
from server.models import Assessment, AuditEvent, Publication


@dataclass(frozen=True)
class AuditFilters:
    action: str | None = None
    unit_id: int | None = None
    actor_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditEvent]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _local_midnight_utc(day: date) -> datetime:
    # Dates are the users' days, in the deadline time zone.
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh"))
    return datetime.combine(day, time(), zone).astimezone(UTC)


def audit_query(scope: set[int] | None, filters: AuditFilters):
    """Events of the units in `scope` (None: every event) that match `filters`."""
    query = select(AuditEvent)
    if scope is not None:
        query = query.where(AuditEvent.unit_id.in_(scope) if scope else false())
    if filters.action:
        action = filters.action.strip()
        if action.endswith("*"):
            query = query.where(AuditEvent.action.startswith(action[:-1], autoescape=True))
        else:
            query = query.where(AuditEvent.action == action)
    if filters.unit_id is not None:
        query = query.where(AuditEvent.unit_id == filters.unit_id)
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.date_from:
        query = query.where(AuditEvent.at >= _local_midnight_utc(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEvent.at < _local_midnight_utc(filters.date_to
                                                                + timedelta(days=1)))
    return query


def audit_page(scope: set[int] | None, filters: AuditFilters, page: int = 1,
               per_page: int = 50) -> AuditPage:
    """The events of `scope` (see `server.people.permissions.audit_scope`) that match `filters`,
    newest first."""
    query = audit_query(scope, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(AuditEvent.id.desc())
                               .offset((page - 1) * per_page).limit(per_page)).unique().all()
    return AuditPage(list(items), page, per_page, total)


def assessment_history(assessment: Assessment) -> list:
    """The assessment's workflow steps, oldest first: its own events, and the publications of
    its group that moved it (one event names every dossier a publication published), each
    shown as this dossier's "publish" step."""
    own = list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "assessment",
                                 AuditEvent.object_id == str(assessment.id))
        .order_by(AuditEvent.id)).unique())
    publications = select(func.cast(Publication.id, String)).where(
        Publication.campaign_id == assessment.campaign_id,
        Publication.unit_group == assessment.unit_group)
    published = [
        PublishStep(event.id, event.at, event.actor_id, event.actor, "assessment.publish",
                    "assessment", str(assessment.id), assessment.unit_id,
                    {"state": "finalised"}, {"state": "published"}, event.reason,
                    event.request_id, event.sealed_in)
        for event in db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "publication.published",
            AuditEvent.object_id.in_(publications))).unique()
        if assessment.id in (event.after or {}).get("published_dossiers", [])]
    return sorted([*own, *published], key=lambda step: (step.at, step.id))


@dataclass(frozen=True)
class PublishStep:
    """A publication event read as one dossier's step, with an audit event's fields."""

    id: int
    at: datetime
    actor_id: int | None
    actor: object
    action: str
    object_type: str
    object_id: str
    unit_id: int
    before: dict
    after: dict
    reason: str
    request_id: str | None
    sealed_in: int | None
