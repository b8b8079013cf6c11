"""What article HTML may keep, and the plain text and reading time derived from it."""

import re
from html.parser import HTMLParser

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.sanitize import (
    CJK_CHARACTER,
    CJK_CHARS_PER_MINUTE,
    LATIN_WORDS_PER_MINUTE,
    count_characters,
    html_to_text,
    reading_minutes,
    sanitize_html,
)

# --- what is removed ----------------------------------------------------------


def test_script_is_removed_with_its_content():
    cleaned = sanitize_html(
        '<p>前<script>alert("x")</script>後</p><script src="x.js"></script>'
    )
    assert cleaned == "<p>前後</p>"


def test_style_element_is_removed_with_its_content():
    assert sanitize_html("<style>p{color:red}</style><p>內文</p>") == "<p>內文</p>"


@pytest.mark.parametrize(
    "html",
    [
        '<p onclick="steal()">內文</p>',
        '<p><img src="/media/a.jpg" onerror="steal()"></p>',
        '<a href="https://example.com" onmouseover="steal()">連結</a>',
    ],
)
def test_event_handler_attributes_are_removed(html):
    cleaned = sanitize_html(html)
    assert "steal" not in cleaned
    assert not re.search(r"\son[a-z]+=", cleaned)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)"]
)
def test_javascript_link_loses_its_href(url):
    cleaned = sanitize_html(f'<a href="{url}">連結</a>')
    assert "href" not in cleaned
    assert "alert" not in cleaned
    assert "連結" in cleaned


def test_data_url_link_loses_its_href():
    cleaned = sanitize_html('<a href="data:text/html,<script>alert(1)</script>">x</a>')
    assert "href" not in cleaned
    assert "data:" not in cleaned


@pytest.mark.parametrize(
    "src",
    [
        "javascript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
        "https://tracker.example.com/pixel.gif",
        "http://example.com/media/a.jpg",
        "//evil.example.com/media/a.jpg",
        "/media//evil.example.com/a.jpg",
        "/static/logo.png",
    ],
)
def test_image_not_from_our_media_is_removed_entirely(src):
    assert sanitize_html(f'<p>前</p><img src="{src}" alt="圖"><p>後</p>') == (
        "<p>前</p><p>後</p>"
    )


@pytest.mark.parametrize(
    "src",
    [
        "/media/../admin/logout/",
        "/media/articles/../../admin/logout/",
        "/media/./a.jpg",
        "/media/%2e%2e/admin/logout/",
        "/media/%2E%2E%2Fadmin/logout/",
        "/media/..%2Fadmin/logout/",
        "/media/..\\admin/logout/",
        "/media\\..\\admin/logout/",
        "/media/a\\b.jpg",
        "/media/%5c..%5cadmin/",
        "/media/.\t./admin/logout/",
        "/media/%2F%2Fevil.example/a.jpg",
    ],
)
def test_image_src_leaving_our_media_by_dot_segments_or_backslashes_is_removed(src):
    cleaned = sanitize_html(f'<p>前</p><img src="{src}" alt="圖"><p>後</p>')
    assert cleaned == "<p>前</p><p>後</p>"


def test_remote_image_is_removed_even_when_its_alt_mentions_src():
    html = '<img src="https://evil.example.com/x.png" alt="logo src=x">'
    assert sanitize_html(html) == ""


def test_style_attributes_are_removed():
    cleaned = sanitize_html('<p style="color:red">紅字</p>')
    assert cleaned == "<p>紅字</p>"


@pytest.mark.parametrize(
    ("html", "tag"),
    [
        ('<iframe src="https://www.youtube.com/embed/x"></iframe>', "iframe"),
        ('<object data="x.swf"><param name="a" value="b"></object>', "object"),
        ('<embed src="x.swf">', "embed"),
        ('<form action="/steal"><input name="pw"><button>送出</button></form>', "form"),
    ],
)
def test_embedding_and_form_elements_are_removed(html, tag):
    cleaned = sanitize_html(f"<p>內文</p>{html}")
    assert f"<{tag}" not in cleaned
    assert "<input" not in cleaned and "<param" not in cleaned
    assert cleaned.startswith("<p>內文</p>")


