"""Test-only URLs: the site's URLs plus a view that fails, in both editions."""

from django.urls import path

from newsroom.editions import edition_patterns
from newsroom.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("boom")


urlpatterns = [*site_urlpatterns, *edition_patterns(path("boom/", fail))]
