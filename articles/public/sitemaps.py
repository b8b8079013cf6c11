"""Sitemaps for search engines, the Google News sitemap, and robots.txt.

The templates live in templates/sitemaps/, so django.contrib.sitemaps need not
be an installed app; only its views and Sitemap class are used.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from taggit.models import Tag, TaggedItem

from companies.models import Company

from ..models import Article, ArticleAuthor, Author
from . import seo

# Google News lists articles published in the last two days ...
NEWS_WINDOW = timedelta(hours=48)
# ... and reads at most this many URLs from one news sitemap.
NEWS_LIMIT = 1000

# <news:language> takes ISO 639 codes, except Chinese, which Google spells
# zh-cn (Simplified) or zh-tw (Traditional).
NEWS_LANGUAGES = {"zh-Hant": "zh-tw", "zh-Hans": "zh-cn", "en": "en"}


def _live_with_last_correction():
    articles = Article.objects.live().only(
        "pk", "slug", "headline", "script", "publish_at", "updated_at"
    )
    return seo.with_last_correction(articles).order_by("-publish_at", "-pk")


def _to_second(value):
    return value.replace(microsecond=0) if value else value


# URLs in one file of a section; sitemap.xml lists the files. A file of
# 2,000 raised a worker's memory by 9 MB more than one of 1,000, for good:
# what a worker's RSS ends at is its largest request's high-water mark.
SITEMAP_PAGE_SIZE = 1000


class NewsroomSitemap(Sitemap):
    limit = SITEMAP_PAGE_SIZE

    def get_latest_lastmod(self):
        # Django's default reads every item of the section for the index's
        # <lastmod>, which is optional: the sections' own files carry them.
        return None


class ArticleSitemap(NewsroomSitemap):
    def items(self):
        return _live_with_last_correction()

    def lastmod(self, item):
        return _to_second(
            seo.modified_at(item, last_corrected_at=item.last_corrected_at)
        )


class CompanySitemap(NewsroomSitemap):
    def items(self):
        return Company.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return _to_second(item.updated_at)


class TagSitemap(NewsroomSitemap):
    """Tags that at least one live article carries."""

    def items(self):
        tagged_live = TaggedItem.objects.filter(
            tag=OuterRef("pk"),
            content_type=ContentType.objects.get_for_model(Article),
            object_id__in=Article.objects.live().values("pk"),
        )
        # A tag without a slug (made before tags needed one) has no page.
        return Tag.objects.filter(Exists(tagged_live)).exclude(slug="").order_by("pk")

    def location(self, item):
        return reverse("articles:tag", kwargs={"slug": item.slug})


class AuthorSitemap(NewsroomSitemap):
    """Authors with at least one live article."""

    def items(self):
        bylines_live = ArticleAuthor.objects.filter(
            author=OuterRef("pk"), article__in=Article.objects.live()
        )
        return Author.objects.filter(Exists(bylines_live)).order_by("pk")


class ListSitemap(NewsroomSitemap):
    """The home page, the lists of briefs and features, and the indexes of
    companies, tags and authors."""

    changefreq = "hourly"

    def items(self):
        return [
            "articles:home",
            "articles:briefs",
            "articles:features",
            "companies:index",
            "articles:tags",
            "articles:authors",
        ]

    def location(self, item):
        return reverse(item)


# The sections of sitemap.xml.
SITEMAPS = {
    "lists": ListSitemap,
    "articles": ArticleSitemap,
    "companies": CompanySitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


class NewsSitemap(Sitemap):
    """Live articles of the last 48 hours, in Google News sitemap form."""

    limit = NEWS_LIMIT

    def items(self):
        now = timezone.now()
        since = now - NEWS_WINDOW
        return _live_with_last_correction().filter(publish_at__gte=since)

    def lastmod(self, item):
        return _to_second(
            seo.modified_at(item, last_corrected_at=item.last_corrected_at)
        )

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            article = url["item"]
            url["news_language"] = NEWS_LANGUAGES.get(article.script, "zh-tw")
            url["news_publication_date"] = seo.iso(article.publish_at)
            url["news_title"] = seo.xml_text(article.headline)
        return urls


def _preview_prefixes():
    # Previews are noindex anyway; each edition has its own address for them.
    prefixes = []
    for language in ("zh-hant", "zh-hans"):
        with translation.override(language):
            url = reverse("articles:preview", kwargs={"token": "token"})
        prefixes.append(url.removesuffix("token/"))
    return list(dict.fromkeys(prefixes))


def robots_txt(request):
    """Crawl everything public; point to both sitemaps with absolute URLs."""
    lines = [
        "User-agent: *",
        "Allow: /",
        f"Disallow: {reverse('admin:index')}",
        *(f"Disallow: {prefix}" for prefix in _preview_prefixes()),
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('news-sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
