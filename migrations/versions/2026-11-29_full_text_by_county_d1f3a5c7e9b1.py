"""the full-text indexes keyed by county

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

# One full-text index holds every county's products, so a county's lookup of a word read every
# county's matches of it. Each token is now indexed with its county in front (蜂蜜 of county 12 is
# c12x蜂蜜, one token to SQLite's unicode61 tokenizer and to PostgreSQL's parser), so a lookup reads
# the county's own matches only (storefront.catalog.search). SQLite's FTS5 table no longer indexes
# the products' columns as they are: it keeps no content (content=''), and its triggers write and
# delete the marked tokens. PostgreSQL's generated tsvector marks them in its expression.
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
    f"""CREATE TRIGGER products_fts_update AFTER UPDATE OF name_tokens, description_tokens, county_id ON products
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
_MARKED = r"regexp_replace({column}, '(\S+)', 'c' || county_id::text || 'x\1', 'g')"
_POSTGRES_VECTOR = (
    "ALTER TABLE products ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', {names}), 'A') || setweight(to_tsvector('simple', {descriptions}), 'B')) STORED"
)
_POSTGRES = {
    "by county": _POSTGRES_VECTOR.format(
        names=_MARKED.format(column="name_tokens"), descriptions=_MARKED.format(column="description_tokens")
    ),
    "shared": _POSTGRES_VECTOR.format(names="name_tokens", descriptions="description_tokens"),
}


def _replace_index(sqlite: list[str], postgres: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in [*_DROP, *sqlite]:
            op.execute(statement)
        return
    op.execute("DROP INDEX ix_products_search")
    op.execute("ALTER TABLE products DROP COLUMN search_vector")
    op.execute(postgres)
    op.execute("CREATE INDEX ix_products_search ON products USING gin (search_vector)")


def upgrade() -> None:
    _replace_index(_BY_COUNTY, _POSTGRES["by county"])


def downgrade() -> None:
    _replace_index(_SHARED, _POSTGRES["shared"])
