"""hardening: evidence links point to one revision, sessions carry a version, failed sign-ins
are counted

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 08:19:14

Every existing link points to its document's latest revision, which is what reviewers saw.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttles')),
    sa.UniqueConstraint('key', name=op.f('uq_login_throttles_key'))
    )
    with op.batch_alter_table('evidence_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_evidence_links_revision_id'), ['revision_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_evidence_links_revision_id_evidence_revisions'), 'evidence_revisions', ['revision_id'], ['id'])
    # What reviewers saw until now: the document's latest revision.
    op.execute("UPDATE evidence_links SET revision_id = (SELECT r.id FROM evidence_revisions r "
               "WHERE r.document_id = evidence_links.document_id ORDER BY r.number DESC LIMIT 1)")

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')

    with op.batch_alter_table('evidence_links', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_evidence_links_revision_id_evidence_revisions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_evidence_links_revision_id'))
        batch_op.drop_column('revision_id')

    op.drop_table('login_throttles')
