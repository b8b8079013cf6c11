"""Nothing a person types runs in a reader's or an editor's browser.

Each payload goes into every field a person can type (headline, English title,
dek, key points, body, source, byline name, author bio, tag, company name,
alias and description, correction, newsletter subject, preheader and note, an
imported file, query parameters) and every surface that shows them is parsed
the way a browser would: no script but the page's own, no event handler, no
javascript:/vbscript:/data:text/html URL, no protocol-relative link, JSON-LD
that stays JSON, feeds whose HTML is as inert as the pages'.
"""

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import unquote_plus, urlencode, urlsplit

import lxml.etree
import lxml.html
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from taggit.models import Tag

from articles import preview, revisions, workflow
from articles.models import Article, Correction, ImportRecord
from articles.public.seo import xml_text
from articles.sanitize import sanitize_html
from articles.search import index_article
from newsletter import rendering
from newsletter.composing import set_picks
from newsletter.models import Issue, Script, current_week
from newsroom.edge import has_control_characters
from tests.factories import (
    make_author,
    make_company,
    make_editor,
    make_live_article,
    make_user,
)
from tests.security import surfaces

# --- payloads -------------------------------------------------------------------

# Breaking out of the context text is put in: an element, an attribute (either
# quote), a <script> (JSON-LD), a comment or CDATA section (pages, feeds), a
# <title> or <textarea> (the admin), template syntax, characters XML cannot
# carry, text already escaped once, and markup that mutates when re-parsed.
TEXT_PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "attr-breakout-double": '"><img src=x onerror=alert(1)>',
    "attr-breakout-single": "'><svg onload=alert(1)>",
    "close-script": "</script><script>alert(1)</script>",
    "json-breakout": '"}]</script><!--<script>alert(1)</script>',
    "section-breakout": "--> ]]><script>alert(1)</script><![CDATA[ <!--",
    "rcdata-breakout": "</title></textarea><img src=x onerror=alert(1)>",
    "template-syntax": "{{ request.user }}{% debug %}{{ 7|add:7 }}",
    "control-characters": "\x0b<img src=x onerror=alert(1)>\x01\x08",
    "pre-escaped": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "svg-style-mutation": "<svg><style><img src=x onerror=alert(1)>",
}
# What only HTML fields (the body) let through to the sanitiser: URL schemes in
# every disguise, elements and attributes that run script, mutation XSS.
MARKUP_PAYLOADS = {
    "img-onerror": "<img src=x onerror=alert(1)>",
    "js-tab-entity": '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "js-mixed-case": '<a href="JaVaScRiPt:alert(1)">x</a>',
    "js-whitespace": '<a href=" \x01java\nscript:alert(1)">x</a>',
    "js-decimal-entities": (
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;'
        '&#58;alert(1)">x</a>'
    ),
    "js-named-colon": '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
    "vbscript": '<a href="vbscript:msgbox(1)">x</a>',
    "data-html": (
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>'
    ),
    "protocol-relative": '<a href="//evil.example/x">x</a>',
    "backslash-relative": '<a href="/\\evil.example/x">x</a>',
    "tab-relative": '<a href="/&#x09;/evil.example/x">x</a>',
    "math-mglyph-mutation": (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"
    ),
    "noscript-mutation": (
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'
    ),
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "form-action": (
        '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">'
        "go</button></form>"
    ),
    "svg-xlink": '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "media-onerror": '<img src="/media/x.jpg" onerror="alert(1)">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base-href": '<base href="//evil.example/">',
    "fullwidth": "＜script＞alert(1)＜/script＞",
}
PAYLOADS = {**TEXT_PAYLOADS, **MARKUP_PAYLOADS}
# A word every payload article carries, for the search page to find them by.
PROBE = "xssprobe"

