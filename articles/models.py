"""Articles, their authors, and the records kept about them.

Only articles/workflow.py changes an article's status and publish times; the
fields are not editable in any form. ``Article.objects.live()`` is the one
definition of what readers may see.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from companies.models import Company, Ticker
from newsroom import paths
from newsroom.fields import LinesField

from . import image_tasks, images, rows
from .image_fields import CheckedImageField
from .rows import CARD_FIELDS
from .sanitize import (
    count_characters,
    counted_text,
    html_to_text,
    sanitize_html,
    stored_reading_minutes,
)
from .validators import (
    validate_image_extension,
    validate_image_pixels,
    validate_image_size,
)

IMAGE_VALIDATORS = [
    validate_image_extension,
    validate_image_size,
    validate_image_pixels,
]


def _with_renditions(update_fields, image_field, renditions_field):
    """Whether a save with ``update_fields`` touches the image, and the fields
    to write: the renditions go with the image."""
    if update_fields is None:
        return True, None
    if image_field not in update_fields:
        return False, update_fields
    return True, {*update_fields, renditions_field}


class Author(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("ASCII, for the author's web address, e.g. chan-tai-man."),
    )
    bio = models.TextField(_("biography"), blank=True)
    photo = CheckedImageField(
        _("photo"),
        upload_to="authors/",
        blank=True,
        validators=IMAGE_VALIDATORS,
    )
    photo_renditions = models.JSONField(
        _("photo renditions"), default=dict, blank=True, editable=False
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
        verbose_name=_("login"),
        help_text=_("The account this author signs in with, if any."),
    )
    email = models.EmailField(
        _("e-mail (private)"),
        blank=True,
        help_text=_("For the desk only; never shown to readers."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        touched, update_fields = _with_renditions(
            kwargs.get("update_fields"), "photo", "photo_renditions"
        )
        renditions_due = False
        if touched:
            self.photo_renditions, renditions_due = images.prepare_for_save(
                self.photo, self.photo_renditions
            )
        if update_fields is not None:
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)
        if renditions_due:
            image_tasks.schedule_renditions(self)

    def get_absolute_url(self):
        return paths.path("articles:author", slug=self.slug)

    @property
    def photo_picture(self) -> dict | None:
        return images.picture(
            self.photo,
            self.photo_renditions,
            sizes=images.PHOTO_SIZES,
            fallback_size=(96, 96),
        )


@dataclass(slots=True)
class Link:
    """A name and where it leads: a byline's author, a card's company."""

    name: str
    url: str
    tickers: tuple[str, ...] = ()


@dataclass(slots=True)
class LinkedArticle:
    """An article as a card, a related article or previous/next shows it:
    its key and the columns a card reads (rows.LINK_FIELDS), and, once
    attach_cards() has run, its card's byline and companies. A model
    instance would set each of Article's forty fields (15 µs each time); the
    home page shows 23 of these, the article page 6."""

    pk: int
    kind: str
    slug: str
    headline: str
    dek: str
    publish_at: object
    card_byline: list = field(default_factory=list)
    card_companies: list = field(default_factory=list)

    def get_absolute_url(self) -> str:
        return Article.get_absolute_url(self)


class _CardIterable(models.query.ModelIterable):
    """Articles with ``card_byline`` and ``card_companies`` set (``with_cards``)."""

    def __iter__(self):
        articles = list(super().__iter__())
        attach_cards(articles)
        yield from articles


def attach_cards(articles) -> None:
    """Set on each article what its card shows besides its own columns:
    ``card_byline`` (authors in byline order) and ``card_companies`` (by
    name, each with its tickers), as ``Link``s.

    Two plain-SQL reads (rows.py: bylines; company links with their
    tickers) for any number of articles. prefetch_related would build a
    queryset per article and a model instance per row, which on a list page
    costs more than all of the page's SQL.
    """
    ids = [article.pk for article in articles]
    if not ids:
        return
    path = paths.here()  # some sixty links
    bylines = defaultdict(list)
    for article_id, _author, name, slug in rows.bylines(ids):
        bylines[article_id].append(Link(name, path("articles:author", slug=slug)))
    # Each company link once per ticker of the company (once with no ticker).
    named, tickers, linked = {}, defaultdict(dict), defaultdict(dict)
    links = rows.company_links(ids)
    for article_id, company_id, name, _en, slug, _updated, symbol, exchange in links:
        named[company_id] = (name, slug)
        linked[article_id][company_id] = None  # in name order, each once
        if symbol is not None:
            tickers[company_id][Ticker.label(symbol, exchange)] = None
    chips = {  # one Link per company, however many cards show it
        company_id: Link(name, Company.url_for(slug, path), tuple(tickers[company_id]))
        for company_id, (name, slug) in named.items()
    }
    companies = {
        article_id: [chips[company_id] for company_id in company_ids]
        for article_id, company_ids in linked.items()
    }
    for article in articles:
        article.card_byline = bylines[article.pk]
        article.card_companies = companies.get(article.pk, [])


class ArticleQuerySet(models.QuerySet):
    def live(self):
        """What readers may see: published, and the publish time has come.

        Scheduling needs no worker: a published article whose publish_at is
        in the future is simply not live yet.
        """
        return self.filter(
            status=Article.Status.PUBLISHED, publish_at__lte=timezone.now()
        )

    def scheduled(self):
        return self.filter(
            status=Article.Status.PUBLISHED, publish_at__gt=timezone.now()
        )

    def briefs(self):
        return self.filter(kind=Article.Kind.BRIEF)

    def features(self):
        return self.filter(kind=Article.Kind.FEATURE)

    def with_cards(self):
        """Articles with ``card_byline`` and ``card_companies`` set
        (``attach_cards``) when the queryset is read. The iterable class is
        the hook ``values()`` uses; slicing, counting and pagination keep it
        (tests/articles/test_cards.py)."""
        clone = self._chain()
        clone._iterable_class = _CardIterable
        return clone

    def cards(self):
        """What a list shows of each article: its card's own columns
        (CARD_FIELDS), its byline and its companies (``with_cards``)."""
        return self.with_cards().only(*CARD_FIELDS)

    def with_bylines(self):
        return self.prefetch_related(
            models.Prefetch(
                "bylines", queryset=ArticleAuthor.objects.select_related("author")
            )
        )


class StaleArticleError(Exception):
    """Somebody saved the article after this copy of it was loaded."""

    def __init__(self, *, version, saved_by, saved_at):
        self.version, self.saved_by, self.saved_at = version, saved_by, saved_at
        super().__init__(f"article was saved as version {version} by {saved_by}")


class Article(models.Model):
    class Kind(models.TextChoices):
        BRIEF = "brief", _("Brief")
        FEATURE = "feature", _("Feature")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    class Script(models.TextChoices):
        HANT = "zh-Hant", _("Traditional Chinese")
        HANS = "zh-Hans", _("Simplified Chinese")
        EN = "en", _("English")

    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.BRIEF
    )
    headline = models.CharField(_("headline"), max_length=200)
    title_en = models.CharField(
        _("English title"),
        max_length=250,
        blank=True,
        help_text=_("When the copy carries one; it also makes the web address."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        blank=True,
        help_text=_("ASCII words in the web address; made from the English title."),
    )
    dek = models.TextField(
        _("dek"),
        blank=True,
        max_length=500,
        help_text=_("One or two sentences under the headline."),
    )
    key_points = LinesField(
        _("key points"),
        max_items=8,
        max_item_length=200,
        help_text=_("One short line per point, in reading order."),
    )
    body = ProseEditorField(
        _("body"),
        blank=True,
        config={
            "extensions": {
                "Bold": True,
                "Italic": True,
                "Subscript": True,
                "Superscript": True,
                "Heading": {"levels": [2, 3]},
                "BulletList": True,
                "OrderedList": True,
                "ListItem": True,
                "Blockquote": True,
                "HardBreak": True,
                "Link": {
                    "enableTarget": False,
                    "protocols": ["http", "https", "mailto"],
                },
                "Table": True,
                "TableRow": True,
                "TableHeader": True,
                "TableCell": True,
                "Figure": True,
                "Caption": True,
                "Image": True,
                "History": True,
            }
        },
        sanitize=sanitize_html,
    )
    body_text = models.TextField(_("body as plain text"), blank=True, editable=False)
    # From the headline, dek, key points and body, on every save: the article
    # page shows it, and counting 4,000 characters costs 0.13 ms a render.
    reading_minutes = models.PositiveSmallIntegerField(
        _("reading time (minutes)"), default=0, editable=False
    )

    hero_image = CheckedImageField(
        _("hero image"),
        upload_to="articles/%Y/%m/",
        blank=True,
        validators=IMAGE_VALIDATORS,
    )
    # Made from hero_image on save (articles/images.py); read by the page.
    hero_renditions = models.JSONField(
        _("hero image renditions"), default=dict, blank=True, editable=False
    )

    hero_caption = models.CharField(_("caption"), max_length=300, blank=True)
    hero_credit = models.CharField(_("credit"), max_length=150, blank=True)
    hero_alt = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )

    authors = models.ManyToManyField(
        Author,
        through="ArticleAuthor",
        related_name="articles",
        verbose_name=_("authors"),
    )
    tags = TaggableManager(
        _("tags"),
        blank=True,
        # In the order typed (tagging.keep_typed_order writes the links in
        # that order), also when prefetched for a page, where taggit would
        # otherwise leave the order to the database.
        ordering=["taggit_taggeditem_items__pk"],
        help_text=_("Separate tags with commas or Chinese punctuation (，、；)."),
    )
    companies = models.ManyToManyField(
        "companies.Company",
        blank=True,
        related_name="articles",
        verbose_name=_("companies"),
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("For wire or partner copy: who it comes from, shown to readers."),
    )
    source_url = models.URLField(_("source link"), blank=True)
    script = models.CharField(
        _("language"), max_length=8, choices=Script.choices, default=Script.HANT
    )

    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
        editable=False,
    )
    publish_at = models.DateTimeField(
        _("publish time"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "A published article is live from this moment; before it, scheduled."
        ),
    )
    first_published_at = models.DateTimeField(
        _("first published"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("last saved by"),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        # The primary key breaks ties: pages of a list never overlap.
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [
            (
                "publish_article",
                _("Can publish, schedule, unpublish and send back articles"),
            ),
            ("edit_any_article", _("Can edit any article, in any state")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published")
                | models.Q(publish_at__isnull=False),
                name="article_published_has_publish_at",
            ),
        ]
        # The public lists: live articles newest first, all or of one kind.
        # With the key in the index, a page's keys are read from the index
        # alone, however deep the page (articles/public/views.py,
        # ArticlePaginator).
        indexes = [
            models.Index(
                fields=["status", "publish_at", "id"],
                name="article_status_publish_idx",
            ),
            models.Index(
                fields=["kind", "status", "publish_at", "id"],
                name="article_kind_publish_idx",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.derive_columns()
        touched, update_fields = _with_renditions(
            kwargs.get("update_fields"), "hero_image", "hero_renditions"
        )
        if touched:
            # Before the row lock: a new upload is stripped and stored here, the
            # renditions made after the save by whoever saved it
            # (articles/changes.py). A save refused as stale leaves its files
            # behind, unreferenced.
            self.hero_renditions, _due = images.prepare_for_save(
                self.hero_image, self.hero_renditions
            )
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "version",
                "updated_at",
                "body",
                "body_text",
                "reading_minutes",
            }
        with transaction.atomic():
            if not self._state.adding:
                self._check_and_bump_version()
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return paths.path("articles:detail", pk=self.pk, slug=self.slug or None)

    def derive_columns(self):
        """Set the columns made from others: the sanitised body, its plain text,
        the reading time and a slug from the English title.

        ``save()`` does this on every save; code that writes new rows with
        ``bulk_create`` (the importer), which bypasses ``save()``, calls it
        itself, so no path stores an unsanitised body or a stale plain text.
        Image renditions are not among them: they need the file, and the
        importer writes no image.
        """
        self.body = sanitize_html(self.body)
        self.body_text = html_to_text(self.body)
        self.reading_minutes = stored_reading_minutes(
            self.headline, self.dek, self.key_points, self.body_text
        )
        if not self.slug and self.title_en:
            self.slug = slugify(self.title_en)[:100].strip("-")

    def _check_and_bump_version(self):
        # Optimistic lock: refuse to overwrite a newer save. The row lock
        # (PostgreSQL) or IMMEDIATE transaction (SQLite) closes the gap
        # between this check and the write.
        current = (
            Article.objects.select_for_update(of=("self",))
            .filter(pk=self.pk)
            .values("version", "updated_by__username", "updated_at")
            .first()
        )
        if current is not None and current["version"] != self.version:
            raise StaleArticleError(
                version=current["version"],
                saved_by=current["updated_by__username"],
                saved_at=current["updated_at"],
            )
        self.version += 1

    @property
    def hero_picture(self) -> dict | None:
        return images.picture(
            self.hero_image, self.hero_renditions, sizes=images.HERO_SIZES
        )

    @property
    def is_live(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    @property
    def display_status(self) -> str:
        return _("Scheduled") if self.is_scheduled else self.get_status_display()

    @property
    def byline_authors(self) -> list[Author]:
        return [byline.author for byline in self.bylines.all()]

    @property
    def text_for_counting(self) -> str:
        return counted_text(self.headline, self.dek, self.key_points, self.body_text)

    @property
    def character_count(self) -> int:
        return count_characters(self.text_for_counting)


class ArticleAuthor(models.Model):
    """An author on an article's byline, in byline order."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(
        Author,
        on_delete=models.PROTECT,
        related_name="bylines",
        verbose_name=_("author"),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="byline_author_once"
            )
        ]

    def __str__(self):
        return str(self.author)


