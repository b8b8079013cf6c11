"""No lost edits: a save based on an old version is refused, and the text kept."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article, StaleArticleError
from tests.articles.test_workflow import admin_post_data
from tests.factories import make_article, make_editor

pytestmark = pytest.mark.django_db


def test_stale_save_is_refused_and_typed_text_preserved():
    first, second = make_editor(username="amy"), make_editor(username="ben")
    article = make_article(headline="原標題", body="<p>原文</p>")
    url = reverse("admin:articles_article_change", args=[article.pk])
    amy, ben = Client(), Client()
    amy.force_login(first)
    ben.force_login(second)
    # Both open the form at version 1.
    amy_data = admin_post_data(article, headline="Amy 的標題")
    ben_data = admin_post_data(
        article, headline="Ben 的標題", body="<p>Ben 打的長段文字</p>"
    )

    assert amy.post(url, amy_data).status_code == 302
    response = ben.post(url, ben_data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "amy" in html  # names who saved
    form = response.context["adminform"].form
    assert "amy" in form.errors["__all__"][0]
    # Ben's text is still in the form, to merge ...
    assert 'value="Ben 的標題"' in html
    assert "Ben 打的長段文字" in html
    # ... next to what Amy saved.
    assert form.stale_current.headline == "Amy 的標題"
    article.refresh_from_db()
    assert article.headline == "Amy 的標題"
    assert article.version == 2

    # Having seen the message, Ben saves on purpose: the form now carries v2.
    assert form["base_version"].value() == 2
    ben_data["base_version"] = "2"
    assert ben.post(url, ben_data).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Ben 的標題"
    # Both saves are kept as revisions; nothing either of them typed is lost.
    assert list(article.revisions.values_list("version", flat=True)) == [3, 2]


def test_post_without_base_version_is_refused(client):
    editor = make_editor()
    article = make_article()
    client.force_login(editor)
    data = admin_post_data(article, headline="無版本")
    del data["base_version"]
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]), data
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.headline != "無版本"


def test_model_save_refuses_stale_copy():
    article = make_article()
    copy = Article.objects.get(pk=article.pk)
    article.headline = "先存"
    article.save()
    copy.headline = "後存"
    with pytest.raises(StaleArticleError):
        copy.save()
    assert Article.objects.get(pk=article.pk).headline == "先存"


def test_every_save_bumps_the_version():
    article = make_article()
    assert article.version == 1
    article.save()
    article.save(update_fields=["headline"])
    article.refresh_from_db()
    assert article.version == 3
