"""Public pages are cacheable by a CDN; the desk and previews never are."""

import pytest
from django.urls import reverse

from articles import preview
from articles.models import Article
from tests.factories import make_article, make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article(status=Article.Status.PUBLISHED, headline="萬科公布業績")


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_public_page_is_cacheable_and_answers_conditional_get(client, article, prefix):
    url = prefix + article.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert "max-age=60" in cache_control
    assert "stale-while-revalidate=300" in cache_control
    assert not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()
    etag = response["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


def test_editions_have_different_etags(client, article):
    traditional = client.get(article.get_absolute_url())
    simplified = client.get("/zh-hans" + article.get_absolute_url())
    assert "万科" in simplified.content.decode()
    assert traditional["ETag"] != simplified["ETag"]


def test_page_looks_the_same_and_stays_public_for_a_logged_in_editor(client, article):
    anonymous = client.get(article.get_absolute_url())
    client.force_login(make_editor())
    logged_in = client.get(article.get_absolute_url())
    assert "public" in logged_in["Cache-Control"]
    assert logged_in["ETag"] == anonymous["ETag"]


def test_admin_is_never_cacheable(client):
    client.force_login(make_editor())
    response = client.get(reverse("admin:articles_article_changelist"))
    assert "private" in response["Cache-Control"]
    assert (
        "no-store" in response["Cache-Control"]
        or "no-cache" in response["Cache-Control"]
    )
    assert "public" not in response["Cache-Control"]


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_preview_is_never_cacheable(client, prefix):
    draft = make_article(headline="未發佈")
    link = preview.create_link(draft, by=make_editor(), hours=1)
    response = client.get(prefix + preview.link_path(link))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_admin_preview_is_never_cacheable(client):
    client.force_login(make_editor())
    draft = make_article()
    response = client.get(reverse("admin:articles_article_preview", args=[draft.pk]))
    assert "public" not in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_response_that_sets_a_cookie_is_private(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "public" not in response.get("Cache-Control", "")


def test_unknown_page_is_not_cached_as_public(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")
