"""The web version of a sent issue, at /newsletter/2026-W47/ (and /zh-hans/...)."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import render

from newsroom.security import allows_inline_styles

from . import rendering
from .models import Issue


def issue_detail(request, week):
    """A sent issue in the site's look; drafts, ready and unknown weeks are 404.

    An issue stays visible while --only-missing sends it again (status
    "sending" with a sent date).
    """
    issue = (
        Issue.objects.filter(week=week)
        .filter(Q(status=Issue.Status.SENT) | Q(sent_at__isnull=False))
        .first()
    )
    if issue is None:
        raise Http404("No sent issue for this week.")
    response = render(
        request, "newsletter/issue_detail.html", rendering.web_context(issue)
    )
    # The e-mail's CSS is inlined (style attributes).
    return allows_inline_styles(response)
