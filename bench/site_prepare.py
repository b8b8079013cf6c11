"""bench/site.py's preparation, inside Django: the URL lists, the saved
article page and SQL queries per page. Prints JSON.

    python bench/site_prepare.py VAR_DIR     (with bench/site.py's environment)
"""

import importlib.util
import json
import os
import random
import statistics
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Exists, OuterRef  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from articles import tagging  # noqa: E402
from articles.models import Article  # noqa: E402
from companies.models import Company  # noqa: E402


def search_queries(seed: int) -> list[str]:
    """bench/search.py's 20 queries (loaded by path: bench/ holds a
    companies.py, which must not shadow the app)."""
    spec = importlib.util.spec_from_file_location(
        "bench_search", ROOT / "bench" / "search.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.queries(seed)


PER_PAGE = 20
DEEP_PAGE = 2000
SAMPLE = 300


def url_lists() -> dict[str, list[str]]:
    rng = random.Random(8)
    live = Article.objects.live()
    ids = list(live.values_list("pk", flat=True))
    articles = [
        a.get_absolute_url()
        for a in live.filter(pk__in=rng.sample(ids, min(SAMPLE, len(ids))))
    ]
    briefs = live.briefs().count()
    deep_list = "/briefs/" if briefs >= DEEP_PAGE * PER_PAGE else "/articles/"
    covered = Company.objects.filter(
        Exists(Article.companies.through.objects.filter(company=OuterRef("pk")))
    )
    companies = list(covered.order_by("?")[:200])
    # Tags on a live article: a tag only drafts carry has no public page.
    tags = [
        reverse("articles:tag", kwargs={"slug": t.slug})
        for t in tagging.live_tags().exclude(slug="").order_by("?")[:200]
    ]
    article_sitemap_pages = -(-len(ids) // 2000)
    return {
        "article": articles,
        "article_hans": ["/zh-hans" + url for url in articles],
        "home": ["/"],
        "index_p1": ["/briefs/"],
        "index_deep": [f"{deep_list}?page={DEEP_PAGE}"],
        "company": [c.get_absolute_url() for c in companies],
        "tag": tags,
        "search": ["/search/?" + urlencode({"q": q}) for q in search_queries(seed=7)],
        "feeds": [
            "/feeds/rss/",
            "/feeds/atom/",
            "/feeds/briefs/rss/",
            "/feeds/features/atom/",
            *(f"/feeds/companies/{c.slug}/rss/" for c in companies[:20]),
        ],
        "sitemap": [
            "/sitemap.xml",
            "/news-sitemap.xml",
            "/sitemap-companies.xml",
            *(
                f"/sitemap-articles.xml?p={page}"
                for page in range(1, article_sitemap_pages + 1)
            ),
        ],
        "static": ["/static/bench/article.html"],
    }


def save_article_page(client, url: str) -> None:
    """The limit: this page's bytes as a static file."""
    response = client.get(url)
    assert response.status_code == 200, url
    target = Path(settings.STATIC_ROOT) / "bench" / "article.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(response.content)


def queries_per_page(client, urls: list[str]) -> int:
    """Median SQL queries over up to five URLs, each after a warm-up request."""
    counts = []
    for url in urls[:5]:
        client.get(url)
        # Each request empties the query log as it starts: empty it first,
        # or the capture's slice starts past the end of this request's log.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts.append(len(captured))
    return int(statistics.median(counts))


def main():
    var = Path(sys.argv[1])
    lists = url_lists()
    (var / "urls").mkdir(parents=True, exist_ok=True)
    for target, urls in lists.items():
        (var / "urls" / f"{target}.txt").write_text("\n".join(urls) + "\n")
    client = Client(HTTP_HOST="127.0.0.1")
    save_article_page(client, lists["article"][0])
    counts = {
        target: queries_per_page(client, urls)
        for target, urls in lists.items()
        if target != "static"
    }
    counts["static"] = 0
    sys.stdout.write(json.dumps({"queries": counts}) + "\n")


if __name__ == "__main__":
    main()
