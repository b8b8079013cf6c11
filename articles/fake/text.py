"""Generated copy: company names and tickers, authors, tags, articles.

Traditional Chinese financial copy from our own sentence templates: headlines,
deks, key points, bodies of ``<p>`` paragraphs with an ``<h2>`` subhead every
few paragraphs, some English sentences, company names with their tickers
written the many ways copy writes them (``（0853.HK）``, ``(NYSE: OCFT)``,
``（港交所：2202；000002.SZ）``). Topic words come at Zipf-like frequencies, so a
few are in a large share of the articles, as real topics are.

No database here: ``loading`` writes what this makes. Every choice comes from
the ``random.Random`` passed in, so a seed gives the same content.
"""

import bisect
import html
import itertools
import re
import string
from dataclasses import dataclass, field

# --- companies ----------------------------------------------------------------

PLACES = (
    "北京 上海 深圳 廣州 香港 天津 重慶 江蘇 浙江 福建 山東 廣東 四川 湖南 湖北 "
    "安徽 河南 河北 遼寧 吉林 雲南 貴州 廣西 新疆 內蒙 寧波 廈門 蘇州 杭州 南京 "
    "青島 大連 珠海 東莞 佛山 無錫 長沙 武漢 成都 西安 鄭州 合肥 澳門 台灣"
).split()
BRAND = (
    "華中國新泰恒信達安康隆興盛豐源昌匯鴻騰龍鳳金銀寶瑞祥德福光明遠通運海天"
    "宏偉嘉榮億萬利聯合創思維景長城綠能環宇峰晶石島陽東南西北正大同和美星辰"
    "凱越卓誠博睿智雅寧雲飛鵬錦灣港灣滙豐裕澤潤晟昇暉騏駿麟鑫淼森磊"
)
INDUSTRY = (
    "科技 控股 集團 能源 醫藥 銀行 證券 地產 汽車 電子 實業 環保 新材料 "
    "生物 保險 物流 半導體 通訊 電力 建設 傳媒 食品 紡織 化工 鋼鐵 航空 "
    "資本 投資 置業 網絡 軟件 醫療 光伏 鋰電 機械 農業 酒業 水務 燃氣"
).split()
SUFFIX = ["", "", "", "股份", "國際", "有限公司", "集團"]
EN_WORDS = (
    "China Hong Kong Asia Pacific Golden Dragon Great Wall Pearl River Harbour "
    "Sun Star Bright Unity Ever Grand New Century Harmony Fortune Jade Summit "
    "Orient Silver Peak Tech Energy Pharma Bank Securities Properties Motors "
    "Electronics Holdings Group Solar Logistics Semiconductor Media Foods "
    "Chemical Steel Airlines Capital Software Medical Lithium Machinery Water"
).split()


def company_names(count: int, rng) -> list[tuple[int, list[str]]]:
    """``count`` companies as (number from 1, [Chinese name, English name, aliases]).

    Traditional names of 2–8 characters from the characters Hong Kong and
    mainland company names use; English names (numbered, so unique); some
    Chinese and English aliases. bench/companies.py builds its matcher from
    exactly this; keep the sequence of ``rng`` calls when changing it, or its
    figures stop being comparable.
    """
    seen: set[str] = set()
    companies = []
    while len(companies) < count:
        brand = "".join(rng.choice(BRAND) for _ in range(rng.choice((1, 2, 2, 3))))
        parts = [rng.choice(PLACES)] if rng.random() < 0.4 else []
        parts += [brand, rng.choice(INDUSTRY), rng.choice(SUFFIX)]
        name = "".join(parts)[:8]
        if len(name) < 2 or name in seen:
            continue
        seen.add(name)
        words = rng.sample(EN_WORDS, rng.choice((2, 2, 3)))
        english = " ".join(words) + f" {len(companies)}"
        names = [name, english]
        if rng.random() < 0.4:
            alias = brand + rng.choice(INDUSTRY)[:2] if len(brand) < 2 else brand
            names.append(alias)
        if rng.random() < 0.1:
            names.append("".join(w[0] for w in words).upper() + str(len(companies)))
        companies.append((len(companies) + 1, names))
    return companies


