"""explanation replies

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 17:20:00

The unit's replies to the appraisal council's questions, one row per question round.
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('explanation_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('question_version', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_explanation_replies_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_explanation_replies_author_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_explanation_replies')),
    sa.UniqueConstraint('assessment_id', 'code', 'question_version', name=op.f('uq_explanation_replies_assessment_id_code_question_version'))
    )
    with op.batch_alter_table('explanation_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_explanation_replies_assessment_id'), ['assessment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('explanation_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_explanation_replies_assessment_id'))
    op.drop_table('explanation_replies')
