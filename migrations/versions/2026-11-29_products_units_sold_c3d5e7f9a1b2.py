"""products.units_sold, kept by triggers on orders and order lines

Revision ID: c3d5e7f9a1b2
Revises: b2e4d6f8a0c1
Create Date: 2026-11-29 08:50:00.000000

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
revision = 'c3d5e7f9a1b2'
down_revision = 'b2e4d6f8a0c1'
branch_labels = None
depends_on = None

# The statuses of storefront.orders.states.STILL_PAID (paid and not refunded), as they are today.
_PAID = "('paid', 'shipped', 'delivered')"
# A line counts once its order is paid: when it is written into an order already paid (imports, the
# demo's history) or when its order's status crosses into or out of STILL_PAID (payment, refund in
# full, and back). A size deleted takes its units with it (d4f6a8c0e2b4).
_LINE_COUNTS = f"""NEW.variant_id IS NOT NULL
    AND (SELECT status FROM orders WHERE orders.id = NEW.order_id) IN {_PAID}"""
_ADD_LINE = """UPDATE products SET units_sold = units_sold + NEW.quantity
    WHERE id = (SELECT product_id FROM variants WHERE variants.id = NEW.variant_id)"""
_CROSSES = f"(OLD.status IN {_PAID}) <> (NEW.status IN {_PAID})"
_ORDER_SIGN = f"(CASE WHEN NEW.status IN {_PAID} THEN 1 ELSE -1 END)"
_SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER order_lines_units_sold AFTER INSERT ON order_lines WHEN {_LINE_COUNTS}
    BEGIN {_ADD_LINE}; END""",
    f"""CREATE TRIGGER orders_units_sold AFTER UPDATE OF status ON orders WHEN {_CROSSES} BEGIN
    UPDATE products SET units_sold = units_sold + {_ORDER_SIGN} * (
        SELECT coalesce(sum(order_lines.quantity), 0) FROM order_lines
        JOIN variants ON variants.id = order_lines.variant_id
        WHERE order_lines.order_id = NEW.id AND variants.product_id = products.id)
    WHERE id IN (SELECT variants.product_id FROM order_lines
        JOIN variants ON variants.id = order_lines.variant_id WHERE order_lines.order_id = NEW.id); END""",
)
# On PostgreSQL a payment's products are counted at commit (deferred), after the payment has taken
# its variants' rows, in the same order as the sold-out flag (b2e4d6f8a0c1): variants, then
# products; counting at the status change would take a product before its variants and could
# deadlock with a checkout.
_POSTGRES_TRIGGERS = (
    f"""CREATE FUNCTION order_lines_units_sold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF {_LINE_COUNTS} THEN
        {_ADD_LINE};
    END IF;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER order_lines_units_sold AFTER INSERT ON order_lines
    FOR EACH ROW EXECUTE FUNCTION order_lines_units_sold()""",
    f"""CREATE FUNCTION orders_units_sold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE products SET units_sold = products.units_sold + {_ORDER_SIGN} * sold.quantity
    FROM (SELECT variants.product_id, sum(order_lines.quantity) AS quantity FROM order_lines
          JOIN variants ON variants.id = order_lines.variant_id
          WHERE order_lines.order_id = NEW.id GROUP BY variants.product_id) AS sold
    WHERE products.id = sold.product_id;
    RETURN NULL;
END $$""",
    f"""CREATE CONSTRAINT TRIGGER orders_units_sold AFTER UPDATE OF status ON orders
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({_CROSSES})
    EXECUTE FUNCTION orders_units_sold()""",
)
_TRIGGERS = {"order_lines_units_sold": "order_lines", "orders_units_sold": "orders"}


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
    op.add_column('products', sa.Column('units_sold', sa.Integer(), server_default='0', nullable=False))
    op.create_index('ix_products_best_sellers', 'products', ['county_id', 'sold_out', 'units_sold'], unique=False)
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRES_TRIGGERS if postgres else _SQLITE_TRIGGERS:
        op.execute(statement)


def schema_downgrades() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, table in _TRIGGERS.items():
        op.execute(f"DROP TRIGGER {name} ON {table}" if postgres else f"DROP TRIGGER {name}")
        if postgres:
            op.execute(f"DROP FUNCTION {name}()")
    op.drop_index('ix_products_best_sellers', table_name='products')
    op.drop_column('products', 'units_sold')


def data_upgrades() -> None:
    """Units already sold: the lines of orders paid and not refunded, by their size's product."""
    op.execute(
        "UPDATE products SET units_sold = (SELECT coalesce(sum(order_lines.quantity), 0) FROM order_lines"
        " JOIN orders ON orders.id = order_lines.order_id"
        " JOIN variants ON variants.id = order_lines.variant_id"
        f" WHERE variants.product_id = products.id AND orders.status IN {_PAID})"
    )


def data_downgrades() -> None:
    """Nothing to undo: the column goes with the schema."""
