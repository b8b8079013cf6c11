"""Admin for what the public site shows besides articles (companies, tickers,
authors, tags): every save or delete tells the page cache at the commit, so a
rename shows on the next request of every page that names it."""

from django.contrib import admin

from newsroom import pagecache


class PublicContentAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pagecache.changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        pagecache.changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        pagecache.changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        pagecache.changed()
