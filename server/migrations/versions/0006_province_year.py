"""a province's own year: unit groups as data, frozen dossier group and parent, unit
replacements, excluded items, campaign phases and settings, imported publications, first-login
password change

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 07:35:50

The five groups the product shipped with become rows (with their Vietnamese labels, which the
administrator may edit); every existing dossier gets its unit's current group and parent, which
is what it was ranked in; campaigns in `planning` are now `draft`.
"""
import sqlalchemy as sa
from alembic import op

DEFAULT_GROUPS = [
    ("ministry", "Bộ, cơ quan ngang bộ", 0),
    ("province", "UBND cấp tỉnh", 1),
    ("department", "Sở, ban, ngành", 2),
    ("district", "UBND cấp huyện", 3),
    ("commune", "UBND cấp xã", 4),
]


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('unit_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=255), nullable=False),
    sa.Column('ranked', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_groups')),
    sa.UniqueConstraint('code', name=op.f('uq_unit_groups_code'))
    )
    op.create_table('excluded_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_excluded_items_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_excluded_items_created_by_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_excluded_items_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_excluded_items')),
    sa.UniqueConstraint('campaign_id', 'unit_id', 'code', name=op.f('uq_excluded_items_campaign_id_unit_id_code'))
    )
    with op.batch_alter_table('excluded_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_excluded_items_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_excluded_items_unit_id'), ['unit_id'], unique=False)

    op.create_table('unit_replacements',
    sa.Column('successor_id', sa.Integer(), nullable=False),
    sa.Column('predecessor_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['predecessor_id'], ['units.id'], name=op.f('fk_unit_replacements_predecessor_id_units'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['successor_id'], ['units.id'], name=op.f('fk_unit_replacements_successor_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('successor_id', 'predecessor_id', name=op.f('pk_unit_replacements'))
    )
    groups = sa.table('unit_groups', sa.column('code', sa.String), sa.column('label', sa.String),
                      sa.column('position', sa.Integer))
    op.bulk_insert(groups, [{"code": code, "label": label, "position": position}
                            for code, label, position in DEFAULT_GROUPS])
    op.execute("INSERT INTO unit_groups (code, label, position) SELECT DISTINCT u.\"group\", "
               "u.\"group\", 99 FROM units u WHERE u.\"group\" NOT IN "
               "(SELECT code FROM unit_groups)")

    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_group', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
    op.execute("UPDATE assessments SET unit_group = (SELECT u.\"group\" FROM units u "
               "WHERE u.id = assessments.unit_id), parent_id = (SELECT u.parent_id FROM units u "
               "WHERE u.id = assessments.unit_id)")
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.alter_column('unit_group', existing_type=sa.String(length=40), nullable=False)
        batch_op.create_index(batch_op.f('ix_assessments_unit_group'), ['unit_group'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_assessments_parent_id_units'), 'units', ['parent_id'], ['id'])

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('records_open', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('self_assessment_opens', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('data_cutoffs', sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column('survey', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('bands', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('previous_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_campaigns_previous_id_campaigns'), 'campaigns', ['previous_id'], ['id'])
    op.execute("UPDATE campaigns SET state = 'draft' WHERE state = 'planning'")

    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('imported', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_units_group_unit_groups'), 'unit_groups', ['group'], ['code'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    op.execute("UPDATE campaigns SET state = 'planning' WHERE state = 'draft'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')

    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_units_group_unit_groups'), type_='foreignkey')

    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_column('imported')

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_campaigns_previous_id_campaigns'), type_='foreignkey')
        batch_op.drop_column('previous_id')
        batch_op.drop_column('bands')
        batch_op.drop_column('survey')
        batch_op.drop_column('data_cutoffs')
        batch_op.drop_column('closes_at')
        batch_op.drop_column('self_assessment_opens')
        batch_op.drop_column('records_open')

    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_assessments_parent_id_units'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_assessments_unit_group'))
        batch_op.drop_column('parent_id')
        batch_op.drop_column('unit_group')

    op.drop_table('unit_replacements')
    with op.batch_alter_table('excluded_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_excluded_items_unit_id'))
        batch_op.drop_index(batch_op.f('ix_excluded_items_campaign_id'))

    op.drop_table('excluded_items')
    op.drop_table('unit_groups')
