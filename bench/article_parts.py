"""Where the article page's CPU goes with nothing cached, part by part.

    .venv/bin/python bench/article_parts.py      (DATABASE_URL as make bench's)

For the first 60 articles of make bench's URL list (var/bench/urls/article.txt),
twice: the article row with its prefetches, the page's context (related
articles, previous/next, company links) and the template, each as the median
CPU milliseconds (``time.process_time``).
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.template.loader import get_template  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import translation  # noqa: E402

from articles.models import Article  # noqa: E402
from articles.public.views import article_context, for_article_page  # noqa: E402


def main():
    translation.activate("zh-hant")
    urls = (ROOT / "var" / "bench" / "urls" / "article.txt").read_text().split()
    ids = [int(url.split("/")[2]) for url in urls[:60]]
    template = get_template("articles/article_detail.html")
    parts = {"article and prefetches": [], "context": [], "template": []}
    for pk in ids * 2:
        request = RequestFactory().get(f"/articles/{pk}/")
        start = time.process_time()
        article = for_article_page(Article.objects.live()).filter(pk=pk).first()
        fetched = time.process_time()
        context = article_context(article)
        built = time.process_time()
        template.render(context, request)
        rendered = time.process_time()
        parts["article and prefetches"].append(fetched - start)
        parts["context"].append(built - fetched)
        parts["template"].append(rendered - built)
    for name, values in parts.items():
        sys.stdout.write(f"{name}: {statistics.median(values) * 1000:.2f} ms CPU\n")


if __name__ == "__main__":
    main()
