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
    assert article.byline_authors == [author]
    assert article.revisions.count() == 1
    assert article.revisions.get().data["authors"] == [
        {"id": author.pk, "name": author.name}
    ]


@pytest.mark.django_db
def test_change_form_renders(editor_client):
    article = make_article()
    response = editor_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    )
    assert response.status_code == 200
    assert b'name="base_version"' in response.content


@pytest.mark.django_db
def test_tag_suggestions_start_with_the_typed_text_most_used_first(editor_client):
    make_article().tags.add("光伏", "光伏組件")
    make_article().tags.add("光伏")
    make_article().tags.add("太陽能光伏")
    url = reverse("admin:articles_tag_suggest")
    assert editor_client.get(url, {"q": "光伏"}).json() == {
        "results": ["光伏", "光伏組件", "太陽能光伏"],
        "existing": None,
    }
    assert editor_client.get(url, {"q": ""}).json() == {
        "results": [],
        "existing": None,
    }


@pytest.mark.django_db
def test_tag_suggestions_need_a_desk_login(client):
    response = client.get(reverse("admin:articles_tag_suggest"), {"q": "光"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_article_list_shows_status_badges_and_filters(editor_client):
    from django.utils import timezone

    from articles import workflow
    from tests.factories import make_editor

    editor = make_editor()
    scheduled = make_article(headline="排程稿")
    workflow.publish(
        scheduled, by=editor, at=timezone.now() + timezone.timedelta(hours=1)
    )
    make_article(headline="未排程的稿件")
    url = reverse("admin:articles_article_changelist")
    html = editor_client.get(url).content.decode()
    assert "nr-status-scheduled" in html and "nr-status-draft" in html
    filtered = editor_client.get(url, {"status": "scheduled"}).content.decode()
    assert "排程稿" in filtered and "未排程的稿件" not in filtered
    searched = editor_client.get(url, {"q": "排程"}).content.decode()
    assert "排程稿" in searched
