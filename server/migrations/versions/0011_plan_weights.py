"""the target planner's effort weights per item, set by the Department for each campaign

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 17:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('campaigns', sa.Column('plan_weights', sa.JSON(), server_default='{}',
                                         nullable=False))


def downgrade():
    op.drop_column('campaigns', 'plan_weights')
