"""Template alternatives for a list page, measured: CPU per render of /briefs/.

    .venv/bin/python bench/list_template.py      (DATABASE_URL as make bench's)

The list template as it is (cached loader, a card include per article) against
the same template with the card inlined, interleaved, 40 renders each; then
parts of a list page alone: the filter form, the pagination, the base layout.
"""

import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.template import engines  # noqa: E402
from django.template.loader import get_template  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import translation  # noqa: E402

from articles.models import Article  # noqa: E402
from articles.public.filters import ArticleFilter  # noqa: E402
from articles.public.views import for_lists, paginate  # noqa: E402

TEMPLATES = ROOT / "templates"


def median_ms(template, context, request, runs=40):
    template.render(context, request)
    timings = []
    for _ in range(runs):
        start = time.process_time()
        template.render(context, request)
        timings.append(time.process_time() - start)
    return statistics.median(timings) * 1000


def main():
    translation.activate("zh-hant")
    request = RequestFactory().get("/briefs/")
    filterset = ArticleFilter(
        request.GET, queryset=Article.objects.live().briefs(), fixed_kind=True
    )
    page = paginate(request, for_lists(filterset.qs))
    list(page)
    list(filterset.form.fields["author"].widget.choices)
    context = {"filter": filterset, "page": page, "messages_for_filter": []}
    source = (TEMPLATES / "articles" / "article_list.html").read_text()
    card = (TEMPLATES / "includes" / "article_card.html").read_text()
    card = card.split("{% load newsroom_public %}", 1)[1]
    include = re.search(r'{% include "includes/article_card.html"[^%]*%}', source)
    extends, rest = source.split("%}", 1)
    inlined = extends + "%}{% load newsroom_public %}" + rest.replace(include[0], card)
    django_engine = engines["django"]
    variants = {
        "list, card included (as it is)": get_template("articles/article_list.html"),
        "list, card inlined": django_engine.from_string(inlined),
        "filter form alone": get_template("includes/filter_form.html"),
        "pagination alone": get_template("includes/pagination.html"),
        "base layout alone": django_engine.from_string('{% extends "base.html" %}'),
    }
    for name, template in variants.items():
        ms = median_ms(template, context, request)
        sys.stdout.write(f"{name}: {ms:.2f} ms CPU\n")


if __name__ == "__main__":
    main()
