"""A county with 100,000 products, and what its uncached pages cost against the demo catalog's.

    uv run python -m benchmarks.big_catalog [--products 100000] [--database sqlite] [--duration 5]

For each database (SQLite and a throwaway PostgreSQL unless ``--database`` names one), it migrates
and seeds the demo counties, then generates the county ``dabei`` beside them (:func:`generate`):
20 categories of 5,000 products each, 200 producers, one to three variants a product (about 8 %
of products sold out), a picture each, Chinese and English names and descriptions made from word
lists (about 2 % of names hold 蜂蜜). Products go in through the ORM in batches of 5,000, so its
events fill the columns it derives (the search tokens); variants and pictures as bulk inserts; the
sold-out flags in one UPDATE (on PostgreSQL the variants' per-row triggers are skipped while generating).

It then serves the app as production does with ``PAGE_CACHE_SECONDS=0`` and times, one request
after another (the time of a page, not a throughput), the county home, a category's page 1 and
page 50, a product page and searches for 蜂蜜 and "honey", on the demo county ``raohe`` and on ``dabei``,
and prints the ratio of the medians (issue 11's goal: 1.3 at most). The demo county's categories
have one page: its page 1 stands in for page 50.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import urllib.parse
from contextlib import ExitStack
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, text, update

from benchmarks.support import (
    BACKENDS,
    Databases,
    HttpShopper,
    benchmark_parser,
    busy_cpu_share,
    get_status,
    guarded,
    orm_session,
    pad,
    print_machine_note,
    serve,
    server_env,
)
from storefront.catalog.models import Category, Producer, Product, ProductImage, Variant
from storefront.db import all_counties_scope, scope_to_county
from tests.support.factories import make_county

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

BIG = "dabei"
DEMO = "raohe"
SEARCH_WORDS = ("蜂蜜", "honey")
"""Issue 11's two-character Chinese word, and an English word (looked up as a prefix)."""
FAR_PAGE = 50
BATCH = 5_000
PRODUCERS = 200
SOLD_OUT_SHARE = 0.08
GOAL_RATIO = 1.3
MIN_REQUESTS = 3

