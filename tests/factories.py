"""Small factories: each test builds exactly the data it needs."""

import itertools
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.utils import timezone

from articles import changes
from articles.models import Article, ArticleAuthor, Author
from articles.roles import EDITORS, WRITERS
from companies.models import Company, Ticker
from newsroom import pagecache

_seq = itertools.count(1)


def make_user(role: str | None = None, **kwargs) -> User:
    n = next(_seq)
    user = User.objects.create_user(
        username=kwargs.pop("username", f"user{n}"),
        password=kwargs.pop("password", "pw-for-tests-123"),
        is_staff=True,
        **kwargs,
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_writer(**kwargs) -> User:
    return make_user(WRITERS, **kwargs)


def make_editor(**kwargs) -> User:
    return make_user(EDITORS, **kwargs)


def make_author(**kwargs) -> Author:
    n = next(_seq)
    kwargs.setdefault("name", f"作者{n}")
    kwargs.setdefault("slug", f"author-{n}")
    author = Author.objects.create(**kwargs)
    pagecache.changed()
    return author


def make_company(*tickers: str, **kwargs) -> Company:
    n = next(_seq)
    kwargs.setdefault("name", f"測試公司{n}")
    kwargs.setdefault("name_en", f"Test Company {n}")
    company = Company.objects.create(**kwargs)
    for text in tickers:
        symbol, _dot, exchange = text.rpartition(".")
        Ticker.objects.create(company=company, exchange=exchange, symbol=symbol)
    pagecache.changed()
    return company


def make_article(*, status=Article.Status.DRAFT, publish_at=None, authors=(), **kwargs):
    n = next(_seq)
    kwargs.setdefault("headline", f"測試標題{n}")
    kwargs.setdefault("body", f"<p>第{n}篇的內文。</p>")
    if status == Article.Status.PUBLISHED and publish_at is None:
        publish_at = timezone.now() - timedelta(hours=1)
    article = Article.objects.create(status=status, publish_at=publish_at, **kwargs)
    for position, author in enumerate(authors):
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    # What the edit service does at the commit (reindex, renditions, the page
    # cache): factories write rows directly, around the service.
    changes.article_written(article, public=True)
    return article


def make_live_article(**kwargs):
    """A published article whose publish time has passed (an hour ago by default)."""
    return make_article(status=Article.Status.PUBLISHED, **kwargs)


def page_html(client, url) -> str:
    """The HTML of a page that must answer 200."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()