# --- what a browser would do with a page ----------------------------------------

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster",
    "background", "cite", "codebase", "ping", "lowsrc", "dynsrc", "manifest",
}  # fmt: skip
BAD_SCHEMES = (
    "javascript:",
    "vbscript:",
    "data:text/html",
    "data:image/svg",
    "data:application/xhtml",
)
# Elements the site never uses: from user text they could only be an attack.
FOREIGN_ELEMENTS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg",
    "math", "portal", "noscript", "template",
}  # fmt: skip
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_NOT_XML_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def normalised_url(value: str) -> str:
    """A URL attribute's value as a browser reads it (entities already decoded
    by the parser): outer C0 controls and spaces stripped, tabs and newlines
    removed, lower-case, backslashes as slashes (special schemes)."""
    value = _TAB_OR_NEWLINE.sub("", value.strip(_C0_AND_SPACE))
    return value.lower().replace("\\", "/")


def url_problem(name: str, value: str) -> str | None:
    url = normalised_url(value)
    if url.startswith(BAD_SCHEMES):
        return f"{name}={value!r} runs script"
    if url.startswith("//"):
        return f"{name}={value!r} is protocol-relative"
    return None


def element_problems(tag: str, attributes, *, admin=False) -> list[str]:
    problems = []
    tag = tag.lower()
    # The admin draws its icons with inline SVG; the charts (newsroom/charts.py)
    # are SVG drawn by the server, which its class names (its attributes are
    # still checked below).
    chart = tag == "svg" and ("class", "nr-chart-svg") in attributes
    if tag in FOREIGN_ELEMENTS and not (admin and tag == "svg") and not chart:
        problems.append(f"<{tag}> element")
    attrs = {}
    for name, value in attributes:
        name, value = name.lower(), value or ""
        attrs[name] = value
        if name.startswith("on"):
            problems.append(f"<{tag} {name}=...> event handler")
        elif name == "srcdoc":
            problems.append(f"<{tag} srcdoc>")
        elif name in URL_ATTRIBUTES or name.endswith(":href"):
            problem = url_problem(name, value)
            if problem:
                problems.append(f"<{tag}> {problem}")
        elif name == "style" and re.search(
            r"javascript:|expression\(|url\(", value, re.I
        ):
            problems.append(f"<{tag} style={value!r}>")
    if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
        problems.append("<meta http-equiv=refresh>")
    return problems


