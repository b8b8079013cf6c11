"""Public pages of articles. Every query starts from ``Article.objects.live()``."""

import calendar
from datetime import date, timedelta

from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from taggit.models import Tag

from companies.models import Company, Ticker
from newsroom import pagecache, paths

from .. import preview, rows, tagging
from ..models import Article, Author, Correction, LinkedArticle, attach_cards
from . import seo
from .filters import ArticleFilter
from .rendering import body_with_company_links

PER_PAGE = 20
# Pages whose first row is nearer the top than this are read in one query.
DIRECT_ROWS = 5 * PER_PAGE
# The query parameters the article lists understand (the page cache keeps
# pages by these only).
LIST_PARAMS = ("page", *ArticleFilter.base_filters)
RELATED_LIMIT = 4
RELATED_CANDIDATES = 100
# Edits within this long of publication are part of publishing, not an update.
UPDATE_GRACE = timedelta(minutes=5)


class ArticlePaginator(Paginator):
    """Pages of an article list that cost about the same deep as near the top.

    A page is read in two steps: the primary keys of its rows, by OFFSET over
    the list's order (an index-only scan of article_kind_publish_idx or
    article_status_publish_idx: no table row is read for the rows skipped),
    then the page's own rows by key, with everything their cards show.
    Page 2,000 costs a longer index walk, not 40,000 rows fetched and dropped.
    The first pages, where few rows are skipped, are read in one query: the
    rows skipped cost less than a second query.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset = self.object_list
        if bottom < DIRECT_ROWS:
            return self._get_page(list(queryset[bottom:top]), number, self)
        keys = list(
            queryset.prefetch_related(None).values_list("pk", flat=True)[bottom:top]
        )
        # The same queryset, so the cards' prefetches come along.
        by_key = {row.pk: row for row in queryset.filter(pk__in=keys)}
        return self._get_page([by_key[k] for k in keys if k in by_key], number, self)


def paginate(request, queryset):
    """A page of ``queryset``; ?page=abc gives the first, ?page=999999 the last."""
    return ArticlePaginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def page_parts(article, found=None) -> dict:
    """What the article page shows around the article's own row: byline,
    companies with their tickers, tags and corrections.

    ``found``: what rows.article_parts (or live_article_with_parts) gives
    for the article, if read already; else it is read. Made into model
    instances holding only what the page reads.
    """
    found = found or rows.article_parts(article.pk)
    tags = [Tag(pk=pk, name=name, slug=slug) for pk, name, slug in found["tags"]]
    for tag in tags:
        tag.path = paths.path("articles:tag", slug=tag.slug) if tag.slug else ""
    authors = [
        Author(pk=pk, name=name, slug=slug)
        for _article, pk, name, slug in found["bylines"]
    ]
    companies = {}
    links = found["company_links"]
    for _article, pk, name, name_en, slug, updated_at, symbol, exchange in links:
        company = companies.get(pk)
        if company is None:
            company = companies[pk] = Company(
                pk=pk, name=name, name_en=name_en, slug=slug, updated_at=updated_at
            )
            company.listings = ()
        if symbol is not None:  # a company with no ticker has one row of NULLs
            listing = Ticker(company_id=pk, symbol=symbol, exchange=exchange)
            company.listings += (listing,)
    return {
        "authors": authors,
        "companies": list(companies.values()),
        "tags": tags,
        "corrections": [Correction(**row) for row in found["corrections"]],
    }


def article_context(article, *, found=None, preview=False) -> dict:
    """What the article page shows: header, body, corrections, tags,
    previous/next and related articles (``found``: what
    rows.live_article_with_parts read beside the article, if it did)."""
    parts = page_parts(article, found)
    companies, tags = parts["companies"], parts["tags"]
    found = found or {}
    version = found.get("companies_version")
    return {
        "article": article,
        **parts,
        "body": body_with_company_links(article, companies, version),
        "updated_at": _updated_at(article, parts["corrections"]),
        "related": related_articles(article, companies, tags, found.get("related")),
        **_neighbours(article, found.get("neighbours")),
        "is_preview": preview,
    }


def render_article(request, article, *, found=None, preview=False):
    """The article page as readers see it; ``preview`` marks it and keeps it
    private (``found``: as page_parts)."""
    response = render(
        request,
        "articles/article_detail.html",
        article_context(article, found=found, preview=preview),
    )
    if preview:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def preview_response(request, article):
    """A preview of any article, in any state (token links and the admin)."""
    article = Article.objects.get(pk=article.pk)
    return render_article(request, article, preview=True)


def _updated_at(article, corrections):
    """When the article last changed meaningfully after publication, or None."""
    if article.publish_at is None:
        return None
    # The same rule as the feeds, sitemaps and JSON-LD use (seo.modified_at).
    latest = seo.modified_at(article, corrections)
    return latest if latest > article.publish_at + UPDATE_GRACE else None


def related_articles(article, companies, tags, by_company=None) -> list[LinkedArticle]:
    """Up to four live articles sharing the most companies, then the most tags,
    newest first.

    Candidates are the RELATED_CANDIDATES newest live articles linked to one
    of the article's companies, then (if they give fewer than four) to one
    of its tags: related stories are recent ones. Each step is one read
    (rows.related); ``by_company``: the company step's links, if read
    already (rows.live_article_with_parts). The company step reads every
    link of the companies; the tag step walks the articles newest first and
    stops at the candidates, so a tag on half the archive (港股) costs no
    more than a rare one (bench/related.py).
    """
    ids = {"company_ids": [c.pk for c in companies], "tag_ids": [t.pk for t in tags]}

    def step(by, found):
        return rows.related(
            by=by,
            **ids,
            exclude=[article.pk, *(link["pk"] for link in found)],
            candidates=RELATED_CANDIDATES,
            limit=RELATED_LIMIT - len(found),
        )

    related = step("company_ids", []) if by_company is None else list(by_company)
    if len(related) < RELATED_LIMIT:
        related += step("tag_ids", related)
    return [LinkedArticle(**link) for link in related]


def _neighbours(article, found=None) -> dict:
    """The previous and next live articles of the same kind, by publish time
    (``found``: rows.neighbours(article), if read already)."""
    if article.publish_at is None:
        return {"previous_article": None, "next_article": None}
    older, newer = found or rows.neighbours(article)
    return {
        "previous_article": LinkedArticle(**older) if older else None,
        "next_article": LinkedArticle(**newer) if newer else None,
    }


# The home page's "most covered this week" drifts as articles age out of the
# week; kept at most this long.
HOME_DRIFT = timedelta(hours=1)


@pagecache.cached(seconds=int(HOME_DRIFT.total_seconds()))
def home(request):
    newest = rows.newest({Article.Kind.FEATURE: 3, Article.Kind.BRIEF: PER_PAGE})
    lead_features = [LinkedArticle(**link) for link in newest[Article.Kind.FEATURE]]
    briefs = [LinkedArticle(**link) for link in newest[Article.Kind.BRIEF]]
    attach_cards(lead_features + briefs)  # one read of both lists' cards
    week_ago = timezone.now() - timedelta(days=7)
    return render(
        request,
        "articles/home.html",
        {
            "lead_features": lead_features,
            "briefs": briefs,
            "most_covered": [
                {**row, "path": Company.url_for(row["slug"])}
                for row in rows.most_covered(week_ago, 8)
            ],
        },
    )


def _filtered_list(request, *, queryset, fixed_kind, template, extra=None):
    filterset = ArticleFilter(request.GET, queryset=queryset, fixed_kind=fixed_kind)
    page = paginate(request, filterset.qs.cards())
    context = {
        "filter": filterset,
        "page": page,
        "messages_for_filter": filterset.unknown_messages(),
        **(extra or {}),
    }
    return render(request, template, context)


@pagecache.cached(*LIST_PARAMS)
def article_list(request):
    return _filtered_list(
        request,
        queryset=Article.objects.live(),
        fixed_kind=False,
        template="articles/article_list.html",
        extra={"list_title": _("All articles")},
    )


@pagecache.cached(*LIST_PARAMS)
def brief_list(request):
    return _filtered_list(
        request,
        queryset=Article.objects.live().briefs(),
        fixed_kind=True,
        template="articles/article_list.html",
        extra={"list_title": _("Briefs")},
    )


@pagecache.cached(*LIST_PARAMS)
def feature_list(request):
    return _filtered_list(
        request,
        queryset=Article.objects.live().features(),
        fixed_kind=True,
        template="articles/article_list.html",
        extra={"list_title": _("Features")},
    )


@pagecache.cached()
def article_detail(request, pk, slug=None):
    found = rows.live_article_with_parts(
        pk, related_candidates=RELATED_CANDIDATES, related_limit=RELATED_LIMIT
    )
    if found is None:
        raise Http404
    article, parts = found
    if (slug or "") != article.slug:
        return redirect(article.get_absolute_url(), permanent=True)
    return render_article(request, article, found=parts)


@pagecache.cached()
def author_index(request):
    """Everyone with a live byline, A to Z, with how many articles each."""
    authors = (
        Author.objects.filter(bylines__article__in=Article.objects.live())
        .annotate(count=Count("bylines", distinct=True))
        .order_by("name", "pk")
    )
    return render(request, "articles/author_index.html", {"authors": authors})


@pagecache.cached()
def tag_index(request):
    """Every tag a live article carries, most used first."""
    tags = tagging.live_tags().exclude(slug="").order_by("-n", "name")
    return render(request, "articles/tag_index.html", {"tags": tags})


@pagecache.cached("page")
def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = Article.objects.live().filter(bylines__author=author)
    page = paginate(request, articles.cards())
    return render(
        request,
        "articles/author_detail.html",
        {"author": author, "page": page, "feeds": paths.feeds("author", author.slug)},
    )


@pagecache.cached("page")
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    page = paginate(request, Article.objects.live().filter(tags=tag).cards())
    if not page.paginator.count:
        # A tag only unpublished copy carries is as unknown as one never made.
        raise Http404
    return render(
        request,
        "articles/tag_detail.html",
        {"tag": tag, "page": page, "feeds": paths.feeds("tag", tag.slug)},
    )


@pagecache.cached()
def archive_index(request):
    months = (
        Article.objects.live()
        .annotate(month=TruncMonth("publish_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("-month")
    )
    return render(request, "articles/archive_index.html", {"months": list(months)})


@pagecache.cached("page")
def archive_month(request, year, month):
    if not (1 <= month <= 12 and 1900 <= year <= 9999):
        raise Http404
    articles = Article.objects.live().filter(
        publish_at__year=year, publish_at__month=month
    )
    page = paginate(request, articles.cards())
    first_day = date(year, month, 1)
    last_day = date(year, month, calendar.monthrange(year, month)[1])
    return render(
        request,
        "articles/archive_month.html",
        {"month": first_day, "last_day": last_day, "page": page},
    )


@pagecache.cached("page")
def correction_list(request):
    corrections = (
        Correction.objects.filter(article__in=Article.objects.live())
        .select_related("article")
        .order_by("-corrected_at", "-pk")
    )
    page = paginate(request, corrections)
    return render(request, "articles/correction_list.html", {"page": page})


def preview_by_token(request, token):
    article = preview.article_for_token(token)
    if article is None:
        raise Http404
    return preview_response(request, article)
