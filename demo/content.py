"""The demo counties, as plain data: one entry per county shop.

Each entry holds:

- ``county``: the :class:`~storefront.tenancy.models.County` columns (brand, story, colours,
  shipping);
- ``categories``: Category columns plus ``motif``, the picture drawn for its products (a name in
  :data:`demo.images.MOTIFS`);
- ``producers``: Producer columns;
- ``products``: Product columns plus ``category`` and ``producer`` (slugs from the lists above),
  an optional ``motif`` overriding the category's, ``images`` (how many pictures to draw) and
  ``variants``, rows in the order of :data:`VARIANT_FIELDS` with prices in fen.

A few English fields are left empty on purpose, so the shop's fallback to Chinese shows.
"""

from __future__ import annotations

VARIANT_FIELDS = ("label_zh", "label_en", "sku", "price", "stock")

RAOHE = {
    "county": {
        "slug": "raohe",
        "name_zh": "饶河县",
        "name_en": "Raohe County",
        "province_zh": "黑龙江省",
        "province_en": "Heilongjiang",
        "tagline_zh": "乌苏里江畔，东北黑蜂酿的椴树蜜",
        "tagline_en": "Linden honey from the black bees of the Ussuri",
        "story_zh": (
            "饶河县在黑龙江省的东北角，乌苏里江从门前流过，江对岸就是俄罗斯。完达山的余脉在这里"
            "铺展成大片的椴树林、红松林和柞树林，冬天漫长，夏天短暂而明亮。\n\n"
            "这片林子里生活着一种特别的蜜蜂——东北黑蜂。它们体色偏黑，耐得住零下三四十度的严寒，"
            "也很少生病。1980年这里设立了保护区，1997年升格为东北黑蜂国家级自然保护区，区内不引入"
            "外来蜂种，守住这一支珍贵的蜂种。\n\n"
            "每年七月椴树花开，蜂农们跟着花期忙上整整一个月。摇出的椴树蜜清亮透明，天冷后结晶成"
            "洁白细腻的“雪蜜”。到了秋天，山里人进林子打松塔、采榛蘑、摘蓝莓，我们把林子的味道"
            "装进瓶里、袋里，寄到你家。"
        ),
        "story_en": (
            "Raohe sits in the far north-east corner of Heilongjiang, on the banks of the Ussuri "
            "River, with Russia on the opposite shore. The last ridges of the Wanda Mountains spread "
            "out here into forests of linden, Korean pine and oak; the winters are long and the "
            "summers short and bright.\n\n"
            "These forests are home to a remarkable bee, the Northeast black bee: dark, hardy "
            "through winters of thirty and forty degrees below zero, and rarely ill. A reserve was "
            "set up here in 1980 and became the national Northeast Black Bee Nature Reserve in "
            "1997. No outside bees are brought in, so this precious line stays pure.\n\n"
            "Every July the lindens bloom and the beekeepers follow the flowers for a whole month. "
            "The linden honey comes off the extractor clear and bright, and as the weather cools it "
            "crystallises into fine, snow-white \u201csnow honey\u201d. In autumn people head into "
            "the woods for pine cones, hazel mushrooms and wild blueberries, and we pack the taste "
            "of the forest into jars and bags and send it to your door."
        ),
        "primary_color": "#1d4e5f",
        "accent_color": "#f2a900",
        "shipping_fee": 1200,
        "free_shipping_threshold": 9900,
    },
    "categories": [
        {"slug": "honey", "name_zh": "黑蜂蜂蜜", "name_en": "Black bee honey", "motif": "jar"},
        {
            "slug": "nuts",
            "name_zh": "红松坚果",
            "name_en": "Pine nuts & hazelnuts",
            "motif": "nuts",
        },
        {
            "slug": "mushrooms",
            "name_zh": "山珍菌菇",
            "name_en": "Wild mushrooms & fungi",
            "motif": "mushroom",
        },
        {"slug": "berries", "name_zh": "野生浆果", "name_en": "Wild berries", "motif": "berries"},
    ],
    "producers": [
        {
            "slug": "black-bee-coop",
            "kind": "coop",
            "name_zh": "饶河县东北黑蜂养殖专业合作社",
            "name_en": "Raohe Black Bee Beekeepers' Co-operative",
            "village_zh": "饶河镇",
            "village_en": "Raohe Town",
            "story_zh": (
                "合作社由保护区里的四十多户蜂农组成，统一检测、统一收购，但每一桶蜜上都写着蜂农的"
                "名字。大家守着同一条规矩：只养东北黑蜂，蜜不成熟不摇。"
            ),
            "story_en": (
                "More than forty beekeeping families from the reserve belong to the co-op. Testing "
                "and buying are done together, but every drum of honey still carries its "
                "beekeeper's name. Everyone keeps the same rule: only Northeast black bees, and no "
                "honey is taken before it is ripe."
            ),
        },
        {
            "slug": "li-family",
            "kind": "farmer",
            "name_zh": "老李家蜂场",
            "name_en": "The Li family apiary",
            "village_zh": "五林洞镇",
            "village_en": "Wulindong Town",
            "story_zh": (
                "李大叔十八岁跟着父亲学养蜂，到今天已经四十多年。每年开春，他把蜂箱从越冬的地窖里"
                "搬出来，跟着花期在山里转场，一直忙到九月。"
            ),
            "story_en": (
                "Mr Li learned beekeeping from his father at eighteen and has kept bees for more "
                "than forty years. Each spring he carries the hives out of the cellar where they "
                "spend the winter and follows the blossom around the hills until September."
            ),
        },
        {
            "slug": "xiaojiahe-pine-coop",
            "kind": "coop",
            "name_zh": "小佳河镇红松林下经济合作社",
            "name_en": "Xiaojiahe Korean Pine Forest Co-operative",
            "village_zh": "小佳河镇",
            "village_en": "Xiaojiahe Town",
            "story_zh": (
                "合作社看护着一片天然红松林，只收自然成熟的松塔，不砍树、不伤枝；林下再采些榛子。"
                "林子养人，人也护林。"
            ),
            "story_en": (
                "The co-op looks after a stand of natural Korean pine forest. Members gather only "
                "ripe cones, never cutting or damaging the trees, and pick hazelnuts in the "
                "undergrowth: the forest feeds the people, and the people protect the forest."
            ),
        },
        {
            "slug": "wang-family",
            "kind": "farmer",
            "name_zh": "王大姐山货",
            "name_en": "Sister Wang's forest foods",
            "village_zh": "大佳河乡",
            "village_en": "Dajiahe Township",
            "story_zh": (
                "王大姐从小跟着母亲进山采蘑菇，哪片林子哪年出什么蘑菇，她心里都有一本账。雨后进山、"
                "当天晾晒，是她守了几十年的习惯。"
            ),
            "story_en": (
                "Sister Wang has gone mushrooming with her mother since she was a girl, and keeps a "
                "map in her head of which woods give which mushrooms in which year. Into the forest "
                "after rain, drying the same day: she has kept that habit for decades."
            ),
        },
        {
            "slug": "zhang-family",
            "kind": "farmer",
            "name_zh": "张家木耳园",
            "name_en": "The Zhang family wood ear farm",
            "village_zh": "西丰镇",
            "village_en": "Xifeng Town",
            "story_zh": "张家两口子在林下用椴木段种木耳，山泉水喷淋，太阳底下自然晒干。",
            "story_en": (
                "The Zhangs grow wood ear fungus on linden logs under the trees, water it with "
                "spring water and dry it in the sun."
            ),
        },
        {
            "slug": "you-family",
            "kind": "farmer",
            "name_zh": "尤家浆果",
            "name_en": "The You family berries",
            "village_zh": "四排赫哲族乡",
            "village_en": "Sipai Hezhe Ethnic Township",
            "story_zh": (
                "尤家是赫哲族，祖辈在乌苏里江上打鱼为生。如今一家人夏天在江边湿地里采野生蓝莓，"
                "秋天照旧下江捕鱼，守着江边的老房子过日子。"
            ),
            # English left empty on purpose: the shop shows the Chinese story.
            "story_en": "",
        },
    ],
    "products": [
        {
            "slug": "linden-honey",
            "category": "honey",
            "producer": "black-bee-coop",
            "name_zh": "东北黑蜂椴树蜂蜜",
            "name_en": "Black bee linden honey",
            "description_zh": (
                "七月椴树花期采收的单花蜜，色泽浅琥珀，入口清甜，带着椴树花特有的清香。天冷后会自然"
                "结晶，这是真蜜的正常现象，放在温水（不超过40℃）里隔水化开即可。"
            ),
            "description_en": (
                "A single-flower honey gathered while the lindens bloom in July: pale amber, clean "
                "and sweet, with the delicate scent of linden blossom. It crystallises naturally "
                "as it cools, as real honey does; stand the jar in warm water (below 40 °C) to "
                "soften it."
            ),
            "origin_zh": (
                "产自东北黑蜂国家级自然保护区内的定点蜂场。蜂群只采保护区里的椴树花，蜂蜜在巢内"
                "自然成熟、封盖后才摇取，不加糖、不浓缩。"
            ),
            "origin_en": (
                "From registered apiaries inside the Northeast Black Bee National Nature Reserve. "
                "The colonies forage on the reserve's lindens; the honey ripens and is capped in "
                "the comb before it is extracted, with nothing added and no concentrating."
            ),
            "images": 3,
            "variants": [
                ("250 g 瓶装", "250 g jar", "RH-LINDEN-250", 5800, 60),
                ("500 g 瓶装", "500 g jar", "RH-LINDEN-500", 9800, 45),
                ("1 kg 瓶装", "1 kg jar", "RH-LINDEN-1000", 17800, 0),
            ],
        },
        {
            "slug": "snow-honey",
            "category": "honey",
            "producer": "li-family",
            "name_zh": "东北黑蜂椴树雪蜜（结晶蜂蜜）",
            "name_en": "Black bee crystallised linden honey (snow honey)",
            "description_zh": (
                "椴树蜜在低温下缓慢结晶，质地洁白细腻如雪，可以直接用勺子挖着吃，抹在面包上也不会流。"
            ),
            "description_en": (
                "Linden honey that has crystallised slowly in the cold into a fine, snow-white "
                "cream. Eat it from the spoon or spread it on toast; it won't run."
            ),
            "origin_zh": (
                "五林洞镇老李家蜂场出品。摇出的椴树蜜在阴凉的地窖里静置一冬，不搅拌、不添加，自然凝结成雪蜜。"
            ),
            "origin_en": (
                "From the Li family apiary in Wulindong. The linden honey rests in a cool cellar "
                "through the winter, unstirred and with nothing added, until it sets by itself."
            ),
            "images": 2,
            "variants": [
                ("500 g 瓶装", "500 g jar", "RH-SNOW-500", 10800, 18),
            ],
        },
        {
            "slug": "wildflower-honey",
            "category": "honey",
            "producer": "li-family",
            "name_zh": "东北黑蜂百花蜂蜜",
            "name_en": "Black bee wildflower honey",
            "description_zh": (
                "夏秋之交，黑蜂采集林间的胡枝子、山花和野菊，酿成颜色稍深、味道浓郁的百花蜜，"
                "冲水、做菜都合适。"
            ),
            "description_en": (
                "As summer turns to autumn the black bees work bush clover, mountain flowers and "
                "wild chrysanthemums, making a darker, fuller honey that is lovely in warm water "
                "or in cooking."
            ),
            "origin_zh": "蜂箱摆在五林洞镇林缘的草甸上，周围十公里内没有农田。",
            "origin_en": (
                "The hives stand in meadows on the forest edge near Wulindong, with no farmland "
                "for ten kilometres around."
            ),
            "images": 2,
            "variants": [
                ("500 g 瓶装", "500 g jar", "RH-WILD-500", 6800, 80),
                ("1 kg 瓶装", "1 kg jar", "RH-WILD-1000", 12800, 30),
            ],
        },
        {
            "slug": "comb-honey",
            "category": "honey",
            "producer": "black-bee-coop",
            "name_zh": "东北黑蜂巢蜂蜜",
            "name_en": "Black bee comb honey",
            "description_zh": (
                "整块切下的蜂巢，蜂蜡和蜂蜜一起嚼，蜜香在嘴里慢慢散开。蜂蜡嚼完可以吐掉，也可以咽下。"
            ),
            "description_en": (
                "Whole comb cut straight from the frame: chew wax and honey together and let the "
                "flavour spread slowly. Spit out the wax afterwards, or swallow it, as you like."
            ),
            "origin_zh": "合作社在椴树花期放入专门的巢框，等每个巢房都封上蜡盖，再整框取下分切。",
            "origin_en": (
                "During the linden flow the co-op puts in special frames for the bees to build "
                "on; once every cell is capped, the whole frame is taken out and cut."
            ),
            "images": 2,
            "variants": [
                ("400 g 盒装", "400 g box", "RH-COMB-400", 12800, 12),
            ],
        },
        {
            "slug": "roasted-pine-nuts",
            "category": "nuts",
            "producer": "xiaojiahe-pine-coop",
            "name_zh": "红松开口松子",
            "name_en": "Roasted Korean pine nuts, shells cracked",
            "description_zh": (
                "完达山野生红松的松子，个大饱满。按老办法炒熟开口，用手一掰就开，松仁香而不腻。"
            ),
            "description_en": (
                "Seeds of wild Korean pines from the Wanda Mountains, large and plump, roasted the "
                "traditional way until the shells split, so they open with a squeeze of the "
                "fingers. Rich, never greasy."
            ),
            "origin_zh": "每年九月，社员上山收松塔，晾晒后脱粒、筛选，再用铁锅慢火炒制。",
            "origin_en": (
                "Every September members bring the cones down from the hills, dry them, shell out "
                "the seeds, sort them and roast them slowly in iron woks."
            ),
            "images": 3,
            "variants": [
                ("250 g 袋装", "250 g bag", "RH-PINE-250", 4200, 100),
                ("500 g 罐装", "500 g tin", "RH-PINE-500", 7800, 60),
            ],
        },
        {
            "slug": "pine-nut-kernels",
            "category": "nuts",
            "producer": "xiaojiahe-pine-coop",
            "name_zh": "红松松子仁",
            "name_en": "Shelled Korean pine nut kernels",
            "description_zh": ("去壳的生松子仁，乳白微黄。可以直接吃，也适合做松仁玉米、拌沙拉、烤点心。"),
            "description_en": (
                "Raw shelled kernels, creamy white with a hint of yellow. Eat them as they are, or "
                "use them in stir-fries, salads and baking."
            ),
            "origin_zh": "松子经机器脱壳后人工挑拣，去掉碎粒和坏粒，充氮包装保持新鲜。",
            "origin_en": (
                "Machine-shelled, then sorted by hand to take out broken or bad kernels, and "
                "packed under nitrogen to stay fresh."
            ),
            "images": 2,
            "variants": [
                ("250 g 袋装", "250 g bag", "RH-KERNEL-250", 6800, 40),
                ("500 g 袋装", "500 g bag", "RH-KERNEL-500", 12800, 0),
            ],
        },
        {
            "slug": "wild-hazelnuts",
            "category": "nuts",
            "producer": "xiaojiahe-pine-coop",
            "name_zh": "野生平榛子",
            "name_en": "Wild hazelnuts",
            "description_zh": "东北山坡上野生的平榛，个头不大，壳薄仁满，炒熟后有浓浓的奶香。",
            "description_en": (
                "Small wild hazelnuts from north-eastern hillsides, thin-shelled and full, with a "
                "deep buttery flavour once roasted."
            ),
            "origin_zh": "秋天在红松林下的灌丛里采摘，自然晾干后炒制。",
            "origin_en": "Picked in autumn from the thickets beneath the pines, air-dried, then roasted.",
            "images": 1,
            "variants": [
                ("500 g 袋装", "500 g bag", "RH-HAZEL-500", 4500, 70),
            ],
        },
        {
            "slug": "hazel-mushrooms",
            "category": "mushrooms",
            "producer": "wang-family",
            "name_zh": "野生榛蘑",
            "name_en": "Wild hazel mushrooms",
            "description_zh": ("东北名菜“小鸡炖蘑菇”用的就是榛蘑。泡发后香气浓郁，口感滑嫩又有嚼劲。"),
            "description_en": (
                "The mushroom in the north-east's favourite dish, chicken stewed with mushrooms. "
                "Soaked, they are deeply fragrant, silky and pleasantly chewy."
            ),
            "origin_zh": ("每年八九月雨后，王大姐到榛柴岗和柞树林里采摘，当天挑净、自然晾晒，不用硫磺熏。"),
            "origin_en": (
                "Picked after the August and September rains in hazel thickets and oak woods, "
                "cleaned the same day and dried in the sun; no sulphur is used."
            ),
            "images": 3,
            "variants": [
                ("250 g 袋装", "250 g bag", "RH-HAZELMUSH-250", 5800, 35),
                ("500 g 袋装", "500 g bag", "RH-HAZELMUSH-500", 10800, 10),
            ],
        },
        {
            "slug": "black-wood-ear",
            "category": "mushrooms",
            "producer": "zhang-family",
            "motif": "fungus",
            "name_zh": "椴木黑木耳",
            "name_en": "Log-grown black wood ear fungus",
            "description_zh": "耳片肉厚，正面黑亮、背面灰白，泡发率高，凉拌、炒肉都爽脆。",
            "description_en": (
                "Thick pieces, glossy black on top and grey beneath, that swell generously when "
                "soaked; crisp in cold dishes and stir-fries alike."
            ),
            "origin_zh": "西丰镇张家在林下用椴木段种植，一年只收春秋两茬。",
            "origin_en": (
                "Grown by the Zhang family on linden logs in the forest at Xifeng, with just two "
                "harvests a year, in spring and autumn."
            ),
            "images": 2,
            "variants": [
                ("250 g 袋装", "250 g bag", "RH-EAR-250", 3800, 90),
                ("500 g 袋装", "500 g bag", "RH-EAR-500", 6800, 50),
            ],
        },
        {
            "slug": "wild-lions-mane",
            "category": "mushrooms",
            "producer": "wang-family",
            "name_zh": "野生猴头菇",
            "name_en": "Wild lion's mane mushroom",
            "description_zh": ("野生猴头菇长在柞树、桦树的伤疤上，可遇不可求。今年的已经售完，秋天再上新。"),
            "description_en": (
                "Wild lion's mane grows on scars in oak and birch trunks and turns up only when it "
                "pleases. This year's is sold out; more in the autumn."
            ),
            "origin_zh": "在深山里偶尔才能遇到，只采成熟的一朵，留下小的继续长。",
            "origin_en": (
                "Found only now and then deep in the forest; only mature ones are taken and the "
                "young are left to grow."
            ),
            "images": 1,
            "variants": [
                ("100 g 袋装", "100 g bag", "RH-LIONSMANE-100", 6800, 0),
            ],
        },
        {
            "slug": "frost-mushrooms",
            "category": "mushrooms",
            "producer": "wang-family",
            "name_zh": "野生元蘑（冻蘑）",
            "name_en": "Wild frost mushrooms (yuanmo)",
            "description_zh": "元蘑秋末长在枯树上，越冷越香，炖肉、炖土豆都好吃。",
            "description_en": (
                "They grow on dead trees late in autumn and taste richer the colder it gets. "
                "Wonderful stewed with pork or potatoes."
            ),
            "origin_zh": "大佳河乡林区，霜降前后采摘晾晒。",
            "origin_en": "From the forests of Dajiahe, picked and dried around the first frosts.",
            "images": 1,
            "variants": [
                ("250 g 袋装", "250 g bag", "RH-FROST-250", 4800, 25),
            ],
        },
        {
            "slug": "dried-wild-blueberries",
            "category": "berries",
            "producer": "you-family",
            "name_zh": "野生蓝莓果干",
            "name_en": "Dried wild blueberries",
            "description_zh": "用小粒的野生笃斯越橘制成，酸甜浓郁，不额外加糖。拌酸奶、烤面包都合适。",
            "description_en": (
                "Small wild bog blueberries, intensely sweet and sharp, with no added sugar. Good "
                "in yogurt and baking."
            ),
            "origin_zh": "八月，尤家在乌苏里江边的湿地里手工采摘，低温烘干。",
            "origin_en": (
                "Picked by hand in August in the wetlands along the Ussuri, then dried at a low temperature."
            ),
            "images": 2,
            "variants": [
                ("200 g 袋装", "200 g bag", "RH-BERRY-200", 4800, 55),
            ],
        },
        {
            "slug": "wild-blueberry-juice",
            "category": "berries",
            "producer": "you-family",
            "name_zh": "野生蓝莓原浆",
            "name_en": "Pure wild blueberry juice",
            "description_zh": "整颗野生蓝莓压榨，不加水、不加糖，颜色深紫、酸味分明，兑水或气泡水喝。",
            "description_en": (
                "Pressed from whole wild blueberries with no water or sugar added: deep purple "
                "and properly tart. Dilute it with still or sparkling water."
            ),
            "origin_zh": "采摘后当天压榨，巴氏杀菌后装瓶。",
            "origin_en": "Pressed the day the berries are picked, pasteurised and bottled.",
            "images": 2,
            "variants": [
                ("248 ml × 6 瓶", "6 bottles × 248 ml", "RH-JUICE-6", 12800, 20),
                ("248 ml × 12 瓶", "12 bottles × 248 ml", "RH-JUICE-12", 23800, 0),
            ],
        },
        {
            "slug": "wild-blueberry-jam",
            "category": "berries",
            "producer": "you-family",
            "name_zh": "野生蓝莓果酱",
            "name_en": "Wild blueberry jam",
            "description_zh": "果粒多、甜度低，抹面包、配酸奶，一口就是江边夏天的味道。",
            "description_en": (
                "Lots of fruit and not too sweet: on bread or with yogurt, it tastes of summer by the river."
            ),
            "origin_zh": "尤家自家灶台小锅慢熬，每锅只熬二十斤果子。",
            "origin_en": "Cooked slowly in small batches on the You family's own stove.",
            "images": 1,
            "variants": [
                ("250 g 瓶装", "250 g jar", "RH-JAM-250", 3200, 40),
            ],
        },
    ],
}

