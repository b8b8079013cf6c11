"""Template alternatives for a list page, measured: CPU per render of /briefs/.

    .venv/bin/python bench/list_template.py      (DATABASE_URL as make bench's)

The list template as it is (each card written by the ``article_card`` tag,
the filter form's controls by ``filter_control``) against the same page with
the card as an included template and the controls rendered by Django's widget
templates, as they were before issue 18's second round; then parts of a list
page alone. Medians of 40 renders, CPU milliseconds.
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

from django.template import engines  # noqa: E402
from django.template.loader import get_template  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import translation  # noqa: E402

from articles.models import Article  # noqa: E402
from articles.public.filters import ArticleFilter  # noqa: E402
from articles.public.views import paginate  # noqa: E402

TEMPLATES = ROOT / "templates"

# The card as the template it was (templates/includes/article_card.html).
CARD_TEMPLATE = """<article class="card card-{{ article.kind }}">
  <p class="card-meta"><span class="kind">{{ article.get_kind_display }}</span>
    {% if article.publish_at %}<time datetime="{{ article.publish_at|hk_isoformat }}">{{ article.publish_at|hk_datetime }}</time>{% endif %}</p>
  {% with h=level|default:2 %}<h{{ h }} class="card-headline"><a href="{{ article.get_absolute_url }}">{{ article.headline }}</a></h{{ h }}>{% endwith %}
  {% if article.dek %}<p class="card-dek">{{ article.dek }}</p>{% endif %}
  {% if not compact %}{% if article.card_byline %}<p class="card-byline">{% for author in article.card_byline %}{{ author.name }}{% if not forloop.last %}、{% endif %}{% endfor %}</p>{% endif %}
  {% if article.card_companies %}<p class="card-tickers">{% for company in article.card_companies %}{% for ticker in company.tickers %}<a class="chip" href="{{ company.url }}">{{ company.name }} {{ ticker }}</a>{% endfor %}{% endfor %}</p>{% endif %}{% endif %}
</article>"""  # noqa: E501


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
    page = paginate(request, filterset.qs.cards())
    list(page)
    list(filterset.form.fields["author"].widget.choices)
    context = {"filter": filterset, "page": page, "messages_for_filter": []}
    engine = engines["django"]
    source = (TEMPLATES / "articles" / "article_list.html").read_text()
    card = "{% load newsroom_public %}" + CARD_TEMPLATE
    form = (TEMPLATES / "includes" / "filter_form.html").read_text()
    django_form = form.replace("{% filter_control field %}", "{{ field }}")
    before = source.replace("{% article_card article %}", card).replace(
        '{% include "includes/filter_form.html" %}', django_form
    )
    variants = {
        "list page as it is": get_template("articles/article_list.html"),
        "list page, template card and Django's widgets": engine.from_string(before),
        "20 cards, article_card tag": engine.from_string(
            "{% load newsroom_public %}{% for article in page %}"
            "{% article_card article %}{% endfor %}"
        ),
        "20 cards, template": engine.from_string(
            "{% for article in page %}" + card + "{% endfor %}"
        ),
        "filter form, filter_control": get_template("includes/filter_form.html"),
        "filter form, Django's widgets": engine.from_string(django_form),
        "pagination alone": get_template("includes/pagination.html"),
        "base layout alone": engine.from_string('{% extends "base.html" %}'),
    }
    for name, template in variants.items():
        ms = median_ms(template, context, request)
        sys.stdout.write(f"{name}: {ms:.2f} ms CPU\n")


if __name__ == "__main__":
    main()
