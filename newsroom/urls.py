"""Root URLs: the admin, language switching and the public site in two editions.

The public site is Traditional at the root and Simplified under /zh-hans/
(newsroom/editions.py): ``edition_patterns`` works like Django's
``i18n_patterns(prefix_default_language=False)``, so reverse() in a Simplified
request gives /zh-hans/ URLs.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.static import serve

from articles.public.discovery_urls import feed_urlpatterns, root_urlpatterns
from newsroom.editions import edition_patterns
from newsroom.security import PasswordResetView, security_txt


def favicon(request):
    return HttpResponsePermanentRedirect(static("img/favicon.ico"))


urlpatterns = [
    # Password reset for the desk, as Django's admin documents it (the login
    # page links to it). Answers the same, as fast, for known and unknown
    # addresses; limited per client and per address (newsroom/security.py).
    path(
        "admin/password_reset/",
        PasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "admin/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    # An email service's reports (bounces, complaints): newsletter/provider.py.
    path("anymail/", include("anymail.urls")),
    path(".well-known/security.txt", security_txt, name="security-txt"),
    # Browsers and crawlers ask for /favicon.ico whatever the pages link.
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Sitemaps and robots.txt: once, at the root.
    *root_urlpatterns,
]

urlpatterns += edition_patterns(
    *feed_urlpatterns,
    path("companies/", include("companies.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("", include("articles.public.urls")),
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
