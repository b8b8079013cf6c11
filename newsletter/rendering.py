"""An issue as readers get it: the HTML email, the plain text, the web version.

An issue is rendered once per script. The Traditional rendering is the
source; the Simplified one is converted from it with OpenCC, as the site's
pages are (newsroom/editions.py), with links into the Simplified edition.
What differs per subscriber is only the unsubscribe link: the rendering holds
a placeholder that ``RenderedIssue.personalise`` replaces, so sending to
100,000 people renders two templates, not 100,000.

The HTML email is a 600 px table layout with its CSS inlined by css-inline;
the ``prefers-color-scheme`` rules stay in a <style> element (inlining cannot
express a media query), and colours are set on every text and background so
the mail reads in dark mode and with images off.
"""

import dataclasses
import html
from datetime import timedelta

import css_inline
from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from articles.models import Article, ArticleAuthor
from newsroom import chinese, editions

from . import tokens
from .models import Issue, Script, postal_address

# ASCII, so neither OpenCC nor css-inline changes it; never a real URL.
UNSUBSCRIBE_PLACEHOLDER = "nr-personal-unsubscribe-link-0c5d9e"
# The subscriber's own page (follows, frequency, their data).
MANAGE_PLACEHOLDER = "nr-personal-manage-link-7a2c41"
# Where "Your companies" goes (personalising.py): an HTML comment, which
# css-inline keeps in place inside the table, and a line of the text.
PERSONAL_HTML_PLACEHOLDER = "<!--nr-personal-section-4b1e-->"
PERSONAL_TEXT_PLACEHOLDER = "nr-personal-section-4b1e"

EMAIL_WIDTH = 600
# The content column inside the 600 px table (24 px padding either side).
IMAGE_WIDTH = 552
# Wide enough for the 552 px column on a 2x screen, small enough to load fast.
LARGEST_EMAIL_IMAGE = 1200

# After the preheader: invisible characters, so mail programs do not fill the
# preview line with the start of the body.
PREHEADER_SPACER = "\u034f\u200c\u00a0" * 40

_inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


@dataclasses.dataclass(frozen=True)
class RenderedIssue:
    """One script's rendering of an issue, with a placeholder unsubscribe link.

    ``html`` and ``text`` are the issue without a personal section;
    ``personal_html`` and ``personal_text`` hold its placeholder as well.
    """

    script: str
    subject: str
    preheader: str
    html: str
    text: str
    personal_html: str = ""
    personal_text: str = ""

    def personalise(
        self, unsubscribe_url: str, manage_url: str | None = None
    ) -> tuple[str, str]:
        """(html, text) with the subscriber's own links."""
        manage_url = manage_url or unsubscribe_url
        return (
            self.html.replace(
                UNSUBSCRIBE_PLACEHOLDER, html.escape(unsubscribe_url)
            ).replace(MANAGE_PLACEHOLDER, html.escape(manage_url)),
            self.text.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_url).replace(
                MANAGE_PLACEHOLDER, manage_url
            ),
        )


def edition_language(script: str) -> str:
    """The site edition (language code) whose links a subscriber's mail carries."""
    return editions.SIMPLIFIED if script == Script.HANS else editions.TRADITIONAL


def issue_articles(issue: Issue) -> list[Article]:
    """The issue's picks that are still live, in the editors' order.

    An article unpublished after it was picked drops out: the newsletter
    never shows what the site no longer does.
    """
    return list(
        Article.objects.live()
        .filter(newsletter_picks__issue=issue)
        .order_by("newsletter_picks__position", "newsletter_picks__pk")
        .prefetch_related(
            Prefetch("bylines", queryset=ArticleAuthor.objects.select_related("author"))
        )
    )


def _absolute(url: str) -> str:
    return tokens.absolute(url) if url.startswith("/") else url


