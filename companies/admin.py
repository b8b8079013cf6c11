"""Companies and their tickers in the admin."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Company, Ticker


class TickerInline(admin.TabularInline):
    model = Ticker
    extra = 1
    fields = ["exchange", "symbol"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "ticker_list", "slug"]
    search_fields = ["name", "name_en", "name_hans", "slug", "tickers__symbol"]
    inlines = [TickerInline]
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

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tickers")

    @admin.display(description=_("tickers"))
    def ticker_list(self, obj):
        return " · ".join(str(t) for t in obj.tickers.all())


@admin.register(Ticker)
class TickerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "company", "exchange"]
    list_filter = ["exchange"]
    search_fields = ["symbol", "company__name", "company__name_en"]
    autocomplete_fields = ["company"]
