"""the listing indexes hold the shop's filters

Revision ID: c9e1a3b5d7f9
Revises: b7d9f1a3c5e7
Create Date: 2026-11-29 20:05:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = 'c9e1a3b5d7f9'
down_revision = 'b7d9f1a3c5e7'
branch_labels = None
depends_on = None

_ORDER = ['sold_out', 'position', 'id']
# Each listing's index, with what the shop filters on besides its first column.
_LISTINGS = {
    'ix_products_shop_order': ('county_id', ['is_active']),
    'ix_products_category_shop_order': ('category_id', ['is_active', 'county_id']),
    'ix_products_producer_shop_order': ('producer_id', ['is_active', 'county_id']),
}


def upgrade() -> None:
    for name, (owner, filters) in _LISTINGS.items():
        op.drop_index(name, table_name='products')
        op.create_index(name, 'products', [owner, *_ORDER, *filters], unique=False)


def downgrade() -> None:
    for name, (owner, _filters) in _LISTINGS.items():
        op.drop_index(name, table_name='products')
        op.create_index(name, 'products', [owner, *_ORDER], unique=False)
