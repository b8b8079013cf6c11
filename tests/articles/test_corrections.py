"""Corrections after publication: dated, kept, never overwritten."""

import pytest
from django.urls import reverse

from articles.models import Article, Correction
from tests.articles.test_workflow import admin_post_data
from tests.factories import make_article, make_editor, make_writer

pytestmark = pytest.mark.django_db


def correction_data(article, existing=0, new=None):
    data = admin_post_data(article)
    data |= {
        "corrections-TOTAL_FORMS": str(existing + (1 if new else 0)),
        "corrections-INITIAL_FORMS": str(existing),
    }
    for i, c in enumerate(article.corrections.all()):
        data |= {
            f"corrections-{i}-id": str(c.pk),
            f"corrections-{i}-article": str(article.pk),
        }
    if new:
        i = existing
        data |= {
            f"corrections-{i}-corrected_at_0": "2026-11-21",
            f"corrections-{i}-corrected_at_1": "10:00",
            f"corrections-{i}-wrong": new[0],
            f"corrections-{i}-right": new[1],
        }
    return data


def test_editor_adds_correction_to_published_article(client):
    editor = make_editor()
    article = make_article(status=Article.Status.PUBLISHED)
    article.first_published_at = article.publish_at
    article.save()
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(
        url, correction_data(article, new=("收入 12 億", "收入 21 億"))
    )
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert (correction.wrong, correction.right, correction.created_by) == (
        "收入 12 億",
        "收入 21 億",
        editor,
    )
    # A later save cannot rewrite it: existing corrections are read-only.
    article.refresh_from_db()
    data = correction_data(article, existing=1)
    data["corrections-0-wrong"] = "改寫"
    client.post(url, data)
    correction.refresh_from_db()
    assert correction.wrong == "收入 12 億"
    # And readers see it.
    assert "收入 21 億" in client.get(article.get_absolute_url()).content.decode()


def test_correction_form_is_not_offered_before_publication(client):
    client.force_login(make_editor())
    article = make_article()
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert 'name="corrections-0-wrong"' not in response.content.decode()
    prefixes = [f.formset.prefix for f in response.context["inline_admin_formsets"]]
    assert prefixes == ["bylines"]


def test_writer_cannot_add_corrections():
    writer = make_writer()
    assert not writer.has_perm("articles.add_correction")
