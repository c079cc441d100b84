"""the year's records: PAR plans, amendments and tasks; periodic reports, their schedule and
appendices; the proposal a record-fed answer was saved against

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 16:04:56.553262

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_appendix_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_report_appendix_templates_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_report_appendix_templates_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_appendix_templates")),
        sa.UniqueConstraint(
            "campaign_id", "name", name=op.f("uq_report_appendix_templates_campaign_id_name")
        ),
    )
    with op.batch_alter_table("report_appendix_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_appendix_templates_campaign_id"), ["campaign_id"], unique=False
        )

    op.create_table(
        "par_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_par_plans_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_par_plans_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["par_plans.id"], name=op.f("fk_par_plans_parent_id_par_plans")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_par_plans_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_par_plans")),
        sa.UniqueConstraint(
            "campaign_id", "unit_id", name=op.f("uq_par_plans_campaign_id_unit_id")
        ),
    )
    with op.batch_alter_table("par_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_par_plans_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_par_plans_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "report_domain_offices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_report_domain_offices_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_report_domain_offices_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_domain_offices")),
        sa.UniqueConstraint(
            "campaign_id", "domain", name=op.f("uq_report_domain_offices_campaign_id_domain")
        ),
    )
    with op.batch_alter_table("report_domain_offices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_domain_offices_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_report_domain_offices_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "report_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("covers_from", sa.Date(), nullable=False),
        sa.Column("covers_to", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("unit_groups", sa.JSON(), nullable=False),
        sa.Column("domain_reports", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_report_periods_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["report_appendix_templates.id"],
            name=op.f("fk_report_periods_template_id_report_appendix_templates"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_periods")),
        sa.UniqueConstraint("campaign_id", "key", name=op.f("uq_report_periods_campaign_id_key")),
    )
    with op.batch_alter_table("report_periods", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_periods_campaign_id"), ["campaign_id"], unique=False
        )

    op.create_table(
        "par_plan_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("expected_result", sa.Text(), nullable=False),
        sa.Column("domain", sa.String(length=40), nullable=False),
        sa.Column("lead_unit_id", sa.Integer(), nullable=True),
        sa.Column("cooperating", sa.JSON(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("completion_document_id", sa.Integer(), nullable=True),
        sa.Column("added_in", sa.Integer(), nullable=False),
        sa.Column("cancelled_in", sa.Integer(), nullable=True),
        sa.Column("inherited_from_id", sa.Integer(), nullable=True),
        sa.Column("target_codes", sa.JSON(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["completion_document_id"],
            ["evidence_documents.id"],
            name=op.f("fk_par_plan_tasks_completion_document_id_evidence_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["inherited_from_id"],
            ["par_plan_tasks.id"],
            name=op.f("fk_par_plan_tasks_inherited_from_id_par_plan_tasks"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_unit_id"], ["units.id"], name=op.f("fk_par_plan_tasks_lead_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["par_plans.id"],
            name=op.f("fk_par_plan_tasks_plan_id_par_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_par_plan_tasks")),
    )
    with op.batch_alter_table("par_plan_tasks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_par_plan_tasks_lead_unit_id"), ["lead_unit_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_par_plan_tasks_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "par_plan_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("decision_number", sa.String(length=120), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_par_plan_versions_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["evidence_documents.id"],
            name=op.f("fk_par_plan_versions_document_id_evidence_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["par_plans.id"],
            name=op.f("fk_par_plan_versions_plan_id_par_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_par_plan_versions")),
        sa.UniqueConstraint("plan_id", "number", name=op.f("uq_par_plan_versions_plan_id_number")),
    )
    with op.batch_alter_table("par_plan_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_par_plan_versions_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "report_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("received_outside", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("outside_reason", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["evidence_documents.id"],
            name=op.f("fk_report_submissions_document_id_evidence_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["report_periods.id"],
            name=op.f("fk_report_submissions_period_id_report_periods"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["users.id"], name=op.f("fk_report_submissions_submitted_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_report_submissions_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_submissions")),
        sa.UniqueConstraint(
            "period_id",
            "unit_id",
            "domain",
            name=op.f("uq_report_submissions_period_id_unit_id_domain"),
        ),
    )
    with op.batch_alter_table("report_submissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_submissions_period_id"), ["period_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_report_submissions_unit_id"), ["unit_id"], unique=False
        )

    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposal", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("proposal")

    with op.batch_alter_table("report_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_submissions_unit_id"))
        batch_op.drop_index(batch_op.f("ix_report_submissions_period_id"))

    op.drop_table("report_submissions")
    with op.batch_alter_table("par_plan_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_par_plan_versions_plan_id"))

    op.drop_table("par_plan_versions")
    with op.batch_alter_table("par_plan_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_par_plan_tasks_plan_id"))
        batch_op.drop_index(batch_op.f("ix_par_plan_tasks_lead_unit_id"))

    op.drop_table("par_plan_tasks")
    with op.batch_alter_table("report_periods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_periods_campaign_id"))

    op.drop_table("report_periods")
    with op.batch_alter_table("report_domain_offices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_domain_offices_unit_id"))
        batch_op.drop_index(batch_op.f("ix_report_domain_offices_campaign_id"))

    op.drop_table("report_domain_offices")
    with op.batch_alter_table("par_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_par_plans_unit_id"))
        batch_op.drop_index(batch_op.f("ix_par_plans_campaign_id"))

    op.drop_table("par_plans")
    with op.batch_alter_table("report_appendix_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_appendix_templates_campaign_id"))

    op.drop_table("report_appendix_templates")
