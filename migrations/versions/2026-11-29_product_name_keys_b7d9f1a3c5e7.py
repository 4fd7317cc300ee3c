"""product name keys in the shop's order, kept by triggers on products

Revision ID: b7d9f1a3c5e7
Revises: f6c8e0a2b4d6
Create Date: 2026-11-29 19:55:00.000000

"""

import sqlalchemy as sa
from alembic import op

from storefront.catalog.search import name_keys

# revision identifiers, used by Alembic.
revision = 'b7d9f1a3c5e7'
down_revision = 'f6c8e0a2b4d6'
branch_labels = None
depends_on = None

_COLUMNS = "product_id, key, county_id, is_active, sold_out, position"
# A product's rows: one per distinct key of products.name_keys (space-separated), with the
# product's place (its county, and where it stands in the shop). Keys are letters and digits only
# (storefront.catalog.search), so SQLite can read the list as a JSON array with nothing to escape.
_ROWS = {
    "sqlite": """SELECT DISTINCT {row}.id, value, {row}.county_id, {row}.is_active, {row}.sold_out, {row}.position
        FROM {source} json_each('["' || replace({row}.name_keys, ' ', '","') || '"]') WHERE value <> ''""",
    "postgresql": """SELECT DISTINCT {row}.id, key, {row}.county_id, {row}.is_active, {row}.sold_out, {row}.position
        FROM {source} unnest(string_to_array({row}.name_keys, ' ')) AS key WHERE key <> ''""",
}
_PLACE = ("county_id", "is_active", "sold_out", "position")
# Whatever writes a product (the admin, an import, an UPDATE statement, the sold-out triggers on
# variants) keeps its rows: new keys rewrite them, a new place is copied onto them, and
# an update that changes neither (a description, a stock count) leaves them alone. A deleted product
# takes them along (a foreign key on PostgreSQL).


def _moved(different: str) -> str:
    return " OR ".join(f"OLD.{column} {different} NEW.{column}" for column in _PLACE)


_COPY_PLACE = (
    f"UPDATE product_name_keys SET {', '.join(f'{column} = NEW.{column}' for column in _PLACE)} WHERE product_id = NEW.id"
)
_TRIGGERS = {
    "sqlite": [
        f"""CREATE TRIGGER products_name_keys_insert AFTER INSERT ON products BEGIN
            INSERT INTO product_name_keys ({_COLUMNS}) {_ROWS['sqlite'].format(row='NEW', source='')};
        END""",
        f"""CREATE TRIGGER products_name_keys_update AFTER UPDATE OF name_keys ON products
        WHEN OLD.name_keys IS NOT NEW.name_keys BEGIN
            DELETE FROM product_name_keys WHERE product_id = OLD.id;
            INSERT INTO product_name_keys ({_COLUMNS}) {_ROWS['sqlite'].format(row='NEW', source='')};
        END""",
        f"""CREATE TRIGGER products_name_keys_place AFTER UPDATE OF {', '.join(_PLACE)} ON products
        WHEN OLD.name_keys IS NEW.name_keys AND ({_moved('IS NOT')}) BEGIN
            {_COPY_PLACE};
        END""",
        """CREATE TRIGGER products_name_keys_delete AFTER DELETE ON products BEGIN
            DELETE FROM product_name_keys WHERE product_id = OLD.id;
        END""",
    ],
    "postgresql": [
        f"""CREATE FUNCTION products_refresh_name_keys() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                IF OLD.name_keys = NEW.name_keys THEN
                    {_COPY_PLACE};
                    RETURN NULL;
                END IF;
                DELETE FROM product_name_keys WHERE product_id = OLD.id;
            END IF;
            INSERT INTO product_name_keys ({_COLUMNS}) {_ROWS['postgresql'].format(row='NEW', source='')};
            RETURN NULL;
        END $$""",
        """CREATE TRIGGER products_name_keys_insert AFTER INSERT ON products
        FOR EACH ROW EXECUTE FUNCTION products_refresh_name_keys()""",
        f"""CREATE TRIGGER products_name_keys_update AFTER UPDATE OF name_keys, {', '.join(_PLACE)} ON products
        FOR EACH ROW WHEN (OLD.name_keys <> NEW.name_keys OR {_moved('IS DISTINCT FROM')})
        EXECUTE FUNCTION products_refresh_name_keys()""",
    ],
}
_DROP = {
    "sqlite": [
        "DROP TRIGGER products_name_keys_delete",
        "DROP TRIGGER products_name_keys_place",
        "DROP TRIGGER products_name_keys_update",
        "DROP TRIGGER products_name_keys_insert",
    ],
    "postgresql": [
        "DROP TRIGGER products_name_keys_update ON products",
        "DROP TRIGGER products_name_keys_insert ON products",
        "DROP FUNCTION products_refresh_name_keys()",
    ],
}


def upgrade() -> None:
    # A plain ALTER, no batch copy of the table on SQLite: a copy would drop triggers on products.
    op.add_column('products', sa.Column('name_keys', sa.Text(), server_default='', nullable=False))
    op.create_table('product_name_keys',
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('sold_out', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_product_name_keys_county_id_counties'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_name_keys_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'key', name=op.f('pk_product_name_keys'))
    )
    with op.batch_alter_table('product_name_keys', schema=None) as batch_op:
        batch_op.create_index('ix_product_name_keys_ranked', ['county_id', 'key', 'is_active', 'sold_out', 'position', 'product_id'], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in _TRIGGERS[dialect]:
        op.execute(statement)
    _key_products_there_are()


def _key_products_there_are() -> None:
    """The keys of the products there are; the triggers write their rows."""
    products = sa.table('products', sa.column('id'), sa.column('name_zh'), sa.column('name_en'), sa.column('name_keys'))
    bind = op.get_bind()
    rows = bind.execute(sa.select(products.c.id, products.c.name_zh, products.c.name_en)).all()
    if rows:
        bind.execute(
            products.update().where(products.c.id == sa.bindparam('product_id')).values(name_keys=sa.bindparam('keys')),
            [{'product_id': row.id, 'keys': name_keys(row.name_zh, row.name_en)} for row in rows],
        )


def downgrade() -> None:
    for statement in _DROP[op.get_bind().dialect.name]:
        op.execute(statement)
    with op.batch_alter_table('product_name_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_product_name_keys_ranked')
    op.drop_table('product_name_keys')
    op.execute("ALTER TABLE products DROP COLUMN name_keys")
