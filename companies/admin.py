"""Companies and their tickers in the admin."""

import json

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom import public_content
from newsroom.chinese import to_simplified, to_traditional
from newsroom.public_admin import PublicContentAdmin

from .merging import merge_companies
from .models import Company, Ticker
from .tickers import InvalidTicker, parse_ticker, ticker_candidates


class TickerInline(admin.TabularInline):
    model = Ticker
    extra = 1
    fields = ["exchange", "symbol"]


def _ticker_query(term: str) -> Q | None:
    """Tickers ``term`` can mean, in any spelling (``853.hk``, ``00853``,
    ``853 HK Equity``): the listing it names, or every listing a bare code can be."""
    query = None
    for candidate in ticker_candidates(term):
        found = Q(
            tickers__exchange=candidate.exchange, tickers__symbol=candidate.symbol
        )
        query = found if query is None else query | found
    return query


def _both_scripts(term: str) -> list[str]:
    """``term`` as typed and in the other script: 腾讯 finds 騰訊 and back."""
    spellings = [term]
    if not term.isascii():
        spellings += [
            to_traditional(term),
            to_simplified(term),
        ]
    return list(dict.fromkeys(spellings))


@admin.register(Company)
class CompanyAdmin(PublicContentAdmin):
    list_display = [
        "name",
        "name_en",
        "ticker_list",
        "coverage",
        "follower_count",
        "slug",
    ]
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
        "followers",
    ]
    readonly_fields = ["followers"]

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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        company = form.instance
        # A new company with no English name takes its address from the
        # ticker typed with it (saved only now, after the company).
        if not change and not form.cleaned_data.get("slug") and not company.name_en:
            if (ticker := company.tickers.order_by("pk").first()) is not None:
                company.slug = company._unique_slug(ticker)
                company.save(update_fields=["slug"])

    def get_queryset(self, request):
        # Coverage counts live articles only: a count that moved when an
        # editor saved a draft would tell a writer what is being written.
        # No import of articles/ (only the public company page has one): the
        # reverse relation's model gives the articles' own definition of live.
        articles = Company._meta.get_field("articles").related_model
        live = articles.objects.live().values("pk")
        return (
            super()
            .get_queryset(request)
            .prefetch_related("tickers")
            .annotate(
                coverage_count=Count(
                    "articles", filter=Q(articles__in=live), distinct=True
                ),
                # A subquery, not a second join: articles × followers rows
                # would be millions for a popular company.
                followers_count=Subquery(
                    Company.objects.filter(pk=OuterRef("pk"))
                    .annotate(n=Count("followers"))
                    .values("n")
                ),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        """Names as usual, plus aliases and tickers in any spelling."""
        term = search_term.strip()
        if not term:
            return queryset, False
        by_name = Q()
        extra = Q()
        for spelling in _both_scripts(term):
            found, _dupes = super().get_search_results(
                request, Company.objects.all(), spelling
            )
            by_name |= Q(pk__in=found.values("pk"))
            # aliases is a JSON list. PostgreSQL shows jsonb as text with the
            # characters themselves; SQLite stores JSON with \uXXXX escapes, so
            # look for both spellings of the term.
            extra |= Q(aliases__icontains=spelling)
            escaped = json.dumps(spelling)[1:-1]
            if escaped != spelling:
                extra |= Q(aliases__icontains=escaped)
        if (tickers := _ticker_query(term)) is not None:
            extra |= tickers
        matched = Company.objects.filter(extra).values("pk")
        # Subqueries keep the tickers join out of the list query: no duplicate
        # rows and no inflated coverage counts.
        return (
            queryset.filter(by_name | Q(pk__in=matched)),
            False,
        )

    @admin.display(description=_("tickers"))
    def ticker_list(self, obj):
        return " · ".join(str(t) for t in obj.tickers.all())

    @admin.display(description=_("coverage"), ordering="coverage_count")
    def coverage(self, obj):
        return obj.coverage_count

    @admin.display(description=_("followers"), ordering="followers_count")
    def follower_count(self, obj):
        return obj.followers_count

    @admin.display(description=_("followers"))
    def followers(self, obj):
        """How many subscribers follow it by email, linked to their list."""
        if obj is None or obj.pk is None:
            return "—"
        count = obj.followers.count()
        url = reverse("admin:newsletter_subscriber_changelist")
        return format_html(
            '<a href="{}?follows__company__id__exact={}">{}</a>',
            url,
            obj.pk,
            ngettext("%(n)d subscriber", "%(n)d subscribers", count) % {"n": count},
        )

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
class TickerAdmin(PublicContentAdmin):
    list_display = ["__str__", "company", "exchange"]
    list_filter = ["exchange"]
    search_fields = ["symbol", "company__name", "company__name_en"]
    autocomplete_fields = ["company"]

    def save_model(self, request, obj, form, change):
        if change and "company" in form.changed_data:
            # Before the save: the articles of the company it leaves.
            public_content.changed(obj)
        super().save_model(request, obj, form, change)