class _Tokens(HTMLParser):
    """Every start tag as the HTML tokenizer sees it, whatever the tree makes of it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


DATA_SCRIPT_TYPES = ("application/json", "application/ld+json", "importmap")


def _public_script(element) -> bool:
    return element.get("type") == "application/ld+json" and not element.get("src")


def _admin_script(element) -> bool:
    src = element.get("src")
    if src is not None:
        return src.startswith(("/static/", "/admin/jsi18n/"))
    # Data, not code: json_script, the prose editor's import map, JSON-LD.
    return element.get("type") in DATA_SCRIPT_TYPES


def html_problems(markup: str, *, admin: bool = False, fragment=False) -> list[str]:
    """What in ``markup`` could run script or lead off-site from user text."""
    if isinstance(markup, bytes):
        markup = markup.decode()
    problems = []
    tokens = _Tokens()
    tokens.feed(markup)
    tokens.close()
    allowed_script = _admin_script if admin else _public_script
    for tag, attrs in tokens.tags:
        problems += element_problems(tag, attrs, admin=admin)
        if tag == "script" and not allowed_script(
            lxml.html.Element("script", {k: v or "" for k, v in attrs})
        ):
            problems.append(f"tokenizer: foreign <script {attrs}>")
    if not markup.strip():
        return problems
    # libxml2 refuses characters XML cannot carry; a browser reads them as text.
    markup = _NOT_XML_RE.sub("\ufffd", markup)
    if fragment:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    else:
        root = lxml.html.document_fromstring(markup)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        problems += element_problems(element.tag, element.attrib.items(), admin=admin)
        if element.tag.lower() != "script":
            continue
        if not allowed_script(element):
            problems.append(f"tree: foreign <script {dict(element.attrib)}>")
        text = element.text or ""
        if element.get("type") in DATA_SCRIPT_TYPES:
            problems += json_ld_problems(text)
        elif "alert" in text:
            problems.append(f"inline script with user text: {text[:80]!r}")
    return problems


def json_ld_problems(text: str) -> list[str]:
    problems = []
    lowered = text.lower()
    for sequence in ("</script", "<!--", "<script"):
        if sequence in lowered:
            problems.append(f"JSON-LD contains {sequence!r}")
    try:
        json.loads(text)
    except ValueError as error:
        problems.append(f"JSON-LD does not parse: {error}")
    return problems


def assert_inert(markup, where, **kwargs):
    problems = html_problems(markup, **kwargs)
    assert not problems, (where, problems)


def json_ld(markup: str) -> list[dict]:
    root = lxml.html.document_fromstring(markup)
    return [
        json.loads(script.text)
        for script in root.iter("script")
        if script.get("type") == "application/ld+json"
    ]


# --- the world a payload is typed into ------------------------------------------


def _body(payload: str) -> str:
    """Article HTML with the payload pasted where an editor might put it."""
    return (
        f"<p>{PROBE} 騰訊控股 0700.HK 公布業績。</p>{payload}<p>前{payload}後</p>"
        f'<p><a href="https://example.com/">{payload}</a></p>'
        f"<ul><li>{payload}</li></ul><table><tr><td>{payload}</td></tr></table>"
        f"<h2>{payload}</h2>"
    )


@pytest.fixture
def world(request, db):
    """A feature and a brief with the payload in every field, and all around them."""
    payload = PAYLOADS[request.param]
    cache.clear()
    now = timezone.now()
    editor = make_editor()
    author = make_author(name=payload[:100], bio=f"{payload}\n{payload}")
    company = make_company(
        "0700.HK",
        name=payload[:200],
        name_en="Tencent payload test",
        aliases=[payload[:100], "騰訊控股"],
        description=f"{payload}\n{payload}",
    )
    fields = {
        "headline": payload[:200],
        "title_en": payload[:250],
        "dek": payload,
        "key_points": [payload[:200], "第二點"],
        "body": _body(payload),
        "source": payload[:200],
    }
    feature = make_live_article(
        kind=Article.Kind.FEATURE,
        headline="乾淨的標題",
        body=f"<p>{PROBE} 乾淨的內文。</p>",
        authors=[author],
        publish_at=now - timedelta(minutes=10),
    )
    # The revisions view compares a clean version with the payload version.
    revisions.record_revision(feature, by=editor)
    for name, value in fields.items():
        setattr(feature, name, value)
    feature.first_published_at = feature.publish_at
    feature.save()
    brief = make_live_article(
        kind=Article.Kind.BRIEF,
        authors=[author],
        publish_at=now - timedelta(minutes=20),
        **fields,
    )
    for article in (feature, brief):
        article.companies.add(company)
        article.tags.add(payload[:100], "安全測試")
        index_article(article.pk)
    revisions.record_revision(feature, by=editor)
    Correction.objects.create(
        article=feature, wrong=payload, right=payload, created_by=editor
    )
    issue = Issue.objects.create(
        week=current_week(feature.publish_at),
        subject=payload[:150],
        preheader=payload[:150],
        editor_note=f"{payload}\n\n{payload}",
        status=Issue.Status.SENT,
        sent_at=now,
    )
    set_picks(issue, [feature, brief])
    tag = feature.tags.exclude(name="安全測試").get()
    return {
        "payload": payload,
        "editor": editor,
        "author": author,
        "company": company,
        "feature": feature,
        "brief": brief,
        "tag": tag,
        "issue": issue,
    }


def public_urls(w) -> dict[str, bool]:
    """Public pages showing the payload, and whether to check the Simplified
    edition too (one of each kind of page: the conversion is the same code)."""
    feature, brief, tag = w["feature"], w["brief"], w["tag"]
    payload, month = w["payload"], timezone.localtime(feature.publish_at)
    filters = {
        "tag": tag.slug,
        "author": w["author"].slug,
        "company": w["company"].slug,
        "kind": "feature",
    }
    typed = dict.fromkeys(["tag", "author", "company", "date_from", "page"], payload)
    return {
        "/": True,
        "/features/": False,
        "/articles/?" + urlencode(filters): False,
        # Typed into the filters and the search box: reflected in the page.
        "/articles/?" + urlencode(typed): True,
        feature.get_absolute_url(): True,
        brief.get_absolute_url(): False,
        w["company"].get_absolute_url(): True,
        "/companies/": False,
        reverse("articles:tag", kwargs={"slug": tag.slug}): True,
        w["author"].get_absolute_url(): True,
        f"/archive/{month.year}/{month.month}/": False,
        "/corrections/": True,
        "/search/?" + urlencode({"q": PROBE}): False,
        "/search/?" + urlencode({"q": f"{PROBE} {payload}", "tag": payload}): True,
        "/newsletter/": False,
        w["issue"].get_absolute_url(): True,
    }


def get_ok(client, url, **kwargs):
    response = client.get(url, **kwargs)
    # A control character in a query string is refused at the edge, with a
    # 400 page that must be as inert as any other (newsroom/edge.py).
    refused = has_control_characters(unquote_plus(urlsplit(url).query))
    expected = 400 if refused else 200
    assert response.status_code == expected, (url, response.status_code)
    return response


# --- public pages -----------------------------------------------------------------


@pytest.mark.parametrize("world", TEXT_PAYLOADS, indirect=True)
def test_public_pages_show_typed_text_as_text_in_both_editions(client, world):
    payload = world["payload"]
    for url, simplified_too in public_urls(world).items():
        for edition in ("", "/zh-hans") if simplified_too else ("",):
            response = get_ok(client, edition + url)
            assert_inert(response.content, edition + url)
    # The text is shown as typed (escaped), not dropped: the headline reads as
    # the payload, and JSON-LD carries it as data.
    page = get_ok(client, world["feature"].get_absolute_url()).content.decode()
    root = lxml.html.document_fromstring(page)
    assert root.findtext(".//h1").strip() == payload[:200].strip()
    (data,) = json_ld(page)
    assert data["headline"] == payload[:200]
    # Search found them, so its snippets and highlights were checked too.
    found = get_ok(client, "/search/?" + urlencode({"q": PROBE})).content.decode()
    assert world["brief"].get_absolute_url() in found
    assert data["correction"][0]["text"] == f"{payload} → {payload}"


@pytest.mark.parametrize("payload_id", PAYLOADS)
def test_pasted_markup_in_the_body_never_runs_where_the_body_shows(
    db, client, payload_id
):
    payload = PAYLOADS[payload_id]
    company = make_company("0700.HK", name="騰訊控股", aliases=[payload[:100]])
    article = make_live_article(headline=payload[:200], body=_body(payload))
    article.companies.add(company)  # its names are linked in the body
    url = article.get_absolute_url()
    for page in (url, "/zh-hans" + url):
        assert_inert(get_ok(client, page).content, page)
    link = preview.create_link(article, by=make_editor(), hours=1)
    assert_inert(get_ok(client, preview.link_path(link)).content, "preview link")


# --- feeds and sitemaps ------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def parse_xml(content: bytes, where):
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        return lxml.etree.fromstring(content, parser)
    except lxml.etree.XMLSyntaxError as error:
        pytest.fail(f"{where}: not well-formed XML: {error}")


def feed_problems(root) -> list[str]:
    """The HTML a feed reader renders (RSS descriptions, Atom html text) checked
    like a page; links checked as URLs."""
    problems = []
    html_parts = [
        *root.iterfind("channel/description"),
        *root.iterfind("channel/item/description"),
        # RSS does not say titles are text; some readers render them as HTML.
        *root.iterfind("channel/title"),
        *root.iterfind("channel/item/title"),
        *root.iterfind("channel/item/category"),
        *(e for e in root.iter(f"{ATOM}summary", f"{ATOM}content", f"{ATOM}title",
                               f"{ATOM}subtitle", f"{ATOM}rights")
          if e.get("type") == "html"),
    ]  # fmt: skip
    for element in html_parts:
        problems += html_problems(element.text or "", fragment=True)
    for element in root.iter("link", "guid", "comments", f"{ATOM}id"):
        if element.text and not element.text.startswith("http://testserver/"):
            problems.append(f"<{element.tag}> {element.text!r}")
    for element in root.iter(f"{ATOM}link"):
        if not element.get("href", "").startswith("http://testserver/"):
            problems.append(f"atom:link {element.get('href')!r}")
    return problems


def feed_urls(w) -> list[str]:
    return surfaces.feed_urls(company=w["company"], tag=w["tag"], author=w["author"])


@pytest.mark.parametrize("world", TEXT_PAYLOADS, indirect=True)
def test_feeds_carry_typed_text_as_text(client, world):
    urls = feed_urls(world)
    # The Simplified edition converts every feed alike: the latest two show it.
    for url in [*urls, *("/zh-hans" + url for url in urls[:2])]:
        root = parse_xml(get_ok(client, url).content, url)
        problems = feed_problems(root)
        assert not problems, (url, problems)
    # The dek reaches the reader as the same text, not as markup.
    root = parse_xml(get_ok(client, "/feeds/features/rss/").content, "rss")
    description = root.findtext("channel/item/description")
    text = lxml.html.fragment_fromstring(description, create_parent="div")
    assert text.text_content() == xml_text(world["payload"])


@pytest.mark.parametrize("world", TEXT_PAYLOADS, indirect=True)
def test_sitemaps_stay_well_formed_with_only_our_urls(client, world):
    urls = [
        "/sitemap.xml",
        *(
            f"/sitemap-{section}.xml"
            for section in ("lists", "articles", "companies", "tags", "authors")
        ),
        "/news-sitemap.xml",
    ]
    for url in urls:
        root = parse_xml(get_ok(client, url).content, url)
        for loc in root.iter(f"{SITEMAP}loc"):
            assert loc.text.startswith("http://testserver/"), (url, loc.text)
    news = parse_xml(get_ok(client, "/news-sitemap.xml").content, "news")
    titles = {e.text for e in news.iter(f"{NEWS}title")}
    assert xml_text(world["payload"][:200]) in titles


def test_a_control_character_typed_in_a_headline_breaks_no_feed_or_sitemap(db, client):
    # Word pastes a line break as a vertical tab; XML 1.0 cannot carry it.
    make_live_article(headline="業績\x0b公布", dek="收入\x01增長")
    for url in ("/feeds/rss/", "/feeds/atom/", "/news-sitemap.xml"):
        root = parse_xml(get_ok(client, url).content, url)
        assert "業績公布" in lxml.etree.tostring(root, encoding=str), url


# --- the desk ---------------------------------------------------------------------


@pytest.fixture
def superuser_client(db, client):
    client.force_login(make_user(is_superuser=True))
    return client


def admin_urls(w) -> list[str]:
    feature, payload = w["feature"], w["payload"]
    revisions_ = list(feature.revisions.order_by("version"))
    compare = urlencode({"a": revisions_[0].pk, "b": revisions_[-1].pk})
    issue = w["issue"].pk
    return [
        reverse("admin:articles_article_changelist") + "?" + urlencode({"q": payload}),
        reverse("admin:articles_article_change", args=[feature.pk]),
        reverse("admin:articles_article_revisions", args=[feature.pk]) + "?" + compare,
        reverse("admin:articles_author_changelist"),
        reverse("admin:articles_author_change", args=[w["author"].pk]),
        reverse("admin:companies_company_changelist"),
        reverse("admin:companies_company_change", args=[w["company"].pk]),
        reverse("admin:taggit_tag_changelist"),
        reverse("admin:taggit_tag_change", args=[w["tag"].pk]),
        reverse("admin:newsletter_issue_changelist"),
        reverse("admin:newsletter_issue_change", args=[issue]),
        # Both scripts' HTML: test_newsletter_email_shows_typed_text_as_text.
        reverse("admin:newsletter_issue_preview", args=[issue, Script.HANT, "html"]),
    ]


@pytest.mark.parametrize("world", TEXT_PAYLOADS, indirect=True)
def test_admin_pages_show_typed_text_as_text(superuser_client, world):
    urls = admin_urls(world)
    for url in urls:
        response = get_ok(superuser_client, url)
        # Previews are the public page and the email: no admin scripts either.
        assert_inert(response.content, url, admin="/preview/" not in url)
    # The newsletter's text previews are text, and say so.
    for script in Script.values:
        url = reverse(
            "admin:newsletter_issue_preview", args=[world["issue"].pk, script, "text"]
        )
        response = get_ok(superuser_client, url)
        assert response["Content-Type"].startswith("text/plain")
        assert response["X-Content-Type-Options"] == "nosniff"
    # The compare view shows the new headline as text.
    compare = next(url for url in urls if "/revisions/" in url)
    root = lxml.html.document_fromstring(get_ok(superuser_client, compare).content)
    (diff,) = root.xpath('//*[@id="diff"]')
    assert world["payload"][:200] in diff.text_content()


@pytest.mark.parametrize("world", TEXT_PAYLOADS, indirect=True)
def test_newsletter_email_shows_typed_text_as_text(world):
    for script in Script.values:
        rendered = rendering.render_issue(world["issue"], script)
        html, text = rendered.personalise("https://example.com/unsubscribe/x/")
        assert_inert(html, f"newsletter {script}")
        root = lxml.html.document_fromstring(html)
        assert root.findtext(".//title") == rendered.subject
        # The plain text is the text typed, never escaped HTML.
        assert "&lt;" not in text.replace(world["payload"], "")


# --- imported copy ------------------------------------------------------------------


def _import_text(payload: str) -> str:
    return (
        f"騰訊季度收入增長 {payload}\n\n"
        f"重點:\n\n  • {payload}\n  • 收入按年增長\n\n"
        f"陳大文\n\n"
        f"騰訊控股(0700.HK)周三公布季度業績,收入按年增長百分之十。{payload}\n\n"
        f"分析員認為,遊戲業務回暖。{PROBE} {payload}\n\n"
        f"#{payload} #業績\n"
    )


@pytest.mark.parametrize("payload_id", TEXT_PAYLOADS)
def test_imported_copy_is_shown_as_text_everywhere(superuser_client, payload_id):
    payload = PAYLOADS[payload_id]
    make_company("0700.HK", name="騰訊控股", name_en="Tencent")
    upload = SimpleUploadedFile(
        "copy.txt", _import_text(payload).encode("utf-8"), "text/plain"
    )
    url = reverse("admin:articles_importrecord_import")
    report = superuser_client.post(url, {"file": upload})
    assert report.status_code == 200
    assert_inert(report.content, "import report", admin=True)
    record = ImportRecord.objects.select_related("article").first()
    if record is None:  # refused (a control character reads as binary)
        assert "errorlist" in report.content.decode()
        return
    article = record.article
    for page in (
        reverse("admin:articles_importrecord_changelist"),
        reverse("admin:articles_importrecord_change", args=[record.pk]),
        reverse("admin:articles_article_change", args=[article.pk]),
    ):
        assert_inert(get_ok(superuser_client, page).content, page, admin=True)
    workflow.publish(article, by=make_editor())
    article.refresh_from_db()
    superuser_client.logout()
    for edition in ("", "/zh-hans"):
        page = get_ok(
            superuser_client, edition + article.get_absolute_url(), follow=True
        )
        assert_inert(page.content, edition + article.get_absolute_url())


def test_a_tag_without_a_slug_breaks_no_page(db, client):
    # Typed tags of punctuation alone get none now; older ones may remain.
    article = make_live_article(headline="有舊標籤的文章")
    article.tags.add(Tag.objects.create(name="&", slug=""), "業績")
    for url in (article.get_absolute_url(), "/sitemap-tags.xml", "/feeds/rss/"):
        get_ok(client, url)


# --- the sanitiser: properties over generated HTML --------------------------------

_SCHEMES = [
    "javascript:", "JaVaScRiPt:", "jav\tascript:", "jav&#x09;ascript:",
    "java\nscript:", " \x01javascript:", "&#106;avascript:", "javascript&colon;",
    "vbscript:", "data:text/html,", "data:text/html;base64,PHNjcmlwdD4=",
    "DATA:text/html,", "//evil.example/", "/\\evil.example/", "\\\\evil.example/",
    " //evil.example/", "/\t/evil.example/", "https://example.com/", "http:",
    "mailto:a@example.com", "/media/a.jpg", "/media//evil.example/", "", "#",
]  # fmt: skip
_TAGS = [
    "a", "img", "p", "b", "i", "div", "h1", "table", "td", "li", "svg", "math",
    "mtext", "mglyph", "style", "script", "iframe", "form", "button", "object",
    "noscript", "template", "select", "textarea", "title", "xmp", "base", "meta",
    "embed", "foreignObject", "annotation-xml", "noembed", "plaintext",
]  # fmt: skip
_ATTRIBUTES = [
    "href", "src", "action", "formaction", "xlink:href", "data", "srcdoc",
    "onerror", "onclick", "ONLOAD", "style", "title", "alt", "width", "target",
]  # fmt: skip
_TEXT = [
    "alert(1)", "中文", "&lt;", "<", ">", '"', "'", "&", "-->", "<!--", "]]>",
    "</style>", "</script>", "</noscript>", "</title>", "</textarea>", " ",
]  # fmt: skip

_attribute = st.builds(
    lambda name, scheme, rest, quote: f" {name}={quote}{scheme}{rest}{quote}",
    st.sampled_from(_ATTRIBUTES),
    st.sampled_from(_SCHEMES),
    st.sampled_from(["alert(1)", "x", "", "a/b?c=1", "evil.example"]),
    st.sampled_from(['"', "'", ""]),
)
_text = st.one_of(st.sampled_from(_TEXT), st.text(max_size=4))


def _element(children):
    return st.builds(
        lambda tag, attrs, inner, close: (
            f"<{tag}{''.join(attrs)}>{''.join(inner)}" + (f"</{tag}>" if close else "")
        ),
        st.sampled_from(_TAGS),
        st.lists(_attribute, max_size=3),
        st.lists(children, max_size=3),
        st.booleans(),
    )


generated_html = st.recursive(_text, _element, max_leaves=12)
html_documents = st.lists(generated_html, max_size=4).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(html_documents, st.text()))
def test_sanitising_is_idempotent_and_leaves_nothing_that_runs(html):
    cleaned = sanitize_html(html)
    assert sanitize_html(cleaned) == cleaned
    problems = html_problems(cleaned, fragment=True)
    assert not problems, (html, cleaned, problems)
    assert "<script" not in cleaned.lower()
    assert "<style" not in cleaned.lower()


@pytest.mark.parametrize("payload_id", PAYLOADS)
def test_sanitised_payload_bodies_are_inert(payload_id):
    cleaned = sanitize_html(_body(PAYLOADS[payload_id]))
    assert sanitize_html(cleaned) == cleaned
    assert not html_problems(cleaned, fragment=True)
