"""URLs of the feeds, the sitemaps and robots.txt, for newsroom/urls.py to include.

``feed_urlpatterns`` belong in the public tree, so each edition (Traditional,
Simplified) has its own feeds; ``root_urlpatterns`` are served once, at the
site's root. Names carry no namespace: "feed-…", "sitemap", "news-sitemap",
"robots".
"""

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.cache import cache_control

from newsroom.pagecache import cached

from . import feeds
from .sitemaps import SITEMAPS, NewsSitemap, robots_txt

# A CDN may keep feeds and sitemaps for a few minutes through a news spike,
# and serve them stale while it fetches a fresh copy.
_cdn = cache_control(
    public=True, max_age=300, stale_while_revalidate=settings.PUBLIC_STALE_SECONDS
)


def _public(view, *params, seconds=None):
    """Cacheable by a CDN, and kept by the page cache (newsroom/pagecache.py)."""
    return cached(*params, seconds=seconds)(_cdn(view))


# Articles age out of the news sitemap's 48 hours with nothing saved.
NEWS_SITEMAP_SECONDS = 300

_FEED_PATHS = {
    "latest": "feeds/",
    "briefs": "feeds/briefs/",
    "features": "feeds/features/",
    "company": "feeds/companies/<slug:slug>/",
    "tag": "feeds/tags/<str:slug>/",
    "author": "feeds/authors/<slug:slug>/",
}

feed_urlpatterns = []
for _kind, _prefix in _FEED_PATHS.items():
    _feed_class = feeds.FEEDS[_kind]
    feed_urlpatterns += [
        path(f"{_prefix}rss/", _public(_feed_class()), name=f"feed-{_kind}-rss"),
        path(
            f"{_prefix}atom/",
            _public(feeds.atom(_feed_class)()),
            name=f"feed-{_kind}-atom",
        ),
    ]

root_urlpatterns = [
    # An index of sections, each paginated (SITEMAP_PAGE_SIZE URLs a file):
    # one file of every article would be megabytes at 100,000 of them.
    path(
        "sitemap.xml",
        _public(sitemap_views.index),
        {
            "sitemaps": SITEMAPS,
            "template_name": "sitemaps/sitemap_index.xml",
            "sitemap_url_name": "sitemap-section",
        },
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        _public(sitemap_views.sitemap, "p"),
        {"sitemaps": SITEMAPS, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap-section",
    ),
    path(
        "news-sitemap.xml",
        _public(sitemap_views.sitemap, seconds=NEWS_SITEMAP_SECONDS),
        {
            "sitemaps": {"news": NewsSitemap},
            "template_name": "sitemaps/news_sitemap.xml",
        },
        name="news-sitemap",
    ),
    path(
        "robots.txt",
        cache_control(public=True, max_age=3600)(robots_txt),
        name="robots",
    ),
]
