"""Root URLs: the admin, the public site and language switching."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("companies/", include("companies.urls")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    # Development only; production serves MEDIA_ROOT from the web server or a CDN.
    urlpatterns += [
        re_path(
            r"^" + settings.MEDIA_URL.lstrip("/") + r"(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