class Transition(models.Model):
    """One status change: who made it, when, and why."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(
        _("from"), max_length=12, choices=Article.Status.choices
    )
    to_status = models.CharField(_("to"), max_length=12, choices=Article.Status.choices)
    publish_at = models.DateTimeField(_("publish time"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.article_id}: {self.from_status} → {self.to_status}"


class Revision(models.Model):
    """A snapshot of an article's content as one save left it."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions"
    )
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        verbose_name=_("saved by"),
    )
    data = models.JSONField(_("content"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-version"]
        get_latest_by = "version"
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "version"], name="revision_version_once"
            )
        ]

    def __str__(self):
        return f"{self.article_id} v{self.version}"


class Correction(models.Model):
    """A dated note of what a published article got wrong and what is right.

    Corrections are appended, never edited or deleted: readers and the desk
    can always see what was said.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="corrections"
    )
    corrected_at = models.DateTimeField(_("date"), default=timezone.now)
    wrong = models.TextField(_("what was wrong"))
    right = models.TextField(_("what is right"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False
    )

    class Meta:
        ordering = ["corrected_at", "pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self):
        return f"{self.article_id}: {self.corrected_at:%Y-%m-%d}"


class PreviewLink(models.Model):
    """A signed, expiring, revocable link to an article as readers would see it."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="preview_links"
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    label = models.CharField(
        _("for whom"),
        max_length=100,
        blank=True,
        help_text=_("E.g. legal, or the source checking a quote."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")

    def __str__(self):
        return self.label or str(self.token)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class CompanyLinkRemoval(models.Model):
    """An editor took a company off an article; automatic linking leaves it off.

    Tickers in the copy link their companies on every save
    (articles/company_links.py); without this record a company an editor
    removed would come back on the next save. Adding the company back by hand
    deletes the record.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="company_link_removals"
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="article_link_removals",
    )
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    removed_at = models.DateTimeField(_("removed at"), default=timezone.now)

    class Meta:
        verbose_name = _("removed company link")
        verbose_name_plural = _("removed company links")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "company"], name="company_link_removal_uniq"
            )
        ]

    def __str__(self):
        return f"{self.article_id} − {self.company_id}"


class ImportRecord(models.Model):
    """Where an imported draft came from: the file, its raw text, what was dropped.

    The fingerprint (of the normalised text) is unique, so importing the same
    copy twice creates no second draft.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="import_record"
    )
    source_name = models.CharField(_("source file"), max_length=500)
    raw_text = models.TextField(_("raw text"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    dropped_lines = models.JSONField(_("dropped lines"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    unknown_tickers = models.JSONField(_("unknown tickers"), default=list, blank=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("imported copy")
        verbose_name_plural = _("imported copy")
        indexes = [models.Index(fields=["-imported_at"], name="import_recent_idx")]

    def __str__(self):
        return self.source_name


class SearchDocument(models.Model):
    """An article as the search index sees it: analysed terms, by weight class.

    Written only by articles/search (never by hand: on PostgreSQL the backend
    also writes tsvector columns that this model does not declare). On SQLite
    an FTS5 table reads these columns through triggers; both are made by
    migration 0005.
    """

    article = models.OneToOneField(
        Article,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
    )
    # Headline, English title, company names and tickers: ranked highest.
    title = models.TextField(_("title terms"), blank=True)
    # Dek, key points, tags and author names.
    meta = models.TextField(_("meta terms"), blank=True)
    body = models.TextField(_("body terms"), blank=True)
    updated_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return str(self.article_id)
