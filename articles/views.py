"""Public pages of articles. Every query starts from ``Article.objects.live()``."""

import calendar
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from taggit.models import TaggedItem

from companies.models import Ticker
from newsroom import pagecache

from . import caching, preview, seo, tagging
from .filters import ArticleFilter
from .models import Article, Author, Correction
from .rendering import body_with_company_links

PER_PAGE = 20
RELATED_LIMIT = 4
RELATED_CANDIDATES = 100
# Edits within this long of publication are part of publishing, not an update.
UPDATE_GRACE = timedelta(minutes=5)


def for_lists(queryset):
    """Everything an article card shows (byline, companies and their tickers),
    in a fixed number of queries; not the body, which a card never shows and
    which is most of a row's bytes."""
    return (
        queryset.with_bylines()
        .prefetch_related(Prefetch("companies__tickers", queryset=Ticker.objects.all()))
        .defer("body", "body_text")
    )


class ArticlePaginator(Paginator):
    """Pages of an article list that cost about the same deep as near the top.

    A page is read in two steps: the primary keys of its rows, by OFFSET over
    the list's order (an index-only scan of article_kind_publish_idx or
    article_status_publish_idx: no table row is read for the rows skipped),
    then the page's own rows by key, with everything their cards show.
    Page 2,000 costs a longer index walk, not 40,000 rows fetched and dropped.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset = self.object_list
        keys = list(
            queryset.prefetch_related(None).values_list("pk", flat=True)[bottom:top]
        )
        # The same queryset, so the cards' prefetches come along.
        by_key = {row.pk: row for row in queryset.filter(pk__in=keys)}
        return self._get_page([by_key[k] for k in keys if k in by_key], number, self)


def paginate(request, queryset):
    """A page of ``queryset``; ?page=abc gives the first, ?page=999999 the last."""
    return ArticlePaginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def for_article_page(queryset):
    # The whole row (the page shows the body), its tags and corrections.
    return for_lists(queryset).defer(None).prefetch_related("tags", "corrections")


def article_parts(request, article, *, preview=False) -> dict:
    """The article page's own parts: its head (SEO, JSON-LD) and content
    (header, body, corrections, tags, previous/next, related articles).

    ``article`` comes from ``for_article_page()``, so its companies, tickers,
    tags, bylines and corrections are already fetched.
    """
    companies = list(article.companies.all())
    tags = list(article.tags.all())
    corrections = list(article.corrections.all())
    context = {
        "article": article,
        "authors": article.byline_authors,
        "companies": companies,
        "body": body_with_company_links(article, companies),
        "tags": tags,
        "corrections": corrections,
        "updated_at": _updated_at(article, corrections),
        "related": related_articles(article, companies, tags),
        "previous_article": _neighbour(article, newer=False),
        "next_article": _neighbour(article, newer=True),
        "is_preview": preview,
    }
    if not preview:
        # The article, its neighbours, related articles, companies, tags and
        # authors are recorded as they load; what else the parts show: the
        # company links in the body (every company's names), the
        # previous/next links, and the lists related articles come from.
        caching.depends_on("companies", caching.neighbours_of(article.pk))
        caching.watch(caching.kind_list(article.kind))
        caching.lists(
            *(caching.company_list(c.pk) for c in companies),
            *(caching.tag_list(t.pk) for t in tags),
        )
    return {
        "pk": article.pk,
        "slug": article.slug,
        "url": article.get_absolute_url(),
        "headline": article.headline,
        "head": render_to_string("articles/article_head.html", context, request),
        "content": render_to_string("articles/article_content.html", context, request),
    }


def render_article(request, parts, *, preview=False):
    """The article page as readers see it; ``preview`` marks it and keeps it private."""
    response = render(request, "articles/article_detail.html", {"parts": parts})
    if preview:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def preview_response(request, article):
    """A preview of any article, in any state (token links and the admin)."""
    article = for_article_page(Article.objects.all()).get(pk=article.pk)
    return render_article(
        request, article_parts(request, article, preview=True), preview=True
    )


def _live_article_parts(request, pk):
    article = for_article_page(Article.objects.live()).filter(pk=pk).first()
    return None if article is None else article_parts(request, article)


def _updated_at(article, corrections):
    """When the article last changed meaningfully after publication, or None."""
    if article.publish_at is None:
        return None
    # The same rule as the feeds, sitemaps and JSON-LD use (seo.modified_at).
    latest = seo.modified_at(article, corrections)
    return latest if latest > article.publish_at + UPDATE_GRACE else None


def related_articles(article, companies, tags):
    """Up to four live articles sharing the most companies, then the most tags,
    newest first.

    Candidates are the RELATED_CANDIDATES newest live articles sharing a
    company, then (if they give fewer than four) as many sharing a tag, so
    the cost stays flat when a tag (港股, 業績) is on half the archive:
    related stories are recent ones. One query, two for an article whose
    companies have little other coverage.
    """
    company_ids = [c.pk for c in companies]
    tag_ids = [t.pk for t in tags]
    live = Article.objects.live().exclude(pk=article.pk).order_by("-publish_at", "-pk")
    shared = {
        "shared_companies": _links_shared(
            Article.companies.through.objects.filter(company_id__in=company_ids)
        ),
        "shared_tags": _links_shared(
            TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(Article),
                tag_id__in=tag_ids,
            ),
            column="object_id",
        ),
    }
    related = []
    for field, ids in (("companies", company_ids), ("tags__id", tag_ids)):
        if not ids or len(related) == RELATED_LIMIT:
            continue
        # A company match outranks any tag-only match: tags fill up only.
        candidates = (
            live.filter(**{f"{field}__in": ids})
            .exclude(pk__in=[r.pk for r in related])
            .values("pk")[:RELATED_CANDIDATES]
        )
        related += (
            Article.objects.filter(pk__in=candidates)
            .annotate(**shared)
            .order_by("-shared_companies", "-shared_tags", "-publish_at", "-pk")
            .only("pk", "slug", "headline", "dek", "kind", "publish_at")[
                : RELATED_LIMIT - len(related)
            ]
        )
    return related


def _links_shared(links, *, column="article_id"):
    """How many of ``links`` (rows of a link table) point at the outer article."""
    counted = (
        links.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def _neighbour(article, *, newer):
    """The previous or next live article of the same kind, by publish time.

    Written as a range on publish time (not "earlier, or as early with a
    smaller key"), so it is one step along article_kind_publish_idx.
    """
    if article.publish_at is None:
        return None
    at, pk = article.publish_at, article.pk
    siblings = Article.objects.live().filter(kind=article.kind)
    if newer:
        siblings = (
            siblings.filter(publish_at__gte=at)
            .exclude(publish_at=at, pk__lte=pk)
            .order_by("publish_at", "pk")
        )
    else:
        siblings = (
            siblings.filter(publish_at__lte=at)
            .exclude(publish_at=at, pk__gte=pk)
            .order_by("-publish_at", "-pk")
        )
    return siblings.only("pk", "slug", "headline", "kind", "publish_at").first()


# The home page's "most covered this week" drifts as articles age out of the
# week; kept at most this long.
HOME_DRIFT = timedelta(hours=1)


def home(request):
    live = Article.objects.live()
    now = timezone.now()
    week_ago = now - timedelta(days=7)
    caching.lists(caching.LIVE)
    caching.depends_on("companies")
    pagecache.expires_at(now + HOME_DRIFT)
    most_covered = (
        live.filter(publish_at__gte=week_ago, companies__isnull=False)
        .values("companies__slug", "companies__name")
        .annotate(count=Count("pk", distinct=True))
        .order_by("-count", "companies__name")[:8]
    )
    return render(
        request,
        "articles/home.html",
        {
            "lead_features": list(for_lists(live.features())[:3]),
            "briefs": list(for_lists(live.briefs())[:PER_PAGE]),
            "most_covered": list(most_covered),
        },
    )


def _filtered_list(request, *, queryset, list_name, fixed_kind, template, extra=None):
    filterset = ArticleFilter(request.GET, queryset=queryset, fixed_kind=fixed_kind)
    # Filtered by company, tag or author: any live article may join. The
    # filter form lists companies and authors by name.
    caching.lists(caching.LIVE if filterset.is_active else list_name)
    caching.depends_on("companies", "authors", "tags")
    page = paginate(request, for_lists(filterset.qs))
    context = {
        "filter": filterset,
        "page": page,
        "messages_for_filter": filterset.unknown_messages(),
        **(extra or {}),
    }
    return render(request, template, context)


def article_list(request):
    return _filtered_list(
        request,
        queryset=Article.objects.live(),
        list_name=caching.LIVE,
        fixed_kind=False,
        template="articles/article_list.html",
        extra={"list_title": _("All articles")},
    )


def brief_list(request):
    return _filtered_list(
        request,
        queryset=Article.objects.live().briefs(),
        list_name=caching.kind_list(Article.Kind.BRIEF),
        fixed_kind=True,
        template="articles/article_list.html",
        extra={"list_title": _("Briefs")},
    )


def feature_list(request):
    return _filtered_list(
        request,
        queryset=Article.objects.live().features(),
        list_name=caching.kind_list(Article.Kind.FEATURE),
        fixed_kind=True,
        template="articles/article_list.html",
        extra={"list_title": _("Features")},
    )


def article_detail(request, pk, slug=None):
    # The parts are kept as a fragment (newsroom/pagecache.py) per edition
    # and host (absolute URLs), until the article or anything they show
    # changes: a page-cache miss costs the page around them only.
    parts = pagecache.fragment(
        f"article:{pk}:{get_language()}:{request.scheme}://{request.get_host()}",
        lambda: _live_article_parts(request, pk),
    )
    if parts is None:
        raise Http404
    caching.depends_on(f"a:{pk}")  # also for the redirect
    if (slug or "") != parts["slug"]:
        return redirect(parts["url"], permanent=True)
    return render_article(request, parts)


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    caching.lists(caching.author_list(author.pk))
    articles = Article.objects.live().filter(bylines__author=author)
    page = paginate(request, for_lists(articles))
    return render(
        request, "articles/author_detail.html", {"author": author, "page": page}
    )


def tag_detail(request, slug):
    # A tag only unpublished copy carries is as unknown as one never made.
    tag = get_object_or_404(tagging.live_tags(), slug=slug)
    caching.lists(caching.tag_list(tag.pk))
    articles = Article.objects.live().filter(tags__slug=tag.slug)
    page = paginate(request, for_lists(articles))
    return render(request, "articles/tag_detail.html", {"tag": tag, "page": page})


def archive_index(request):
    caching.lists(caching.LIVE)
    months = (
        Article.objects.live()
        .annotate(month=TruncMonth("publish_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("-month")
    )
    return render(request, "articles/archive_index.html", {"months": list(months)})


def archive_month(request, year, month):
    if not (1 <= month <= 12 and 1900 <= year <= 9999):
        raise Http404
    caching.lists(caching.LIVE)
    articles = Article.objects.live().filter(
        publish_at__year=year, publish_at__month=month
    )
    page = paginate(request, for_lists(articles))
    first_day = date(year, month, 1)
    last_day = date(year, month, calendar.monthrange(year, month)[1])
    return render(
        request,
        "articles/archive_month.html",
        {"month": first_day, "last_day": last_day, "page": page},
    )


def correction_list(request):
    caching.lists(caching.CORRECTIONS)
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
