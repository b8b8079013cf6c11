"""Related articles, read in one plain-SQL statement per step
(articles/rows.py), against the same rule written through the ORM."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from taggit.models import Tag, TaggedItem

from articles import rows
from articles.models import Article
from articles.public import views
from tests.factories import make_article, make_company, make_live_article

LINK = list(rows.LINK_FIELDS)


def _shared(links, column):
    counted = (
        links.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def shared_counts(company_ids, tag_ids) -> dict:
    """An article's links to ``company_ids`` ("c") and to ``tag_ids`` ("t")."""
    return {
        "c": _shared(
            Article.companies.through.objects.filter(company_id__in=company_ids),
            "article_id",
        ),
        "t": _shared(
            TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(Article),
                tag_id__in=tag_ids,
            ),
            "object_id",
        ),
    }


def oracle(article, company_ids, tag_ids, candidates):
    """The rule through the ORM: candidates are the ``candidates`` newest
    articles linked to one of the ids, ranked by shared companies, shared
    tags, then newest."""
    live = Article.objects.live().exclude(pk=article.pk).order_by("-publish_at", "-pk")
    shared = shared_counts(company_ids, tag_ids)
    related = []
    for field, ids in (("companies", company_ids), ("tags__id", tag_ids)):
        if not ids or len(related) == views.RELATED_LIMIT:
            continue
        pool = (
            live.filter(pk__in=Article.objects.filter(**{f"{field}__in": ids}))
            .exclude(pk__in=[r.pk for r in related])
            .values("pk")[:candidates]
        )
        related += (
            Article.objects.filter(pk__in=pool)
            .annotate(**shared)
            .order_by("-c", "-t", "-publish_at", "-pk")[
                : views.RELATED_LIMIT - len(related)
            ]
        )
    return [a.pk for a in related]


links = st.lists(
    st.tuples(
        st.sets(st.integers(0, 3), max_size=3),  # companies
        st.sets(st.integers(0, 3), max_size=3),  # tags
        st.integers(0, 5),  # hours ago (ties on purpose)
        st.booleans(),  # live or draft
    ),
    min_size=3,
    max_size=9,
)


class RelatedTests(TestCase):
    @settings(
        max_examples=100,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        mine=st.tuples(
            st.sets(st.integers(0, 3), min_size=1), st.sets(st.integers(0, 3))
        ),
        others=links,
        candidates=st.integers(1, 6),
    )
    def test_same_as_the_rule_in_sql(self, mine, others, candidates):
        companies = [make_company() for _ in range(4)]
        tags = [Tag.objects.create(name=f"標籤{n}", slug=f"tag-{n}") for n in range(4)]
        now = timezone.now()
        article = make_live_article(publish_at=now - timedelta(hours=2))
        article.companies.add(*(companies[i] for i in mine[0]))
        article.tags.add(*(tags[i] for i in mine[1]))
        for company_set, tag_set, hours, live in others:
            when = now - timedelta(hours=hours)
            other = make_live_article(publish_at=when) if live else make_article()
            other.companies.add(*(companies[i] for i in company_set))
            other.tags.add(*(tags[i] for i in tag_set))
        # As the article page reads them: the company step beside the row
        # (one statement on PostgreSQL), the tag step on its own.
        article, found = rows.live_article_with_parts(
            article.pk,
            related_candidates=candidates,
            related_limit=views.RELATED_LIMIT,
        )
        parts = views.page_parts(article, found)
        views_candidates = views.RELATED_CANDIDATES
        views.RELATED_CANDIDATES = candidates
        try:
            got = views.related_articles(
                article, parts["companies"], parts["tags"], found["related"]
            )
            apart = views.related_articles(article, parts["companies"], parts["tags"])
        finally:
            views.RELATED_CANDIDATES = views_candidates
        assert [a.pk for a in apart] == [a.pk for a in got]
        expected = oracle(
            article, [c.pk for c in parts["companies"]], [t.pk for t in parts["tags"]],
            candidates,
        )  # fmt: skip
        assert [a.pk for a in got] == expected


@pytest.mark.django_db
def test_related_cards_carry_what_a_card_shows():
    company = make_company("0700.HK")
    article = make_live_article()
    article.companies.add(company)
    other = make_live_article(headline="同公司", dek="導語")
    other.companies.add(company)
    [card] = views.related_articles(article, [company], [])
    assert (card.pk, card.headline, card.dek, card.kind) == (
        other.pk, "同公司", "導語", other.kind,
    )  # fmt: skip
    assert card.get_absolute_url() == other.get_absolute_url()
    assert card.publish_at == other.publish_at