PLACES = (
    ("东北", "Northeast"), ("长白山", "Changbai Mountain"), ("乌苏里江", "Ussuri River"),
    ("饶河", "Raohe"), ("大兴安岭", "Greater Khingan"), ("黑土地", "black-soil"), ("五常", "Wuchang"),
    ("小兴安岭", "Lesser Khingan"), ("兴凯湖", "Khanka Lake"), ("完达山", "Wanda Mountain"),
)  # fmt: skip
GRADES = (
    ("特级", "premium"), ("一级", "first grade"), ("农家", "farmhouse"), ("有机", "organic"),
    ("野生", "wild"), ("精选", "selected"), ("古法", "traditional"), ("新季", "new season"),
)  # fmt: skip
# Twenty categories, each with the goods it sells; two of the honey category's five hold 蜂蜜.
CATEGORIES = (
    (
        "honey",
        "蜂产品",
        "Bee products",
        (
            ("椴树蜂蜜", "linden honey"),
            ("椴树雪蜜", "white linden honey"),
            ("蜂王浆", "royal jelly"),
            ("黑蜂蜂蜜", "black bee honey"),
            ("蜂巢蜜", "comb honey"),
        ),
    ),
    ("nuts", "坚果", "Nuts", (("松子", "pine nuts"), ("榛子", "hazelnuts"), ("核桃", "walnuts"))),
    (
        "fungi",
        "菌菇",
        "Mushrooms",
        (("黑木耳", "black fungus"), ("猴头菇", "lion's mane"), ("榛蘑", "honey mushrooms")),
    ),
    (
        "rice",
        "大米",
        "Rice",
        (("稻花香大米", "fragrant rice"), ("长粒香米", "long-grain rice"), ("糙米", "brown rice")),
    ),
    ("tea", "茶", "Tea", (("红茶", "black tea"), ("白桦茸茶", "chaga tea"), ("玫瑰花茶", "rose tea"))),
    (
        "beans",
        "杂粮",
        "Grains and beans",
        (("小米", "millet"), ("黄豆", "soybeans"), ("红小豆", "red beans")),
    ),
    (
        "fish",
        "江鲜",
        "River fish",
        (("大马哈鱼", "chum salmon"), ("鲟鱼子酱", "sturgeon caviar"), ("鲫鱼干", "dried carp")),
    ),
    (
        "berries",
        "浆果",
        "Berries",
        (("蓝莓干", "dried blueberries"), ("蓝靛果", "haskap berries"), ("沙棘汁", "sea buckthorn juice")),
    ),
    (
        "herbs",
        "山货",
        "Wild herbs",
        (("刺五加", "Siberian ginseng"), ("人参", "ginseng"), ("五味子", "schisandra")),
    ),
    (
        "oil",
        "食用油",
        "Cooking oil",
        (("大豆油", "soybean oil"), ("亚麻籽油", "linseed oil"), ("松子油", "pine nut oil")),
    ),
    (
        "meat",
        "肉制品",
        "Cured meat",
        (("红肠", "red sausage"), ("风干肉", "air-dried beef"), ("熏鸡", "smoked chicken")),
    ),
    (
        "sweets",
        "糕点",
        "Pastries",
        (("列巴", "rye bread"), ("月饼", "mooncakes"), ("松仁糖", "pine nut brittle")),
    ),
    ("pickles", "酱菜", "Pickles", (("酸菜", "sauerkraut"), ("大酱", "soybean paste"), ("辣白菜", "kimchi"))),
    (
        "drinks",
        "饮品",
        "Drinks",
        (("格瓦斯", "kvass"), ("桦树汁", "birch sap"), ("山葡萄酒", "wild grape wine")),
    ),
    (
        "noodles",
        "面食",
        "Noodles",
        (("荞麦面", "buckwheat noodles"), ("玉米面", "corn flour"), ("挂面", "dried noodles")),
    ),
    ("eggs", "禽蛋", "Eggs", (("笨鸡蛋", "free-range eggs"), ("鹅蛋", "goose eggs"), ("鸭蛋", "duck eggs"))),
    (
        "crafts",
        "手工艺",
        "Crafts",
        (("桦树皮画", "birch bark art"), ("鱼皮画", "fish skin art"), ("剪纸", "paper cuts")),
    ),
    (
        "spices",
        "调味",
        "Seasoning",
        (("花椒", "Sichuan pepper"), ("蒜蓉酱", "garlic sauce"), ("山椒", "mountain pepper")),
    ),
    (
        "gifts",
        "礼盒",
        "Gift boxes",
        (("山珍礼盒", "mountain gift box"), ("年货礼盒", "new year box"), ("团圆礼盒", "reunion box")),
    ),
    (
        "frozen",
        "冻品",
        "Frozen food",
        (("粘豆包", "sticky bean buns"), ("饺子", "dumplings"), ("冻梨", "frozen pears")),
    ),
)
SENTENCES_ZH = (
    "产自{place}的{noun}，{grade}品质，当季采收。",
    "农户手工挑拣，不添加任何防腐剂。",
    "适合家庭日常食用，也适合送给亲友。",
    "开封后请密封冷藏，尽快食用。",
    "每一批都经过县里质检站检验。",
    "包装朴素，心意实在。",
)
SENTENCES_EN = (
    "{grade} {noun} from {place}, gathered in season.",
    "Sorted by hand on the farm, with nothing added to keep it.",
    "Good for everyday meals and a fine gift for family and friends.",
    "Once open, keep it sealed and cool, and enjoy it soon.",
    "Every batch is checked by the county's inspection station.",
    "Plain packaging, honest contents.",
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
VILLAGES = (
    "西林子村",
    "东安村",
    "小佳河村",
    "大通河村",
    "五林洞村",
    "胜利村",
    "永幸村",
    "红旗岭村",
    "石场村",
    "二林子村",
)
SIZES = (("250克", "250 g", 3800), ("500克", "500 g", 6800), ("1千克", "1 kg", 12800))


@dataclass(frozen=True)
class Timing:
    """Median milliseconds of one page in each county, and how many requests of it failed."""

    page: str
    demo_ms: float
    big_ms: float
    errors: int

    @property
    def ratio(self) -> float:
        return self.big_ms / self.demo_ms


# ---- the generator ---------------------------------------------------------------------------


def _product(index: int, rng: random.Random, category_ids: list[int], producer_ids: list[int]) -> Product:
    """The ``index``-th product: category ``index % 20``, one of its goods, a place, a grade."""
    slug, _, _, goods = CATEGORIES[index % len(CATEGORIES)]
    noun_zh, noun_en = goods[(index // len(CATEGORIES)) % len(goods)]
    place_zh, place_en = rng.choice(PLACES)
    grade_zh, grade_en = rng.choice(GRADES)
    picks = [0, *rng.sample(range(1, len(SENTENCES_ZH)), 2)]
    fill_zh = {"place": place_zh, "noun": noun_zh, "grade": grade_zh}
    fill_en = {"place": place_en, "noun": noun_en, "grade": grade_en.capitalize()}
    return Product(
        slug=f"{slug}-{index:06d}",
        name_zh=f"{place_zh}{grade_zh}{noun_zh} {index} 号",
        name_en=f"{place_en} {grade_en} {noun_en} no. {index}",
        description_zh="".join(SENTENCES_ZH[i].format(**fill_zh) for i in picks),
        description_en=" ".join(SENTENCES_EN[i].format(**fill_en) for i in picks),
        origin_zh=f"{place_zh}{rng.choice(VILLAGES)}",
        origin_en=place_en,
        category_id=category_ids[index % len(CATEGORIES)],
        producer_id=rng.choice(producer_ids),
        is_active=True,
        position=index,
    )


def _producer(index: int) -> Producer:
    cooperative = index % 4 == 0
    return Producer(
        slug=f"producer-{index:03d}",
        kind="cooperative" if cooperative else "farmer",
        name_zh=f"{SURNAMES[index % len(SURNAMES)]}家{'合作社' if cooperative else '农场'} {index} 号",
        name_en=f"Farm no. {index}",
        village_zh=VILLAGES[index % len(VILLAGES)],
        story_zh="三代人守着这片山林。",
        story_en="Three generations on this land.",
    )


def _variants(product: Product, rng: random.Random) -> list[dict]:
    """One to three sizes; about 8 % of products have none in stock."""
    sold_out = rng.random() < SOLD_OUT_SHARE
    return [
        {
            "county_id": product.county_id,
            "product_id": product.id,
            "label_zh": label_zh,
            "label_en": label_en,
            "sku": f"DB-{product.position}-{position}",
            "price": price,
            "stock": 0 if sold_out else rng.randint(1, 300),
            "position": position,
        }
        for position, (label_zh, label_en, price) in enumerate(SIZES[: rng.randint(1, 3)])
    ]


async def _generate(session: AsyncSession, products: int, picture: str | None) -> int:
    """Products through the ORM (its events fill the derived columns, such as the search tokens),
    in batches; variants and pictures as plain bulk inserts. The county's id."""
    rng = random.Random(11)
    county_id = (await make_county(session, BIG, name_zh="大北县", name_en="Dabei County")).id
    postgres = session.bind.dialect.name == "postgresql"
    scope_to_county(session, county_id)
    categories = [
        Category(slug=slug, name_zh=zh, name_en=en, position=i)
        for i, (slug, zh, en, _) in enumerate(CATEGORIES)
    ]
    producers = [_producer(i) for i in range(PRODUCERS)]
    session.add_all([*categories, *producers])
    await session.flush()
    category_ids = [category.id for category in categories]
    producer_ids = [producer.id for producer in producers]
    for start in range(0, products, BATCH):
        batch = [
            _product(i, rng, category_ids, producer_ids) for i in range(start, min(products, start + BATCH))
        ]
        session.add_all(batch)
        await session.flush()
        variants = [row for p in batch for row in _variants(p, rng)]
        connection = await session.connection()
        if postgres:  # the per-row sold-out triggers would run 200,000 times; the flag is set once below
            await connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        await session.execute(insert(Variant), variants)
        if postgres:  # the products' own triggers (their names' keys) run as they do in the shop
            await connection.exec_driver_sql("SET LOCAL session_replication_role = origin")
        if picture:
            await session.execute(
                insert(ProductImage),
                [{"county_id": p.county_id, "product_id": p.id, "path": picture} for p in batch],
            )
        session.expunge_all()
    await session.commit()
    return county_id


async def _flag_sold_out(session: AsyncSession, county_id: int) -> None:
    """What the skipped triggers would have kept: no variant in stock."""
    scope_to_county(session, county_id)
    in_stock = select(Variant.id).where(Variant.product_id == Product.id, Variant.stock > 0).exists()
    await session.execute(update(Product).values(sold_out=~in_stock))
    await session.commit()


async def _analyze(session: AsyncSession) -> None:
    """The planner's statistics, as a settled database has them (fresh tables have none, and a
    plan made without them can scan a table once a product)."""
    with all_counties_scope(session):
        await session.execute(text("ANALYZE"))
        await session.commit()


def generate(database_url: str, products: int = 100_000) -> float:
    """Add the county ``dabei`` with ``products`` products to a migrated database; seconds taken."""
    started = time.monotonic()
    with orm_session(database_url) as (runner, session):
        with all_counties_scope(session):
            picture = runner.run(session.scalar(select(ProductImage.path).limit(1)))
        county_id = runner.run(_generate(session, products, picture))
        runner.run(_analyze(session))
        runner.run(_flag_sold_out(session, county_id))
        runner.run(_analyze(session))
    return time.monotonic() - started


# ---- the measurement -------------------------------------------------------------------------


def pages_of(base_url: str, county: str, category: str | None = None) -> list[tuple[str, str]]:
    """The pages to time in ``county`` (label, path); its first category unless named."""
    visitor = HttpShopper(base_url, county)
    home = visitor.get("/")
    category_path = f"/category/{category}" if category else visitor.link(home, "category")
    far = f"{category_path}?page={FAR_PAGE}" if county == BIG else category_path
    searches = [(f"search {word}", f"/search?q={urllib.parse.quote(word)}") for word in SEARCH_WORDS]
    for _, search in searches:
        visitor.link(visitor.get(search), "products")  # a search that finds nothing would be cheap
    return [
        ("county home", "/"),
        ("category page 1", category_path),
        (f"category page {FAR_PAGE}", far),
        ("product page", visitor.link(home, "products")),
        *searches,
    ]


def median_ms(url: str, seconds: float) -> tuple[float, int]:
    """One request after another for ``seconds`` (at least three, after one unmeasured): the median
    time in milliseconds and how many did not answer 200."""
    times: list[float] = []
    errors = 0
    get_status(url)
    deadline = time.monotonic() + seconds
    while len(times) < MIN_REQUESTS or time.monotonic() < deadline:
        started = time.perf_counter()
        errors += get_status(url) != HTTPStatus.OK
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times), errors


def measure(backend: str, args: argparse.Namespace) -> tuple[float, list[Timing]]:
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="storefront-big-")))
        print(f"{backend}: migrating and seeding the demo counties ...", flush=True)
        database_url = Databases(stack, workdir).demo(backend)
        print(f"{backend}: generating {args.products:,} products in {BIG} ...", flush=True)
        seconds = generate(database_url, args.products)
        print(f"{backend}: generated in {seconds:.0f} s", flush=True)
        env = server_env(database_url, workdir, page_cache_seconds=0)
        with serve(env, workdir / f"granian-{backend}.log", args.app) as base_url:
            demo_pages = pages_of(base_url, DEMO)
            big_pages = pages_of(base_url, BIG, category=CATEGORIES[0][0])
            timings = []
            for (page, demo_path), (_, big_path) in zip(demo_pages, big_pages, strict=True):
                print(f"  timing {backend} {page} ...", flush=True)
                demo_ms, demo_errors = median_ms(f"{base_url}/c/{DEMO}{demo_path}", args.duration)
                big_ms, big_errors = median_ms(f"{base_url}/c/{BIG}{big_path}", args.duration)
                timings.append(Timing(page, demo_ms, big_ms, demo_errors + big_errors))
    return seconds, timings


