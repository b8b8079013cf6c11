"""Issue 17, finding 2: control characters are refused at the edge.

A NUL byte in a URL or a query string is a 400 page before any view or
query sees it (PostgreSQL cannot store one, so deeper it was a 500); a NUL
typed into key points or company aliases is a form error that keeps what
was typed.
"""

import pytest
from django.urls import reverse

from companies.models import Company
from tests.articles.test_workflow import admin_post_data, change_url
from tests.factories import make_article, make_company, make_live_article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

PUBLIC_URLS = [
    "/tags/%00/",
    "/zh-hans/tags/%00/",
    "/feeds/tags/%00/rss/",
    "/feeds/tags/%00/atom/",
    "/articles/?tag=%00",
    "/articles/?author=%00",
    "/articles/?company=%00",
    "/search/?q=%00",
    "/search/?company=%00",
    "/search/?tag=%00&author=%00",
    "/articles/?%00=1",
    "/articles/?tag=a%01b",
    "/articles/?tag=a%0Db",
    "/companies/?q=%7F",
    "/articles/%00/",
]

ADMIN_URLS = [
    "/admin/articles/article/?tag=%00",
    "/admin/articles/article/?kind=%00",
    "/admin/articles/article/?script=%00",
    "/admin/articles/article/?q=%00",
    "/admin/autocomplete/?app_label=articles&model_name=article"
    "&field_name=companies&term=%00",
    "/admin/autocomplete/?app_label=articles&model_name=authorprofile"
    "&field_name=author&term=%00",
    "/admin/articles/article/tags/suggest/?term=%00",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_control_character_in_a_public_url_is_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "400" in response.content.decode()
    assert response["Content-Security-Policy"]


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_a_control_character_in_an_admin_url_is_a_clear_400(editor_client, url):
    assert editor_client.get(url).status_code == 400


def test_tabs_and_line_breaks_in_a_query_are_refused_too(client):
    assert client.get("/search/", {"q": "央行\n降準"}).status_code == 400


def test_ordinary_queries_still_answer(client):
    make_live_article(headline="央行降準")
    assert client.get("/search/", {"q": "央行"}).status_code == 200
    assert client.get("/articles/", {"tag": "央行"}).status_code == 200


def test_a_nul_in_key_points_is_a_form_error_that_keeps_the_text(
    editor_client,
):
    article = make_article(headline="原來的標題")
    typed = "第一點\n第二\x00點"
    data = admin_post_data(article, key_points=typed, headline="新的標題")
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "key_points" in form.errors
    assert form["key_points"].value() == typed
    assert form["headline"].value() == "新的標題"
    article.refresh_from_db()
    assert article.headline == "原來的標題"


def test_a_nul_in_company_aliases_is_a_form_error_that_keeps_the_text(
    editor_client,
):
    company = make_company("0700.HK", name="騰訊控股")
    typed = "騰訊\nTencent\x00"
    data = {
        "name": "騰訊控股",
        "name_en": "",
        "name_hans": "",
        "aliases": typed,
        "slug": company.slug,
        "website": "",
        "description": "",
        "tickers-TOTAL_FORMS": "0",
        "tickers-INITIAL_FORMS": "0",
        "tickers-MIN_NUM_FORMS": "0",
        "tickers-MAX_NUM_FORMS": "1000",
    }
    url = reverse("admin:companies_company_change", args=[company.pk])
    response = editor_client.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "aliases" in form.errors
    assert form["aliases"].value() == typed
    assert Company.objects.get(pk=company.pk).aliases == []
