"""Pages whose query count must not grow with the number of articles."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_articles(n):
    authors = [make_author(), make_author()]
    for _ in range(n):
        article = make_article(status=Article.Status.PUBLISHED, authors=authors)
        article.tags.add("業績")


@pytest.mark.parametrize(
    "url",
    [reverse("admin:articles_article_changelist"), reverse("articles:home")],
)
def test_list_query_count_does_not_grow_with_articles(editor_client, url):
    add_articles(3)
    few = count_queries(editor_client, url)
    add_articles(12)
    many = count_queries(editor_client, url)
    assert many == few
