from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The readers' side of articles: pages, feeds, sitemaps, search, SEO and
    their template tags. It has no models: it reads the content core
    (articles/) and is an app only so that Django finds its template tags."""

    name = "articles.public"
    label = "public"