# Where companies are listed, with weights: some in two places (A+H shares, a
# Hong Kong secondary listing of a US company).
LISTINGS = (
    (("HK",), 40),
    (("SH",), 12),
    (("SZ",), 12),
    (("US",), 18),
    (("HK", "SH"), 8),
    (("HK", "SZ"), 4),
    (("HK", "US"), 6),
)


def _symbol(exchange: str, rng) -> str:
    """A plausible normalised symbol (the ranges the exchanges use)."""
    if exchange == "HK":
        return f"{rng.choice((rng.randint(1, 3999), rng.randint(6000, 9999))):04d}"
    if exchange == "SH":
        return str(
            rng.choice((rng.randint(600000, 605999), rng.randint(688000, 688999)))
        )
    if exchange == "SZ":
        number = rng.choice((rng.randint(1, 3999), rng.randint(300001, 301999)))
        return f"{number:06d}"
    letters = "".join(
        rng.choice(string.ascii_uppercase) for _ in range(rng.randint(2, 5))
    )
    # A few share classes, as BRK.B.
    return letters + (".B" if rng.random() < 0.02 else "")


def ticker_symbols(rng, taken: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """One company's listings, (exchange, symbol), none of them in ``taken``.

    Adds them to ``taken``. A market whose codes are (nearly) all taken gives
    way to a US listing, which has room for millions.
    """
    exchanges = rng.choices(
        [places for places, _w in LISTINGS], [w for _p, w in LISTINGS]
    )[0]
    listings = []
    for exchange in exchanges:
        for _attempt in range(20):
            symbol = _symbol(exchange, rng)
            if (exchange, symbol) not in taken:
                break
        else:
            exchange = "US"
            while (exchange, symbol := _symbol(exchange, rng)) in taken:
                pass
        if any(place == exchange for place, _s in listings):
            continue
        taken.add((exchange, symbol))
        listings.append((exchange, symbol))
    return listings


# How copy writes one ticker, per exchange, with weights; {s} is the symbol as
# listed, {u} without leading zeros, {z} padded to five digits. Lower-case
# suffixes only inside brackets, where find_tickers trusts any case.
TICKER_FORMS = {
    "HK": (
        ("{s}.HK", 6),
        ("{u}.HK", 2),
        ("{z}.HK", 1),
        ("{s}.hk", 1),
        ("港交所：{s}", 1),
        ("股份代號：{u}", 1),
        ("HKEX: {s}", 1),
    ),
    "US": (
        ("{s}.US", 6),
        ("NYSE: {s}", 2),
        ("NASDAQ: {s}", 2),
        ("紐交所：{s}", 1),
        ("{s}.us", 1),
        ("{s}.O", 1),
    ),
    "SH": (("{s}.SH", 5), ("{s}.SS", 2), ("上交所：{s}", 1), ("SSE: {s}", 1)),
    "SZ": (("{s}.SZ", 5), ("深交所：{s}", 1), ("SZSE: {s}", 1)),
}


def written_ticker(exchange: str, symbol: str, rng) -> str:
    """``exchange`` and ``symbol`` as a writer might put them, e.g. ``853.HK``."""
    forms = TICKER_FORMS.get(exchange, (("{s}." + exchange, 1),))
    form = rng.choices([f for f, _w in forms], [w for _f, w in forms])[0]
    unpadded = symbol.lstrip("0") or symbol
    return form.format(s=symbol, u=unpadded, z=symbol.zfill(5))


def ticker_bracket(tickers, rng) -> str:
    """The bracket after a company's first mention: ``（2202.HK；000002.SZ）``."""
    written = [written_ticker(exchange, symbol, rng) for exchange, symbol in tickers]
    separator = rng.choice(("；", "；", "; ", "、"))
    if rng.random() < 0.8:
        return "（" + separator.join(written) + "）"
    return "(" + separator.join(written) + ")"


@dataclass(frozen=True)
class Listed:
    """A company as the copy mentions it."""

    id: int
    names: tuple[str, ...]  # Chinese names for the copy, the main one first
    name_en: str
    tickers: tuple[tuple[str, str], ...]  # (exchange, symbol), normalised


# --- authors and tags ---------------------------------------------------------

SURNAMES = (
    ("陳", "chan"), ("李", "lee"), ("張", "cheung"), ("黃", "wong"), ("何", "ho"),
    ("林", "lam"), ("梁", "leung"), ("吳", "ng"), ("劉", "lau"), ("鄭", "cheng"),
    ("楊", "yeung"), ("麥", "mak"), ("郭", "kwok"), ("馬", "ma"), ("羅", "law"),
    ("蔡", "choi"), ("葉", "yip"), ("袁", "yuen"), ("曾", "tsang"), ("譚", "tam"),
)  # fmt: skip
GIVEN = (
    ("大", "tai"), ("文", "man"), ("家", "ka"), ("明", "ming"), ("美", "mei"),
    ("玲", "ling"), ("志", "chi"), ("偉", "wai"), ("嘉", "ka"), ("欣", "yan"),
    ("俊", "chun"), ("詩", "sze"), ("子", "tsz"), ("浩", "ho"), ("思", "sze"),
    ("麗", "lai"), ("健", "kin"), ("穎", "wing"), ("婷", "ting"), ("樂", "lok"),
    ("永", "wing"), ("國", "kwok"), ("寶", "po"), ("慧", "wai"), ("雅", "nga"),
)  # fmt: skip


def author_names(count: int, rng, taken_slugs: set[str]) -> list[tuple[str, str]]:
    """``count`` (Chinese name, ASCII slug) pairs; slugs not in ``taken_slugs``.

    Adds the slugs to ``taken_slugs``. Names may repeat after 10,000 or so;
    slugs never do.
    """
    authors, names = [], set()
    for _attempt in range(count * 20):
        if len(authors) == count:
            break
        (surname, s), (first, f), (second, g) = (
            rng.choice(SURNAMES),
            rng.choice(GIVEN),
            rng.choice(GIVEN),
        )
        name = surname + first + second
        if name in names and len(names) < 5000:
            continue
        names.add(name)
        base = slug = f"{s}-{f}-{g}"
        for n in itertools.count(2):
            if slug not in taken_slugs:
                break
            slug = f"{base}-{n}"
        taken_slugs.add(slug)
        authors.append((name, slug))
    return authors


# Topic words, commonest first: an article's topics are drawn at Zipf-like
# frequencies (the first in about a quarter of the articles, the last in about
# one in a hundred), in its sentences, headline and tags.
TOPICS = (
    "光伏 地產 回購 半導體 鋰電 電動車 人工智能 晶片 儲能 風電 保險 券商 "
    "醫藥 疫苗 物業 債券 派息 供股 私有化 停牌 併購 減持 增持 配股 盈警"
).split()
TOPICS_EN = dict(
    zip(
        TOPICS,
        [
            "solar",
            "property",
            "buyback",
            "semiconductor",
            "battery",
            "EV",
            "AI",
            "chip",
            "energy storage",
            "wind power",
            "insurance",
            "brokerage",
            "drug",
            "vaccine",
            "property management",
            "bond",
            "dividend",
            "rights issue",
            "privatisation",
            "trading halt",
            "merger",
            "stake sale",
            "stake increase",
            "placement",
            "profit warning",
        ],  # fmt: skip
        strict=True,
    )
)
_TOPIC_WEIGHTS = list(itertools.accumulate(1 / (i + 1) for i in range(len(TOPICS))))
# More subjects for tags, and what qualifies them (港股光伏, 內地儲能).
SUBJECTS = (
    "銀行 內銀 內房 內險 航空 航運 博彩 零售 電訊 雲計算 電商 遊戲 教育 "
    "醫療器械 生物科技 創新藥 新能源車 充電樁 氫能 核電 煤炭 石油 天然氣 黃金 "
    "鋼鐵 水泥 有色金屬 稀土 化工 農業 食品 飲料 白酒 乳製品 紡織 家電 汽車零件 "
    "機械 機器人 無人機 衛星 5G 數據中心 軟件 網絡安全 區塊鏈 虛擬資產 金融科技 "
    "保險科技 REIT 公用事業 基建 環保 水務 物流 旅遊 酒店 餐飲 體育 娛樂 傳媒"
).split()
QUALIFIERS = (
    "港股 A股 美股 中概股 內地 香港 澳門 台灣 新加坡 日本 韓國 歐洲 美國 "
    "東南亞 中東 大灣區 長三角 國企 民企 央企 新股 ESG 監管 政策 估值 融資 "
    "業績 出口 消費 投資 併購 債務 評級 北水 南向 外資 散戶 期貨 期權 指數"
).split()
MAX_TAGS = (len(TOPICS) + len(SUBJECTS)) * (len(QUALIFIERS) + 1)


def tag_names(count: int) -> list[str]:
    """``count`` distinct tag names, the ones articles use most first.

    Topic and subject words first (光伏), then qualified ones (港股光伏).
    At most ``MAX_TAGS``.
    """
    words = TOPICS + SUBJECTS
    names = words + [q + w for q in QUALIFIERS for w in words]
    return names[:count]


def tag_weights(count: int) -> list[float]:
    """Cumulative weights for ``count`` tags in ``tag_names`` order (Zipf-like)."""
    return list(itertools.accumulate(1 / (i + 1) ** 0.8 for i in range(count)))


# --- articles -----------------------------------------------------------------

# {c} a company mention (with its ticker the first time), {w} a topic, {n} a
# number, {m} a digit, {q} a quarter, {p}/{r} prices, {d} up or down, {h} more
# or less than the index.
COMPANY_SENTENCES = (
    "{c}公布{w}業務最新進展，管理層表示今年{w}相關收入將按年增長約百分之{n}。",
    "分析員指出，{w}板塊近期受政策憧憬帶動，{c}股價在早段急升百分之{n}。",
    "{c}宣布以不多於{n}億元進行{w}計劃，消息刺激股價造好，成交額較上日增加一倍。",
    "市場關注{w}行業的供需變化，{c}的毛利率或仍有下行壓力，該行維持中性評級。",
    "{c}在電話會議上透露，將把更多資源投放於{w}，並預期明年資本開支維持在{n}億元。",
    "{c}第{q}季營業額按年{d}百分之{n}，其中{w}分部佔總收入約{m}成。",
    "有基金經理認為，{w}概念股經過早前調整後估值已見吸引，並看好{c}的長遠發展。",
    "{c}董事會建議派發末期息每股{p}元，派息比率維持於百分之{n}左右。",
    "據知情人士透露，{c}正與多家銀行商討{n}億元銀團貸款，所得款項將用於{w}項目。",
    "{c}主席在股東大會上表示，集團不排除透過併購加快{w}業務的布局。",
    "受{w}需求放緩拖累，{c}上半年純利按年下跌百分之{n}，遜於市場預期。",
    "{c}股價今年累計{d}約百分之{n}，表現{h}恒生指數。",
    "大行發表報告，將{c}目標價由{p}元調整至{r}元，評級維持「買入」。",
    "{c}表示，{w}產品的訂單能見度已延伸至明年第{q}季，產能利用率維持高水平。",
    "{c}公告指，擬發行本金總額{n}億元的可換股債券，換股價較現價溢價約{m}成。",
    "{c}管理層重申，{w}業務今年可望達到收支平衡，明年起為集團帶來正現金流。",
    "投資者憂慮{w}政策出現變數，{c}股價一度回落百分之{n}，其後跌幅收窄。",
    "{c}的{w}業務收入佔比由去年的{m}成提升，成為集團第二大收入來源。",
    "{c}收市報{p}元，全日成交{n}億元，市值重上千億元水平。",
    "{c}核心盈利按年{d}百分之{n}，經營現金流明顯改善，淨負債比率回落。",
)
GENERAL_SENTENCES = (
    "公司週二公布第三季業績，期內營業額按年下跌百分之十二，核心盈利倒退至約三十億元，遜於市場預期。",
    "管理層在電話會議上表示，今年餘下時間將繼續壓縮土地儲備，並透過出售非核心資產回籠資金。",
    "分析員認為，板塊近月反彈主要受政策憧憬帶動，基本面仍未見明顯改善，建議投資者審慎。",
    "消息公布後，股價在早段急升百分之八，成交額較上日增加一倍，其後升幅收窄。",
    "集團預期明年資本開支維持在約一百億元人民幣，主要用於擴充產能及研發。",
    "恒生指數收市微跌，科技股個別發展，內房股及內銀股普遍受壓，北水全日淨流入。",
    "市場關注美國聯儲局下周議息結果，債息回落令高息股重新受到資金追捧。",
    "該行將目標價由四十二元下調至三十五元，維持中性評級，並指毛利率仍有下行壓力。",
    "業界人士預計，{w}行業今年將迎來新一輪整合，規模較小的企業或被淘汰。",
    "內地近期推出多項支持{w}發展的措施，包括稅務優惠及融資便利。",
    "有券商估計，{w}板塊明年盈利增長可達百分之{n}，估值仍低於歷史平均水平。",
    "{w}相關的交易所買賣基金本週錄得資金淨流入約{n}億元。",
)  # fmt: skip
ENGLISH_SENTENCES = (
    "The company said revenue from its {e} business rose {n} percent.",
    "Analysts at Goldman Sachs cut the target price, citing weaker margins.",
    "Shares of the property developer fell after the profit warning.",
    "{x} said it expects demand for {e} products to recover next year.",
    '"We remain cautious on the {e} sector," an analyst at Morgan Stanley said.',
)
SUBHEADS = (
    "{w}業務前景", "市場反應", "分析員觀點", "估值與風險", "管理層展望",
    "{w}行業格局", "資金流向", "業績要點", "派息與回購", "下半年展望",
)  # fmt: skip
BRIEF_HEADLINES = (
    "{c}{w}業務{v}",
    "{c}中期純利升{n}%　{w}貢獻增加",
    "{c}擬斥{n}億元回購股份",
    "{c}獲大行上調目標價至{p}元",
    "{c}第{q}季收入按年{d}{n}%",
    "{c}宣布{w}新計劃　股價{v}",
)
FEATURE_HEADLINES = (
    "深度：{w}行業洗牌，{c}能否突圍？",
    "{w}板塊估值重估：{c}與同業比較",
    "分析：{w}熱潮下的{c}",
    "{c}的{w}之路：機遇與隱憂",
    "專訪{c}管理層：{w}業務的下一步",
)
DEKS = (
    "{c}表示{w}業務將成為未來三年的增長重點，市場關注其毛利率走勢。",
    "{w}需求回升帶動{c}業績改善，但分析員提醒估值已反映大部分利好。",
    "在{w}政策轉向之際，{c}加快調整業務結構，投資者仍在觀望。",
    "{c}公布最新業績，{w}分部收入按年{d}百分之{n}。",
)
KEY_POINTS = (
    "{c}收入按年{d}百分之{n}",
    "管理層預期明年資本開支約{n}億元",
    "{w}業務佔總收入約{m}成",
    "分析員維持中性評級",
    "目標價調整至{p}元",
    "派息比率維持於百分之{n}左右",
    "{w}行業面臨新一輪整合",
)
ENGLISH_TITLES = (
    "{x} bets on {e} demand",
    "{x} shares jump on {e} outlook",
    "{x} posts results as {e} business grows",
    "Why investors are watching {x}",
)
MOVES = ("急升", "回落", "轉盈", "擴張", "報捷", "受壓")
SOURCES = ("新華社", "中通社", "公司公告", "路透", "彭博")

# Body length in CJK characters per kind: within 1,500–6,000 whatever the last
# sentence adds (a sentence and a subhead are well under 300).
BODY_LENGTH = {"brief": (1500, 3200), "feature": (3000, 5600)}
_NOT_HAN = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")


def han_count(text: str) -> int:
    """The Chinese characters (ideographs) in ``text``, punctuation excluded."""
    return len(_NOT_HAN.sub("", text))


@dataclass
class ArticleCopy:
    """One generated article's text and what it mentions."""

    kind: str
    headline: str
    dek: str
    key_points: list[str]
    body: str  # HTML
    title_en: str = ""
    source: str = ""
    companies: list[int] = field(default_factory=list)  # first mention order
    topics: list[str] = field(default_factory=list)


class Writer:
    """Writes articles about ``companies``, every choice from ``rng``."""

    def __init__(self, rng, companies: list[Listed]):
        if not companies:
            raise ValueError("Articles need at least one company to write about.")
        self.rng, self.companies = rng, companies

    def article(self, kind: str) -> ArticleCopy:
        rng = self.rng
        topics = list(
            dict.fromkeys(
                rng.choices(TOPICS, cum_weights=_TOPIC_WEIGHTS, k=rng.randint(1, 3))
            )
        )
        mentioned = rng.sample(
            self.companies, min(len(self.companies), rng.choice((1, 2, 2, 3, 3, 4)))
        )
        subject = mentioned[0]
        self._topics, self._seen = topics, {}
        target = rng.randint(*BODY_LENGTH[kind])
        blocks, length = [], 0
        # The first paragraph opens on the article's subject, ticker and all.
        sentences = [self._company_sentence(subject)]
        until_subhead = rng.randint(3, 5)
        while True:
            for _ in range(rng.randint(2, 5)):
                sentence = self._sentence(mentioned)
                sentences.append(sentence)
                length += han_count(sentence)
                if length >= target:
                    break
            blocks.append(f"<p>{html.escape(''.join(sentences), quote=False)}</p>")
            sentences = []
            if length >= target:
                break
            until_subhead -= 1
            if until_subhead == 0:
                subhead = self._fill(rng.choice(SUBHEADS))
                length += han_count(subhead)
                blocks.append(f"<h2>{html.escape(subhead, quote=False)}</h2>")
                until_subhead = rng.randint(3, 5)
        name = subject.names[0]
        headlines = FEATURE_HEADLINES if kind == "feature" else BRIEF_HEADLINES
        points = rng.randint(3, 5) if kind == "feature" else rng.choice((0, 0, 2, 3))
        return ArticleCopy(
            kind=kind,
            headline=self._fill(rng.choice(headlines), c=name)[:200],
            dek=self._fill(rng.choice(DEKS), c=name),
            key_points=[
                self._fill(point, c=name)
                for point in rng.sample(KEY_POINTS, min(points, len(KEY_POINTS)))
            ],
            body="".join(blocks),
            title_en=(
                self._fill(rng.choice(ENGLISH_TITLES), x=subject.name_en)[:250]
                if rng.random() < 0.35 and subject.name_en
                else ""
            ),
            source=rng.choice(SOURCES) if rng.random() < 0.08 else "",
            companies=list(self._seen),
            topics=topics,
        )

    def _sentence(self, mentioned: list[Listed]) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.04:
            company = rng.choice(mentioned)
            return self._fill(rng.choice(ENGLISH_SENTENCES), x=company.name_en)
        if roll < 0.30:
            return self._fill(rng.choice(GENERAL_SENTENCES))
        return self._company_sentence(rng.choice(mentioned))

    def _company_sentence(self, company: Listed) -> str:
        template = self.rng.choice(COMPANY_SENTENCES)
        return self._fill(template, c=self._mention(company))

    def _mention(self, company: Listed) -> str:
        """The name, with the ticker bracket at the first mention (and now and
        then again); sometimes an alias later on."""
        rng = self.rng
        first = company.id not in self._seen
        self._seen.setdefault(company.id, None)
        name = company.names[0]
        if not first and len(company.names) > 1 and rng.random() < 0.3:
            name = rng.choice(company.names[1:])
        if first or rng.random() < 0.05:
            tickers = company.tickers
            if len(tickers) > 1 and rng.random() < 0.4:
                tickers = tickers[:1]
            return name + ticker_bracket(tickers, rng)
        return name

    def _fill(self, template: str, **given) -> str:
        """``template`` with its fields filled; only the fields it has are drawn."""
        if "{" not in template:
            return template
        rng = self.rng
        values = {}
        for name in _fields(template):
            if name in given:
                values[name] = given[name]
            elif name == "w":
                values[name] = rng.choice(self._topics)
            elif name == "e":
                values[name] = TOPICS_EN[rng.choice(self._topics)]
            elif name == "n":
                values[name] = rng.randint(2, 90)
            elif name == "m":
                values[name] = rng.randint(1, 9)
            elif name == "q":
                values[name] = rng.randint(1, 4)
            elif name in ("p", "r"):
                values[name] = f"{rng.uniform(1, 300):.2f}"
            elif name == "d":
                values[name] = rng.choice(("上升", "下跌"))
            elif name == "h":
                values[name] = rng.choice(("跑贏", "跑輸"))
            elif name == "v":
                values[name] = rng.choice(MOVES)
        return template.format(**values)


_FIELD = re.compile(r"\{(\w)\}")
_fields_cache: dict[str, tuple[str, ...]] = {}


def _fields(template: str) -> tuple[str, ...]:
    fields = _fields_cache.get(template)
    if fields is None:
        fields = _fields_cache[template] = tuple(
            dict.fromkeys(_FIELD.findall(template))
        )
    return fields


def weighted_choice(rng, items, cum_weights):
    """One of ``items`` by cumulative weights (``random.choices`` for k=1, faster)."""
    return items[bisect.bisect(cum_weights, rng.random() * cum_weights[-1])]
