"""Public company pages."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .models import Company


def company_detail(request, slug):
    company = get_object_or_404(Company.objects.prefetch_related("tickers"), slug=slug)
    coverage = company.articles.live()
    page = Paginator(coverage, 20).get_page(request.GET.get("page"))
    return render(
        request, "companies/company_detail.html", {"company": company, "page": page}
    )
