"""stored scores: each dossier's totals and each leaf's points, written with the answers

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 14:00:00

The tables start empty; `parindex upgrade` scores every dossier that has no stored score yet
(server.campaigns.stored_scores.rescore_missing), so rankings read stored scores at once.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _exact():
    # server.models.types.ExactDecimal: numeric on PostgreSQL, exact text elsewhere
    return sa.Numeric().with_variant(sa.String(length=60), "sqlite")


def upgrade():
    op.create_table(
        'dossier_scores',
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('criteria_set_id', sa.String(length=80), nullable=False),
        sa.Column('criteria_set_version', sa.String(length=40), nullable=False),
        sa.Column('inputs_digest', sa.String(length=64), nullable=False),
        sa.Column('self_total', _exact(), nullable=False),
        sa.Column('self_max_total', _exact(), nullable=False),
        sa.Column('total', _exact(), nullable=False),
        sa.Column('max_points', _exact(), nullable=False),
        sa.Column('index', _exact(), nullable=True),
        sa.Column('self_points', _exact(), nullable=False),
        sa.Column('survey_points', _exact(), nullable=False),
        sa.Column('self_max_points', _exact(), nullable=False),
        sa.Column('survey_max_points', _exact(), nullable=False),
        sa.Column('survey_absent', sa.Boolean(), nullable=False),
        sa.Column('unanswered', sa.Integer(), nullable=False),
        sa.Column('domains', sa.JSON(), nullable=False),
        sa.Column('scored_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'],
                                name=op.f('fk_dossier_scores_assessment_id_assessments'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('assessment_id', name=op.f('pk_dossier_scores')),
    )
    op.create_table(
        'leaf_scores',
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('criterion', sa.String(length=40), nullable=False),
        sa.Column('domain', sa.String(length=40), nullable=False),
        sa.Column('part', sa.String(length=10), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('outcome', sa.Text(), nullable=True),
        sa.Column('points', _exact(), nullable=False),
        sa.Column('self_status', sa.String(length=20), nullable=False),
        sa.Column('self_points', _exact(), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'],
                                name=op.f('fk_leaf_scores_assessment_id_assessments'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('assessment_id', 'code', name=op.f('pk_leaf_scores')),
    )


def downgrade():
    op.drop_table('leaf_scores')
    op.drop_table('dossier_scores')
