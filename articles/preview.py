"""Signed preview links: a draft as readers will see it, for someone without an account.

The URL carries the link's random token signed with SECRET_KEY, so it cannot
be guessed or altered; the row it names says when it expires and whether it
was revoked. Any failure answers 404, saying nothing about why.
"""

import uuid
from datetime import timedelta

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .models import Article, PreviewLink

SALT = "articles.preview-link"


def create_link(article: Article, *, by, hours: int, label: str = "") -> PreviewLink:
    return PreviewLink.objects.create(
        article=article,
        created_by=by,
        label=label,
        expires_at=timezone.now() + timedelta(hours=hours),
    )


def link_path(link: PreviewLink) -> str:
    token = signing.dumps(link.token.hex, salt=SALT)
    return reverse("articles:preview", kwargs={"token": token})


def revoke(link: PreviewLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])


def article_for_token(token: str) -> Article | None:
    """The article a valid, unexpired, unrevoked token shows; else None."""
    try:
        link_token = uuid.UUID(signing.loads(token, salt=SALT))
    except (signing.BadSignature, TypeError, ValueError, AttributeError):
        return None
    link = (
        PreviewLink.objects.filter(
            token=link_token,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("article")
        .first()
    )
    return link.article if link else None
