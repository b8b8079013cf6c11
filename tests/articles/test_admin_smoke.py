import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_author


@pytest.mark.django_db
def test_editor_adds_article_through_admin_form(editor_client, editor):
    author = make_author()
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        {
            "kind": "brief",
            "headline": "金融壹賬通擬關閉雲服務",
            "title_en": "OneConnect to shutter its cloud services",
            "dek": "",
            "key_points": "第一點\n第二點",
            "body": "<p>內文<script>alert(1)</script></p>",
            "tags": "金融科技，雲服務",
            "script": "zh-Hant",
            "bylines-TOTAL_FORMS": "1",
            "bylines-INITIAL_FORMS": "0",
            "bylines-MIN_NUM_FORMS": "0",
            "bylines-MAX_NUM_FORMS": "1000",
            "bylines-0-author": str(author.pk),
            "bylines-0-position": "0",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
            "corrections-MIN_NUM_FORMS": "0",
            "corrections-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    assert article.body == "<p>內文</p>"
    assert article.key_points == ["第一點", "第二點"]
    assert set(article.tags.names()) == {"雲服務", "金融科技"}
    assert article.slug == "oneconnect-to-shutter-its-cloud-services"
    assert article.created_by == editor
    assert article.revisions.count() == 1


@pytest.mark.django_db
def test_change_form_renders(editor_client):
    article = make_article()
    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    assert b'name="base_version"' in response.content
