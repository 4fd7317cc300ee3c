"""product name tokens in the shop's order, kept by triggers on products

Revision ID: b7d9f1a3c5e7
Revises: f6c8e0a2b4d6
Create Date: 2026-11-29 19:55:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7d9f1a3c5e7'
down_revision = 'f6c8e0a2b4d6'
branch_labels = None
depends_on = None

_COLUMNS = "product_id, token, county_id, is_active, sold_out, position"
# A product's rows: one per distinct token of products.name_tokens (space-separated), with the
# product's place in the shop. Tokens are letters and digits only (storefront.catalog.search), so
# SQLite can read the list as a JSON array with nothing to escape.
_ROWS = {
    "sqlite": """SELECT DISTINCT {row}.id, value, {row}.county_id, {row}.is_active, {row}.sold_out, {row}.position
        FROM {source} json_each('["' || replace({row}.name_tokens, ' ', '","') || '"]') WHERE value <> ''""",
    "postgresql": """SELECT DISTINCT {row}.id, token, {row}.county_id, {row}.is_active, {row}.sold_out, {row}.position
        FROM {source} unnest(string_to_array({row}.name_tokens, ' ')) AS token WHERE token <> ''""",
}
_WATCHED = "name_tokens, is_active, sold_out, position"
# Whatever writes a product (the admin, an import, an UPDATE statement, the sold-out triggers on
# variants) rewrites its rows; a deleted product takes them along (a foreign key on PostgreSQL).
_TRIGGERS = {
    "sqlite": [
        f"""CREATE TRIGGER products_name_tokens_insert AFTER INSERT ON products BEGIN
            INSERT INTO product_name_tokens ({_COLUMNS}) {_ROWS['sqlite'].format(row='NEW', source='')};
        END""",
        f"""CREATE TRIGGER products_name_tokens_update AFTER UPDATE OF {_WATCHED} ON products BEGIN
            DELETE FROM product_name_tokens WHERE product_id = OLD.id;
            INSERT INTO product_name_tokens ({_COLUMNS}) {_ROWS['sqlite'].format(row='NEW', source='')};
        END""",
        """CREATE TRIGGER products_name_tokens_delete AFTER DELETE ON products BEGIN
            DELETE FROM product_name_tokens WHERE product_id = OLD.id;
        END""",
    ],
    "postgresql": [
        f"""CREATE FUNCTION products_refresh_name_tokens() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                DELETE FROM product_name_tokens WHERE product_id = OLD.id;
            END IF;
            INSERT INTO product_name_tokens ({_COLUMNS}) {_ROWS['postgresql'].format(row='NEW', source='')};
            RETURN NULL;
        END $$""",
        f"""CREATE TRIGGER products_name_tokens AFTER INSERT OR UPDATE OF {_WATCHED} ON products
        FOR EACH ROW EXECUTE FUNCTION products_refresh_name_tokens()""",
    ],
}
_DROP = {
    "sqlite": [
        "DROP TRIGGER products_name_tokens_delete",
        "DROP TRIGGER products_name_tokens_update",
        "DROP TRIGGER products_name_tokens_insert",
    ],
    "postgresql": [
        "DROP TRIGGER products_name_tokens ON products",
        "DROP FUNCTION products_refresh_name_tokens()",
    ],
}


def upgrade() -> None:
    op.create_table('product_name_tokens',
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token', sa.Text(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('sold_out', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_product_name_tokens_county_id_counties'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_name_tokens_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'token', name=op.f('pk_product_name_tokens'))
    )
    with op.batch_alter_table('product_name_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_name_tokens_county_id'), ['county_id'], unique=False)
        batch_op.create_index('ix_product_name_tokens_ranked', ['county_id', 'token', 'is_active', 'sold_out', 'position', 'product_id'], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in _TRIGGERS[dialect]:
        op.execute(statement)
    op.execute(f"INSERT INTO product_name_tokens ({_COLUMNS}) {_ROWS[dialect].format(row='products', source='products,')}")


def downgrade() -> None:
    for statement in _DROP[op.get_bind().dialect.name]:
        op.execute(statement)
    with op.batch_alter_table('product_name_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_product_name_tokens_ranked')
        batch_op.drop_index(batch_op.f('ix_product_name_tokens_county_id'))
    op.drop_table('product_name_tokens')