WUCHANG = {
    "county": {
        "slug": "wuchang",
        "name_zh": "五常市",
        "name_en": "Wuchang",
        "province_zh": "黑龙江省",
        "province_en": "Heilongjiang",
        "tagline_zh": "黑土地上一年一季的稻花香",
        "tagline_en": "One harvest a year of fragrant rice from the black soil",
        "story_zh": (
            "五常市隶属哈尔滨，地处黑龙江省南部、张广才岭西麓。拉林河、牤牛河从山里流下来，"
            "冲积出一片肥沃的黑土平原。\n\n"
            "这里一年只种一季稻：四月育秧，五月插秧，九月底十月初收割，稻子要在田里长一百四十多天。"
            "白天暖、夜里凉，米粒慢慢灌浆，攒足了养分。最有名的品种叫“稻花香”，煮饭时满屋飘香，"
            "米粒油亮，凉了也不回生。五常大米是国家地理标志保护产品。\n\n"
            "我们的米来自合作社和种了一辈子地的农户：民乐朝鲜族乡的乡亲们种水稻已有上百年，"
            "龙凤山水库的清水浇灌着下游的稻田，还有人家在田里放鸭子除草。秋收后新米按订单现磨，"
            "让你吃到的是今年的米香。"
        ),
        "story_en": (
            "Wuchang, part of Harbin in southern Heilongjiang, lies on the western slopes of the "
            "Zhangguangcai Mountains. The Lalin and Mangniu rivers run down from the hills and "
            "have laid out a plain of deep, fertile black soil.\n\n"
            "There is only one rice crop a year: seedlings are raised in April, planted out in "
            "May and harvested at the end of September, more than 140 days in the field. Warm "
            "days and cool nights let every grain fill slowly. The best-known variety is "
            "Daohuaxiang, \u201crice-flower fragrance\u201d: the kitchen fills with its scent as "
            "it cooks, the grains are glossy, and they stay soft even when cold. Wuchang rice is "
            "a protected geographical indication.\n\n"
            "Our rice comes from co-ops and from families who have farmed all their lives: the "
            "Korean villagers of Minle have grown paddy rice for over a century, clear water from "
            "the Longfengshan reservoir feeds the fields below it, and some families let ducks "
            "into the paddies to keep the weeds down. After the autumn harvest the new rice is "
            "milled to order, so what you cook is this year's crop."
        ),
        "primary_color": "#6b3e1f",
        "accent_color": "#e9c46a",
        "shipping_fee": 1500,
        "free_shipping_threshold": 12900,
    },
    "categories": [
        {"slug": "rice", "name_zh": "五常大米", "name_en": "Wuchang rice", "motif": "bowl"},
        {"slug": "grains", "name_zh": "杂粮豆类", "name_en": "Grains & beans", "motif": "grain"},
        {
            "slug": "mountain",
            "name_zh": "山野干货",
            "name_en": "Mountain produce",
            "motif": "mushroom",
        },
        {"slug": "gifts", "name_zh": "礼盒", "name_en": "Gift boxes", "motif": "box"},
    ],
    "producers": [
        {
            "slug": "minle-coop",
            "kind": "coop",
            "name_zh": "民乐朝鲜族乡稻米专业合作社",
            "name_en": "Minle Korean Township Rice Co-operative",
            "village_zh": "民乐朝鲜族乡",
            "village_en": "Minle Korean Ethnic Township",
            "story_zh": (
                "上世纪初，朝鲜族农民来到这里开垦水田，把种水稻的手艺带到了五常。如今合作社有一百多户"
                "社员，统一育秧、统一收储，每块稻田都有自己的编号。"
            ),
            "story_en": (
                "Early in the last century Korean farmers came here, opened up paddy fields and "
                "brought their rice-growing skills to Wuchang. Today the co-op's hundred-odd "
                "households raise seedlings and store grain together, and every field has its own "
                "number."
            ),
        },
        {
            "slug": "zheng-family",
            "kind": "farmer",
            "name_zh": "郑家稻田",
            "name_en": "The Zheng family paddies",
            "village_zh": "龙凤山镇",
            "village_en": "Longfengshan Town",
            "story_zh": (
                "郑家三代种稻。郑大哥是村里第一个改种有机稻的，头三年产量掉了一半，如今一大半是回头客。"
            ),
            "story_en": (
                "Three generations of Zhengs have grown rice here. Zheng was the first in the "
                "village to go organic; for three years his yields halved, and now most of his "
                "customers come back every year."
            ),
        },
        {
            "slug": "guan-family",
            "kind": "farmer",
            "name_zh": "关家鸭稻",
            "name_en": "The Guan family duck paddies",
            "village_zh": "牛家满族镇",
            "village_en": "Niujia Manchu Town",
            "story_zh": (
                "关家是满族。每年插完秧，关大嫂就把一群小鸭子赶进稻田，鸭子在稻垄间钻来钻去，"
                "一直待到稻子抽穗。"
            ),
            "story_en": (
                "The Guans are Manchu. Every year, once the seedlings are in, Mrs Guan drives a "
                "flock of ducklings into the paddies, where they paddle between the rows until the "
                "rice comes into ear."
            ),
        },
        {
            "slug": "liu-family",
            "kind": "farmer",
            "name_zh": "刘家杂粮",
            "name_en": "The Liu family grains",
            "village_zh": "山河镇",
            "village_en": "Shanhe Town",
            "story_zh": "刘大爷家在山坡地上种谷子、黄豆和红小豆，靠天吃饭，也靠黑土地吃饭。",
            "story_en": (
                "Old Mr Liu grows millet, soybeans and adzuki beans on hillside fields, relying "
                "on the weather, and on the black soil."
            ),
        },
        {
            "slug": "fenghuangshan-coop",
            "kind": "coop",
            "name_zh": "凤凰山山货合作社",
            "name_en": "Fenghuangshan Forest Produce Co-operative",
            "village_zh": "沙河子镇",
            "village_en": "Shahezi Town",
            "story_zh": "住在凤凰山脚下的几十户人家组成的合作社，春采山菜、秋收木耳。",
            "story_en": (
                "A few dozen families living at the foot of Fenghuang Mountain: wild greens in "
                "spring, wood ear in autumn."
            ),
        },
    ],
    "products": [
        {
            "slug": "daohuaxiang-rice",
            "category": "rice",
            "producer": "minle-coop",
            "name_zh": "五常稻花香大米",
            "name_en": "Wuchang Daohuaxiang rice",
            "description_zh": (
                "五常最有代表性的品种“稻花香2号”，米粒细长、晶莹透亮，煮饭时满屋飘香，米饭软而有"
                "嚼劲，凉了也不回生。"
            ),
            "description_en": (
                "Wuchang's signature variety, Daohuaxiang No. 2: long, translucent grains that "
                "fill the kitchen with fragrance as they cook, soft yet springy, and tender even "
                "when cold."
            ),
            "origin_zh": (
                "民乐朝鲜族乡的稻田，用山里流下来的河水灌溉，一年一季。稻谷存在低温仓里，按订单现磨。"
            ),
            "origin_en": (
                "Paddies in Minle, watered by rivers from the mountains, with one crop a year. "
                "The paddy rice is kept in cool storage and milled to order."
            ),
            "images": 3,
            "variants": [
                ("2.5 kg 袋装", "2.5 kg bag", "WC-DHX-2.5KG", 6800, 120),
                ("5 kg 袋装", "5 kg bag", "WC-DHX-5KG", 11800, 90),
                ("10 kg 袋装", "10 kg bag", "WC-DHX-10KG", 21800, 0),
            ],
        },
        {
            "slug": "organic-daohuaxiang-rice",
            "category": "rice",
            "producer": "zheng-family",
            "name_zh": "有机稻花香大米",
            "name_en": "Organic Daohuaxiang rice",
            "description_zh": (
                "有机认证稻田出产，不用化肥和化学农药，靠人工除草和农家肥。产量低，米香更纯。"
            ),
            "description_en": (
                "From certified organic paddies: no chemical fertiliser or pesticide, weeded by "
                "hand and fed with farmyard manure. Lower yields, purer fragrance."
            ),
            "origin_zh": "龙凤山镇郑家的稻田就在龙凤山水库下游，灌溉用的是水库放下来的清水。",
            "origin_en": (
                "The Zheng family's fields lie just below the Longfengshan reservoir and are "
                "watered with its clear outflow."
            ),
            "images": 2,
            "variants": [
                ("5 kg 袋装", "5 kg bag", "WC-ORG-5KG", 19800, 40),
            ],
        },
        {
            "slug": "duck-paddy-rice",
            "category": "rice",
            "producer": "guan-family",
            "name_zh": "稻鸭共作大米",
            "name_en": "Duck-paddy rice",
            "description_zh": (
                "插秧后把小鸭子放进稻田，鸭子吃虫吃草、松土施肥，米粒更饱满。今年的已经卖完，十月新米上市。"
            ),
            "description_en": (
                "Ducklings go into the paddies after planting to eat insects and weeds and to stir "
                "and feed the soil, and the grains come out fuller. This year's crop has sold out; "
                "the new rice arrives in October."
            ),
            "origin_zh": "牛家满族镇关家的稻田，每亩放养十几只鸭子，稻子抽穗前收回。",
            "origin_en": (
                "The Guan family's paddies in Niujia, with a dozen or so ducks to every mu, "
                "brought in again before the rice comes into ear."
            ),
            "images": 2,
            "variants": [
                ("2.5 kg 袋装", "2.5 kg bag", "WC-DUCK-2.5KG", 8800, 0),
                ("5 kg 袋装", "5 kg bag", "WC-DUCK-5KG", 15800, 0),
            ],
        },
        {
            "slug": "brown-rice",
            "category": "rice",
            "producer": "minle-coop",
            "name_zh": "稻花香糙米",
            "name_en": "Daohuaxiang brown rice",
            "description_zh": "只去谷壳、保留米糠层和胚芽，膳食纤维丰富，适合和白米一起煮饭或熬粥。",
            "description_en": (
                "Only the husk is removed, keeping the bran and germ. Rich in fibre: cook it "
                "half-and-half with white rice, or in congee."
            ),
            "origin_zh": "同样的稻花香稻谷，只是少碾几道。",
            "origin_en": "The same Daohuaxiang paddy rice, just milled less.",
            "images": 1,
            "variants": [
                ("2.5 kg 袋装", "2.5 kg bag", "WC-BROWN-2.5KG", 4800, 60),
            ],
        },
        {
            "slug": "germ-rice",
            "category": "rice",
            "producer": "zheng-family",
            "name_zh": "留胚米",
            "name_en": "Germ-retained rice",
            "description_zh": "保留米胚的精米，口感接近白米，营养更多，适合给老人孩子熬粥。",
            "description_en": (
                "Polished rice that keeps its germ: it eats almost like white rice but holds more "
                "of the grain's goodness. Lovely as congee for children and grandparents."
            ),
            "origin_zh": "低温轻碾，八成以上的米粒保留米胚。",
            "origin_en": "Milled gently and cool, so that more than eight grains in ten keep their germ.",
            "images": 1,
            "variants": [
                ("1 kg 袋装", "1 kg bag", "WC-GERM-1KG", 3600, 45),
                ("2 kg 袋装", "2 kg bag", "WC-GERM-2KG", 6800, 20),
            ],
        },
        {
            "slug": "golden-millet",
            "category": "grains",
            "producer": "liu-family",
            "name_zh": "黄小米",
            "name_en": "Golden millet",
            "description_zh": "颗粒小而圆，色泽金黄，熬出的小米粥上面浮着一层米油。",
            "description_en": (
                "Small, round golden grains that cook into a congee topped with a silky layer of "
                "\u201cmillet oil\u201d."
            ),
            "origin_zh": "山河镇刘家坡地里种的谷子，旱作，不浇水。",
            "origin_en": "Grown without irrigation on the Liu family's hillside fields in Shanhe.",
            "images": 2,
            "variants": [
                ("2.5 kg 袋装", "2.5 kg bag", "WC-MILLET-2.5KG", 3900, 80),
            ],
        },
        {
            "slug": "soybeans",
            "category": "grains",
            "producer": "liu-family",
            "name_zh": "东北黄豆",
            "name_en": "Northeast soybeans",
            "description_zh": "非转基因黄豆，颗粒圆润，打豆浆、做豆腐、炖猪蹄都好。",
            "description_en": (
                "Non-GM yellow soybeans, round and plump: perfect for soy milk, homemade tofu or "
                "braising with pork."
            ),
            "origin_zh": "在黑土地上和玉米、水稻轮作种植。",
            "origin_en": "Grown on the black soil in rotation with maize and rice.",
            "images": 1,
            "variants": [
                ("2.5 kg 袋装", "2.5 kg bag", "WC-SOY-2.5KG", 2900, 100),
            ],
        },
        {
            "slug": "adzuki-beans",
            "category": "grains",
            "producer": "liu-family",
            "name_zh": "红小豆",
            "name_en": "Red adzuki beans",
            "description_zh": "皮薄沙多，煮红豆粥、做豆沙都容易煮烂出沙。",
            "description_en": (
                "Thin-skinned and floury; they cook down easily into red bean congee or sweet bean paste."
            ),
            "origin_zh": "山河镇坡地种植，秋后连秧收割，晒干后脱粒。",
            "origin_en": ("Grown on the slopes of Shanhe, cut whole in autumn and threshed once dry."),
            "images": 1,
            "variants": [
                ("1 kg 袋装", "1 kg bag", "WC-ADZUKI-1KG", 2400, 0),
                ("2.5 kg 袋装", "2.5 kg bag", "WC-ADZUKI-2.5KG", 5400, 30),
            ],
        },
        {
            "slug": "glutinous-millet",
            "category": "grains",
            "producer": "guan-family",
            "name_zh": "大黄米",
            "name_en": "Glutinous millet (dahuangmi)",
            "description_zh": "东北人做粘豆包、蒸黄米饭用的就是大黄米，蒸熟后软糯粘牙。",
            # English left empty on purpose: the shop shows the Chinese description.
            "description_en": "",
            "origin_zh": "关家照老习惯在一小块地里种黍子，秋后碾成大黄米。",
            "origin_en": (
                "The Guans still grow a small plot of broomcorn millet the old way and hull it "
                "after the harvest."
            ),
            "images": 1,
            "variants": [
                ("1 kg 袋装", "1 kg bag", "WC-GMILLET-1KG", 2200, 50),
            ],
        },
        {
            "slug": "black-wood-ear",
            "category": "mountain",
            "producer": "fenghuangshan-coop",
            "motif": "fungus",
            "name_zh": "凤凰山黑木耳",
            "name_en": "Fenghuangshan black wood ear",
            "description_zh": "朵小肉厚，泡发后脆嫩，凉拌木耳、木耳炒肉都少不了它。",
            "description_en": (
                "Small, thick ears that turn crisp and tender when soaked: a must for cold "
                "salads and stir-fries with pork."
            ),
            "origin_zh": "凤凰山脚下的林地种植，山泉水浇灌，晾晒在网架上自然风干。",
            "origin_en": (
                "Grown in woodland at the foot of Fenghuang Mountain, watered from mountain "
                "springs and dried on open racks in the breeze."
            ),
            "images": 2,
            "variants": [
                ("250 g 袋装", "250 g bag", "WC-EAR-250", 3600, 70),
            ],
        },
        {
            "slug": "dried-bracken",
            "category": "mountain",
            "producer": "fenghuangshan-coop",
            "name_zh": "野生蕨菜干",
            "name_en": "Dried wild bracken shoots",
            "description_zh": "春天采摘蕨菜嫩芽，焯水晒干。泡发后炒肉、炖菜，都有山野的清香。",
            "description_en": (
                "Young bracken shoots picked in spring, blanched and sun-dried. Soaked and "
                "stir-fried with pork or stewed, they taste of the hills."
            ),
            "origin_zh": "凤凰山国家森林公园周边的山坡，五月中下旬采摘。",
            "origin_en": (
                "From the slopes around Fenghuangshan National Forest Park, picked in mid to late May."
            ),
            "images": 1,
            "variants": [
                ("200 g 袋装", "200 g bag", "WC-BRACKEN-200", 3900, 25),
            ],
        },
        {
            "slug": "new-rice-gift-box",
            "category": "gifts",
            "producer": "minle-coop",
            "name_zh": "稻花香新米礼盒",
            "name_en": "Daohuaxiang new-crop gift box",
            "description_zh": "五袋1公斤真空包装的稻花香新米，装在松木盒里，送长辈、送朋友都体面。",
            "description_en": (
                "Five vacuum-packed 1 kg bags of new-crop Daohuaxiang rice in a pine box: a gift "
                "to be proud of."
            ),
            "origin_zh": "十月新米收割后现磨现装。",
            "origin_en": "Milled and packed as soon as the new rice is in, from October.",
            "images": 2,
            "variants": [
                ("1 kg × 5 袋 木盒", "Wooden box, 5 × 1 kg", "WC-GIFT-5KG", 26800, 15),
            ],
        },
        {
            "slug": "new-rice-taster",
            "category": "gifts",
            "producer": "zheng-family",
            "name_zh": "新米尝鲜装",
            "name_en": "New rice taster pack",
            "description_zh": "两小袋有机稻花香，第一次买五常大米，可以先从这里开始。",
            "description_en": (
                "Two small bags of organic Daohuaxiang: a good place to start if you have never "
                "tried Wuchang rice."
            ),
            "origin_zh": "郑家稻田，当季新米。",
            "origin_en": "This season's rice from the Zheng family paddies.",
            "images": 1,
            "variants": [
                ("500 g × 2 袋", "2 × 500 g", "WC-TASTER-1KG", 3900, 200),
            ],
        },
    ],
}

