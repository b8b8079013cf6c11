"""Public company pages and the ticker redirect."""

from datetime import date

from django.core.paginator import Paginator
from django.db import connections, router
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import rows
from newsroom import charts, pagecache, paths, sql

from .models import Company, Ticker

PER_PAGE = 20
# Months a company's coverage chart reaches back at most.
TIMELINE_MONTHS = 24


@pagecache.cached()
def company_index(request):
    companies = Company.objects.prefetch_related("tickers").order_by("name_en", "name")
    return render(request, "companies/company_list.html", {"companies": companies})


@pagecache.cached("page")
def company_detail(request, slug):
    company = _company_with_listings(slug)
    months = monthly_coverage(company)
    # The reverse relation's manager is the article queryset: live() is the
    # articles' own definition.
    paginator = Paginator(company.articles.live().cards(), PER_PAGE)
    # The months add up to the list's length: no count query of its own.
    paginator.count = sum(months.values())
    chart = coverage_timeline(company, months=months)
    timeline = charts.figure(chart, column_heading=_("Month")) if chart else None
    return render(
        request,
        "companies/company_detail.html",
        {
            "company": company,
            "page": paginator.get_page(request.GET.get("page")),
            "timeline": timeline,
            "feeds": paths.feeds("company", company.slug),
        },
    )


def _company_with_listings(slug) -> Company:
    """The company at ``slug`` with its tickers (``listings``), in one
    prepared read (newsroom/sql.py: no ORM query built); 404 when there is
    none."""
    connection = connections[router.db_for_read(Company)]
    statement = (
        f"SELECT {sql.columns(Company, connection.alias, 'c')}, t.symbol, t.exchange"
        " FROM companies_company c LEFT JOIN companies_ticker t ON t.company_id = c.id"
        " WHERE c.slug = %s ORDER BY t.exchange, t.symbol"  # Ticker's order
    )
    found = sql.fetch(connection, statement, [slug], prepared=True)
    if not found:
        raise Http404
    company = sql.instance(Company, connection, found[0][:-2])
    company.listings = tuple(
        Ticker(company=company, symbol=symbol, exchange=exchange)
        for *_company, symbol, exchange in found
        if symbol is not None
    )
    return company


# monthly_coverage on PostgreSQL: what the ORM query below reads, in plain SQL.
MONTHS = (
    "SELECT date_trunc('month', a.publish_at AT TIME ZONE %s)::date, COUNT(*)"
    " FROM articles_article_companies l"
    " JOIN articles_article a ON a.id = l.article_id"
    f" WHERE l.company_id = %s AND {rows.LIVE} GROUP BY 1"
)


def monthly_coverage(company) -> dict[date, int]:
    """The company's live articles per Hong Kong month, for every month that
    has any. One query, which also gives the page its number of articles.

    On PostgreSQL in plain SQL (MONTHS): building and compiling the ORM's
    query cost 0.38 ms of CPU a company page, more than running it. Not
    prepared: its generic plan hashes every live article instead of
    starting from the company's few links (2.6 ms against 0.3). SQLite runs
    the ORM's query, whose month arithmetic is Django's."""
    tz = timezone.get_default_timezone()
    connection = connections[router.db_for_read(Company)]
    if connection.vendor == "postgresql":
        params = [tz.key, company.pk, *rows.live_params()]
        return dict(sql.fetch(connection, MONTHS, params))
    found = (
        company.articles.live()
        .annotate(month=TruncMonth("publish_at", tzinfo=tz))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {timezone.localtime(row["month"], tz).date(): row["count"] for row in found}


def coverage_timeline(company, *, months=None, now=None) -> charts.Chart | None:
    """Live articles per Hong Kong month, oldest first, months without any
    shown as empty: from the first month with coverage (at most
    TIMELINE_MONTHS back) to this month. ``months``: monthly_coverage's,
    read here when not given."""
    tz = timezone.get_default_timezone()
    this_month = timezone.localdate(now or timezone.now(), tz).replace(day=1)
    first = _add_months(this_month, 1 - TIMELINE_MONTHS)
    if months is None:
        months = monthly_coverage(company)
    counts = {month: n for month, n in months.items() if first <= month <= this_month}
    if not counts:
        return None
    shown, month = [], min(counts)
    while month <= this_month:
        shown.append(month)
        month = _add_months(month, 1)
    values = [counts.get(m, 0) for m in shown]
    return charts.Chart(
        id="chart-coverage",
        title=_("Articles about %(company)s per month") % {"company": company.name},
        description=_(
            "%(total)s articles in %(months)s months, %(empty)s of them without any."
        )
        % {
            "total": sum(values),
            "months": len(shown),
            "empty": values.count(0),
        },
        columns=[f"{m.year}年{m.month}月" for m in shown],
        series=[charts.Series("articles", _("Articles"))],
        values={"articles": values},
        label_every=max(1, len(shown) // 6),
    )


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


@pagecache.cached()
def ticker_redirect(request, ticker):
    """/tickers/853.hk/ → the page of the company listed as 0853.HK."""
    found = Ticker.objects.select_related("company").lookup(ticker)
    if found is None:
        raise Http404
    return redirect(found.company, permanent=True)
