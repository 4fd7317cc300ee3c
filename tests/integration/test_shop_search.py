"""The shop's search off its index (storefront.catalog.search): Chinese substrings of one, two and
more characters, English words and prefixes, names ranked first, only the county's active products,
kept current by every write; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import delete, event, select, update

from storefront.catalog.models import Product, Variant
from storefront.catalog.search import Search
from storefront.db import all_counties_scope, scope_to_all_counties, scope_to_county
from tests.support.factories import make_county
from tests.support.plans import query_plan

LINDEN = "linden-snow"  # 蜂蜜 in its description only, as 蜂蜜 and as 雪蜜
BLACK_BEE = "black-bee"
PINE = "pine-nuts"  # 蜂蜜 in its description only
LITERAL = "literal"  # a name with characters that mean something to LIKE and to FTS5, or to no index
HIDDEN = "hidden"  # inactive


def products_of(found: str) -> list[str]:
    results = found.partition('class="best-sellers"')[0]
    return list(dict.fromkeys(re.findall(r'href="/c/raohe/products/([^"]+)"', results)))


async def search(client, query: str) -> list[str]:
    response = await client.get("/c/raohe/search", params={"q": query}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return products_of(response.text)


@pytest.fixture
async def raohe(session_maker) -> int:
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        scope_to_county(session, county.id)
        for position, (slug, name_zh, name_en, description_zh, description_en, active) in enumerate(
            [
                (PINE, "红松松子", "Pine nuts", "配蜂蜜吃最香。", "Best with honey.", True),
                (LINDEN, "椴树雪蜜", "Linden snow", "椴树花期的蜂蜜，结晶如雪。", "Crystallised.", True),
                (BLACK_BEE, "东北黑蜂蜂蜜", "Black Bee Honey", "黑蜂采集。", "From black bees.", True),
                (LITERAL, '百分百・100% "纯" 蜜_蜂 ½', 'Raw AND NEAR(x) "honey" *', "", "", True),
                (HIDDEN, "下架蜂蜜", "Withdrawn honey", "", "", False),
            ]
        ):
            session.add(
                Product(
                    slug=slug,
                    name_zh=name_zh,
                    name_en=name_en,
                    description_zh=description_zh,
                    description_en=description_en,
                    is_active=active,
                    position=position,
                )
            )
        await session.flush()
        guzhang = await make_county(session, "guzhang")
        scope_to_county(session, guzhang.id)
        session.add(Product(slug="guzhang-honey", name_zh="古丈蜂蜜", name_en="Guzhang honey"))
        await session.commit()
    return county.id


@pytest.mark.parametrize(
    ("query", "in_names", "in_descriptions"),
    [
        ("蜂蜜", {BLACK_BEE}, {PINE, LINDEN}),
        ("蜜", {LINDEN, BLACK_BEE, LITERAL}, {PINE}),  # one character
        ("雪蜜", {LINDEN}, set()),
        ("东北黑蜂", {BLACK_BEE}, set()),
        ("北黑 蜂蜜", {BLACK_BEE}, set()),
        ("honey", {BLACK_BEE, LITERAL}, {PINE}),
        ("Honey", {BLACK_BEE, LITERAL}, {PINE}),
        ("hon", {BLACK_BEE, LITERAL}, {PINE}),  # a prefix, as typed
        ("black bee", {BLACK_BEE}, set()),
        ("蜜雪", set(), set()),  # both characters are there, never in this order
        ("古丈", set(), set()),  # another county's
        ("下架", set(), set()),  # inactive
    ],
)
async def test_chinese_and_english_queries_find_the_countys_active_products_names_first(
    client, raohe, query, in_names, in_descriptions
):
    found = await search(client, query)
    assert len(found) == len(in_names) + len(in_descriptions)
    assert set(found[: len(in_names)]) == in_names and set(found[len(in_names) :]) == in_descriptions


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("100%", [LITERAL]),
        ("%", []),
        ("_", []),
        ("蜜_蜂", [LITERAL]),
        ("蜜%蜂", []),
        ('"纯"', [LITERAL]),
        ('"', []),
        ("'", []),
        ("NEAR(x)", [LITERAL]),
        ("NEAR(", [LITERAL]),
        ("raw AND", [LITERAL]),
        ("AND", [LITERAL]),
        ("*", []),
        ("hon*", []),
        ("\\", []),
        ("蜂蜜 OR 松子", []),
        ("・", []),  # punctuation among the kana, and ½: no index holds them
        ("½", []),
    ],
)
async def test_special_characters_are_looked_up_literally(client, raohe, query, found):
    assert await search(client, query) == found


async def test_an_edited_product_is_found_under_its_new_name_only(client, raohe, session_maker):
    async with session_maker() as session:
        scope_to_county(session, raohe)
        product = await session.scalar(select(Product).where(Product.slug == BLACK_BEE))
        product.name_zh = "黑蜂椴树蜜"
        product.name_en = "Black bee linden"
        await session.commit()
    assert await search(client, "椴树蜜") == [BLACK_BEE]
    assert await search(client, "东北") == []
    assert await search(client, "honey") == [LITERAL, PINE]


async def test_a_product_changed_by_an_update_statement_is_found_under_its_new_name(
    client, raohe, session_maker
):
    async with session_maker() as session:
        scope_to_county(session, raohe)
        changed = await session.execute(  # as the admin's product form saves
            update(Product)
            .where(Product.slug == PINE)
            .values(description_zh="原味。")
            .returning(Product.slug)
        )
        assert changed.scalars().all() == [PINE]
        await session.execute(update(Product).values(name_en=Product.name_en + " jar"))
        await session.commit()
    assert await search(client, "蜂蜜") == [BLACK_BEE, LINDEN]
    assert set(await search(client, "jar")) == {PINE, LINDEN, BLACK_BEE, LITERAL}


async def test_a_product_moved_to_another_county_is_found_there_only(client, raohe, session_maker):
    """No shop page moves a product, but a data fix may: the indexes follow its county."""
    async with session_maker() as session:
        with all_counties_scope(session):
            guzhang = await session.scalar(select(Product.county_id).where(Product.slug == "guzhang-honey"))
            await session.execute(update(Product).where(Product.slug == BLACK_BEE).values(county_id=guzhang))
            await session.commit()
    assert set(await search(client, "蜂蜜")) == {PINE, LINDEN}
    response = await client.get("/c/guzhang/search", params={"q": "蜂蜜"}, headers={"HX-Request": "true"})
    assert set(re.findall(r'href="/c/guzhang/products/([^"]+)"', response.text)) == {
        "guzhang-honey",
        BLACK_BEE,
    }


async def test_a_deleted_product_is_no_longer_found(client, raohe, session_maker):
    async with session_maker() as session:
        scope_to_county(session, raohe)
        await session.execute(delete(Product).where(Product.slug == BLACK_BEE))
        await session.commit()
    assert set(await search(client, "蜂蜜")) == {PINE, LINDEN}


async def test_the_names_matches_keep_the_shops_order_as_stock_positions_and_shelves_change(
    client, session_maker
):
    """Names holding 蜂蜜 list those in stock first, then in the county's order, whatever changes
    them: a sale that sells one out, a restock, a move, taking one off the shelf."""
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        scope_to_county(session, county.id)
        for position, (slug, name_zh, stock) in enumerate(
            [("black", "黑蜂蜂蜜", 5), ("linden", "椴树蜂蜜", 5), ("gift", "蜂蜜礼盒", 0)]
        ):
            product = Product(slug=slug, name_zh=name_zh, position=position)
            product.variants = [Variant(label_zh="500克", sku=slug, price=6800, stock=stock)]
            session.add(product)
        await session.commit()
    assert await search(client, "蜂蜜") == ["black", "linden", "gift"]

    async with session_maker() as session:
        scope_to_county(session, county.id)
        await session.execute(update(Variant).where(Variant.sku == "black").values(stock=0))
        await session.commit()
    assert await search(client, "蜂蜜") == ["linden", "black", "gift"]

    async with session_maker() as session:
        scope_to_county(session, county.id)
        await session.execute(update(Variant).where(Variant.sku == "gift").values(stock=3))
        await session.execute(update(Product).where(Product.slug == "gift").values(position=-1))
        await session.commit()
    assert await search(client, "蜂蜜") == ["gift", "linden", "black"]

    async with session_maker() as session:
        scope_to_county(session, county.id)
        linden = await session.scalar(select(Product).where(Product.slug == "linden"))
        linden.is_active = False
        await session.commit()
    assert await search(client, "蜂蜜") == ["gift", "black"]


async def _plan(
    session_maker, backend: str, county_id: int | None, statement, *, few_rows: bool = True
) -> str:
    """The database's plan for ``statement`` as the app sends it, scoped to the county; without
    one, for every county, so that a few rows do not make a county's index the cheapest way."""
    sent = []
    async with session_maker() as session:
        if county_id is None:
            scope_to_all_counties(session)
        else:
            scope_to_county(session, county_id)
        engine = session.bind

        def keep(_connection, _cursor, sql, parameters, _context, _many) -> None:
            sent.append((sql, parameters))

        event.listen(engine.sync_engine, "before_cursor_execute", keep)
        try:
            await session.execute(statement)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", keep)
    return await query_plan(engine, *sent[-1], few_rows=few_rows)