GUZHANG = {
    "county": {
        "slug": "guzhang",
        "name_zh": "古丈县",
        "name_en": "Guzhang County",
        "province_zh": "湖南省",
        "province_en": "Hunan",
        "tagline_zh": "武陵山云雾里的一杯古丈毛尖",
        "tagline_en": "Maojian tea from the mists of the Wuling Mountains",
        "story_zh": (
            "古丈县在湖南省西部，地处湘西土家族苗族自治州腹地，武陵山脉从这里绵延而过。县里山多"
            "地少，一年里有大半年云雾缭绕，溪水清凉，正是茶树喜欢的地方。\n\n"
            "古丈种茶的历史很长，古丈毛尖自古有贡茶之名，上世纪二十年代曾在国际博览会上获奖，"
            "如今是国家地理标志保护产品。清明前后，土家族和苗族的采茶人背着竹篓上山，只采嫩芽，"
            "当天杀青、揉捻、烘干。成茶条索紧细、白毫显露，冲泡后栗香悠长。\n\n"
            "除了茶，山里人家还养土蜂、榨茶油、熏腊肉。我们和村里的合作社、茶农一起，把湘西山里"
            "的这些好东西，连同背后的手艺，一起带给你。"
        ),
        "story_en": (
            "Guzhang lies in western Hunan, in the heart of the Xiangxi Tujia and Miao Autonomous "
            "Prefecture, where the Wuling Mountains roll through. There is much mountain and "
            "little flat land; for more than half the year the hills are wrapped in mist and the "
            "streams run cool, just as tea bushes like it.\n\n"
            "Tea has been grown here for a very long time. Guzhang Maojian was once sent as "
            "tribute tea, won a prize at an international exposition in the 1920s, and is now a "
            "protected geographical indication. Around Qingming, Tujia and Miao pickers climb "
            "the slopes with bamboo baskets and take only the tender buds, which are fixed, "
            "rolled and dried that same day. The finished tea is fine, tight and downy, with a "
            "long chestnut aroma in the cup.\n\n"
            "Besides tea, mountain families keep native bees, press camellia oil and smoke their "
            "own pork. Together with village co-ops and tea farmers, we bring you these good "
            "things from the hills of Xiangxi, and the crafts behind them."
        ),
        "primary_color": "#2f6b3a",
        "accent_color": "#c5e17a",
        "shipping_fee": 800,
        "free_shipping_threshold": 6800,
    },
    "categories": [
        {
            "slug": "maojian",
            "name_zh": "古丈毛尖",
            "name_en": "Guzhang Maojian green tea",
            "motif": "leaf",
        },
        {"slug": "black-tea", "name_zh": "古丈红茶", "name_en": "Black tea", "motif": "cup"},
        {"slug": "pantry", "name_zh": "湘西土货", "name_en": "Xiangxi pantry", "motif": "jar"},
        {"slug": "cured", "name_zh": "湘西腊味", "name_en": "Smoked & cured", "motif": "slab"},
    ],
    "producers": [
        {
            "slug": "niujiaoshan-coop",
            "kind": "coop",
            "name_zh": "牛角山茶叶专业合作社",
            "name_en": "Niujiaoshan Tea Co-operative",
            "village_zh": "默戎镇牛角山村",
            "village_en": "Niujiaoshan Village, Morong Town",
            "story_zh": (
                "牛角山村是个苗族村寨，家家户户种茶。合作社统一采摘标准和制茶工艺，茶农们农闲时"
                "在村口的茶厂里一起做茶。"
            ),
            "story_en": (
                "Niujiaoshan is a Miao village where every household grows tea. The co-op sets "
                "shared standards for picking and processing, and between farm jobs the growers "
                "make tea together in the factory at the edge of the village."
            ),
        },
        {
            "slug": "tian-family",
            "kind": "farmer",
            "name_zh": "田家茶园",
            "name_en": "The Tian family tea garden",
            "village_zh": "断龙山镇",
            "village_en": "Duanlongshan Town",
            "story_zh": (
                "田家是土家族，茶园是爷爷那一辈开出来的。田大姐采茶、她丈夫炒茶，一口铁锅用了二十年。"
            ),
            # English left empty on purpose: the shop shows the Chinese story.
            "story_en": "",
        },
        {
            "slug": "xiang-family",
            "kind": "farmer",
            "name_zh": "向家土蜂",
            "name_en": "The Xiang family's native bees",
            "village_zh": "红石林镇",
            "village_en": "Hongshilin Town",
            "story_zh": "向大哥把木桶蜂箱挂在吊脚楼的屋檐下和山崖边，土蜂想去哪里采蜜就去哪里。",
            "story_en": (
                "Xiang hangs his wooden log hives under the eaves of the family's stilt house and "
                "along the cliffs, and the native bees forage wherever they please."
            ),
        },
        {
            "slug": "peng-family",
            "kind": "farmer",
            "name_zh": "彭家油茶林",
            "name_en": "The Peng family camellia grove",
            "village_zh": "高峰镇",
            "village_en": "Gaofeng Town",
            "story_zh": "彭家守着一片几十年的老油茶林，每年霜降前后全家上山摘茶果。",
            "story_en": (
                "The Pengs look after a grove of decades-old oil camellias, and the whole family "
                "goes up the hill to pick the fruit around the first frost."
            ),
        },
        {
            "slug": "shi-family",
            "kind": "farmer",
            "name_zh": "石大姐腊味坊",
            "name_en": "Sister Shi's smokehouse",
            "village_zh": "坪坝镇",
            "village_en": "Pingba Town",
            "story_zh": "石大姐是苗家人，家里的火塘一冬天不熄火，房梁上挂满了熏着的腊肉和香肠。",
            "story_en": (
                "Sister Shi is Miao. Her hearth burns all winter long, and the beams above it hang "
                "thick with smoking pork and sausages."
            ),
        },
        {
            "slug": "long-family",
            "kind": "farmer",
            "name_zh": "龙家果园",
            "name_en": "The Long family orchard",
            "village_zh": "岩头寨镇",
            "village_en": "Yantouzhai Town",
            "story_zh": "龙家的椪柑园种在向阳的山坡上，冬天果子挂满枝头，像一盏盏小灯笼。",
            "story_en": (
                "The Long family's ponkan trees grow on a sunny slope; in winter the branches hang "
                "full of fruit like little lanterns."
            ),
        },
    ],
    "products": [
        {
            "slug": "maojian-pre-qingming",
            "category": "maojian",
            "producer": "niujiaoshan-coop",
            "name_zh": "古丈毛尖·明前特级",
            "name_en": "Guzhang Maojian, pre-Qingming special grade",
            "description_zh": (
                "清明前采摘的单芽和一芽一叶初展，芽头肥壮、白毫满披，汤色嫩绿明亮，栗香明显。"
                "每年数量很少，今年的已经售罄。"
            ),
            "description_en": (
                "Picked before Qingming: single buds, and buds with the first leaf just opening, "
                "plump and covered in white down. The liquor is bright pale green with a clear "
                "chestnut aroma. There is very little each year, and this year's is sold out."
            ),
            "origin_zh": "默戎镇牛角山村山腰上的茶园，云雾多、日照短。鲜叶当天摊青、杀青、揉捻、烘干。",
            "origin_en": (
                "Hillside gardens around Niujiaoshan village, often in cloud, with short hours of "
                "sun. The leaf is spread, fixed, rolled and dried on the day it is picked."
            ),
            "images": 3,
            "variants": [
                ("50 g 罐装", "50 g tin", "GZ-MQ-50", 16800, 0),
                ("100 g 罐装", "100 g tin", "GZ-MQ-100", 31800, 0),
            ],
        },
        {
            "slug": "maojian-pre-guyu",
            "category": "maojian",
            "producer": "tian-family",
            "name_zh": "古丈毛尖·雨前一级",
            "name_en": "Guzhang Maojian, pre-Grain Rain first grade",
            "description_zh": "谷雨前采摘的一芽一叶到一芽二叶，滋味比明前茶更浓醇、更耐泡，是日常好茶。",
            "description_en": (
                "One bud with one or two leaves, picked before Grain Rain in late April. Fuller "
                "than the pre-Qingming tea and good for many infusions: a fine everyday tea."
            ),
            "origin_zh": "断龙山镇田家的茶园，手工采摘，机械杀青后手工提香。",
            "origin_en": (
                "From the Tian family garden in Duanlongshan; hand-picked, machine-fixed and "
                "finished by hand."
            ),
            "images": 2,
            "variants": [
                ("100 g 罐装", "100 g tin", "GZ-YQ-100", 12800, 60),
                ("250 g 袋装", "250 g bag", "GZ-YQ-250", 29800, 25),
            ],
        },
        {
            "slug": "niujiaoshan-maojian",
            "category": "maojian",
            "producer": "niujiaoshan-coop",
            "name_zh": "牛角山高山毛尖",
            "name_en": "Niujiaoshan high-mountain Maojian",
            "description_zh": "高山茶园的春茶，条索紧细卷曲，汤色清亮，回甘明显。",
            "description_en": (
                "Spring tea from high gardens: fine, tightly curled leaves, a clear bright liquor "
                "and a lingering sweet finish."
            ),
            "origin_zh": "牛角山村海拔较高的几片老茶园，茶树多是本地群体种。",
            "origin_en": (
                "A few old gardens high above Niujiaoshan village, planted mostly with local "
                "seed-grown bushes."
            ),
            "images": 2,
            "variants": [
                ("100 g 罐装", "100 g tin", "GZ-NJS-100", 19800, 30),
            ],
        },
        {
            "slug": "maojian-gift-box",
            "category": "maojian",
            "producer": "niujiaoshan-coop",
            "motif": "box",
            "name_zh": "古丈毛尖礼盒",
            "name_en": "Guzhang Maojian gift box",
            "description_zh": "两罐雨前毛尖，配土家织锦纹样的礼盒，适合送给爱茶的人。",
            "description_en": (
                "Two tins of pre-Grain Rain Maojian in a box patterned after Tujia brocade, for "
                "the tea lover in your life."
            ),
            "origin_zh": "牛角山村春茶，合作社统一拼配、装罐。",
            "origin_en": "Spring tea from Niujiaoshan, blended and packed by the co-op.",
            "images": 2,
            "variants": [
                ("100 g × 2 罐 礼盒", "Gift box, 2 × 100 g", "GZ-GIFT-200", 42800, 10),
            ],
        },
        {
            "slug": "gongfu-black-tea",
            "category": "black-tea",
            "producer": "tian-family",
            "name_zh": "古丈工夫红茶",
            "name_en": "Guzhang Gongfu black tea",
            "description_zh": "用夏季鲜叶做成的红茶，条索乌润，汤色红亮，带蜜香和薯香，温润不苦涩。",
            "description_en": (
                "Black tea made from the summer leaf: dark, lustrous leaves, a clear red liquor "
                "and notes of honey and sweet potato. Mellow, never bitter."
            ),
            "origin_zh": "田家茶园的夏茶，经萎凋、揉捻、发酵、烘干制成。",
            "origin_en": "Summer leaf from the Tian garden, withered, rolled, oxidised and dried.",
            "images": 2,
            "variants": [
                ("100 g 罐装", "100 g tin", "GZ-BLACK-100", 9800, 50),
                ("250 g 袋装", "250 g bag", "GZ-BLACK-250", 21800, 0),
            ],
        },
        {
            "slug": "black-tea-bags",
            "category": "black-tea",
            "producer": "tian-family",
            "name_zh": "古丈红茶袋泡茶",
            "name_en": "Guzhang black tea bags",
            "description_zh": "办公室里也能喝上好红茶，一袋一杯，加奶也好喝。",
            "description_en": "Good black tea at your desk: one bag per cup, and happy with milk too.",
            "origin_zh": "田家茶园的红茶碎片，用玉米纤维茶包分装。",
            "origin_en": "Broken-leaf black tea from the Tian garden, in corn-fibre bags.",
            "images": 1,
            "variants": [
                ("2.5 g × 20 袋", "20 bags × 2.5 g", "GZ-TEABAG-20", 3900, 120),
            ],
        },
        {
            "slug": "native-bee-honey",
            "category": "pantry",
            "producer": "xiang-family",
            "name_zh": "湘西土蜂蜜",
            "name_en": "Xiangxi native bee honey",
            "description_zh": "中华蜜蜂酿的百花蜜，一年只取一两次，颜色深、味道浓，带一点微酸。",
            "description_en": (
                "Mixed-flower honey from native Chinese honeybees, taken only once or twice a "
                "year: dark, rich and faintly tangy."
            ),
            "origin_zh": "红石林镇的山里，土蜂自由采集四季山花，蜂蜜在桶里自然成熟。",
            "origin_en": (
                "In the hills of Hongshilin, where the bees roam the mountain flowers through the "
                "seasons and the honey ripens in the log hive."
            ),
            "images": 2,
            "variants": [
                ("500 g 瓶装", "500 g jar", "GZ-HONEY-500", 8800, 30),
            ],
        },
        {
            "slug": "camellia-oil",
            "category": "pantry",
            "producer": "peng-family",
            "motif": "bottle",
            "name_zh": "古丈野山茶油",
            "name_en": "Guzhang wild camellia oil",
            "description_zh": "霜降前后采摘油茶果，晒干取籽，用传统方法压榨。色泽金黄，清香不腻。",
            "description_en": (
                "Camellia fruit picked around the first frost, sun-dried and pressed the "
                "traditional way. A golden oil with a clean, light fragrance."
            ),
            "origin_zh": "高峰镇彭家的老油茶林，不施化肥，林下放养土鸡。",
            "origin_en": (
                "The Peng family's old camellia grove in Gaofeng, never given chemical fertiliser, "
                "with chickens roaming beneath the trees."
            ),
            "images": 2,
            "variants": [
                ("500 ml 瓶装", "500 ml bottle", "GZ-OIL-500", 9800, 25),
                ("1 L 瓶装", "1 L bottle", "GZ-OIL-1000", 17800, 12),
            ],
        },
        {
            "slug": "kudzu-starch",
            "category": "pantry",
            "producer": "peng-family",
            "motif": "bowl",
            "name_zh": "野葛根粉",
            "name_en": "Wild kudzu root starch",
            "description_zh": "冬天挖来野葛根，捶碎、过滤、沉淀、晾干。开水一冲，晶莹剔透。",
            "description_en": (
                "Wild kudzu roots are dug in winter, crushed, washed out, settled and dried. "
                "Stirred with boiling water it turns into a clear, silky pudding."
            ),
            "origin_zh": "高峰镇山上的野生葛藤，每年冬季采挖。",
            "origin_en": "Wild kudzu vines from the hills of Gaofeng, dug every winter.",
            "images": 1,
            "variants": [
                ("500 g 袋装", "500 g bag", "GZ-KUDZU-500", 4800, 40),
            ],
        },
        {
            "slug": "ponkan-mandarins",
            "category": "pantry",
            "producer": "long-family",
            "motif": "orange",
            "name_zh": "湘西椪柑",
            "name_en": "Xiangxi ponkan mandarins",
            "description_zh": "皮松易剥，果肉脆甜多汁。每年十一月到来年一月上市，现在已经卖完了。",
            "description_en": (
                "Loose skins that peel in a moment and crisp, sweet, juicy segments. In season "
                "from November to January, and sold out for now."
            ),
            "origin_zh": "岩头寨镇龙家向阳坡地上的果园，树上自然转色后采摘。",
            "origin_en": (
                "The Long family's orchard on a sunny slope in Yantouzhai, picked once the fruit "
                "has coloured on the tree."
            ),
            "images": 2,
            "variants": [
                ("5 kg 箱装", "5 kg box", "GZ-PONKAN-5KG", 3980, 0),
                ("10 kg 箱装", "10 kg box", "GZ-PONKAN-10KG", 6980, 0),
            ],
        },
        {
            "slug": "bracken-root-noodles",
            "category": "pantry",
            "producer": "long-family",
            "motif": "bowl",
            "name_zh": "蕨根粉",
            "name_en": "Bracken root noodles",
            "description_zh": "用蕨根淀粉做成的粉条，颜色乌黑，口感爽滑，凉拌放点酸辣汁最好吃。",
            "description_en": (
                "Dark, slippery noodles made from bracken root starch, best cold with a hot and "
                "sour dressing."
            ),
            "origin_zh": "山里野生蕨根提取淀粉，手工漏粉、晾干。",
            "origin_en": "Starch from wild bracken roots, pressed into noodles by hand and air-dried.",
            "images": 1,
            "variants": [
                ("400 g 袋装", "400 g bag", "GZ-NOODLE-400", 2800, 50),
            ],
        },
        {
            "slug": "wood-smoked-pork",
            "category": "cured",
            "producer": "shi-family",
            "name_zh": "湘西柴火腊肉",
            "name_en": "Xiangxi wood-smoked cured pork",
            "description_zh": (
                "山里散养的土猪五花肉和后腿肉，抹盐腌好后挂在火塘上用柴火熏一个多月，肥肉透亮、"
                "瘦肉红润。蒸、炒都香。"
            ),
            "description_en": (
                "Belly and leg of free-roaming mountain pigs, salted and hung above the wood fire "
                "for over a month until the fat turns translucent and the lean deep red. Steam it "
                "or stir-fry it."
            ),
            "origin_zh": "坪坝镇石大姐家的火塘，熏料是茶树枝、柏树枝和谷壳。",
            "origin_en": (
                "Sister Shi's hearth in Pingba, smoked over tea and cypress branches and rice husks."
            ),
            "images": 2,
            "variants": [
                ("500 g 真空装", "500 g vacuum pack", "GZ-PORK-500", 6800, 40),
                ("1 kg 真空装", "1 kg vacuum pack", "GZ-PORK-1000", 12800, 15),
            ],
        },
        {
            "slug": "smoked-sausages",
            "category": "cured",
            "producer": "shi-family",
            "name_zh": "湘西烟熏香肠",
            "name_en": "Xiangxi smoked sausages",
            "description_zh": "七分瘦三分肥，微辣，切片蒸熟就是一盘下饭菜。",
            "description_en": (
                "Seven parts lean to three parts fat, gently spiced with chilli. Slice and steam "
                "for a dish that begs for rice."
            ),
            "origin_zh": "和腊肉一起挂在火塘上熏制。",
            "origin_en": "Smoked above the hearth alongside the pork.",
            "images": 1,
            "variants": [
                ("500 g 真空装", "500 g vacuum pack", "GZ-SAUSAGE-500", 5800, 30),
            ],
        },
    ],
}

