"""sealed audit log: writers append unsealed events, a sealer chains them in keyed batches

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:20:00

The old chain (plain SHA-256 per event, one locked head row) is checked first: a broken chain
stops the upgrade, naming the event, so a rewritten log is never sealed as if it were genuine.
Then every existing event is sealed, in id order, in batches of 1,000 under the audit key (the
app's `AUDIT_KEY`: `PARINDEX_AUDIT_KEY` or `instance/audit_key`), so `audit verify` covers the
whole log right after the upgrade. The downgrade chains every event again the old way.
"""
import hashlib
import hmac
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
OLD_FIELDS = ("at", "actor_id", "action", "object_type", "object_id", "unit_id", "before",
              "after", "reason", "request_id")
BATCH = 1000


# Frozen copies of the hashing as it was (0003) and as it is now (server.audit.chain).
def _utc(value):
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json(data):
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _old_link(prev_hash, row):
    data = {key: row[key] for key in OLD_FIELDS}
    data["at"] = _utc(data["at"])
    return hashlib.sha256(f"{prev_hash}\n{_json(data)}".encode()).hexdigest()


def _mac(key, text):
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _event_hash(key, row):
    data = {key_: row[key_] for key_ in ("id", *OLD_FIELDS)}
    data["at"] = _utc(data["at"])
    return _mac(key, "event\n" + _json(data))


def _batch_hash(key, prev_hash, batch):
    content = {"sequence": batch["sequence"], "sealed_at": _utc(batch["sealed_at"]),
               "key_id": batch["key_id"], "events": batch["events"]}
    return _mac(key, f"batch\n{prev_hash}\n{_json(content)}")


def _events(*extra):
    return sa.table('audit_events', sa.column('id', sa.Integer()),
                    sa.column('at', sa.DateTime(timezone=True)),
                    sa.column('before', sa.JSON()), sa.column('after', sa.JSON()),
                    *(sa.column(c) for c in OLD_FIELDS if c not in ('at', 'before', 'after')),
                    *extra)


def _in_id_order(bind, table):
    last = 0
    while True:
        rows = bind.execute(sa.select(table).where(table.c.id > last).order_by(table.c.id)
                            .limit(BATCH)).mappings().all()
        if not rows:
            return
        yield rows
        last = rows[-1]['id']


def _check_old_chain(bind):
    events = _events(sa.column('prev_hash'), sa.column('hash'))
    prev = GENESIS
    for rows in _in_id_order(bind, events):
        for row in rows:
            if row['prev_hash'] != prev or row['hash'] != _old_link(prev, row):
                raise RuntimeError(
                    f"the audit chain is broken at event {row['id']} (`parindex audit verify` "
                    "on the previous version names it): it is not sealed as genuine; restore "
                    "the log from a backup before upgrading")
            prev = row['hash']
    head = bind.execute(sa.text("SELECT last_hash FROM audit_chain_head")).scalar()
    if (head or GENESIS) != prev:
        raise RuntimeError("the audit chain's newest events were deleted (the chain head does "
                           "not match): restore the log from a backup before upgrading")


def _seal_existing(bind, batches, heads):
    key = current_app.config["AUDIT_KEY"].encode()
    key_id = _mac(key, "parindex audit key")[:16]
    events = _events(sa.column('sealed_in', sa.Integer()))
    sequence, prev = 0, GENESIS
    for rows in _in_id_order(bind, events):
        sequence += 1
        batch = {"sequence": sequence, "sealed_at": datetime.now(UTC), "key_id": key_id,
                 "events": [[row['id'], _event_hash(key, row)] for row in rows],
                 "prev_hash": prev}
        batch["hash"] = prev = _batch_hash(key, prev, batch)
        bind.execute(batches.insert().values(**batch))
        bind.execute(events.update().where(events.c.id.in_([row['id'] for row in rows]))
                     .values(sealed_in=sequence))
    if sequence:
        bind.execute(heads.insert().values(id=1, sequence=sequence, hash=prev,
                                           mac=_mac(key, f"head\n{sequence}\n{prev}")))


def upgrade():
    bind = op.get_bind()
    _check_old_chain(bind)
    batches = op.create_table('audit_batches',
    sa.Column('sequence', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('sealed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('sequence', name=op.f('pk_audit_batches'))
    )
    heads = op.create_table('audit_seal_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('mac', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_seal_head'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sealed_in', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_sealed_in'), ['sealed_in'],
                              unique=False)
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
    op.drop_table('audit_chain_head')
    _seal_existing(bind, batches, heads)


def downgrade():
    head = op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_event_id', sa.Integer(), nullable=True),
    sa.Column('last_hash', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.drop_index(batch_op.f('ix_audit_events_sealed_in'))
        batch_op.drop_column('sealed_in')
    # Chained again the old way, in id order, so the previous version's `audit verify` holds.
    bind = op.get_bind()
    events = _events(sa.column('prev_hash'), sa.column('hash'))
    prev, last_id = GENESIS, None
    for rows in _in_id_order(bind, events):
        for row in rows:
            digest = _old_link(prev, row)
            bind.execute(events.update().where(events.c.id == row['id'])
                         .values(prev_hash=prev, hash=digest))
            prev, last_id = digest, row['id']
    op.bulk_insert(head, [{'id': 1, 'last_event_id': last_id,
                           'last_hash': None if last_id is None else prev}])
    op.drop_table('audit_seal_head')
    op.drop_table('audit_batches')
