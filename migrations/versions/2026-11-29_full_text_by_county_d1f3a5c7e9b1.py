"""SQLite's full-text index keyed by county

Revision ID: d1f3a5c7e9b1
Revises: c9e1a3b5d7f9
Create Date: 2026-11-29 20:35:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = 'd1f3a5c7e9b1'
down_revision = 'c9e1a3b5d7f9'
branch_labels = None
depends_on = None

# One FTS5 table holds every county's products, so a county's lookup of a word read every county's
# matches of it. Each token is now written with its county in front (蜂蜜 of county 12 is c12x蜂蜜,
# one token to the unicode61 tokenizer), so a lookup reads the county's own matches only. The
# indexed text is no longer the products' columns: the table keeps no content (content=''), and
# the triggers write and delete the county's tokens (storefront.catalog.search.county_match).
_COUNTY_TOKENS = (
    "CASE WHEN {row}.{column} = '' THEN '' ELSE"
    " 'c' || {row}.county_id || 'x' || replace({row}.{column}, ' ', ' c' || {row}.county_id || 'x') END"
)


def _values(row: str) -> str:
    return ", ".join(_COUNTY_TOKENS.format(row=row, column=column) for column in ("name_tokens", "description_tokens"))


_BY_COUNTY = [
    """CREATE VIRTUAL TABLE products_fts USING fts5(
        name_tokens, description_tokens, content='', tokenize='unicode61 remove_diacritics 0')""",
    f"""CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
        INSERT INTO products_fts (rowid, name_tokens, description_tokens) VALUES (new.id, {_values('new')});
    END""",
    f"""CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
        INSERT INTO products_fts (products_fts, rowid, name_tokens, description_tokens)
        VALUES ('delete', old.id, {_values('old')});
    END""",
    f"""CREATE TRIGGER products_fts_update AFTER UPDATE OF name_tokens, description_tokens ON products
    BEGIN
        INSERT INTO products_fts (products_fts, rowid, name_tokens, description_tokens)
        VALUES ('delete', old.id, {_values('old')});
        INSERT INTO products_fts (rowid, name_tokens, description_tokens) VALUES (new.id, {_values('new')});
    END""",
    f"INSERT INTO products_fts (rowid, name_tokens, description_tokens) SELECT id, {_values('products')} FROM products",
]
# As migration a1f3c9e2b7d4 made it: the products' own columns, read from the table.
_SHARED = [
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
]
_DROP = [
    "DROP TRIGGER products_fts_update",
    "DROP TRIGGER products_fts_delete",
    "DROP TRIGGER products_fts_insert",
    "DROP TABLE products_fts",
]


def _replace_index(statements: list[str]) -> None:
    """SQLite only: PostgreSQL keeps its GIN index."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in [*_DROP, *statements]:
        op.execute(statement)


def upgrade() -> None:
    _replace_index(_BY_COUNTY)


def downgrade() -> None:
    _replace_index(_SHARED)
