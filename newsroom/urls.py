"""Root URLs: the admin, language switching and the public site in two editions.

The public site is Traditional at the root and Simplified under /zh-hans/
(newsroom/editions.py): ``edition_patterns`` works like Django's
``i18n_patterns(prefix_default_language=False)``, so reverse() in a Simplified
request gives /zh-hans/ URLs.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from articles.discovery_urls import feed_urlpatterns, root_urlpatterns
from newsroom.editions import edition_patterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Sitemaps and robots.txt: once, at the root.
    *root_urlpatterns,
]

urlpatterns += edition_patterns(
    *feed_urlpatterns,
    path("companies/", include("companies.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("", include("articles.urls")),
)

if settings.SERVE_MEDIA:
    # Development only; production serves MEDIA_ROOT from the web server or a CDN.
    urlpatterns += [
        re_path(
            r"^" + settings.MEDIA_URL.lstrip("/") + r"(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
