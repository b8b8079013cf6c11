"""newsletter/rendering.py: the HTML email, the plain text, per script."""

import email
import email.policy
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles import editing, workflow
from newsletter import composing, rendering
from newsletter.models import Script
from tests.factories import make_author, make_editor, make_live_article

pytestmark = pytest.mark.django_db

HKT = ZoneInfo("Asia/Hong_Kong")
WEEK = "2026-W10"
SITE = "https://news.example"
ADDRESS = "香港中環示例大廈 10 樓 (10/F, Example Tower, Central, Hong Kong)"


@pytest.fixture(autouse=True)
def site(settings, tmp_path):
    settings.SITE_URL = SITE
    settings.NEWSLETTER_POSTAL_ADDRESS = ADDRESS
    settings.MEDIA_ROOT = tmp_path


def at(day, hour=12):
    return datetime(2026, 3, day, hour, tzinfo=HKT)


def jpeg(size=(1600, 900)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def issue():
    make_live_article(
        kind="feature",
        headline="國際銀行業務發展",
        dek="滙豐與渣打的國際業務。",
        publish_at=at(4),
        authors=[make_author(name="陳大文")],
    )
    make_live_article(kind="brief", headline="證監會發出新規", publish_at=at(5))
    return composing.create_issue(WEEK, editor_note="本週編者話：市場波動。")


def test_html_email_is_a_600px_table_with_css_inlined(issue):
    html = rendering.render_issue(issue, Script.HANT).html
    assert re.search(r'<table[^>]*width="600"', html)
    assert 'role="presentation"' in html
    # Inlined: the class rules are now style attributes on the elements.
    headline = re.search(r'<h3 class="headline"[^>]*style="([^"]+)"', html)
    assert headline and "font-size: 19px" in headline.group(1)
    assert "<link" not in html


def test_dark_mode_rules_survive_inlining(issue):
    html = rendering.render_issue(issue, Script.HANT).html
    assert '<meta name="color-scheme" content="light dark">' in html
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert "@media (prefers-color-scheme: dark)" in style
    # Text and background colours are set in light mode, so forced dark modes
    # and the override rules have something to change.
    assert "bgcolor=" in html
    assert "color: #1a1a1a" in html


def test_every_link_and_image_is_absolute(issue):
    html = rendering.render_issue(issue, Script.HANT).html
    urls = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert urls
    for url in urls:
        personal = (rendering.UNSUBSCRIBE_PLACEHOLDER, rendering.MANAGE_PLACEHOLDER)
        assert url.startswith(SITE) or url in personal, url
    text = rendering.render_issue(issue, Script.HANT).text
    assert f"{SITE}/articles/" in text


def test_hidden_preheader_comes_first_in_the_body(issue):
    issue.preheader = "本週重點：國際銀行"
    html = rendering.render_issue(issue, Script.HANT).html
    body = html[html.index("<body") :]
    preheader = re.search(r'<div class="preheader" style="([^"]*)">([^<]*)', body)
    assert preheader is not None
    assert "display: none" in preheader.group(1)
    assert preheader.group(2).startswith("本週重點：國際銀行")
    assert body.index("preheader") < body.index("國際銀行業務發展")


def test_images_have_alt_text_and_a_fitting_absolute_rendition(issue, editor):
    feature = issue.picks.get(position=1).article
    feature.hero_image = SimpleUploadedFile("hero.jpg", jpeg(), "image/jpeg")
    feature.hero_alt = "銀行大廈外貌"
    editing.save_article(feature, by=editor)
    html = rendering.render_issue(issue, Script.HANT).html
    image = re.search(r"<img [^>]+>", html).group(0)
    assert 'alt="銀行大廈外貌"' in image
    assert 'width="552"' in image
    assert re.search(rf'src="{SITE}/media/renditions/\w+/1200\.jpg"', image)


def test_an_image_without_alt_text_falls_back_to_the_headline(issue):
    feature = issue.picks.get(position=1).article
    feature.hero_image = SimpleUploadedFile("hero.jpg", jpeg(), "image/jpeg")
    feature.save()
    html = rendering.render_issue(issue, Script.HANT).html
    assert 'alt="國際銀行業務發展"' in re.search(r"<img [^>]+>", html).group(0)


def test_every_email_carries_the_postal_address_and_a_bilingual_unsubscribe(issue):
    for script in Script.values:
        rendered = rendering.render_issue(issue, script)
        for body in (rendered.html, rendered.text):
            assert "10/F, Example Tower, Central, Hong Kong" in body
            assert "unsubscribe here" in body
            assert rendering.UNSUBSCRIBE_PLACEHOLDER in body
        assert "取消訂閱" in rendered.html or "取消订阅" in rendered.html


def test_plain_text_has_headlines_deks_links_and_the_editors_note(issue):
    text = rendering.render_issue(issue, Script.HANT).text
    assert "國際銀行業務發展" in text
    assert "滙豐與渣打的國際業務。" in text
    assert "陳大文" in text
    assert "本週編者話：市場波動。" in text
    assert "<" not in text.replace("<https", "")
    assert "\n\n\n" not in text


def test_simplified_rendering_is_converted_and_links_to_the_simplified_edition(
    issue,
):
    rendered = rendering.render_issue(issue, Script.HANS)
    for body in (rendered.html, rendered.text):
        assert "国际银行业务发展" in body
        assert "國際銀行業務發展" not in body
        assert f"{SITE}/zh-hans/articles/" in body
    assert 'lang="zh-Hans"' in rendered.html
    assert rendering.render_issue(issue, Script.HANT).subject != rendered.subject
    assert "国际银行" in rendered.subject


def test_personalise_only_replaces_the_personal_links(issue):
    rendered = rendering.render_issue(issue, Script.HANT)
    html, text = rendered.personalise(
        "https://news.example/newsletter/unsubscribe/t/",
        "https://news.example/newsletter/me/t/",
    )
    assert rendering.UNSUBSCRIBE_PLACEHOLDER not in html + text
    assert rendering.MANAGE_PLACEHOLDER not in html + text
    assert html.count("https://news.example/newsletter/unsubscribe/t/") == 2
    assert text.count("https://news.example/newsletter/unsubscribe/t/") == 1
    assert html.count("https://news.example/newsletter/me/t/") == 1
    assert text.count("https://news.example/newsletter/me/t/") == 1


def test_an_article_unpublished_after_it_was_picked_drops_out(issue):
    brief = issue.picks.get(position=2).article
    workflow.apply("unpublish", brief, by=make_editor())
    rendered = rendering.render_issue(issue, Script.HANT)
    assert "證監會發出新規" not in rendered.html
    assert "證監會發出新規" not in rendered.text


def test_picks_follow_the_editors_order(issue):
    issue.picks.filter(position=2).update(position=0)
    text = rendering.render_issue(issue, Script.HANT).text
    # Sections stay (features, then briefs); the order within them is the editors'.
    articles = rendering.issue_articles(issue)
    assert [a.headline for a in articles] == ["證監會發出新規", "國際銀行業務發展"]
    assert text.index("國際銀行業務發展") < text.index("證監會發出新規")


def test_simplified_interface_words_come_from_the_simplified_catalogue(issue):
    """阅读时长 is the Simplified catalogue's word; converting the Traditional
    閱讀需時 would give 阅读需时."""
    simplified = rendering.render_issue(issue, Script.HANS).html
    traditional = rendering.render_issue(issue, Script.HANT).html
    assert "閱讀需時" in traditional
    assert "阅读时长" in simplified
    assert "阅读需时" not in simplified


def test_simplified_subscribers_get_a_simplified_sender_name(issue, settings):
    from newsletter.messages import IssueMessages, sender_for
    from newsletter.models import Subscriber

    settings.DEFAULT_FROM_EMAIL = "新聞室財經 <newsletter@newsroom.example>"
    assert sender_for(Script.HANS, settings.DEFAULT_FROM_EMAIL) == (
        "新闻室财经 <newsletter@newsroom.example>"
    )
    composing.mark_ready(issue)
    messages = IssueMessages(issue)
    for script, name in ((Script.HANS, "新闻室财经"), (Script.HANT, "新聞室財經")):
        reader = Subscriber.objects.create(email=f"{script}@example.com", script=script)
        sent = messages.email_message(reader)
        assert sent.from_email.startswith(name)
        raw = sent.message().as_bytes()
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert str(parsed["From"]).startswith(name)
