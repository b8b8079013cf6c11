"""/tags/ and /authors/: every list has an index, in both scripts, in the
sitemap; the header, footer and home page lead to the newsletter."""

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from tests.factories import (
    make_article,
    make_author,
    make_company,
    make_live_article,
)

from .test_sitemaps import BASE, sitemap_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    chan, draft_only = make_author(name="陳大文"), make_author(name="未發表")
    live = make_live_article(authors=[chan])
    live.companies.add(make_company("0700.HK"))
    live.tags.add("電動車", "央行")
    second = make_live_article(authors=[chan])
    second.tags.add("電動車")
    draft = make_article(authors=[draft_only])
    draft.tags.add("草稿標籤")
    return chan, draft_only


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_tag_index_lists_live_tags_most_used_first(client, published, prefix):
    response = client.get(prefix + "/tags/")
    assert response.status_code == 200
    html = response.content.decode()
    if prefix:
        assert "电动车" in html and "電動車" not in html
    else:
        tags = re.findall(r'class="tag" href="/tags/([^/]+)/"', html)
        assert [unquote(t) for t in tags] == ["電動車", "央行"]
    assert "草稿" not in html


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_author_index_lists_authors_with_live_articles(client, published, prefix):
    chan, draft_only = published
    response = client.get(prefix + "/authors/")
    assert response.status_code == 200
    html = response.content.decode()
    assert chan.get_absolute_url() in html
    assert draft_only.get_absolute_url() not in html


def test_indexes_are_in_the_sitemap(client, published):
    urls = sitemap_urls(client)
    for name in ["articles:tags", "articles:authors", "companies:index"]:
        assert BASE + reverse(name) in urls


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
@pytest.mark.parametrize("path", ["/", "/tags/", "/briefs/"])
def test_every_page_leads_to_the_newsletter_and_its_past_issues(client, prefix, path):
    html = client.get(prefix + path).content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    footer = html[html.index("<footer") : html.index("</footer>")]
    newsletter = f'href="{prefix}/newsletter/"'
    assert newsletter in header
    assert newsletter in footer
    assert f'href="{prefix}/newsletter/#issues-title"' in footer
    assert f'href="{prefix}/tags/"' in footer
    assert f'href="{prefix}/authors/"' in footer


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_home_page_has_the_newsletter_sign_up(client, prefix):
    html = client.get(prefix + "/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert f'action="{prefix}/newsletter/subscribe/"' in main
