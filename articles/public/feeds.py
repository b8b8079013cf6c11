"""RSS 2.0 and Atom feeds: everything, briefs, features, a company, a tag, an author.

Every feed starts from ``Article.objects.live()`` and runs the same few
queries however many items, authors and tags it carries.

Feed readers render an RSS description and an Atom summary as HTML, so the
plain text we put there (a dek, a company's name) is escaped first. RSS
titles and categories have their angle brackets escaped too (some readers
render them as HTML, see ``RssFeed``); in Atom they are text and go out as
typed.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from companies.models import Company

from .. import tagging
from ..models import Article, Author
from . import seo

FEED_LENGTH = 20


def _xml_safe(value):
    if isinstance(value, str):
        return seo.xml_text(value)
    if isinstance(value, list | tuple):
        return [_xml_safe(v) for v in value]
    return value


class _XmlSafe:
    """A feed generator that drops what XML cannot carry, instead of failing
    the whole feed over one control character in a headline or a name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{k: _xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **{k: _xml_safe(v) for k, v in kwargs.items()})


def _inert_as_html(value):
    """Angle brackets as HTML entities: shown as themselves by a reader that
    treats a title as HTML, and by one that treats it as text."""
    if isinstance(value, str):
        return value.replace("<", "&lt;").replace(">", "&gt;")
    if isinstance(value, list | tuple):
        return [_inert_as_html(v) for v in value]
    return value


class RssFeed(_XmlSafe, Rss201rev2Feed):
    """RSS 2.0 does not say whether a title is text or HTML, and some readers
    render it as HTML after undoing the XML escaping: titles and categories
    (typed headlines, tag, company and author names) are escaped once more
    for them. Atom says type="text", so its titles go out as typed."""

    _PLAIN_TEXT = ("title", "categories")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **self._inert(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **self._inert(kwargs))

    def _inert(self, kwargs):
        return {
            key: _inert_as_html(value) if key in self._PLAIN_TEXT else value
            for key, value in kwargs.items()
        }


class AtomFeed(_XmlSafe, Atom1Feed):
    pass


def feed_articles(articles):
    """``articles`` made ready for a feed: bylines, tags, latest correction."""
    articles = articles.with_bylines().prefetch_related("tags")
    return seo.with_last_correction(articles).order_by("-publish_at", "-pk")[
        :FEED_LENGTH
    ]


class ArticleFeed(Feed):
    """Every live article, newest first; subclasses narrow it down."""

    feed_type = RssFeed

    def articles(self, obj):
        return Article.objects.live()

    def label(self, obj):
        return _("Latest news")

    def title(self, obj):
        return f"{settings.NEWSROOM_NAME} · {self.label(obj)}"

    def about(self, obj):
        """What the feed is, as plain text."""
        return _("The latest news from %(name)s.") % {"name": settings.NEWSROOM_NAME}

    def description(self, obj):
        # RSS readers render the channel's description as HTML.
        return escape(self.about(obj))

    def subtitle(self, obj):
        # Atom's name for the feed's description, plain text there; RSS
        # ignores it.
        return self.about(obj)

    def link(self, obj):
        return reverse("articles:home")

    def feed_copyright(self, obj):
        return f"© {settings.NEWSROOM_NAME}"

    def items(self, obj):
        return feed_articles(self.articles(obj))

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        # HTML to readers (RSS <description>, Atom <summary type="html">).
        return escape(seo.description(item))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return seo.modified_at(item, last_corrected_at=item.last_corrected_at)

    def item_author_name(self, item):
        # Feeds carry one author name per item: the byline, joined.
        return "、".join(author.name for author in item.byline_authors) or None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class BriefsFeed(ArticleFeed):
    def articles(self, obj):
        return Article.objects.live().briefs()

    def label(self, obj):
        return _("Briefs")

    def about(self, obj):
        return _("Short news briefs from %(name)s.") % {"name": settings.NEWSROOM_NAME}

    def link(self, obj):
        return reverse("articles:briefs")


class FeaturesFeed(ArticleFeed):
    def articles(self, obj):
        return Article.objects.live().features()

    def label(self, obj):
        return _("Features")

    def about(self, obj):
        return _("Long-form features from %(name)s.") % {"name": settings.NEWSROOM_NAME}

    def link(self, obj):
        return reverse("articles:features")


class CompanyFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Company, slug=slug)

    def articles(self, obj):
        return Article.objects.live().filter(companies=obj)

    def label(self, obj):
        return obj.name

    def about(self, obj):
        return _("News about %(company)s from %(name)s.") % {
            "company": obj.name,
            "name": settings.NEWSROOM_NAME,
        }

    def link(self, obj):
        return obj.get_absolute_url()


class TagFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(tagging.live_tags(), slug=slug)

    def articles(self, obj):
        return Article.objects.live().filter(tags=obj)

    def label(self, obj):
        return obj.name

    def about(self, obj):
        return _("News tagged %(tag)s from %(name)s.") % {
            "tag": obj.name,
            "name": settings.NEWSROOM_NAME,
        }

    def link(self, obj):
        return reverse("articles:tag", kwargs={"slug": obj.slug})


class AuthorFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def articles(self, obj):
        return Article.objects.live().filter(bylines__author=obj)

    def label(self, obj):
        return obj.name

    def about(self, obj):
        return _("Articles by %(author)s for %(name)s.") % {
            "author": obj.name,
            "name": settings.NEWSROOM_NAME,
        }

    def link(self, obj):
        return obj.get_absolute_url()


def atom(feed_class):
    """The Atom 1.0 twin of an RSS feed class."""
    return type(
        feed_class.__name__.replace("Feed", "AtomFeed"),
        (feed_class,),
        {"feed_type": AtomFeed},
    )


FEEDS = {
    "latest": ArticleFeed,
    "briefs": BriefsFeed,
    "features": FeaturesFeed,
    "company": CompanyFeed,
    "tag": TagFeed,
    "author": AuthorFeed,
}
