"""Public company pages and the ticker redirect."""

from datetime import date, datetime, time

from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from newsroom import charts, pagecache, paths

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
    # companies/ never imports articles/: the reverse relation's manager is the
    # article queryset, so live() is the articles' own definition.
    coverage = company.articles.live().cards()
    page = Paginator(coverage, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "companies/company_detail.html",
        {
            "company": company,
            "page": page,
            "timeline": _timeline_figure(company),
            "feeds": paths.feeds("company", company.slug),
        },
    )


def _company_with_listings(slug) -> Company:
    """The company at ``slug`` with its tickers (``listings``), in one read
    (raw(): no ORM query built for either); 404 when there is none."""
    found = list(
        Company.objects.raw(
            "SELECT c.*, t.symbol AS listed_symbol, t.exchange AS listed_exchange"
            " FROM companies_company c"
            " LEFT JOIN companies_ticker t ON t.company_id = c.id"
            " WHERE c.slug = %s ORDER BY t.exchange, t.symbol",  # Ticker's order
            [slug],
        )
    )
    if not found:
        raise Http404
    company = found[0]
    company.listings = tuple(
        Ticker(company=company, symbol=row.listed_symbol, exchange=row.listed_exchange)
        for row in found
        if row.listed_symbol is not None
    )
    return company


def _timeline_figure(company):
    chart = coverage_timeline(company)
    return charts.figure(chart, column_heading=_("Month")) if chart else None


def coverage_timeline(company, *, now=None) -> charts.Chart | None:
    """Live articles per Hong Kong month, oldest first, months without any
    shown as empty: from the first month with coverage (at most
    TIMELINE_MONTHS back) to this month. One query."""
    tz = timezone.get_default_timezone()
    this_month = timezone.localdate(now or timezone.now(), tz).replace(day=1)
    first = _add_months(this_month, 1 - TIMELINE_MONTHS)
    rows = (
        company.articles.live()
        .filter(publish_at__gte=datetime.combine(first, time.min, tzinfo=tz))
        .annotate(month=TruncMonth("publish_at", tzinfo=tz))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {timezone.localtime(row["month"], tz).date(): row["count"] for row in rows}
    if not counts:
        return None
    months, month = [], min(counts)
    while month <= this_month:
        months.append(month)
        month = _add_months(month, 1)
    values = [counts.get(m, 0) for m in months]
    return charts.Chart(
        id="chart-coverage",
        title=_("Articles about %(company)s per month") % {"company": company.name},
        description=_(
            "%(total)s articles in %(months)s months, %(empty)s of them without any."
        )
        % {
            "total": sum(values),
            "months": len(months),
            "empty": values.count(0),
        },
        columns=[f"{m.year}年{m.month}月" for m in months],
        series=[charts.Series("articles", _("Articles"))],
        values={"articles": values},
        label_every=max(1, len(months) // 6),
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
