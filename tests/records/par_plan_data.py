"""A province with two departments, their plans' world: an open campaign, each unit's people,
evidence documents to issue and complete with."""

from datetime import date

from server.extensions import db
from server.models import AuditEvent, EvidenceDocument
from server.records.plans import VersionFields, create_plan, issue_version
from server.records.tasks import TaskFields, add_task


def document(campaign, unit, number: str, issued_on: date | None) -> EvidenceDocument:
    doc = EvidenceDocument(campaign_id=campaign.id, unit_id=unit.id, number=number,
                           issued_on=issued_on, title=f"Văn bản {number}")
    db.session.add(doc)
    db.session.commit()
    return doc


def build_world(make) -> dict:
    campaign = make.campaign(2026)
    province = make.unit("QB", level="province", group="province")
    justice = make.unit("STP", level="department", group="department", parent=province)
    finance = make.unit("STC", level="department", group="department", parent=province)
    return {
        "campaign": campaign, "province": province, "justice": justice, "finance": finance,
        "admin": make.user("admin"),
        "province_editor": make.user("unit_editor", province),
        "justice_editor": make.user("unit_editor", justice),
        "finance_head": make.user("unit_head", finance),
        "viewer": make.user("viewer"),
        "reviewer": make.user("reviewer"),
    }


def issued_plan(world, unit_key="province", *, due=date(2026, 1, 31),
                issued=date(2026, 1, 20), decision="15/KH-UBND"):
    """The unit's plan, issued with its signed decision."""
    campaign, unit = world["campaign"], world[unit_key]
    plan = create_plan(campaign, unit.code, world["admin"], due_on=due)
    doc = document(campaign, unit, decision, issued)
    issue_version(plan, VersionFields(decision, issued, doc.id), world["admin"])
    db.session.commit()
    return plan


def task(plan, world, title, *, lead=None, deadline=None, domain=""):
    made = add_task(plan, TaskFields(title=title, lead_unit_code=lead or "", deadline=deadline,
                                     domain=domain), world["admin"])
    db.session.commit()
    return made


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)))
