"""The data model. Each module holds one part; import models from here."""

from server.models.assessments import SOURCES, Answer, Assessment, ExcludedItem, dossier_for
from server.models.audit import AuditBatch, AuditEvent, AuditSealHead
from server.models.campaigns import Campaign, CampaignCriteriaSet
from server.models.evidence import EvidenceBlob, EvidenceDocument, EvidenceLink, EvidenceRevision
from server.models.explanations import ExplanationReply
from server.models.jobs import JOB_STATES, Job, OutboxMessage
from server.models.notifications import Notification, SentReminder
from server.models.publications import Publication, PublicationScore
from server.models.records import (
    TASK_STATES,
    AppendixTemplate,
    DomainOffice,
    ParPlan,
    PlanTask,
    PlanVersion,
    ReportPeriod,
    ReportSubmission,
)
from server.models.reviewers import ReviewerAssignment
from server.models.scores import DossierScore, LeafScore
from server.models.submissions import DeadlineExtension, Submission
from server.models.units import LEVELS, Unit, UnitGroup, unit_replacements
from server.models.users import ROLES, ApiToken, LoginThrottle, RoleMembership, User

__all__ = [
    "JOB_STATES",
    "LEVELS",
    "ROLES",
    "SOURCES",
    "TASK_STATES",
    "Answer",
    "ApiToken",
    "AppendixTemplate",
    "Assessment",
    "AuditBatch",
    "AuditEvent",
    "AuditSealHead",
    "Campaign",
    "CampaignCriteriaSet",
    "DeadlineExtension",
    "DomainOffice",
    "DossierScore",
    "EvidenceBlob",
    "EvidenceDocument",
    "EvidenceLink",
    "EvidenceRevision",
    "ExcludedItem",
    "ExplanationReply",
    "Job",
    "LeafScore",
    "LoginThrottle",
    "Notification",
    "OutboxMessage",
    "ParPlan",
    "PlanTask",
    "PlanVersion",
    "Publication",
    "PublicationScore",
    "ReportPeriod",
    "ReportSubmission",
    "ReviewerAssignment",
    "RoleMembership",
    "SentReminder",
    "Submission",
    "Unit",
    "UnitGroup",
    "User",
    "dossier_for",
    "unit_replacements",
]