@pytest.mark.django_db
def test_one_step_matches_the_orm():
    article = make_live_article()
    article.companies.add(*(make_company() for _ in range(3)))
    article.tags.add("港股", "科技", "業績")
    company_ids = list(article.companies.values_list("pk", flat=True))
    tag_ids = list(article.tags.values_list("pk", flat=True))
    now = timezone.now()
    others = []
    for n in range(9):
        # Ties in time on purpose: the key breaks them.
        other = make_live_article(publish_at=now - timedelta(hours=n % 4))
        other.companies.add(*company_ids[: n % 3])
        other.tags.add(*Tag.objects.filter(pk__in=tag_ids[n % 2 :]))
        others.append(other.pk)
    make_article().companies.add(*company_ids)  # a draft: never related
    exclude = [article.pk, others[0]]
    shared = shared_counts(company_ids, tag_ids)
    for by, field in (("company_ids", "companies"), ("tag_ids", "tags__id")):
        ids = company_ids if by == "company_ids" else tag_ids
        for candidates, limit in ((3, 2), (5, 4), (100, 4), (100, 100)):
            pool = (
                Article.objects.live()
                .filter(pk__in=Article.objects.filter(**{f"{field}__in": ids}))
                .exclude(pk__in=exclude)
                .order_by("-publish_at", "-pk")
                .values("pk")[:candidates]
            )
            orm = (
                Article.objects.filter(pk__in=pool)
                .annotate(**shared)
                .order_by("-c", "-t", "-publish_at", "-pk")
                .values(*LINK)[:limit]
            )
            got = rows.related(
                by=by, company_ids=company_ids, tag_ids=tag_ids, exclude=exclude,
                candidates=candidates, limit=limit,
            )  # fmt: skip
            assert got == list(orm), (by, candidates, limit)
            assert got
    # Ranked by one relation only when the article has nothing in the other.
    got = rows.related(
        by="tag_ids", company_ids=[], tag_ids=tag_ids, exclude=exclude,
        candidates=100, limit=100,
    )  # fmt: skip
    assert {link["pk"] for link in got} == set(others[1:])


def _links_read(statement, params) -> int:
    """Rows PostgreSQL read from taggit_taggeditem running ``statement``."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params)
        [[plan]] = cursor.fetchall()
    nodes, read = [plan[0]["Plan"]], 0
    while nodes:
        node = nodes.pop()
        if node.get("Relation Name") == "taggit_taggeditem":
            read += node["Actual Rows"] * node["Actual Loops"]
        nodes += node.get("Plans", [])
    return read


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's plan")
def test_the_tag_step_reads_no_more_links_for_a_tag_on_more_articles(monkeypatch):
    """A tag on half the archive (港股) costs the tag step what a tag on a few
    hundred articles does: it walks the newest and stops at the candidates,
    not counting every link of the tag first."""
    tag = Tag.objects.create(name="港股", slug="hk-stocks")
    article_type = ContentType.objects.get_for_model(Article)
    now = timezone.now()

    def tagged(n):
        new = [
            Article(
                headline=f"港股{i}",
                body="<p>內文</p>",
                status=Article.Status.PUBLISHED,
                publish_at=now - timedelta(minutes=i),
            )  # fmt: skip
            for i in range(n)
        ]
        for article in new:
            article.derive_columns()
        new = Article.objects.bulk_create(new)
        TaggedItem.objects.bulk_create(
            TaggedItem(tag=tag, content_type=article_type, object_id=a.pk) for a in new
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_article, taggit_taggeditem")

    seen = []
    monkeypatch.setattr(
        rows,
        "fetch",
        lambda statement, params, **kw: seen.append((statement, params)) or [],
    )

    def read() -> int:
        seen.clear()
        rows.related(
            by="tag_ids", company_ids=[], tag_ids=[tag.pk], exclude=[0],
            candidates=views.RELATED_CANDIDATES, limit=views.RELATED_LIMIT,
        )  # fmt: skip
        [(statement, params)] = seen
        return _links_read(statement, params)

    tagged(300)
    few = read()
    tagged(2700)
    many = read()
    assert many <= few * 1.5, (few, many)
