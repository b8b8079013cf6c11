"""Companies and their tickers in the admin."""

import json

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .merging import merge_companies
from .models import Company, Ticker
from .tickers import Exchange, InvalidTicker, normalise_symbol, parse_ticker


class TickerInline(admin.TabularInline):
    model = Ticker
    extra = 1
    fields = ["exchange", "symbol"]


def _ticker_query(term: str) -> Q | None:
    """Tickers ``term`` can mean: ``853.hk`` exactly, or a bare ``0853`` anywhere."""
    try:
        parsed = parse_ticker(term)
    except InvalidTicker:
        pass
    else:
        return Q(tickers__exchange=parsed.exchange, tickers__symbol=parsed.symbol)
    query = None
    for exchange in Exchange.values:
        try:
            symbol = normalise_symbol(exchange, term)
        except InvalidTicker:
            continue
        found = Q(tickers__exchange=exchange, tickers__symbol=symbol)
        query = found if query is None else query | found
    return query


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "ticker_list", "coverage", "slug"]
    search_fields = ["name", "name_en", "name_hans", "slug", "tickers__symbol"]
    inlines = [TickerInline]
    actions = ["merge_selected"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [
        "name",
        "name_en",
        "name_hans",
        "aliases",
        "slug",
        "website",
        "description",
    ]

    def get_changeform_initial_data(self, request):
        """``?name=`` as usual, and ``?ticker=6638.HK`` for the first ticker row.

        The article form's "create company" link for an unknown ticker uses both.
        """
        initial = super().get_changeform_initial_data(request)
        initial.pop("ticker", None)
        return initial

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        ticker = request.GET.get("ticker", "")
        if isinstance(inline, TickerInline) and request.method == "GET" and ticker:
            try:
                parsed = parse_ticker(ticker)
            except InvalidTicker:
                messages.warning(
                    request,
                    _("%(ticker)s is not a ticker we can read.") % {"ticker": ticker},
                )
            else:
                kwargs["initial"] = [
                    {"exchange": parsed.exchange, "symbol": parsed.symbol}
                ]
        return kwargs

    def get_queryset(self, request):
        # Coverage counts live articles only: a count that moved when an
        # editor saved a draft would tell a writer what is being written.
        # companies/ never imports articles/: the reverse relation's model
        # gives the articles' own definition of live.
        articles = Company._meta.get_field("articles").related_model
        live = articles.objects.live().values("pk")
        return (
            super()
            .get_queryset(request)
            .prefetch_related("tickers")
            .annotate(
                coverage_count=Count(
                    "articles", filter=Q(articles__in=live), distinct=True
                )
            )
        )

    def get_search_results(self, request, queryset, search_term):
        """Names as usual, plus aliases and tickers in any spelling."""
        term = search_term.strip()
        if not term:
            return queryset, False
        by_name, _dupes = super().get_search_results(
            request, Company.objects.all(), search_term
        )
        # aliases is a JSON list. PostgreSQL shows jsonb as text with the
        # characters themselves; SQLite stores JSON with \uXXXX escapes, so
        # look for both spellings of the term.
        extra = Q(aliases__icontains=term)
        escaped = json.dumps(term)[1:-1]
        if escaped != term:
            extra |= Q(aliases__icontains=escaped)
        if (tickers := _ticker_query(term)) is not None:
            extra |= tickers
        matched = Company.objects.filter(extra).values("pk")
        # Subqueries keep the tickers join out of the list query: no duplicate
        # rows and no inflated coverage counts.
        return (
            queryset.filter(Q(pk__in=by_name.values("pk")) | Q(pk__in=matched)),
            False,
        )

    @admin.display(description=_("tickers"))
    def ticker_list(self, obj):
        return " · ".join(str(t) for t in obj.tickers.all())

    @admin.display(description=_("coverage"), ordering="coverage_count")
    def coverage(self, obj):
        return obj.coverage_count

    # Merging deletes the duplicates, yet Editors hold change_company and not
    # delete_company: the merge keeps every ticker and link, so change is asked.
    @admin.action(
        description=_("Merge selected companies into…"), permissions=["change"]
    )
    def merge_selected(self, request, queryset):
        companies = list(queryset.order_by("name", "pk"))
        if len(companies) < 2:
            self.message_user(
                request, _("Select at least two companies to merge."), messages.ERROR
            )
            return None
        keep_id = request.POST.get("keep")
        if request.POST.get("post") == "yes" and keep_id:
            keep = next((c for c in companies if str(c.pk) == keep_id), None)
            if keep is None:
                self.message_user(
                    request,
                    _("Choose one of the selected companies to keep."),
                    messages.ERROR,
                )
                return None
            others = [c for c in companies if c.pk != keep.pk]
            names = ", ".join(o.name for o in others)
            merge_companies(keep, others, by=request.user)
            self.log_change(request, keep, f"Merged {names} into this company.")
            self.message_user(
                request,
                ngettext(
                    "Merged %(names)s into %(keep)s.",
                    "Merged %(names)s into %(keep)s.",
                    len(others),
                )
                % {"names": names, "keep": keep.name},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge companies"),
            "opts": self.model._meta,
            "companies": companies,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "action": "merge_selected",
        }
        return TemplateResponse(request, "admin/companies/merge.html", context)


@admin.register(Ticker)
class TickerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "company", "exchange"]
    list_filter = ["exchange"]
    search_fields = ["symbol", "company__name", "company__name_en"]
    autocomplete_fields = ["company"]
