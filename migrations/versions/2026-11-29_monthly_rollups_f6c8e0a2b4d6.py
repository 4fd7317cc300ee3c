"""monthly roll-ups

Revision ID: f6c8e0a2b4d6
Revises: e5b7c9d1f3a5
Create Date: 2026-11-29 12:30:00.000000

"""

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f6c8e0a2b4d6'
down_revision = 'e5b7c9d1f3a5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('monthly_metrics',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('county_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_monthly_metrics_county_id_counties'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monthly_metrics')),
    sa.UniqueConstraint('county_id', 'month', 'dimension', 'key', 'metric', name=op.f('uq_monthly_metrics_county_id'))
    )
    with op.batch_alter_table('monthly_metrics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monthly_metrics_county_id'), ['county_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('monthly_metrics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monthly_metrics_county_id'))
    op.drop_table('monthly_metrics')
