"""The shop's search off its index (storefront.catalog.search): Chinese substrings of one, two and
more characters, English words and prefixes, names ranked first, only the county's active products,
kept current by every write; on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select, text, update

from storefront.catalog.models import Product
from storefront.catalog.search import search_statement
from storefront.db import scope_to_county
from tests.support.factories import make_county

LINDEN = "linden-snow"  # 蜂蜜 in its description only, as 蜂蜜 and as 雪蜜
BLACK_BEE = "black-bee"
PINE = "pine-nuts"  # 蜂蜜 in its description only
LITERAL = "literal"  # a name with characters that mean something to LIKE and to FTS5
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
                (LITERAL, '百分百 100% "纯" 蜜_蜂', 'Raw AND NEAR(x) "honey" *', "", "", True),
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


async def test_a_deleted_product_is_no_longer_found(client, raohe, session_maker):
    async with session_maker() as session:
        scope_to_county(session, raohe)
        await session.execute(delete(Product).where(Product.slug == BLACK_BEE))
        await session.commit()
    assert set(await search(client, "蜂蜜")) == {PINE, LINDEN}


async def test_the_search_reads_the_index(client, raohe, session_maker, backend):
    """The query plan of a search: the full-text table (SQLite) or the GIN index (PostgreSQL)."""
    async with session_maker() as session:
        scope_to_county(session, raohe)
        statement = search_statement("蜂蜜", backend, 48).compile(
            session.get_bind(), compile_kwargs={"literal_binds": True}
        )
    async with session_maker() as session:
        if backend == "postgresql":
            await session.execute(text("SET enable_seqscan = off"))
            plan = "\n".join((await session.execute(text(f"EXPLAIN {statement}"))).scalars())
            assert "ix_products_search" in plan
        else:
            plan = "\n".join(
                row[-1] for row in await session.execute(text(f"EXPLAIN QUERY PLAN {statement}"))
            )
            assert "VIRTUAL TABLE INDEX" in plan and "products_fts" in plan


async def test_a_broad_search_pages_through_every_match_keeping_the_words(client, session_maker):
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
        response = await client.get("/c/raohe/search", params={"q": "蜂 蜜", "page": number})
        assert response.status_code == 200
        pages.append((products_of(response.text), response.text))
    assert [len(found) for found, _ in pages] == [12, 12, 6]
    found = [slug for page, _ in pages for slug in page]
    assert len(set(found)) == 30
    assert set(found[:10]) == {f"jar-{n:02}" for n in range(0, 30, 3)}  # the names' matches first
    first, middle, last = (text for _, text in pages)
    assert 'rel="next" href="?q=%E8%9C%82+%E8%9C%9C&amp;page=2"' in first and 'rel="prev"' not in first
    assert 'href="?q=%E8%9C%82+%E8%9C%9C&amp;page=1"' in middle and "page=3" in middle
    assert 'rel="next"' not in last
    assert "第 1–12 件匹配商品" in first and "第 25–30 件匹配商品" in last
    missing = await client.get("/c/raohe/search", params={"q": "蜂 蜜", "page": 4})
    assert missing.status_code == 404


async def test_a_search_with_one_page_counts_its_products_without_page_links(client, raohe):
    response = await client.get("/c/raohe/search", params={"q": "蜂蜜"})
    assert "找到 3 件商品" in response.text and 'class="pagination"' not in response.text
