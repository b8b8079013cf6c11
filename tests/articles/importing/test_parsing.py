"""Splitting copy into articles and pulling out their parts, shape by shape."""

from datetime import date

import pytest

from articles.importing.decoding import normalise_text
from articles.importing.parsing import detect_script, parse_text

from . import samples


def parse(text):
    return parse_text(normalise_text(text))


@pytest.fixture(scope="module")
def export():
    return parse(samples.CMS_EXPORT).articles


def test_export_is_split_into_one_article_per_item(export):
    assert [a.headline for a in export] == [
        "零跑汽車加快海外布局 與合作夥伴擴大歐洲銷售網絡",
        "內房銷售持續疲弱 開發商轉向保交付",
        "恒瑞醫藥授權海外藥企開發新藥",
    ]


def test_english_title_line_becomes_the_english_title(export):
    assert export[0].title_en == "Leapmotor widens its overseas push"
    assert export[1].title_en == "property sales slump"


def test_key_points_under_the_marker_and_byline_after_them(export):
    first = export[0]
    assert len(first.key_points) == 2
    assert first.key_points[0].startswith("零跑汽車計劃今年在歐洲新增一百個銷售點")
    assert first.authors == ["林子軒"]


def test_ticker_lines_and_tickers_in_the_text_are_found(export):
    assert export[0].header_tickers == ["9863.HK"]
    assert export[0].tickers == ["9863.HK"]
    assert export[1].tickers == ["2202.HK", "000002.SZ"]


def test_hashtags_become_tags_and_leave_the_body(export):
    assert export[0].tags == ["電動車", "出海"]
    assert "#" not in export[0].body_text


def test_hashtags_of_punctuation_alone_are_no_tags():
    # A tag without a slug has no page, and every page linking it would fail.
    text = samples.CMS_EXPORT.replace("#電動車 #出海", "#電動車 #{{ #-- #出海")
    assert parse(text).articles[0].tags == ["電動車", "出海"]


def test_short_line_between_paragraphs_is_a_subhead(export):
    assert ("h2", "歐洲市場的挑戰") in [(b.kind, b.text) for b in export[0].blocks]


def test_compact_item_is_cut_into_dek_byline_subhead_and_paragraphs(export):
    item = export[1]
    assert item.dek == (
        "多家內地開發商上月銷售額按年下跌,行業重心已由擴張轉向保交付與現金流管理"
    )
    assert item.authors == ["黃志明"]
    kinds = [b.kind for b in item.blocks]
    assert kinds == ["p", "p", "h2", "p", "p"]
    assert item.blocks[2].text == "債務壓力未減"


def test_brief_prefix_makes_a_brief_and_is_removed(export):
    brief = export[2]
    assert brief.brief is True
    assert brief.guess_kind() == "brief"
    assert not brief.headline.startswith("簡訊")
    assert [a.brief for a in export[:2]] == [False, False]


def test_writer_name_at_the_end_of_a_brief_is_its_byline(export):
    assert export[2].authors == ["陳嘉欣"]
    assert "陳嘉欣" not in export[2].body_text


def test_calls_to_action_section_labels_and_contact_notes_are_dropped(export):
    dropped = {(d.reason, d.text) for a in export for d in a.dropped}
    assert ("cta", "欲訂閱本站每周免費通訊,請點擊這裏") in dropped
    assert ("section", "新聞") in dropped
    note = "黃志明,本站地產記者。他的聯絡方式:wong@example.com"
    assert ("author_note", note) in dropped
    for article in export:
        assert "訂閱" not in article.body_text
        assert "wong@example.com" not in article.body_text


def test_traditional_copy_is_zh_hant(export):
    assert {a.script for a in export} == {"zh-Hant"}


def test_raw_text_of_each_article_is_its_own_lines(export):
    assert export[0].raw_text.startswith("9863.HK\nLeapmotor")
    assert "新聞" in export[1].raw_text
    assert export[2].raw_text.startswith("簡訊:恒瑞醫藥")


@pytest.fixture(scope="module")
def page():
    result = parse(samples.SCRAPED_PAGE)
    assert len(result.articles) == 1
    return result.articles[0]


def test_scraped_page_keeps_headline_and_paragraphs(page):
    assert page.headline == "新能源车企海外扩张的机遇与风险分析"
    assert page.blocks[0].text.startswith("今年以来")
    assert page.script == "zh-Hans"


def test_site_chrome_is_dropped_with_its_reason(page):
    reasons = {d.text: d.reason for d in page.dropped}
    assert reasons["解锁更多功能"] == "login"
    assert reasons["登录后即可查看完整研报与AI解读"] == "login"
    assert reasons["关于我们:示例智能投研平台,提供基于数据的投资问答服务。"] == "about"
    assert reasons["相关个股"] == "widget"
    assert reasons["零跑汽车 9863.HK +2.35%"] == "widget"
    assert reasons["数据基于历史,不代表未来趋势;仅供投资者参考,不构成投资建议"] == (
        "disclaimer"
    )
    assert reasons["港股汽车板块本周表现"] == "links"
    assert reasons["|---|---|"] == "empty_table"


