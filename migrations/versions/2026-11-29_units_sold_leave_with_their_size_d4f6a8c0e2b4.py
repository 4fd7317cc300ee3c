"""a deleted size takes its units sold with it

Revision ID: d4f6a8c0e2b4
Revises: a1f3c9e2b7d4
Create Date: 2026-11-29 09:40:00.000000

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
revision = 'd4f6a8c0e2b4'
down_revision = 'a1f3c9e2b7d4'
branch_labels = None
depends_on = None

# The lines of a deleted size lose their variant (SET NULL), so a refund of them afterwards could
# not find their product and its units would stay counted for good. The size takes its units with
# it instead, before its lines lose it: units sold count the sizes still on sale, as the count
# from the lines did before c3d5e7f9a1b2 stored it. The statuses are STILL_PAID's.
_TAKE_UNITS = """UPDATE products SET units_sold = units_sold - (
        SELECT coalesce(sum(order_lines.quantity), 0) FROM order_lines
        JOIN orders ON orders.id = order_lines.order_id
        WHERE order_lines.variant_id = OLD.id AND orders.status IN ('paid', 'shipped', 'delivered'))
    WHERE id = OLD.product_id"""
_SQLITE = f"CREATE TRIGGER variants_units_sold_delete BEFORE DELETE ON variants BEGIN {_TAKE_UNITS}; END"
_POSTGRES = (
    f"""CREATE FUNCTION variants_units_sold_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_TAKE_UNITS};
    RETURN OLD;
END $$""",
    """CREATE TRIGGER variants_units_sold_delete BEFORE DELETE ON variants
    FOR EACH ROW EXECUTE FUNCTION variants_units_sold_delete()""",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _POSTGRES:
            op.execute(statement)
    else:
        op.execute(_SQLITE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER variants_units_sold_delete ON variants")
        op.execute("DROP FUNCTION variants_units_sold_delete()")
    else:
        op.execute("DROP TRIGGER variants_units_sold_delete")
