"""Properties over generated feeds: N articles in, N drafts out, boilerplate ignored.

Articles are generated from parts of our own writing (companies, events,
sentences, names, outlets) and concatenated in one feed shape: a CMS export
(blank lines, a credit line with any separator, a source line), a wire feed
of title/body line pairs (with or without blank lines, the outlet in
brackets at the end of the body), or a scraped page (an editor credit before
the headline, an author credit, a share row after the body).
"""

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.importing.decoding import normalise_text
from articles.importing.parsing import parse_text

COMPANIES = ["灣區電力", "維港銀行", "獅子山地產", "匯點科技", "東岸保險", "中環航運",
             "北角物流", "西貢漁業", "青衣能源", "將軍澳數據"]  # fmt: skip
EVENTS = ["季績勝預期", "削減派息", "宣布回購股份", "股價急跌", "獲評級上調",
          "發行新股集資", "出售海外資產", "委任新行政總裁"]  # fmt: skip
SENTENCES = [
    "公司昨日公布業績，收入按年增長百分之十二，毛利率回升至百分之二十一。",
    "管理層表示，明年將把資本開支削減三成，並集中資源發展企業客戶業務。",
    "分析員指出，行業估值仍處於歷史低位，但價格競爭未有緩和跡象。",
    "消息公布後，股價在早段急升百分之八，成交額較上日增加一倍。",
    "市場人士認為，資金短期仍會流向高息股份，防守板塊表現或較穩定。",
    "集團預期明年派息比率維持在百分之五十以上，並會檢討非核心業務。",
]
SURNAMES = "陳林黃李張何梁吳鄭謝"
GIVEN = "子曉嘉詠志家浩美雅明彤謙豪琪朗然玲"
OUTLETS = ["維港財經", "獅子山通訊", "灣區經濟報", "匯點新聞", "中環日報", "東岸財經台"]
CREDIT_WORDS = ["作者", "記者", "撰文", "文"]
SEPARATORS = [":", "：", "｜", " | ", "／", " — ", "⠀", "✦", "◆", "  "]
BRACKETS = [("（", "）"), ("【", "】"), ("[", "]"), ("「", "」")]
BOILERPLATE = [
    ["欲訂閱本站每周免費通訊，請點擊這裏"],
    ["分享至 Facebook"],
    ["版權所有 © 2026 某某傳媒"],
    ["免責聲明：本文僅供參考，不構成投資建議"],
    ["首頁 > 財經 > 公司"],
    ["相關閱讀", "港股收市急跌", "銀行股造好", "地產股反彈"],
    ["修仙小說排行榜", "免費看劇App", "股票開戶優惠", "最強手機遊戲", "天氣預報"],
]


@dataclass
class Item:
    headline: str
    author: str
    outlet: str
    paragraphs: list[str]


@st.composite
def items(draw, count):
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(COMPANIES), st.sampled_from(EVENTS)),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    out = []
    for company, event in pairs:
        name = draw(st.sampled_from(SURNAMES)) + draw(
            st.text(alphabet=GIVEN, min_size=1, max_size=2)
        )
        paragraphs = draw(
            st.lists(
                st.lists(st.sampled_from(SENTENCES), min_size=2, max_size=3).map(
                    "".join
                ),
                min_size=1,
                max_size=3,
            )
        )
        out.append(
            Item(f"{company}{event}", name, draw(st.sampled_from(OUTLETS)), paragraphs)
        )
    return out


def export_shape(item, credit, boiler):
    """Blocks of a CMS export; boilerplate may go at any gap after the byline."""
    blocks = [[item.headline], [credit + item.author]]
    body = [[p] for p in item.paragraphs] + [[f"來源：{item.outlet}"]]
    for index, block in enumerate(body):
        blocks.append(block)
        if boiler.get(index):
            blocks.append(boiler[index])
    return "\n\n".join("\n".join(b) for b in blocks)


@st.composite
def feeds(draw, with_boilerplate=False):
    shape = draw(st.sampled_from(["export", "pairs", "pairs-blank", "scraped"]))
    count = draw(st.integers(1, 5))
    articles = draw(items(count))
    credit = draw(st.sampled_from(CREDIT_WORDS)) + draw(st.sampled_from(SEPARATORS))
    bracket = draw(st.sampled_from(BRACKETS))

    def boiler():
        if not with_boilerplate or not draw(st.booleans()):
            return None
        return draw(st.sampled_from(BOILERPLATE))

    parts, plain_parts = [], []
    for item in articles:
        gaps = {i: boiler() for i in range(len(item.paragraphs) + 1)}
        between = boiler()
        for target, gaps_used, between_used in (
            (parts, gaps, between),
            (plain_parts, {}, None),
        ):
            if shape == "export":
                text = export_shape(item, credit, gaps_used)
            elif shape.startswith("pairs"):
                body = "".join(item.paragraphs) + bracket[0] + item.outlet + bracket[1]
                text = f"{item.headline}\n{body}"
            else:
                text = "\n".join(
                    [
                        f"責任編輯⠀{item.author}",
                        item.headline,
                        credit + item.author,
                        *item.paragraphs,
                        f"（來源：{item.outlet}）",
                        "分享至 Facebook",
                    ]
                )
            if between_used:
                text += "\n\n" + "\n".join(between_used)
            target.append(text)
    joiner = "\n" if shape == "pairs" else "\n\n"
    return shape, articles, joiner.join(parts), joiner.join(plain_parts)


def parse(text):
    return parse_text(normalise_text(text)).articles


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feeds())
def test_n_articles_in_any_feed_shape_import_as_n_drafts(feed):
    shape, items_, text, _plain = feed
    parsed = parse(text)
    assert [a.headline for a in parsed] == [i.headline for i in items_], shape
    for article, item in zip(parsed, items_, strict=True):
        if shape.startswith("pairs"):
            assert article.authors == []
        else:
            assert article.authors == [item.author]
        assert article.sources == [item.outlet]
        assert article.body_text == "\n".join(item.paragraphs) or shape.startswith(
            "pairs"
        )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feeds(with_boilerplate=True))
def test_boilerplate_anywhere_changes_no_article_body(feed):
    shape, items_, text, plain = feed
    with_boilerplate = parse(text)
    without = parse(plain)
    assert [a.headline for a in with_boilerplate] == [a.headline for a in without]
    assert [a.body_text for a in with_boilerplate] == [a.body_text for a in without]
    assert [a.sources for a in with_boilerplate] == [a.sources for a in without]
