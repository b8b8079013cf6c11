"""Public company pages and the ticker redirect."""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from newsroom import pagecache

from .models import Company, Ticker

PER_PAGE = 20
# Months shown in a company's coverage timeline, newest first.
TIMELINE_MONTHS = 24


@pagecache.cached()
def company_index(request):
    companies = Company.objects.prefetch_related("tickers").order_by("name_en", "name")
    return render(request, "companies/company_list.html", {"companies": companies})


@pagecache.cached("page")
def company_detail(request, slug):
    company = get_object_or_404(Company.objects.prefetch_related("tickers"), slug=slug)
    # companies/ never imports articles/: the reverse relation's manager is the
    # article queryset, so live() is the articles' own definition.
    coverage = (
        company.articles.live()
        .with_bylines()
        .prefetch_related(
            Prefetch("companies__tickers", queryset=Ticker.objects.all()), "tags"
        )
    )
    page = Paginator(coverage, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "companies/company_detail.html",
        {"company": company, "page": page, "timeline": coverage_timeline(company)},
    )


def coverage_timeline(company):
    """Live articles per month (Hong Kong months), newest first, in one query."""
    rows = list(
        company.articles.live()
        .annotate(month=TruncMonth("publish_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("-month")[:TIMELINE_MONTHS]
    )
    most = max((row["count"] for row in rows), default=0)
    return [{**row, "most": most} for row in rows]


@pagecache.cached()
def ticker_redirect(request, ticker):
    """/tickers/853.hk/ → the page of the company listed as 0853.HK."""
    found = Ticker.objects.select_related("company").lookup(ticker)
    if found is None:
        raise Http404
    return redirect(found.company, permanent=True)
