"""Where the article page's CPU goes with nothing cached, part by part.

    .venv/bin/python bench/article_parts.py      (DATABASE_URL as make bench's)

For the first 60 articles of make bench's URL list (var/bench/urls/article.txt),
twice: the article row, the rows around it (byline, companies, tags,
corrections), the body's company links, related articles, previous/next and
the template, each as the median CPU milliseconds (``time.process_time``).
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

from articles import rows  # noqa: E402
from articles.public import views  # noqa: E402
from articles.public.rendering import body_with_company_links  # noqa: E402


def main():
    translation.activate("zh-hant")
    urls = (ROOT / "var" / "bench" / "urls" / "article.txt").read_text().split()
    ids = [int(url.split("/")[2]) for url in urls[:60]]
    template = get_template("articles/article_detail.html")
    steps = {
        "article row": lambda c: rows.live_article(c["pk"]),
        "byline, companies, tags, corrections": lambda c: views.page_parts(
            c["article row"]
        ),
        "body with company links": lambda c: body_with_company_links(
            c["article row"], c["byline, companies, tags, corrections"]["companies"]
        ),
        "related articles": lambda c: views.related_articles(
            c["article row"],
            c["byline, companies, tags, corrections"]["companies"],
            c["byline, companies, tags, corrections"]["tags"],
        ),
        "previous and next": lambda c: views._neighbours(c["article row"]),
        "template": lambda c: template.render(
            views.article_context(c["article row"]), c["request"]
        ),
    }
    spent = {name: [] for name in steps}
    for pk in ids * 2:
        done = {"pk": pk, "request": RequestFactory().get(f"/articles/{pk}/")}
        for name, step in steps.items():
            if name == "template":  # the context is built outside the timing
                context = views.article_context(done["article row"])
                start = time.process_time()
                template.render(context, done["request"])
            else:
                start = time.process_time()
                done[name] = step(done)
            spent[name].append(time.process_time() - start)
    for name, values in spent.items():
        sys.stdout.write(f"{name}: {statistics.median(values) * 1000:.2f} ms CPU\n")


if __name__ == "__main__":
    main()
