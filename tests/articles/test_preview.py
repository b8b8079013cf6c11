"""Signed preview links for people without an account."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import preview
from articles.models import PreviewLink
from tests.factories import make_article, make_editor, make_writer

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return make_article(headline="尚未發佈的調查報道")


def test_valid_link_shows_the_draft_to_anyone(client, draft):
    link = preview.create_link(draft, by=make_editor(), hours=24)
    response = client.get(preview.link_path(link))
    assert response.status_code == 200
    assert "尚未發佈的調查報道" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]


def test_expired_link_gives_404(client, draft):
    link = preview.create_link(draft, by=make_editor(), hours=1)
    later = timezone.now() + timedelta(hours=1, seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert client.get(preview.link_path(link)).status_code == 404


def test_tampered_link_gives_404(client, draft):
    link = preview.create_link(draft, by=make_editor(), hours=24)
    token = preview.link_path(link).rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    url = reverse("articles:preview", kwargs={"token": tampered})
    assert client.get(url).status_code == 404
    # A correctly signed token for a link that does not exist is refused too.
    forged = signing.dumps("0" * 32, salt="another-salt")
    assert (
        client.get(reverse("articles:preview", kwargs={"token": forged})).status_code
        == 404
    )
    unknown = signing.dumps("0" * 32, salt=preview.SALT)
    assert (
        client.get(reverse("articles:preview", kwargs={"token": unknown})).status_code
        == 404
    )


def test_revoked_link_gives_404(client, draft):
    link = preview.create_link(draft, by=make_editor(), hours=24)
    path = preview.link_path(link)
    preview.revoke(link)
    assert client.get(path).status_code == 404


def test_editor_creates_and_revokes_link_in_admin(client, draft):
    editor = make_editor()
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_preview_link", args=[draft.pk]),
        {"label": "律師", "hours": "48"},
        follow=True,
    )
    link = PreviewLink.objects.get()
    assert link.label == "律師"
    assert link.created_by == editor
    # The message carries the link; someone without an account can open it.
    shown = re.search(
        r'value="http://testserver(/preview/[^"]+)"', response.content.decode()
    )
    anonymous = Client()
    assert "尚未發佈的調查報道" in anonymous.get(shown.group(1)).content.decode()
    client.post(
        reverse("admin:articles_article_revoke_preview_link", args=[draft.pk, link.pk])
    )
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_bad_hours_give_a_message_not_a_link(client, draft):
    client.force_login(make_editor())
    response = client.post(
        reverse("admin:articles_article_preview_link", args=[draft.pk]),
        {"label": "x", "hours": "abc"},
        follow=True,
    )
    assert response.status_code == 200
    assert not PreviewLink.objects.exists()


def test_writer_cannot_create_preview_links(client, draft):
    client.force_login(make_writer())
    response = client.post(
        reverse("admin:articles_article_preview_link", args=[draft.pk]),
        {"label": "x", "hours": "24"},
    )
    assert response.status_code == 403
    assert not PreviewLink.objects.exists()


def test_admin_preview_needs_login(client, draft):
    url = reverse("admin:articles_article_preview", args=[draft.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(make_editor())
    assert "尚未發佈的調查報道" in client.get(url).content.decode()