YANLING = {
    "county": {
        "slug": "yanling",
        "name_zh": "炎陵县",
        "name_en": "Yanling County",
        "province_zh": "湖南省",
        "province_en": "Hunan",
        "tagline_zh": "罗霄山里，一年只等一季黄桃",
        "tagline_en": "In the Luoxiao Mountains, a whole year waits for the yellow peaches",
        "story_zh": (
            "炎陵县在湖南省东南部，罗霄山脉中段，东边与江西井冈山相邻。县名来自炎帝陵——相传"
            "炎帝神农氏在这一带尝百草、教人耕种，安葬于鹿原陂。县内的酃峰海拔2115米，是湖南第一高峰。\n\n"
            "山高谷深，夏天白天晴热、夜里凉爽，正适合种桃。上世纪八十年代末，炎陵开始引种"
            "锦绣黄桃，三十多年下来，黄桃成了山里人家最要紧的收成。每年七月中旬到八月中旬，"
            "金黄的桃子挂满枝头，果肉细密，香甜多汁。\n\n"
            "这里也是客家人聚居的地方。晒笋干、做酸枣糕、榨山茶油，都是老辈传下来的手艺。"
            "桃季短，鲜桃卖完了，还有罐头、桃干和果酱，把夏天留到一年四季。"
        ),
        "story_en": (
            "Yanling lies in south-eastern Hunan, in the middle of the Luoxiao Mountains, with "
            "Jinggangshan in Jiangxi just to the east. It takes its name from the Mausoleum of "
            "the Yan Emperor: legend says Shennong tasted the hundred herbs and taught farming "
            "here, and was buried at Luyuan. Mount Ling, at 2,115 metres, is the highest peak in "
            "Hunan.\n\n"
            "High hills and deep valleys, hot sunny days and cool summer nights: just right for "
            "peaches. Yanling began planting the Jinxiu yellow peach in the late 1980s, and over "
            "thirty years it has become the mountain families' most important harvest. From "
            "mid-July to mid-August the branches hang heavy with golden fruit, dense, fragrant "
            "and dripping with juice.\n\n"
            "Many Hakka families live here too. Drying bamboo shoots, making sour jujube cake "
            "and pressing camellia oil are crafts handed down from their grandparents. The peach "
            "season is short; when the fresh fruit is gone there are still canned peaches, dried "
            "peaches and jam, keeping summer on the shelf all year round."
        ),
        "primary_color": "#b0413e",
        "accent_color": "#f7b733",
        "shipping_fee": 1000,
        "free_shipping_threshold": 8800,
    },
    "categories": [
        {
            "slug": "yellow-peaches",
            "name_zh": "炎陵黄桃",
            "name_en": "Yanling yellow peaches",
            "motif": "peach",
        },
        {"slug": "peach-pantry", "name_zh": "黄桃好物", "name_en": "Peach pantry", "motif": "jar"},
        {
            "slug": "mountain",
            "name_zh": "罗霄山货",
            "name_en": "Luoxiao mountain foods",
            "motif": "shoot",
        },
    ],
    "producers": [
        {
            "slug": "luyuan-coop",
            "kind": "coop",
            "name_zh": "鹿原镇黄桃专业合作社",
            "name_en": "Luyuan Yellow Peach Co-operative",
            "village_zh": "鹿原镇",
            "village_en": "Luyuan Town",
            "story_zh": (
                "合作社把两百多户桃农组织起来，统一技术指导和分级标准，桃子熟一批、摘一批、发一批。"
            ),
            "story_en": (
                "The co-op brings together more than two hundred peach-growing households with "
                "shared advice and grading standards: each batch is picked as it ripens and "
                "shipped straight away."
            ),
        },
        {
            "slug": "pan-family",
            "kind": "farmer",
            "name_zh": "盘家桃园",
            "name_en": "The Pan family peach orchard",
            "village_zh": "中村瑶族乡",
            "village_en": "Zhongcun Yao Ethnic Township",
            "story_zh": (
                "盘家是瑶族，桃园在海拔八百多米的山坳里。盘大哥说，桃子要在树上多挂几天，甜味才足。"
            ),
            "story_en": (
                "The Pans are Yao, and their orchard sits in a mountain hollow more than 800 "
                "metres up. Pan says a peach needs a few extra days on the tree before it is truly "
                "sweet."
            ),
        },
        {
            "slug": "chen-kitchen",
            "kind": "farmer",
            "name_zh": "陈记果品作坊",
            "name_en": "Chen's fruit kitchen",
            "village_zh": "沔渡镇",
            "village_en": "Miandu Town",
            "story_zh": "陈阿姨的小作坊只在桃季开工，收来的都是邻居家树上熟透的桃子，做成罐头和桃干。",
            "story_en": (
                "Auntie Chen's little kitchen opens only in peach season, turning her neighbours' "
                "tree-ripened peaches into jars and dried fruit."
            ),
        },
        {
            "slug": "luo-family",
            "kind": "farmer",
            "name_zh": "罗家笋山",
            "name_en": "The Luo family bamboo hill",
            "village_zh": "十都镇",
            "village_en": "Shidu Town",
            "story_zh": "罗家是客家人，屋后一整面山坡都是毛竹。春天挖笋晒笋干，冬天挖冬笋。",
            "story_en": (
                "The Luos are Hakka, and the whole hillside behind their house is moso bamboo. "
                "They dig and dry shoots in spring, and dig winter shoots in December."
            ),
        },
        {
            "slug": "ceyuan-coop",
            "kind": "coop",
            "name_zh": "策源乡山茶油合作社",
            "name_en": "Ceyuan Camellia Oil Co-operative",
            "village_zh": "策源乡",
            "village_en": "Ceyuan Township",
            "story_zh": "合作社收的是乡亲们自家油茶林的茶果，统一晾晒、压榨、检测，也替大家收山里的土蜂蜜。",
            "story_en": (
                "The co-op takes in camellia fruit from members' own groves and dries, presses "
                "and tests it together; it also collects their mountain honey."
            ),
        },
        {
            "slug": "tan-family",
            "kind": "farmer",
            "name_zh": "谭家小食",
            "name_en": "The Tan family snacks",
            "village_zh": "下村乡",
            "village_en": "Xiacun Township",
            "story_zh": "谭奶奶做了一辈子酸枣糕和红薯粉，如今儿媳接过了灶台。",
            "story_en": (
                "Grandma Tan made sour jujube cake and sweet potato noodles all her life; now her "
                "daughter-in-law runs the stove."
            ),
        },
    ],
    "products": [
        {
            "slug": "fresh-yellow-peaches",
            "category": "yellow-peaches",
            "producer": "pan-family",
            "name_zh": "炎陵黄桃鲜果",
            "name_en": "Fresh Yanling yellow peaches",
            "description_zh": (
                "果皮金黄带红晕，果肉细密，汁多味甜，带着淡淡的蜜香。黄桃只在七八月上市，今年的"
                "桃季已经结束，明年七月见。"
            ),
            "description_en": (
                "Golden skins with a red blush, dense flesh, juicy and sweet with a hint of "
                "honey. Yellow peaches are only in season in July and August; this year's season "
                "is over. See you next July."
            ),
            "origin_zh": "中村瑶族乡的山坳桃园，树上熟到八九分时采摘，当天冷链发出。",
            "origin_en": (
                "Mountain orchards in Zhongcun, picked when almost fully ripe on the tree and "
                "shipped chilled the same day."
            ),
            "images": 3,
            "variants": [
                ("2.5 kg 装（约 10 个）", "2.5 kg box (about 10)", "YL-PEACH-2.5KG", 8800, 0),
                ("5 kg 装（约 20 个）", "5 kg box (about 20)", "YL-PEACH-5KG", 15800, 0),
            ],
        },
        {
            "slug": "freeze-dried-peach-crisps",
            "category": "yellow-peaches",
            "producer": "luyuan-coop",
            "name_zh": "冻干黄桃脆",
            "name_en": "Freeze-dried yellow peach crisps",
            "description_zh": "当季黄桃切片冻干，酥脆轻盈，保留了鲜桃的香气，不加糖。",
            "description_en": (
                "In-season peach slices, freeze-dried until light and crisp; they keep the fresh "
                "fruit's fragrance, with no added sugar."
            ),
            "origin_zh": "鹿原镇合作社社员的黄桃，桃季集中加工。",
            "origin_en": "Peaches from the Luyuan co-op's members, processed during the season.",
            "images": 1,
            "variants": [
                ("30 g × 3 袋", "3 bags × 30 g", "YL-CRISP-3", 3600, 0),
                ("30 g × 6 袋", "6 bags × 30 g", "YL-CRISP-6", 6800, 25),
            ],
        },
        {
            "slug": "canned-yellow-peaches",
            "category": "peach-pantry",
            "producer": "chen-kitchen",
            "name_zh": "黄桃罐头",
            "name_en": "Yellow peaches in light syrup",
            "description_zh": "当季黄桃去皮切瓣装进玻璃瓶，只加少量冰糖和水，不加防腐剂。冰过最好吃。",
            "description_en": (
                "In-season peaches, peeled and halved into glass jars with just a little rock "
                "sugar and water, and no preservatives. Best served chilled."
            ),
            "origin_zh": "沔渡镇陈记作坊，用的是邻居家树上熟透的黄桃。",
            "origin_en": "Made in Miandu from the neighbours' tree-ripened peaches.",
            "images": 2,
            "variants": [
                ("510 g × 4 瓶", "4 jars × 510 g", "YL-CAN-4", 5900, 60),
                ("510 g × 8 瓶", "8 jars × 510 g", "YL-CAN-8", 10800, 35),
            ],
        },
        {
            "slug": "dried-yellow-peaches",
            "category": "peach-pantry",
            "producer": "chen-kitchen",
            "motif": "peach",
            "name_zh": "黄桃干",
            "name_en": "Dried yellow peaches",
            "description_zh": "软糯有嚼劲，酸甜适口，是办公室和路上的好零嘴。",
            "description_en": "Soft, chewy, sweet and tangy: a good snack for the desk or the road.",
            "origin_zh": "黄桃切瓣后低温烘干，不加色素。",
            "origin_en": "Peach slices dried at a low temperature, with no colouring.",
            "images": 2,
            "variants": [
                ("250 g 袋装", "250 g bag", "YL-DRIED-250", 3900, 80),
            ],
        },
        {
            "slug": "yellow-peach-jam",
            "category": "peach-pantry",
            "producer": "chen-kitchen",
            "name_zh": "黄桃果酱",
            "name_en": "Yellow peach jam",
            "description_zh": "大块果肉慢火熬成，抹吐司、拌酸奶，一勺就是夏天。",
            "description_en": "Chunky fruit cooked down slowly: a spoonful of summer on toast or yogurt.",
            "origin_zh": "陈记作坊小锅熬制。",
            "origin_en": "Cooked in small pans in Chen's kitchen.",
            "images": 1,
            "variants": [
                ("300 g 瓶装", "300 g jar", "YL-JAM-300", 3200, 45),
            ],
        },
        {
            "slug": "hakka-dried-bamboo-shoots",
            "category": "mountain",
            "producer": "luo-family",
            "name_zh": "客家笋干",
            "name_en": "Hakka dried bamboo shoots",
            "description_zh": "春笋焯水后压扁晒干，泡发后和腊肉一起炒，是客家人过年桌上的一道老菜。",
            "description_en": (
                "Spring bamboo shoots, blanched, pressed flat and sun-dried. Soaked and "
                "stir-fried with cured pork, they are an old favourite on Hakka New Year tables."
            ),
            "origin_zh": "十都镇罗家屋后的毛竹山，清明前后挖笋。",
            "origin_en": "Dug around Qingming on the bamboo hill behind the Luo family home in Shidu.",
            "images": 2,
            "variants": [
                ("250 g 袋装", "250 g bag", "YL-SHOOT-250", 4800, 40),
                ("500 g 袋装", "500 g bag", "YL-SHOOT-500", 8800, 0),
            ],
        },
        {
            "slug": "winter-bamboo-shoots",
            "category": "mountain",
            "producer": "luo-family",
            "name_zh": "高山冬笋",
            "name_en": "Mountain winter bamboo shoots",
            "description_zh": "冬笋藏在土里还没出头时挖出来，肉质细嫩、微甜不涩，炖汤、炒肉都鲜。",
            "description_en": (
                "Dug before they break the surface, winter shoots are tender, faintly sweet and "
                "never bitter: superb in soups and stir-fries."
            ),
            "origin_zh": "十二月到来年二月，罗家在竹山上凭经验找笋，一天挖不了多少。",
            "origin_en": (
                "From December to February the Luos search the bamboo hill by experience alone; "
                "a day's digging doesn't yield many."
            ),
            "images": 1,
            "variants": [
                ("2.5 kg 箱装", "2.5 kg box", "YL-WINTER-2.5KG", 6800, 20),
            ],
        },
        {
            "slug": "sour-jujube-cake",
            "category": "mountain",
            "producer": "tan-family",
            "motif": "slab",
            "name_zh": "南酸枣糕",
            "name_en": "Sour jujube cake",
            "description_zh": "用野生南酸枣的果肉加糖熬制，酸甜有嚼劲，是炎陵孩子从小吃到大的零嘴。",
            "description_en": (
                "Wild Chinese hog plums simmered with sugar into a sweet, tangy, chewy cake: the "
                "snack every Yanling child grows up with."
            ),
            "origin_zh": "秋天捡拾山里熟落的南酸枣，下村乡谭家手工去皮熬煮、摊晾。",
            "origin_en": (
                "The fruit is gathered from the forest floor in autumn, then peeled, cooked and "
                "spread out to set by hand in the Tan family kitchen."
            ),
            "images": 2,
            "variants": [
                ("400 g 盒装", "400 g box", "YL-JUJUBE-400", 2900, 60),
            ],
        },
        {
            "slug": "mountain-camellia-oil",
            "category": "mountain",
            "producer": "ceyuan-coop",
            "motif": "bottle",
            "name_zh": "罗霄山茶油",
            "name_en": "Luoxiao camellia oil",
            "description_zh": "压榨山茶籽油，烟点高，炒菜不起油烟。客家人坐月子、拌面都爱用它。",
            "description_en": (
                "Pressed camellia seed oil with a high smoke point, for clean stir-frying. Hakka "
                "families swear by it for noodles and for new mothers' meals."
            ),
            "origin_zh": "策源乡的油茶林，霜降时节采果。",
            "origin_en": "From camellia groves in Ceyuan, picked at the first frost.",
            "images": 2,
            "variants": [
                ("1 L 瓶装", "1 L bottle", "YL-OIL-1000", 16800, 20),
            ],
        },
        {
            "slug": "mountain-honey",
            "category": "mountain",
            "producer": "ceyuan-coop",
            "motif": "jar",
            "name_zh": "罗霄山中蜂蜂蜜",
            "name_en": "Luoxiao native bee honey",
            "description_zh": "中华蜜蜂采集山花酿成，一年一取，香气浓郁，略带结晶。",
            "description_en": (
                "Made by native Chinese honeybees from mountain flowers and taken once a year: "
                "richly fragrant, with a little natural crystallisation."
            ),
            "origin_zh": "策源乡山里散落的蜂桶，由合作社统一收购检测。",
            "origin_en": "From hives scattered in the Ceyuan hills, bought and tested by the co-op.",
            "images": 1,
            "variants": [
                ("500 g 瓶装", "500 g jar", "YL-HONEY-500", 7800, 30),
            ],
        },
        {
            "slug": "sweet-potato-noodles",
            "category": "mountain",
            "producer": "tan-family",
            "motif": "bowl",
            "name_zh": "红薯粉丝",
            "name_en": "Sweet potato noodles",
            "description_zh": "纯红薯淀粉手工漏粉，久煮不烂，酸辣粉、炖菜都合适。",
            "description_en": (
                "Hand-made from pure sweet potato starch; they hold together however long they "
                "cook. Great in hot-and-sour noodles and stews."
            ),
            "origin_zh": "下村乡自种红薯，冬天打粉、漏粉、冻晒。",
            "origin_en": (
                "Home-grown sweet potatoes from Xiacun, made into noodles and frost-dried in winter."
            ),
            "images": 1,
            "variants": [
                ("1 kg 袋装", "1 kg bag", "YL-NOODLE-1KG", 3200, 70),
            ],
        },
        {
            "slug": "hakka-sweet-potato-strips",
            "category": "mountain",
            "producer": "tan-family",
            "motif": "slab",
            "name_zh": "客家红薯干",
            "name_en": "Hakka dried sweet potato strips",
            "description_zh": "红薯蒸熟切条，晒了又蒸、蒸了又晒，软糯香甜，不加一粒糖。",
            "description_en": (
                "Sweet potatoes steamed, cut into strips and sun-dried, steamed and dried again: "
                "soft, chewy and sweet without a grain of added sugar."
            ),
            "origin_zh": "谭家自家地里的红薯，霜降后收获，冬天晾晒。",
            "origin_en": "From the Tan family's own fields, dug after the first frost and dried in winter.",
            "images": 1,
            "variants": [
                ("500 g 袋装", "500 g bag", "YL-STRIPS-500", 2800, 90),
            ],
        },
    ],
}

COUNTIES = [RAOHE, WUCHANG, GUZHANG, YANLING]
