"""What search engines and social sites read about an article.

Open Graph and Twitter card values and the schema.org NewsArticle (JSON-LD)
for the article page; the description and modification time shared with the
feeds and sitemaps, so every machine reader sees the same dates.
"""

import re

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation

from .. import images
from ..models import Correction

# schema.org's tickerSymbol is "an exchange and an instrument name separated by
# a space character", the exchange preferably an ISO 10383 Market Identifier
# Code (https://schema.org/tickerSymbol), e.g. "XHKG 6638". We follow it rather
# than print our own "6638.HK" spelling, which only we define. US listings are
# stored without their venue (NYSE or Nasdaq), so no MIC can be named for them
# honestly: they carry the symbol alone.
EXCHANGE_MIC = {
    "HK": "XHKG",
    "SH": "XSHG",
    "SZ": "XSHE",
    "BJ": "BJSE",
    "TW": "XTAI",
    "SG": "XSES",
    "JP": "XTKS",
    "KS": "XKRX",
}

# Open Graph wants a territory-qualified locale; the site is a Hong Kong one.
OG_LOCALES = {"zh-hans": "zh_CN", "en": "en_GB"}
OG_DEFAULT_LOCALE = "zh_HK"

# BCP 47 tags of the article's script, for inLanguage.
SCRIPT_LANGUAGE = {"zh-Hant": "zh-Hant-HK", "zh-Hans": "zh-Hans", "en": "en"}


# Characters XML 1.0 cannot carry at all, not even escaped. A control
# character pasted into a headline (Word's vertical tab) would otherwise make a
# feed fail and a sitemap unreadable.
_NOT_XML_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 forbids."""
    return _NOT_XML_RE.sub("", value) if value else value


def ticker_symbol(ticker) -> str:
    """The schema.org tickerSymbol of a Ticker: MIC, a space, the symbol."""
    mic = EXCHANGE_MIC.get(ticker.exchange)
    return f"{mic} {ticker.symbol}" if mic else ticker.symbol


def description(article, *, limit: int = 300) -> str:
    """The dek, or else the article's first paragraph, cut at ``limit`` chars."""
    text = article.dek.strip()
    if not text:
        text = next((line for line in article.body_text.splitlines() if line), "")
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def modified_at(article, corrections=None, *, last_corrected_at=None):
    """When the article last changed for readers: an edit or a correction.

    Pass the article's corrections (already fetched) or, from a list query,
    the latest correction time as ``last_corrected_at``.
    """
    times = [article.publish_at, article.updated_at, last_corrected_at]
    times += [c.corrected_at for c in corrections or ()]
    return max(t for t in times if t is not None)


def with_last_correction(articles):
    """``articles`` annotated with ``last_corrected_at`` for ``modified_at``."""
    latest = (
        Correction.objects.filter(article=OuterRef("pk"))
        .order_by("-corrected_at")
        .values("corrected_at")[:1]
    )
    return articles.annotate(last_corrected_at=Subquery(latest))


def iso(value) -> str:
    """An aware datetime in Hong Kong time, to the second, ISO 8601."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def absolute_image_url(article, request) -> str:
    """The widest JPEG rendition of the hero (what every social site reads), or
    the original when it has none."""
    url = images.largest_jpeg_url(article.hero_image, article.hero_renditions)
    return request.build_absolute_uri(url) if url else ""


def og_locale() -> str:
    return OG_LOCALES.get(translation.get_language() or "", OG_DEFAULT_LOCALE)


def _corporation(company) -> dict:
    entry = {"@type": "Corporation", "name": company.name}
    if company.name_en:
        entry["alternateName"] = company.name_en
    symbols = [ticker_symbol(t) for t in company.listings]
    if symbols:
        # A dual listing has several; JSON-LD allows a property to repeat.
        entry["tickerSymbol"] = symbols if len(symbols) > 1 else symbols[0]
    return entry


def news_article_jsonld(
    article, request, *, authors, companies, corrections, tags=None
) -> dict:
    """The schema.org NewsArticle describing ``article``, as a JSON-ready dict.

    ``companies`` carry their ``listings``; ``corrections`` are
    the article's corrections, oldest first; ``tags`` defaults to the
    article's own.
    """
    url = request.build_absolute_uri(article.get_absolute_url())
    corrections = list(corrections)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": description(article),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "inLanguage": SCRIPT_LANGUAGE.get(article.script, article.script),
        "author": [
            {
                "@type": "Person",
                "name": author.name,
                "url": request.build_absolute_uri(author.get_absolute_url()),
            }
            for author in authors
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": settings.NEWSROOM_NAME,
            "url": request.build_absolute_uri("/"),
        },
    }
    if article.title_en:
        data["alternativeHeadline"] = article.title_en
    image = absolute_image_url(article, request)
    if image:
        data["image"] = [image]
    if article.publish_at is not None:  # previews may have none yet
        data["datePublished"] = iso(article.publish_at)
        data["dateModified"] = iso(modified_at(article, corrections))
    companies = list(companies)
    if companies:
        # The desk tags the companies an article is about; names merely found
        # in the text would be "mentions", which we do not yet detect.
        data["about"] = []
        for company in companies:
            entry = _corporation(company)
            entry["url"] = request.build_absolute_uri(company.get_absolute_url())
            data["about"].append(entry)
    tag_names = [tag.name for tag in (article.tags.all() if tags is None else tags)]
    if tag_names:
        data["keywords"] = tag_names
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": f"{c.wrong} → {c.right}",
                "datePublished": iso(c.corrected_at),
            }
            for c in corrections
        ]
    return data