@pytest.mark.parametrize(
    "href",
    [
        "//evil.example/x",
        " //evil.example/x",
        "\t//evil.example/x",
        "/&#x09;/evil.example/x",
        "/\\evil.example/x",
        "\\\\evil.example/x",
        "\\/evil.example/x",
    ],
)
def test_protocol_relative_link_loses_its_href(href):
    # A browser reads these as //evil.example: another site, unannounced.
    cleaned = sanitize_html(f'<p><a href="{href}">連結</a></p>')
    assert "href" not in cleaned
    assert "evil.example" not in cleaned
    assert "連結" in cleaned


@pytest.mark.parametrize("href", ["/articles/1/", "#notes", "?page=2", "a/b", "/"])
def test_relative_link_within_the_site_is_kept(href):
    assert f'href="{href}"' in sanitize_html(f'<a href="{href}">x</a>')


def test_links_get_noopener():
    cleaned = sanitize_html('<a href="https://example.com" target="_blank">x</a>')
    assert cleaned == '<a href="https://example.com" rel="noopener noreferrer">x</a>'


def test_comments_are_removed():
    assert sanitize_html("<p>a<!-- 備註 -->b</p>") == "<p>ab</p>"


# --- what is kept -------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        "<p>段落</p>",
        "<h2>小標</h2>",
        "<h3>小小標</h3>",
        "<p><strong>粗</strong>與<em>斜</em></p>",
        '<p><a href="https://example.com/a?b=1">https</a></p>',
        '<p><a href="http://example.com">http</a></p>',
        '<p><a href="mailto:news@example.com">信箱</a></p>',
        "<ul><li>一</li><li>二</li></ul>",
        '<ol start="3"><li>三</li></ol>',
        "<blockquote><p>引言</p></blockquote>",
        '<figure><img src="/media/articles/a.jpg" alt="圖" width="640" height="360">'
        "<figcaption>說明</figcaption></figure>",
        "<table><thead><tr><th>公司</th><th>代號</th></tr></thead>"
        "<tbody><tr><td>金融壹賬通</td><td>6638.HK</td></tr>"
        '<tr><td colspan="2">合計</td></tr></tbody></table>',
        "<p>H<sub>2</sub>O 與 x<sup>2</sup></p>",
    ],
)
def test_allowed_markup_is_kept_unchanged(html):
    expected = html.replace("<a href", '<a rel="noopener noreferrer" href')
    cleaned = sanitize_html(html)
    # nh3 puts rel after href; compare without caring about attribute order.
    assert _tags(cleaned) == _tags(expected)
    assert html_to_text(cleaned) == html_to_text(html)


def test_link_href_and_title_are_kept():
    cleaned = sanitize_html('<a href="https://example.com" title="說明">x</a>')
    assert 'href="https://example.com"' in cleaned
    assert 'title="說明"' in cleaned


def test_image_from_our_media_is_kept():
    html = '<img src="/media/articles/2025/a.jpg" alt="圖">'
    assert sanitize_html(html) == html


def test_non_numeric_sizes_are_dropped():
    cleaned = sanitize_html('<img src="/media/a.jpg" width="100%" height="12345">')
    assert cleaned == '<img src="/media/a.jpg">'


@override_settings(MEDIA_URL="https://cdn.example.com/media/")
def test_image_from_cdn_media_url_is_kept():
    html = '<img src="https://cdn.example.com/media/a.jpg" alt="圖">'
    assert sanitize_html(html) == html
    assert sanitize_html('<img src="/media/a.jpg">') == ""
    assert sanitize_html('<img src="https://cdn.example.com/media//x.com/a">') == ""


# --- pasted markup ------------------------------------------------------------