@pytest.mark.parametrize("query", ["蜂蜜", "蜜", "honey", "hon", "black 蜂蜜"])
async def test_the_names_matches_are_read_in_the_shops_order_off_their_index(
    raohe, session_maker, backend, query
):
    """A page of the products whose names hold the query is the first rows of the names' key
    index, already in the shop's order: nothing reads every match to sort them, however many
    there are, whether the query is a Chinese word, one character or the start of a word."""
    search = Search.of(query)
    statement = search.in_names(search.keys[0]).limit(13)
    plan = await _plan(session_maker, backend, raohe, statement)
    assert "ix_product_name_keys_ranked" in plan
    assert ("Sort" not in plan) if backend == "postgresql" else ("TEMP B-TREE" not in plan)


async def test_a_countys_lookup_in_the_full_text_index_reads_its_own_products_only(
    raohe, session_maker, backend
):
    """One full-text index holds every county's products; each county's tokens carry its mark, so a
    word another county sells a thousand times costs this county's search nothing."""
    async with session_maker() as session:
        with all_counties_scope(session):
            guzhang = await session.scalar(select(Product.county_id).where(Product.slug == "guzhang-honey"))
    lookup = (
        "SELECT count(*) FROM products WHERE search_vector @@ to_tsquery('simple', $1)"
        if backend == "postgresql"
        else "SELECT count(*) FROM products_fts WHERE products_fts MATCH ?"
    )
    async with session_maker() as session, session.bind.connect() as connection:
        found = {
            county: (await connection.exec_driver_sql(lookup, (f"c{county}x蜂蜜",))).scalar()
            for county in (raohe, guzhang)
        }
    assert found == {raohe: 4, guzhang: 1}  # raohe's three active and one inactive product hold it


