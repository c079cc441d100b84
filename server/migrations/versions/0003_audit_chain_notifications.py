"""audit hash chain, reviewer assignments, notifications

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 15:40:00

Existing audit events are chained in id order when the columns are added, so `audit verify`
covers the whole log from the first migration on.
"""
import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
HASHED_FIELDS = ("at", "actor_id", "action", "object_type", "object_id", "unit_id", "before",
                 "after", "reason", "request_id")


def _link_hash(prev_hash, row):
    # A frozen copy of server.audit_chain.link_hash as it was when this migration was written.
    data = {key: row[key] for key in HASHED_FIELDS}
    at = data["at"] if data["at"].tzinfo else data["at"].replace(tzinfo=UTC)
    data["at"] = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))

    head = op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_event_id', sa.Integer(), nullable=True),
    sa.Column('last_hash', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )

    events = sa.table('audit_events', *(sa.column(c) for c in ('id', 'prev_hash', 'hash')),
                      sa.column('at', sa.DateTime(timezone=True)),
                      sa.column('before', sa.JSON()), sa.column('after', sa.JSON()),
                      *(sa.column(c) for c in HASHED_FIELDS if c not in ('at', 'before', 'after')))
    bind = op.get_bind()
    prev, last_id = GENESIS, None
    for row in bind.execute(sa.select(events).order_by(events.c.id)).mappings().all():
        digest = _link_hash(prev, row)
        bind.execute(events.update().where(events.c.id == row['id'])
                     .values(prev_hash=prev, hash=digest))
        prev, last_id = digest, row['id']
    op.bulk_insert(head, [{'id': 1, 'last_event_id': last_id,
                           'last_hash': None if last_id is None else prev}])

    op.create_table('reviewer_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('domains', sa.JSON(), nullable=False),
    sa.Column('unit_group', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_reviewer_assignments_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_reviewer_assignments_reviewer_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviewer_assignments'))
    )
    with op.batch_alter_table('reviewer_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviewer_assignments_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reviewer_assignments_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_notifications_unit_id_units'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_user_id'), ['user_id'], unique=False)

    op.create_table('sent_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_sent_reminders_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_sent_reminders_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_reminders')),
    sa.UniqueConstraint('campaign_id', 'unit_id', 'kind', name=op.f('uq_sent_reminders_campaign_id_unit_id_kind'))
    )


def downgrade():
    op.drop_table('sent_reminders')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_user_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_created_at'))
    op.drop_table('notifications')
    with op.batch_alter_table('reviewer_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviewer_assignments_reviewer_id'))
        batch_op.drop_index(batch_op.f('ix_reviewer_assignments_campaign_id'))
    op.drop_table('reviewer_assignments')
    op.drop_table('audit_chain_head')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
