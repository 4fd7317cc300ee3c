"""stored buyer counts of settled periods, and the buyer chain by next purchase day

Revision ID: e5b7c9d1f3a5
Revises: d4f6a8c0e2b4
Create Date: 2026-11-29 12:00:00.000000

"""

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5b7c9d1f3a5'
down_revision = 'd4f6a8c0e2b4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('buyer_counts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('first', sa.Date(), nullable=False),
    sa.Column('last', sa.Date(), nullable=False),
    sa.Column('buyers', sa.Integer(), nullable=False),
    sa.Column('repeaters', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_buyer_counts_county_id_counties'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_buyer_counts')),
    sa.UniqueConstraint('county_id', 'first', 'last', name=op.f('uq_buyer_counts_county_id'))
    )
    with op.batch_alter_table('buyer_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_buyer_counts_county_id'), ['county_id'], unique=False)
    with op.batch_alter_table('buyer_orders', schema=None) as batch_op:
        batch_op.create_index('ix_buyer_orders_next', ['county_id', 'next_day', 'previous_day', 'paid_day'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('buyer_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_buyer_orders_next')
    with op.batch_alter_table('buyer_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_buyer_counts_county_id'))
    op.drop_table('buyer_counts')
