"""What the related-articles read costs PostgreSQL, step by step.

    .venv/bin/python bench/related.py      (DATABASE_URL as make bench's)

For the first 100 articles of make bench's URL list (var/bench/urls/article.txt):
the company step as ``rows.related`` runs it on its own (previews, SQLite;
the article page on PostgreSQL reads it beside its row), and the tag step
as it runs for an article with no company (``company_ids=[]``); then the
tag step for
the most linked tags alone (on half the archive and more) and for a tag
on one article. Each is run three times and the server's execution and
planning milliseconds of its last run (EXPLAIN ANALYZE of the same
statement, values inlined as Django's cursor sends them) are given as
medians. These do not depend on what else the machine runs as much as
wrk's figures do, but they are times: compare them within one run.
"""

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from articles import rows  # noqa: E402
from articles.public import views  # noqa: E402


def explained(call) -> tuple[float, float]:
    """(execution ms, planning ms) of the one statement ``call`` runs."""
    seen = []
    fetch = rows.fetch

    def noted(statement, params, **_kw):
        seen.append((statement, params))
        return []

    rows.fetch = noted
    try:
        call()
    finally:
        rows.fetch = fetch
    [(statement, params)] = seen
    with connection.cursor() as cursor:
        for _ in range(3):  # warm the backend's caches: a fresh one plans slowly
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params)
            [[(plan,)]] = [cursor.fetchall()]
    return plan[0]["Execution Time"], plan[0]["Planning Time"]


def report(name: str, figures: list[tuple[float, float]]):
    execution = statistics.median(f[0] for f in figures)
    planning = statistics.median(f[1] for f in figures)
    sys.stdout.write(
        f"{name:58} {len(figures):4} reads  {execution:7.3f} ms execution"
        f"  {planning:6.3f} ms planning\n"
    )


def step(by, company_ids, tag_ids, exclude):
    return lambda: rows.related(
        by=by, company_ids=company_ids, tag_ids=tag_ids, exclude=exclude,
        candidates=views.RELATED_CANDIDATES, limit=views.RELATED_LIMIT,
    )  # fmt: skip


def main():
    if connection.vendor != "postgresql":
        sys.exit("bench/related.py reads PostgreSQL's plans: set DATABASE_URL")
    urls = (ROOT / "var" / "bench" / "urls" / "article.txt").read_text().split()
    company_step, tag_step = [], []
    for url in urls[:100]:
        article, found = rows.live_article_with_parts(
            int(url.split("/")[2]),
            related_candidates=views.RELATED_CANDIDATES,
            related_limit=views.RELATED_LIMIT,
        )
        company_ids = sorted({link[1] for link in found["company_links"]})
        tag_ids = [tag[0] for tag in found["tags"]]
        exclude = [article.pk]
        if company_ids:
            by_company = step("company_ids", company_ids, tag_ids, exclude)
            company_step.append(explained(by_company))
        if tag_ids:
            tag_step.append(explained(step("tag_ids", [], tag_ids, exclude)))
    report("company step, the bench's articles", company_step)
    report("tag step, the bench's articles with no company", tag_step)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tag_id, COUNT(*) FROM taggit_taggeditem GROUP BY tag_id"
            " ORDER BY COUNT(*) DESC, tag_id"
        )
        counted = cursor.fetchall()
    for name, chosen in (
        ("tag step, the two most linked tags", counted[:2]),
        ("tag step, the most linked tag", counted[:1]),
        (
            "tag step, a tag on as many articles as candidates",
            [min(counted, key=lambda c: abs(c[1] - views.RELATED_CANDIDATES))],
        ),
        ("tag step, a tag on the fewest articles", counted[-1:]),
    ):
        label = f"{name} ({', '.join(f'{n:,}' for _tag, n in chosen)} links)"
        tag_ids = [tag for tag, _n in chosen]
        report(label, [explained(step("tag_ids", [], tag_ids, [0]))])


if __name__ == "__main__":
    main()
