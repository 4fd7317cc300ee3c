"""products.sold_out, kept by triggers on variants, and the listing indexes

Revision ID: b2e4d6f8a0c1
Revises: c4a1b7e90d52
Create Date: 2026-11-29 08:40:00.000000

"""

import datetime
import warnings
from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op
from advanced_alchemy.types import Bool, EncryptedString, EncryptedText, GUID, JsonB, ORA_JSONB, DateTimeUTC, StoredObject, PasswordHash, FernetBackend, TOTPSecret, OneTimeCode
from advanced_alchemy.types.encrypted_string import PGCryptoBackend
from advanced_alchemy.types.password_hash.argon2 import Argon2Hasher
from advanced_alchemy.types.password_hash.passlib import PasslibHasher
from advanced_alchemy.types.password_hash.pwdlib import PwdlibHasher
from sqlalchemy import Text  # noqa: F401


if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ("downgrade", "upgrade", "schema_upgrades", "schema_downgrades", "data_upgrades", "data_downgrades")

sa.GUID = GUID
sa.Bool = Bool
sa.DateTimeUTC = DateTimeUTC
sa.JsonB = JsonB
sa.ORA_JSONB = ORA_JSONB
sa.EncryptedString = EncryptedString
sa.EncryptedText = EncryptedText
sa.StoredObject = StoredObject
sa.PasswordHash = PasswordHash
sa.Argon2Hasher = Argon2Hasher
sa.PasslibHasher = PasslibHasher
sa.PwdlibHasher = PwdlibHasher
sa.FernetBackend = FernetBackend
sa.PGCryptoBackend = PGCryptoBackend
sa.TOTPSecret = TOTPSecret
sa.OneTimeCode = OneTimeCode

# revision identifiers, used by Alembic.
revision = 'b2e4d6f8a0c1'
down_revision = 'c4a1b7e90d52'
branch_labels = None
depends_on = None

# A product is sold out when none of its variants has stock. Whatever writes a variant (a checkout's
# hold, a payment, an admin's edit, an import) fires these, so the flag the listings sort on is
# never stale. Only a change across zero (or a move to another product) recomputes it.
_SOLD_OUT = "NOT EXISTS (SELECT 1 FROM variants WHERE variants.product_id = {row}.product_id AND variants.stock > 0)"
_SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER variants_sold_out_insert AFTER INSERT ON variants BEGIN
    UPDATE products SET sold_out = {_SOLD_OUT.format(row='NEW')} WHERE id = NEW.product_id; END""",
    f"""CREATE TRIGGER variants_sold_out_update AFTER UPDATE OF stock, product_id ON variants
    WHEN (OLD.stock > 0) != (NEW.stock > 0) OR OLD.product_id != NEW.product_id BEGIN
    UPDATE products SET sold_out = {_SOLD_OUT.format(row='OLD')} WHERE id = OLD.product_id;
    UPDATE products SET sold_out = {_SOLD_OUT.format(row='NEW')} WHERE id = NEW.product_id; END""",
    f"""CREATE TRIGGER variants_sold_out_delete AFTER DELETE ON variants BEGIN
    UPDATE products SET sold_out = {_SOLD_OUT.format(row='OLD')} WHERE id = OLD.product_id; END""",
)
# On PostgreSQL the triggers run at commit (deferred), once the transaction holds all its variant
# rows: taking a product's row in the middle of a checkout's holds could deadlock with another
# checkout. The product row is locked before the variants are read, so the read sees every
# transaction that changed this product's variants and committed before.
_POSTGRES_FUNCTION = f"""CREATE FUNCTION products_refresh_sold_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM 1 FROM products WHERE id = OLD.product_id FOR UPDATE;
        UPDATE products SET sold_out = {_SOLD_OUT.format(row='OLD')} WHERE id = OLD.product_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM 1 FROM products WHERE id = NEW.product_id FOR UPDATE;
        UPDATE products SET sold_out = {_SOLD_OUT.format(row='NEW')} WHERE id = NEW.product_id;
    END IF;
    RETURN NULL;
END $$"""
_POSTGRES_TRIGGERS = (
    _POSTGRES_FUNCTION,
    """CREATE CONSTRAINT TRIGGER variants_sold_out_insert AFTER INSERT ON variants
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION products_refresh_sold_out()""",
    """CREATE CONSTRAINT TRIGGER variants_sold_out_update AFTER UPDATE OF stock, product_id ON variants
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((OLD.stock > 0) <> (NEW.stock > 0) OR OLD.product_id <> NEW.product_id)
    EXECUTE FUNCTION products_refresh_sold_out()""",
    """CREATE CONSTRAINT TRIGGER variants_sold_out_delete AFTER DELETE ON variants
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION products_refresh_sold_out()""",
)
_INDEXES = {
    'ix_products_shop_order': ['county_id', 'sold_out', 'position', 'id'],
    'ix_products_category_shop_order': ['category_id', 'sold_out', 'position', 'id'],
    'ix_products_producer_shop_order': ['producer_id', 'sold_out', 'position', 'id'],
}
_TRIGGER_NAMES = ("variants_sold_out_insert", "variants_sold_out_update", "variants_sold_out_delete")


def upgrade() -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning)
        schema_upgrades()
        data_upgrades()


def downgrade() -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning)
        data_downgrades()
        schema_downgrades()


def schema_upgrades() -> None:
    # Plain ALTERs, no batch copy of the table on SQLite: a copy would drop triggers on products.
    op.add_column('products', sa.Column('sold_out', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.drop_index('ix_products_category_id', table_name='products')
    op.drop_index('ix_products_producer_id', table_name='products')
    for name, columns in _INDEXES.items():
        op.create_index(name, 'products', columns, unique=False)
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRES_TRIGGERS if postgres else _SQLITE_TRIGGERS:
        op.execute(statement)


def schema_downgrades() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in _TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER {name} ON variants" if postgres else f"DROP TRIGGER {name}")
    if postgres:
        op.execute("DROP FUNCTION products_refresh_sold_out()")
    for name in _INDEXES:
        op.drop_index(name, table_name='products')
    op.create_index('ix_products_producer_id', 'products', ['producer_id'], unique=False)
    op.create_index('ix_products_category_id', 'products', ['category_id'], unique=False)
    op.drop_column('products', 'sold_out')


def data_upgrades() -> None:
    """Products already listed get their flag from their variants' stock."""
    op.execute(
        "UPDATE products SET sold_out = NOT EXISTS (SELECT 1 FROM variants"
        " WHERE variants.product_id = products.id AND variants.stock > 0)"
    )


def data_downgrades() -> None:
    """Nothing to undo: the column goes with the schema."""
