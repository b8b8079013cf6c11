"""Where the article page's CPU goes with nothing cached, part by part.

    .venv/bin/python bench/article_parts.py      (DATABASE_URL as make bench's)

For the first 60 articles of make bench's URL list (var/bench/urls/article.txt),
twice: the article row with what is read beside it (byline, companies, tags,
corrections, previous/next, the companies' version and the related articles
by company; one statement on PostgreSQL), those made model instances, the
body's company links, related articles (the tag step, when the companies give
fewer than four), previous/next and the template, each as the median CPU
milliseconds (``time.process_time``).
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
    parts = "the row and what is read beside it"
    steps = {
        parts: lambda c: rows.live_article_with_parts(
            c["pk"],
            related_candidates=views.RELATED_CANDIDATES,
            related_limit=views.RELATED_LIMIT,
        ),
        "as model instances": lambda c: views.page_parts(*c[parts]),
        "body with company links": lambda c: body_with_company_links(
            c[parts][0], c["as model instances"]["companies"]
        ),
        "related articles": lambda c: views.related_articles(
            c[parts][0],
            c["as model instances"]["companies"],
            c["as model instances"]["tags"],
            c[parts][1]["related"],
        ),
        "previous and next": lambda c: views._neighbours(
            c[parts][0], c[parts][1]["neighbours"]
        ),
        "template": None,
    }
    spent = {name: [] for name in steps}
    for pk in ids * 2:
        done = {"pk": pk, "request": RequestFactory().get(f"/articles/{pk}/")}
        for name, step in steps.items():
            if name == "template":  # the context is built outside the timing
                article, found = done[parts]
                context = views.article_context(article, found=found)
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
