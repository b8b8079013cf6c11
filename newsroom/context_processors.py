"""Template context shared by every page."""

from django.conf import settings


def site(request):
    return {"newsroom_name": settings.NEWSROOM_NAME}
