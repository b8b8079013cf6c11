"""Admin for what the public site shows besides articles (companies, tickers,
authors, tags): every save or delete tells ``public_content.changed``, so a
rename shows on the next request of every page that names it and in the
search index of every article that names it (at the commit)."""

from django.contrib import admin
from django.db import transaction

from newsroom import public_content


class PublicContentAdmin(admin.ModelAdmin):
    def save_related(self, request, form, formsets, change):
        # The admin saves the row (save_model), then its inlines, here.
        super().save_related(request, form, formsets, change)
        public_content.changed(form.instance)

    def delete_model(self, request, obj):
        with transaction.atomic():  # the reindex waits for the delete's commit
            public_content.changed(obj)  # before: its article links go with it
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            public_content.changed(*queryset)
            super().delete_queryset(request, queryset)