WORD_PASTE = """<html xmlns:o="urn:schemas-microsoft-com:office:office">
<head><meta name=Generator content="Microsoft Word 15">
<!--[if gte mso 9]><xml><o:OfficeDocumentSettings><o:AllowPNG/>
</o:OfficeDocumentSettings></xml><![endif]-->
<style><!-- p.MsoNormal {margin:0cm; font-family:"Calibri",sans-serif;} --></style>
</head>
<body lang=ZH-TW style='tab-interval:24.0pt'>
<!--StartFragment-->
<p class=MsoNormal><b><span lang=EN-US style='font-family:"Times New Roman",serif'>\
金融壹賬通</span></b><span style='font-family:新細明體'>（</span><span lang=EN-US>\
6638.HK</span><span style='font-family:新細明體'>）宣布<i>關閉</i>雲服務。<o:p></o:p>\
</span></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoNormal style='text-indent:24.0pt'><span style='mso-bidi-font-size:12pt'>\
股價<b><i>急跌</i></b>。<o:p></o:p></span></p>
<!--EndFragment-->
</body></html>"""


def test_word_paste_becomes_clean_paragraphs():
    cleaned = sanitize_html(WORD_PASTE)
    assert _blocks(cleaned) == [
        "<p><strong>金融壹賬通</strong>（6638.HK）宣布<em>關閉</em>雲服務。</p>",
        "<p>股價<strong><em>急跌</em></strong>。</p>",
    ]
    for leftover in ["class=", "style=", "lang=", "<span", "o:p", "mso", "[if", "<!--"]:
        assert leftover not in cleaned


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<h1>標題</h1>", "<h2>標題</h2>"),
        ("<H1 class='x'>標題</H1>", "<h2>標題</h2>"),
        ("<h4>小標</h4>", "<h3>小標</h3>"),
        ("<h5>小標</h5>", "<h3>小標</h3>"),
        ("<div>一</div><div>二</div>", "<p>一</p><p>二</p>"),
        ("<section>段</section>", "<p>段</p>"),
        ("<b>粗</b><i>斜</i>", "<strong>粗</strong><em>斜</em>"),
    ],
)
def test_foreign_tags_are_renamed_to_their_meaning(html, expected):
    assert sanitize_html(html) == expected


@pytest.mark.parametrize(
    "html",
    [
        "<p></p>",
        "<p> </p>",
        "<p>&nbsp;</p>",
        "<p>\u00a0 </p>",
        "<p><br></p>",
        "<h2> </h2>",
        "<ul><li><p></p></li></ul>",
        "<blockquote><p>&nbsp;</p></blockquote>",
    ],
)
def test_empty_blocks_are_dropped(html):
    cleaned = sanitize_html(f"<p>前</p>{html}<p>後</p>")
    assert "<p></p>" not in cleaned
    assert "<li></li>" not in cleaned and "<h2>" not in cleaned
    assert "<blockquote></blockquote>" not in cleaned
    assert html_to_text(cleaned) == "前\n後"


def test_empty_input_gives_empty_string():
    assert sanitize_html("") == ""
    assert sanitize_html(None) == ""


def test_nested_tags_a_select_swallowed_are_stable_after_one_pass():
    # The parser keeps <p> inside <p> here; written out and read back it would
    # become different HTML, so a second save would change the body.
    html = '<div><select><p title="x">中文<template><i>'
    once = sanitize_html(html)
    assert sanitize_html(once) == once
    assert "<p><p" not in once


# --- properties ---------------------------------------------------------------


def _attributes(html):
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend((tag, name, value or "") for name, value in attrs)

        handle_startendtag = handle_starttag

    Collector().feed(html)
    return found


_fragment_parts = st.one_of(
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<div>",
            "</div>",
            "<b>",
            "</b>",
            "<i>",
            "<h1>",
            "</h1>",
            "<h4>",
            "<li>",
            "<ul>",
            "</ul>",
            "<table>",
            "<tr>",
            "<td>",
            "<br>",
            "<script>",
            "</script>",
            "<style>",
            "<iframe>",
            "<select>",
            "<template>",
            "<a>",
            "</a>",
            "<o:p>",
            "<span>",
            "<!--",
            "-->",
            "<!--[if gte mso 9]>",
            "<![endif]-->",
            "&nbsp;",
            "&lt;",
            "<",
            ">",
            " ",
            "\n",
            "中文",
            "x",
            '<a href="javascript:alert(1)">',
            '<a href="https://example.com">',
            '<img src="/media/a.jpg">',
            '<img src="https://evil.example/x.png">',
            '<img src="x" onerror="alert(1)">',
            '<p onclick="x()">',
            '<p style="color:red">',
            '<td colspan="2">',
            '<p title="<b>">',
        ]
    ),  # fmt: skip
    st.text(max_size=5),
)
html_fragments = st.lists(_fragment_parts, max_size=15).map("".join)
html_like_text = st.one_of(st.text(), html_fragments)


