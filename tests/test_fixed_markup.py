"""{% fixed %} (newsroom/templatetags/newsroom_fixed.py): markup kept once per
edition is the markup the page would render afresh, and sees nothing of a
request or its content."""

import re

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from newsroom.templatetags.newsroom_fixed import FixedNode
from tests.factories import make_company, make_live_article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

PAGES = ["/", "/briefs/", "/companies/", "/zh-hans/", "/zh-hans/briefs/"]


def pages(client, paths) -> dict[str, str]:
    found = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        # A CSP nonce differs on every response.
        found[path] = re.sub(r'nonce="[^"]*"', "", response.content.decode())
    return found


def test_kept_markup_is_what_every_page_renders_afresh(client, monkeypatch):
    article = make_live_article(headline="固定標記測試")
    article.companies.add(make_company("0700.HK", name="騰訊控股"))
    paths = [
        *PAGES,
        article.get_absolute_url(),
        "/zh-hans" + article.get_absolute_url(),
    ]
    kept = pages(client, paths)  # the first request of each edition keeps it
    assert pages(client, paths) == kept  # later ones are served what was kept
    monkeypatch.setattr(
        FixedNode, "render", lambda node, context: node.nodelist.render(context)
    )
    assert pages(client, paths) == kept
    assert "简体" in kept["/zh-hans/"] and "搜尋" in kept["/"]
    assert "搜索" in kept["/zh-hans/"] and "搜尋" not in kept["/zh-hans/"]


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans", "en"])
def test_kept_markup_sees_only_the_edition(language):
    template = engines["django"].from_string(
        "{% load i18n newsroom_fixed %}{% fixed %}"
        "[{{ request.path }}|{{ article }}|{{ LANGUAGE_CODE }}|{{ sections.home }}"
        '|{% translate "Search" %}]{% endfixed %}'
    )
    request = RequestFactory().get("/articles/1/")
    with translation.override(language):
        first = template.render({"article": "A", "request": request}, request)
        other = RequestFactory().get("/briefs/")
        second = template.render({"article": "B", "request": other}, other)
        search = translation.gettext("Search")
    assert (
        first
        == second
        == f"[||{language}|{'/zh-hans/' if language == 'zh-hans' else '/'}|{search}]"
    )
