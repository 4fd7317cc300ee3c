"""product search index

Revision ID: a1f3c9e2b7d4
Revises: c3d5e7f9a1b2
Create Date: 2026-11-29 08:45:00.000000

"""

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

from storefront.catalog.search import index_tokens


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

# revision identifiers, used by Alembic.
revision = 'a1f3c9e2b7d4'
down_revision = 'c3d5e7f9a1b2'
branch_labels = None
depends_on = None


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
    """schema upgrade migrations go here."""
    # Plain ALTERs, no batch copy of the table on SQLite: a copy would drop triggers on products.
    op.add_column('products', sa.Column('name_tokens', sa.Text(), server_default='', nullable=False))
    op.add_column('products', sa.Column('description_tokens', sa.Text(), server_default='', nullable=False))

def schema_downgrades() -> None:
    """schema downgrade migrations go here."""
    op.execute("ALTER TABLE products DROP COLUMN description_tokens")
    op.execute("ALTER TABLE products DROP COLUMN name_tokens")

# The search index of storefront.catalog.search: SQLite's FTS5 table over the token columns, with
# content in products, kept by triggers (https://sqlite.org/fts5.html#external_content_tables);
# PostgreSQL's tsvector of them, a stored generated column (ranking reads it, never parses the
# tokens), with a GIN index.
_INDEX = {
    "sqlite": [
        """CREATE VIRTUAL TABLE products_fts USING fts5(
            name_tokens, description_tokens, content='products', content_rowid='id',
            tokenize='unicode61 remove_diacritics 0')""",
        """CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
            INSERT INTO products_fts (rowid, name_tokens, description_tokens)
            VALUES (new.id, new.name_tokens, new.description_tokens);
        END""",
        """CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
            INSERT INTO products_fts (products_fts, rowid, name_tokens, description_tokens)
            VALUES ('delete', old.id, old.name_tokens, old.description_tokens);
        END""",
        """CREATE TRIGGER products_fts_update AFTER UPDATE OF name_tokens, description_tokens ON products
        BEGIN
            INSERT INTO products_fts (products_fts, rowid, name_tokens, description_tokens)
            VALUES ('delete', old.id, old.name_tokens, old.description_tokens);
            INSERT INTO products_fts (rowid, name_tokens, description_tokens)
            VALUES (new.id, new.name_tokens, new.description_tokens);
        END""",
        "INSERT INTO products_fts (products_fts) VALUES ('rebuild')",
    ],
    "postgresql": [
        """ALTER TABLE products ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple', name_tokens), 'A')
            || setweight(to_tsvector('simple', description_tokens), 'B')) STORED""",
        "CREATE INDEX ix_products_search ON products USING gin (search_vector)",
    ],
}
_DROP = {
    "sqlite": [
        "DROP TRIGGER products_fts_update",
        "DROP TRIGGER products_fts_delete",
        "DROP TRIGGER products_fts_insert",
        "DROP TABLE products_fts",
    ],
    "postgresql": ["DROP INDEX ix_products_search", "ALTER TABLE products DROP COLUMN search_vector"],
}


def data_upgrades() -> None:
    """The tokens of the products there are, then the index over them."""
    bind = op.get_bind()
    products = sa.table(
        'products', *(sa.column(name) for name in ('id', 'name_zh', 'name_en', 'description_zh',
                                                 'description_en', 'name_tokens', 'description_tokens'))
    )
    rows = bind.execute(
        sa.select(products.c.id, products.c.name_zh, products.c.name_en, products.c.description_zh,
                  products.c.description_en)
    ).all()
    if rows:
        bind.execute(
            products.update().where(products.c.id == sa.bindparam('product_id')).values(
                name_tokens=sa.bindparam('names'), description_tokens=sa.bindparam('descriptions')
            ),
            [
                {
                    'product_id': row.id,
                    'names': index_tokens(row.name_zh, row.name_en),
                    'descriptions': index_tokens(row.description_zh, row.description_en),
                }
                for row in rows
            ],
        )
    for statement in _INDEX[bind.dialect.name]:
        op.execute(statement)

def data_downgrades() -> None:
    """The index goes before the columns it covers."""
    for statement in _DROP[op.get_bind().dialect.name]:
        op.execute(statement)
