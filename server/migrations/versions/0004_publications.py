"""publications, campaign tie rule, units not ranked

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 17:05:25

A publication freezes a unit group's ranking; the campaign may override the set's tie rule, and
a unit may be scored without being ranked.
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_group', sa.String(length=40), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('criteria_set_id', sa.String(length=80), nullable=False),
    sa.Column('criteria_set_version', sa.String(length=40), nullable=False),
    sa.Column('engine_version', sa.String(length=20), nullable=False),
    sa.Column('tie_rule', sa.JSON(), nullable=False),
    sa.Column('inputs_digest', sa.String(length=64), nullable=False),
    sa.Column('results', sa.JSON(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('published_by', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_publications_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_publications_published_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications')),
    sa.UniqueConstraint('campaign_id', 'unit_group', 'number', name=op.f('uq_publications_campaign_id_unit_group_number'))
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publications_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('publication_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('unit_code', sa.String(length=40), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_publication_scores_publication_id_publications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication_scores')),
    sa.UniqueConstraint('publication_id', 'unit_code', name=op.f('uq_publication_scores_publication_id_unit_code'))
    )
    with op.batch_alter_table('publication_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_scores_publication_id'), ['publication_id'], unique=False)

    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ranked', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('not_ranked_reason', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tie_compare', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('tie_ranks', sa.String(length=20), nullable=True))



def downgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('tie_ranks')
        batch_op.drop_column('tie_compare')

    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_column('not_ranked_reason')
        batch_op.drop_column('ranked')

    with op.batch_alter_table('publication_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_scores_publication_id'))

    op.drop_table('publication_scores')
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publications_campaign_id'))

    op.drop_table('publications')