@settings(max_examples=200)
@given(html_like_text)
def test_sanitized_output_has_no_script_handlers_or_bad_urls(text):
    cleaned = sanitize_html(text)
    assert "<script" not in cleaned.lower()
    for tag, name, value in _attributes(cleaned):
        assert not name.startswith("on"), (tag, name)
        assert name != "style", tag
        assert not value.strip().lower().startswith(("javascript:", "data:")), (
            tag,
            name,
            value,
        )
        if tag == "img" and name == "src":
            assert value.startswith("/media/")


@settings(max_examples=200)
@given(html_like_text)
def test_sanitizing_is_idempotent(text):
    once = sanitize_html(text)
    assert sanitize_html(once) == once


# --- plain text ---------------------------------------------------------------


def test_html_to_text_gives_one_line_per_paragraph():
    html = (
        "<h2>標題</h2><p>第一段</p><p>第二段<br>續行</p><ul><li>一</li><li>二</li></ul>"
    )
    assert html_to_text(html) == "標題\n第一段\n第二段\n續行\n一\n二"


def test_html_to_text_unescapes_entities():
    html = "<p>A&amp;B &lt;C&gt; &quot;D&quot;&nbsp;E &#20013;</p>"
    assert html_to_text(html) == 'A&B <C> "D" E 中'


def test_html_to_text_collapses_spaces_and_drops_blank_lines():
    assert html_to_text("<p>  a \t  b  </p>\n\n<p> </p><p>c</p>") == "a b\nc"


def test_html_to_text_separates_table_cells():
    html = (
        "<table><tr><td>公司</td><td>代號</td></tr>"
        "<tr><td>甲</td><td>1</td></tr></table>"
    )
    assert html_to_text(html) == "公司 代號\n甲 1"


def test_html_to_text_of_nothing_is_empty():
    assert html_to_text("") == ""


def test_reading_minutes_for_chinese_counts_characters():
    assert reading_minutes("中" * 900) == 2
    assert reading_minutes("中" * 450) == 1
    assert reading_minutes("中" * 1350) == 3


def test_reading_minutes_for_english_counts_words():
    assert reading_minutes(" ".join(["word"] * 230)) == 1
    assert reading_minutes(" ".join(["word"] * 460)) == 2


def test_reading_minutes_is_at_least_one_for_any_text():
    assert reading_minutes("短") == 1


@pytest.mark.parametrize("text", ["", "   ", "\n\t", None])
def test_reading_minutes_for_empty_text_is_zero(text):
    assert reading_minutes(text) == 0


def test_count_characters_ignores_white_space():
    assert count_characters(" 中 文\n\tA B\u3000C ") == 5
    assert count_characters("") == 0
    assert count_characters(None) == 0


# --- helpers ------------------------------------------------------------------


def _tags(html):
    """Start tags with their attributes as sets, in document order."""
    tags = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, frozenset(attrs)))

    Collector().feed(html)
    return tags


def _blocks(html):
    return [line for line in re.split(r"\s*\n\s*", html) if line]


@given(
    st.text(alphabet=st.sampled_from("中文騰訊𠀀豈 a1.,\n，。ー")) | st.text(),
    st.integers(1, 300),
)
def test_reading_minutes_counts_each_chinese_character_once(text, times):
    text *= times  # long enough to cross minutes
    # Counted in runs (sanitize._CJK_RUN_RE); here one by one, as a reader would.
    cjk = len(re.findall(CJK_CHARACTER, text))
    words = len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’.\-]*", text))
    minutes = cjk / CJK_CHARS_PER_MINUTE + words / LATIN_WORDS_PER_MINUTE
    expected = max(1, round(minutes + 0.49)) if text.strip() else 0
    assert reading_minutes(text) == expected