def test_widget_tickers_are_not_the_articles_tickers(page):
    assert page.tickers == []


def test_broken_pipe_table_is_rebuilt_as_an_html_table(page):
    tables = [b.table for b in page.blocks if b.kind == "table"]
    assert len(tables) == 1
    assert tables[0].header == ["市场", "主要风险", "应对方式"]
    assert tables[0].rows == [
        ["欧洲", "反补贴关税", "本地组装"],
        ["东南亚", "价格竞争激烈", "合资建厂"],
    ]
    assert "<thead><tr><th>市场</th>" in page.body_html


def test_lists_and_references_are_kept(page):
    assert ["海外销量占比提升", "本地化生产要求提高"] in [b.items for b in page.blocks]
    assert page.blocks[-1].text.startswith("[1] 示例财经")


@pytest.fixture(scope="module")
def release():
    return parse(samples.PRESS_RELEASE).articles[0]


def test_release_dateline_gives_date_and_wire(release):
    assert release.dateline == date(2026, 3, 3)
    assert release.source == "PRNewswire, via Example Wire"


def test_release_without_headline_line_gets_one_from_its_first_sentence(release):
    assert release.headline == (
        "Example Robotics Holdings Ltd. today announced its annual results for "
        "the year ended December 31, 2025"
    )
    assert "headline_made" in release.warnings
    assert release.title_en == release.headline
    assert release.script == "en"


def test_release_prefixed_ticker_is_found(release):
    assert release.tickers == ["2513.HK"]


def test_table_spread_one_cell_per_line_is_rebuilt(release):
    table = next(b.table for b in release.blocks if b.kind == "table")
    assert table.header == [
        "In HK$ million; Year Ended; December 31", "2025", "2024", "YoY"
    ]  # fmt: skip
    assert table.rows[0] == ["Revenue", "1,240", "1,051", "18.0 %"]
    assert table.rows[-1] == ["Net loss", "(35)", "(70)", ""]


def test_release_highlights_subhead_bullets_and_footnotes_stay_in_body(release):
    kinds = [b.kind for b in release.blocks]
    assert kinds == ["p", "h2", "ul", "p", "table", "p"]
    assert release.blocks[-1].text.startswith("The Company expects")
    assert "Full story" not in release.body_text


def test_cells_without_a_clear_shape_stay_text():
    cells = ["Alpha, first", "12", "Beta, second", "Gamma, third"] * 4
    text = "Title line\n\nA paragraph that opens the note.\n\n" + "\n\n".join(cells)
    article = parse(text).articles[0]
    assert not [b for b in article.blocks if b.kind == "table"]
    assert "Alpha" in article.body_text


def test_wire_feed_gives_one_article_per_line_pair_with_its_source():
    articles = parse(samples.WIRE_FEED).articles
    assert [(a.headline, a.source) for a in articles] == [
        ("騰訊第三季盈利勝預期", "示例通訊社"),
        ("央行宣布下調存款準備金率", "Example Wire"),
    ]
    assert "來源" not in articles[0].body_text
    assert articles[0].tickers == ["0700.HK"]


def test_page_wrapped_in_link_titles_keeps_only_the_article():
    result = parse(samples.LINK_WRAPPED_PAGE)
    (article,) = result.articles
    assert article.headline == "比亞迪公布月度銷量 海外市場增長強勁"
    assert article.authors == ["申思琦"]
    dropped = [d.text for d in article.dropped if d.reason == "links"]
    assert dropped[:3] == ["首頁", "財經新聞", "港股直播"]
    assert "美股期貨造好" in dropped
    assert "恒指" not in article.body_text


def test_unknown_shape_degrades_to_first_line_and_paragraphs_with_a_warning():
    (article,) = parse(samples.PLAIN_TEXT).articles
    assert article.headline == "A plain note with no markers"
    assert [b.kind for b in article.blocks] == ["p", "p"]
    assert "shape_unknown" in article.warnings


@pytest.mark.parametrize(
    "line, names",
    [
        ("作者: 申思琦", ["申思琦"]),
        ("作者：申思琦、林子軒", ["申思琦", "林子軒"]),
        ("By Jane Doe and Li Wei", ["Jane Doe", "Li Wei"]),
    ],
)
def test_explicit_bylines(line, names):
    article = parse(f"標題在這裏\n{line}\n內文第一段,說明事情的經過。\n").articles[0]
    assert article.authors == names


def test_text_with_nothing_but_chrome_has_no_article():
    result = parse("欲訂閱本站每周免費通訊,請點擊這裏\n免責聲明:僅供參考\n")
    assert result.articles == []
    assert {d.reason for d in result.dropped} == {"cta", "disclaimer"}


@pytest.mark.parametrize(
    "text, script",
    [
        ("這家公司將關閉雲業務,業務的主要客戶是母公司。", "zh-Hant"),
        ("这家公司将关闭云业务,业务的主要客户是母公司。", "zh-Hans"),
        ("The company will close its cloud business.", "en"),
    ],
)
def test_script_detection(text, script):
    assert detect_script(text) == script