RARE = "稀有"


async def _settled_catalog(session_maker, backend: str, slug: str, products: int, every: int) -> int:
    """A county of ``products`` whose every ``every``-th name holds 蜂蜜 and every 500th 稀有 (rare),
    with the planner's statistics."""
    async with session_maker() as session:
        county = await make_county(session, slug)
        scope_to_county(session, county.id)
        session.add_all(
            Product(
                slug=f"jar-{number}",
                name_zh=("椴树蜂蜜" if number % every == 0 else "椴树雪蜜")
                + (RARE if number % 500 == 0 else "")
                + f" {number}",
                name_en=f"Gift jar {number}",
                description_zh="配蜂蜜。" if number % 3 == 0 else "",
                position=number % 50,
            )
            for number in range(products)
        )
        await session.commit()
        engine = session.bind
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.exec_driver_sql("VACUUM ANALYZE" if backend == "postgresql" else "ANALYZE")
    return county.id


async def test_on_a_settled_catalog_any_page_of_the_names_matches_is_read_in_order_off_their_index(
    session_maker, backend
):
    """Thousands of products, the planner's statistics, every plan allowed: page 1 and page 21 of
    one word and of two read the names' key index in order, never every match to sort it (the
    planner, guessing few names pass the check, once chose that)."""
    county_id = await _settled_catalog(session_maker, backend, "raohe", 3000, every=5)
    await _settled_catalog(session_maker, backend, "guzhang", 3000, every=2)
    for query in ("蜂蜜", "蜂蜜 gift"):
        for offset in (0, 240):
            search = Search.of(query)
            statement = search.in_names(search.keys[0]).limit(13).offset(offset)
            plan = await _plan(session_maker, backend, county_id, statement, few_rows=False)
            assert "ix_product_name_keys_ranked" in plan, (query, offset, plan)
            sorted_ = ("Sort" in plan) if backend == "postgresql" else ("TEMP B-TREE" in plan)
            assert not sorted_, (query, offset, plan)


