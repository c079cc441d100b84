"""The year's records, kept before the self-assessment opens: PAR plans with their amendments and
tasks, and the periodic PAR reports with their schedule and statistics appendices.

The index judges a unit on these (criteria "Kế hoạch CCHC" and "Báo cáo CCHC"); the criteria
set's `fed_by` items take their proposed answers from them (server.records.feeds).
"""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import Timestamp, utcnow

# A task's own state; "late" and "overdue" are derived from its deadline and completion date.
TASK_STATES = ("open", "in_progress", "done")


class ParPlan(db.Model):
    """A unit's PAR plan for one campaign year (the province's or district's plan is the plan of
    that unit); `parent_id` names the plan above, whose tasks this plan may take over."""

    __tablename__ = "par_plans"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("par_plans.id"))
    title: Mapped[str] = mapped_column(Text, default="")
    # The plan must be issued by this day (Vietnam calendar date); issued later is "late".
    due_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    unit = relationship("Unit", lazy="joined")
    versions: Mapped[list["PlanVersion"]] = relationship(
        back_populates="plan", order_by="PlanVersion.number", cascade="all, delete-orphan")
    tasks: Mapped[list["PlanTask"]] = relationship(
        back_populates="plan", order_by="PlanTask.id", cascade="all, delete-orphan",
        foreign_keys="PlanTask.plan_id")


class PlanVersion(db.Model):
    """The issued plan (number 1) and each amendment (điều chỉnh kế hoạch, 2, 3...): the decision
    that issued it and its signed document. Versions are only ever added."""

    __tablename__ = "par_plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("par_plans.id", ondelete="CASCADE"),
                                         index=True)
    number: Mapped[int] = mapped_column()
    decision_number: Mapped[str] = mapped_column(String(120), default="")  # số hiệu
    issued_on: Mapped[date] = mapped_column(Date)  # ngày ban hành
    document_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_documents.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    plan: Mapped[ParPlan] = relationship(back_populates="versions")
    document = relationship("EvidenceDocument")


class PlanTask(db.Model):
    """One task of a plan (nhiệm vụ trọng tâm). `added_in` and `cancelled_in` are the plan
    version numbers that added and cancelled it; a task taken over from the plan above names
    its source in `inherited_from_id`. A target plan's task names the items it aims at."""

    __tablename__ = "par_plan_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("par_plans.id", ondelete="CASCADE"),
                                         index=True)
    number: Mapped[str] = mapped_column(String(40), default="")  # STT in the plan's table
    title: Mapped[str] = mapped_column(Text)
    expected_result: Mapped[str] = mapped_column(Text, default="")  # kết quả/sản phẩm
    domain: Mapped[str] = mapped_column(String(40), default="")
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Unit codes of the cooperating agencies (cơ quan phối hợp).
    cooperating: Mapped[list] = mapped_column(JSON, default=list)
    deadline: Mapped[date | None] = mapped_column(Date)  # thời gian hoàn thành
    status: Mapped[str] = mapped_column(String(20), default="open")
    # The completion evidence and its date (the document's date, not the upload's).
    completed_on: Mapped[date | None] = mapped_column(Date)
    completion_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_documents.id"))
    added_in: Mapped[int] = mapped_column(default=1)
    cancelled_in: Mapped[int | None] = mapped_column()
    inherited_from_id: Mapped[int | None] = mapped_column(ForeignKey("par_plan_tasks.id"))
    target_codes: Mapped[list] = mapped_column(JSON, default=list)
    row_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": row_version}

    plan: Mapped[ParPlan] = relationship(back_populates="tasks", foreign_keys=[plan_id])
    lead_unit = relationship("Unit", lazy="joined")
    completion_document = relationship("EvidenceDocument")


class AppendixTemplate(db.Model):
    """A statistics appendix (phụ lục số liệu, 3A/3B) as typed fields read from the `.xlsx`
    the administrator uploads: [{"key", "label", "type", "required"}]."""

    __tablename__ = "report_appendix_templates"
    __table_args__ = (UniqueConstraint("campaign_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    fields: Mapped[list] = mapped_column(JSON, default=list)
    filename: Mapped[str] = mapped_column(String(255), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class ReportPeriod(db.Model):
    """One periodic report of the year's schedule (Q1, 6 months, Q3, the year): the data cut-off
    window it covers and its due day, both Vietnam calendar dates; the unit groups that must
    send it (empty: every unit with a dossier); whether the domain offices send domain reports."""

    __tablename__ = "report_periods"
    __table_args__ = (UniqueConstraint("campaign_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(120))
    covers_from: Mapped[date] = mapped_column(Date)
    covers_to: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    position: Mapped[int] = mapped_column(default=0)
    unit_groups: Mapped[list] = mapped_column(JSON, default=list)
    domain_reports: Mapped[bool] = mapped_column(default=False, server_default=false())
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_appendix_templates.id", ondelete="SET NULL"))

    template = relationship(AppendixTemplate, lazy="joined")


class DomainOffice(db.Model):
    """The unit responsible for one reform domain this year (Sở Tư pháp for institutional
    reform...), which sends that domain's report in the periods that ask for domain reports."""

    __tablename__ = "report_domain_offices"
    __table_args__ = (UniqueConstraint("campaign_id", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    domain: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)

    unit = relationship("Unit", lazy="joined")


class ReportSubmission(db.Model):
    """A unit's report for one period (`domain` empty), or a domain office's domain report: the
    signed document and the appendix figures. A report received outside ParIndex is recorded by
    an administrator with its document date and an audited reason."""

    __tablename__ = "report_submissions"
    __table_args__ = (UniqueConstraint("period_id", "unit_id", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("report_periods.id", ondelete="CASCADE"),
                                           index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    domain: Mapped[str] = mapped_column(String(40), default="")
    document_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_documents.id"))
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    received_outside: Mapped[bool] = mapped_column(default=False, server_default=false())
    # For a report received outside ParIndex: its document's date, and why it was recorded.
    received_on: Mapped[date | None] = mapped_column(Date)
    outside_reason: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}

    period: Mapped[ReportPeriod] = relationship(lazy="joined")
    unit = relationship("Unit", lazy="joined")
    document = relationship("EvidenceDocument")