def print_report(runs: dict[str, tuple[float, list[Timing]]], args: argparse.Namespace) -> None:
    print(
        f"\nUncached pages (PAGE_CACHE_SECONDS=0), one request at a time for {args.duration} s a page,"
        f" medians, granian 1 worker, production settings;\n{DEMO}: the demo catalog,"
        f" {BIG}: {args.products:,} products. Goal (issue 11): {BIG} within {GOAL_RATIO} times {DEMO}."
    )
    header = f"{'database':<10}  {'page':<18}  {DEMO:>10}  {BIG:>10}  {'ratio':>5}  goal"
    print(header)
    met = total = 0
    for backend, (_, timings) in runs.items():
        for timing in timings:
            holds = timing.ratio <= GOAL_RATIO
            met, total = met + holds, total + 1
            print(
                f"{backend:<10}  {pad(timing.page, 18)}"
                f"  {timing.demo_ms:>7.1f} ms  {timing.big_ms:>7.1f} ms  {timing.ratio:>5.2f}"
                f"  {'met' if holds else 'NOT MET'}"
                f"{f' ({timing.errors} failed requests)' if timing.errors else ''}"
            )
    print(f"\nGoals met: {met} of {total} (a goal not met does not fail the run).")
    for backend, (seconds, _) in runs.items():
        print(f"Generating {args.products:,} products on {backend} took {seconds:.0f} s.")
    print_machine_note(args.busy_before, "this client, the granian worker and the database")


def main() -> None:
    parser = benchmark_parser("big_catalog", __doc__, app=True)
    parser.add_argument("--products", type=int, default=100_000, help="products in the big county")
    parser.add_argument("--duration", type=int, default=5, help="seconds of load per page (default 5)")
    parser.add_argument("--database", choices=BACKENDS, action="append", help="default: both")
    args = parser.parse_args()
    if args.products < FAR_PAGE * 12 * len(CATEGORIES) or args.duration < 1:
        parser.error(f"--products must be at least {FAR_PAGE * 12 * len(CATEGORIES)}, --duration 1")
    args.busy_before = busy_cpu_share()
    print_report(
        guarded(lambda: {backend: measure(backend, args) for backend in args.database or BACKENDS}), args
    )


if __name__ == "__main__":
    main()