def email_image(article: Article) -> dict | None:
    """The hero image for a 552 px column: the widest JPEG up to 1200 px."""
    if not article.hero_image:
        return None
    renditions = article.hero_renditions or {}
    jpegs = []
    if renditions.get("source") == article.hero_image.name:
        jpegs = [i for i in renditions.get("items") or [] if i["format"] == "jpeg"]
    fitting = [i for i in jpegs if i["width"] <= LARGEST_EMAIL_IMAGE] or jpegs[:1]
    if fitting:
        item = fitting[-1]
        src = article.hero_image.storage.url(item["name"])
        height = round(IMAGE_WIDTH * item["height"] / item["width"])
    else:
        src, height = article.hero_image.url, None
    return {
        "src": _absolute(src),
        "width": IMAGE_WIDTH,
        "height": height,
        # Shown in place of the picture when images are off: never empty.
        "alt": article.hero_alt or article.headline,
    }


def _item(article: Article) -> dict:
    return {
        "article": article,
        "url": tokens.absolute(article.get_absolute_url()),
        "authors": "、".join(b.author.name for b in article.bylines.all()),
        "image": email_image(article) if article.kind == Article.Kind.FEATURE else None,
    }


def _context(issue: Issue, articles: list[Article]) -> dict:
    """Links and sections, built in the current language's edition."""
    start, end = issue.bounds
    items = [_item(article) for article in articles]
    return {
        "issue": issue,
        "subject": issue.subject,
        "preheader": issue.preheader,
        "features": [i for i in items if i["article"].kind == Article.Kind.FEATURE],
        "briefs": [i for i in items if i["article"].kind != Article.Kind.FEATURE],
        "week_start": start,
        "week_end": end - timedelta(days=1),
        "site_name": settings.NEWSROOM_NAME,
        "site_url": tokens.absolute(reverse("articles:home")),
        "web_url": tokens.absolute(issue.get_absolute_url()),
        "newsletter_url": tokens.absolute(reverse("newsletter:index")),
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        "manage_url": MANAGE_PLACEHOLDER,
        "personal_html_placeholder": PERSONAL_HTML_PLACEHOLDER,
        "personal_text_placeholder": PERSONAL_TEXT_PLACEHOLDER,
        "postal_address": postal_address(),
        "email_width": EMAIL_WIDTH,
        "preheader_spacer": PREHEADER_SPACER,
    }


def inline_css(markup: str) -> str:
    return _inliner.inline(markup)


def render_issue(issue: Issue, script: str, *, articles=None) -> RenderedIssue:
    """The issue in ``script`` (Script.HANT or Script.HANS), ready to personalise."""
    if articles is None:
        articles = issue_articles(issue)
    with translation.override(edition_language(script)):
        # Links lead into the reader's edition (/zh-hans/... for Simplified),
        # and the interface words come from the edition's own catalogue (阅读时长,
        # “ ”), as on the Simplified site; the copy, written once in
        # Traditional, is converted below.
        context = _context(issue, articles)
        markup = render_to_string("newsletter/email/issue.html", context)
        text = render_to_string("newsletter/email/issue.txt", context)
    subject, preheader = issue.subject, issue.preheader
    if script == Script.HANS:
        markup = editions.convert_markup(markup)
        text = chinese.to_simplified(text)
        subject = chinese.to_simplified(subject)
        preheader = chinese.to_simplified(preheader)
    markup = inline_css(markup)
    text = _tidy_text(text)
    return RenderedIssue(
        script=script,
        subject=subject,
        preheader=preheader,
        html=markup.replace(PERSONAL_HTML_PLACEHOLDER + "\n", ""),
        text=text.replace(PERSONAL_TEXT_PLACEHOLDER + "\n", ""),
        personal_html=markup,
        personal_text=text,
    )


def _tidy_text(text: str) -> str:
    """No trailing spaces and at most one blank line in a row (templates leave both)."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy) + "\n"


def web_context(issue: Issue) -> dict:
    """What the web version's template needs (links follow the current edition)."""
    articles = issue_articles(issue)
    start, end = issue.bounds
    return {
        "issue": issue,
        "features": [a for a in articles if a.kind == Article.Kind.FEATURE],
        "briefs": [a for a in articles if a.kind != Article.Kind.FEATURE],
        "week_start": start,
        "week_end": end - timedelta(days=1),
    }
