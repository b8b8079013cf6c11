"""Template context shared by every page."""

from django.conf import settings

from newsroom import paths


def site(request):
    # ``sections``: the header's and footer's links (newsroom/paths.py).
    return {"newsroom_name": settings.NEWSROOM_NAME, "sections": paths.sections()}
