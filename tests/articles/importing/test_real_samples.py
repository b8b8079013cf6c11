"""The three real samples in ../shared/seeds give the articles a person expects.

Skipped where the samples are absent (they are not ours to ship).
"""

from pathlib import Path

import pytest

from articles.importing import cleaning
from articles.importing.decoding import decode_bytes, normalise_text
from articles.importing.parsing import parse_text

SEEDS = Path(__file__).resolve().parents[3] / ".." / "shared" / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="no ../shared/seeds")


def parse(name):
    text, _encoding = decode_bytes((SEEDS / name).read_bytes())
    return parse_text(normalise_text(text))


def assert_no_boilerplate(article):
    for line in article.body_text.splitlines():
        assert not cleaning.is_cta(line), line
        assert cleaning.chrome_reason(line) is None, line
        assert not cleaning.is_section_label(line), line
    assert "請點擊這裏" not in article.body_text
    assert "@" not in article.body_text


def test_bamboo_export():
    result = parse("bamboo-export.txt")
    articles = result.articles
    assert [(a.headline, a.guess_kind(), a.authors) for a in articles] == [
        (
            "這家金融軟件服務提供商將關閉旗下雲業務,業務的主要客戶是母公司和其他關連公司",
            "feature",
            ["陽歌"],
        ),
        ("十五五:光伏與地產等待下個潮頭", "feature", ["李世達"]),
        ("BD交易與政策紅利共振 醫藥板塊2025年強勢反彈", "feature", ["莫莉"]),
        ("上市月餘股價勁挫 遇見小麵急回購挺股價", "brief", ["陽歌"]),
        ("零跑汽車引入地方國資 發行內資股集資30億元", "brief", ["李世達"]),
    ]
    assert [a.title_en for a in articles[:3]] == [
        "OneConnect to shutter its cloud services",
        "solar and property in 145",
        "pharmaceutical rally in 2025",
    ]
    assert [len(a.key_points) for a in articles] == [2, 0, 2, 0, 0]
    assert articles[1].dek.startswith("五年一運,潮起潮落。")
    assert articles[2].dek.startswith("創新藥出海與BD交易")
    assert articles[0].tickers == ["6638.HK", "OCFT.US", "LU.US", "6623.HK", "2013.HK"]
    assert articles[1].tickers[:3] == ["601012.SH", "600438.SH", "688223.SH"]
    assert "6098.HK" in articles[1].tickers
    assert articles[2].tickers == [
        "1066.HK", "0853.HK", "6639.HK", "2367.HK", "1276.HK", "600276.SH"
    ]  # fmt: skip
    assert articles[3].tickers == ["2408.HK", "2581.HK", "2695.HK"]
    assert articles[4].tickers == ["9863.HK"]
    subheads = [[b.text for b in a.blocks if b.kind == "h2"] for a in articles]
    assert subheads == [
        ["被迫斷奶"],
        ["光伏:從加速到失速", "地產:去槓桿衝擊產業鏈"],
        ["價值兌現階段"],
        [],
        [],
    ]
    assert {a.script for a in articles} == {"zh-Hant"}
    for article in articles:
        assert_no_boilerplate(article)
    assert result.dropped == []


def test_web_scrape():
    (article,) = parse("web-scrape-simplified.txt").articles
    headline = "云知声大模型业务收入暴增可持续性及港股AI公司估值逻辑分析"
    assert article.headline == headline
    assert article.script == "zh-Hans"
    assert article.authors == []
    assert article.tickers == ["2513.HK", "0100.HK"]
    assert_no_boilerplate(article)
    for chrome in ("解锁更多功能", "相关个股", "关于我们", "不构成投资建议"):
        assert chrome not in article.body_text
    tables = [b.table for b in article.blocks if b.kind == "table"]
    assert [len(t.header) for t in tables] == [3, 3, 4, 2]
    assert [len(t.rows) for t in tables] == [3, 5, 3, 5]
    assert sum(b.kind == "ul" for b in article.blocks) == 2
    assert any(b.text.startswith("[6] 新浪财经") for b in article.blocks)
    reasons = {d.reason for d in article.dropped}
    assert reasons == {"login", "about", "widget", "disclaimer"}


def test_press_release():
    (article,) = parse("press-release-en.txt").articles
    assert article.headline == (
        "OneConnect Financial Technology Co., Ltd. today announced its unaudited "
        "financial results for the six months ended June 30, 2025"
    )
    assert article.script == "en"
    assert article.tickers == ["OCFT.US"]
    assert article.source == "PRNewswire, via Benzinga.com"
    assert str(article.dateline) == "2025-08-21"
    assert "Full story available" not in article.body_text
    tables = [b.table for b in article.blocks if b.kind == "table"]
    assert len(tables) == 3
    assert tables[0].header[1:] == ["2025", "2024", "YoY"]
    assert tables[0].rows[2] == [
        "Revenue from Ping An Group and Lufax[1]", "384,046", "935,599", "-59.0 %"
    ]  # fmt: skip
    assert [b.kind for b in article.blocks].count("ul") == 1
    assert_no_boilerplate(article)