async def test_a_search_walks_the_rows_of_its_rarest_word(client, session_maker, backend, count_queries):
    """Searching "jar 稀有": every name holds jar, six hold 稀有; the names' matches are read from
    稀有's six rows, not by checking 3,000 products' names for it."""
    await _settled_catalog(session_maker, backend, "raohe", 3000, every=5)
    count_queries.clear()
    response = await client.get("/c/raohe/search", params={"q": f"jar {RARE}"})
    assert set(products_of(response.text)) == {f"jar-{number}" for number in range(0, 3000, 500)}
    walks = [
        parameters for sql, parameters in count_queries.sent if "ORDER BY product_name_keys.sold_out" in sql
    ]
    assert walks and all(RARE in list(parameters) and "jar" not in list(parameters) for parameters in walks)


async def test_the_other_matches_are_read_off_the_full_text_index(raohe, session_maker, backend):
    """The plan of the matches outside the names: the full-text table (SQLite) or the GIN index
    (PostgreSQL)."""
    plan = await _plan(session_maker, backend, None, Search.of("蜂蜜").elsewhere(backend, raohe))
    if backend == "postgresql":
        assert "ix_products_search" in plan
    else:
        assert "VIRTUAL TABLE INDEX" in plan and "products_fts" in plan


@pytest.mark.parametrize("query", ["蜂 蜜", "蜂蜜"])  # from the full-text candidates; off the names' index
async def test_a_broad_search_pages_through_every_match_keeping_the_words(client, session_maker, query):
    """30 matches: 12, 12 and 6 over three pages, none twice, names first; the links keep the query;
    past the last page is a 404; the first page says which products it shows, the last one too."""
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        scope_to_county(session, county.id)
        for number in range(30):
            in_name = number % 3 == 0
            session.add(
                Product(
                    slug=f"jar-{number:02}",
                    name_zh=f"椴树蜂蜜 {number}" if in_name else f"山货 {number}",
                    name_en=f"Jar {number}",
                    description_zh="" if in_name else "配蜂蜜。",
                    position=number,
                )
            )
        await session.commit()

    pages = []
    for number in (1, 2, 3):
        response = await client.get("/c/raohe/search", params={"q": query, "page": number})
        assert response.status_code == 200
        pages.append((products_of(response.text), response.text))
    assert [len(found) for found, _ in pages] == [12, 12, 6]
    found = [slug for page, _ in pages for slug in page]
    assert len(set(found)) == 30
    assert set(found[:10]) == {f"jar-{n:02}" for n in range(0, 30, 3)}  # the names' matches first
    first, middle, last = (text for _, text in pages)
    kept = urlencode({"q": query})
    assert f'rel="next" href="?{kept}&amp;page=2"' in first and 'rel="prev"' not in first
    assert f'href="?{kept}&amp;page=1"' in middle and "page=3" in middle
    assert 'rel="next"' not in last
    assert "第 1–12 件匹配商品" in first and "第 25–30 件匹配商品" in last
    missing = await client.get("/c/raohe/search", params={"q": query, "page": 4})
    assert missing.status_code == 404


async def test_a_search_with_one_page_counts_its_products_without_page_links(client, raohe):
    response = await client.get("/c/raohe/search", params={"q": "蜂蜜"})
    assert "找到 3 件商品" in response.text and 'class="pagination"' not in response.text
