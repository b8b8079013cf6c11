"""articles/rows.py: each plain-SQL read gives what the ORM query it stands
for gives, on the same data (on SQLite and on PostgreSQL, as the suite runs
on both)."""

from datetime import datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from taggit.models import TaggedItem

from articles import rows
from articles.models import Article, ArticleAuthor, Author, Correction
from companies.matching import companies_version
from tests.factories import make_article, make_author, make_company, make_live_article

pytestmark = pytest.mark.django_db

LINK = list(rows.LINK_FIELDS)


@pytest.fixture
def article():
    article = make_live_article()
    for position, name in ((2, "黃小明"), (1, "陳大文"), (1, "李文")):
        author = make_author(name=name)
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    article.companies.add(
        make_company("0700.HK", "TCEHY.US", name="騰訊控股"),
        make_company(name="未上市公司"),
        make_company("9988.HK", name="阿里巴巴"),
    )
    article.tags.add("港股", "科技", "業績")
    now = timezone.now()
    for days, wrong in ((1, "舊的說法"), (3, "更舊的說法")):
        Correction.objects.create(
            article=article, corrected_at=now - timedelta(days=days), wrong=wrong,
            right="正確的說法",
        )  # fmt: skip
    make_live_article().companies.add(article.companies.first())  # not this one's
    return article


def test_bylines_in_byline_order(article):
    orm = (
        ArticleAuthor.objects.filter(article_id=article.pk)
        .order_by("position", "pk")
        .values_list("article_id", "author_id", "author__name", "author__slug")
    )
    assert rows.bylines([article.pk]) == list(orm)
    assert len(orm) == 3


def test_company_links_with_every_ticker_by_name(article):
    orm = (
        Article.companies.through.objects.filter(article_id=article.pk)
        .order_by("company__name", "company_id", "company__tickers__exchange",
                  "company__tickers__symbol")
        .values_list("article_id", "company_id", "company__name",
                     "company__name_en", "company__slug", "company__updated_at",
                     "company__tickers__symbol", "company__tickers__exchange")
    )  # fmt: skip
    got = rows.company_links([article.pk])
    assert got == list(orm)
    assert len(got) == 4  # two tickers, one, and a row of NULLs for none
    assert all(timezone.is_aware(row[5]) for row in got)


def test_tags_in_the_order_typed(article):
    orm = (
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id=article.pk,
        )
        .order_by("pk")
        .values_list("tag_id", "tag__name", "tag__slug")
    )
    assert rows.tags(article.pk) == list(orm)
    assert [name for _pk, name, _slug in orm] == ["港股", "科技", "業績"]


def test_corrections_oldest_first_with_every_field(article):
    orm = [
        {**{f.attname: getattr(c, f.attname) for f in Correction._meta.concrete_fields
            if f.attname != "id"}, "pk": c.pk}
        for c in Correction.objects.filter(article=article)
    ]  # fmt: skip
    got = rows.corrections(article.pk)
    assert got == orm
    assert [c["wrong"] for c in got] == ["更舊的說法", "舊的說法"]
    assert Correction(**got[0]).corrected_at == orm[0]["corrected_at"]


def test_live_article_is_the_orms_instance_or_none():
    live = make_live_article(key_points=["一", "二"])
    future = make_article(
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() + timedelta(minutes=1),
    )
    draft = make_article(status=Article.Status.DRAFT)
    got = rows.live_article(live.pk)
    expected = Article.objects.get(pk=live.pk)
    assert type(got) is Article
    for field in Article._meta.concrete_fields:
        assert getattr(got, field.attname) == getattr(expected, field.attname)
    assert got.key_points == ["一", "二"]
    assert rows.live_article(future.pk) is None
    assert rows.live_article(draft.pk) is None
    assert rows.live_article(live.pk + 1000) is None


RELATED = {"related_candidates": 100, "related_limit": 4}


def test_live_article_with_parts_is_the_row_and_the_separate_reads(article):
    """In one statement on PostgreSQL (JSON beside the row), in separate
    reads elsewhere: the same instance and rows either way."""
    got, parts = rows.live_article_with_parts(article.pk, **RELATED)
    expected = rows.live_article(article.pk)
    for field in Article._meta.concrete_fields:
        assert getattr(got, field.attname) == getattr(expected, field.attname)
    neighbours, version = parts.pop("neighbours"), parts.pop("companies_version")
    related = parts.pop("related")
    assert parts == rows.article_parts(article.pk)
    assert [len(parts[name]) for name in parts] == [3, 4, 3, 2]
    assert isinstance(parts["corrections"][0]["corrected_at"], datetime)
    assert isinstance(parts["company_links"][0][5], datetime)
    assert neighbours == rows.neighbours(expected) != (None, None)
    assert version == companies_version()
    assert related == rows.related(
        by="company_ids",
        company_ids=list(dict.fromkeys(link[1] for link in parts["company_links"])),
        tag_ids=[tag[0] for tag in parts["tags"]],
        exclude=[article.pk], candidates=100, limit=4,
    )  # fmt: skip
    assert len(related) == 1 and isinstance(related[0]["publish_at"], datetime)
    # An article with none of them: empty lists, not None.
    bare = make_live_article()
    assert rows.live_article_with_parts(bare.pk, **RELATED)[1] == {
        "bylines": [], "company_links": [], "tags": [], "corrections": [],
        "neighbours": rows.neighbours(bare), "companies_version": companies_version(),
        "related": [],
    }  # fmt: skip
    draft = make_article(status=Article.Status.DRAFT)
    assert rows.live_article_with_parts(draft.pk, **RELATED) is None
    assert rows.live_article_with_parts(article.pk + 1000, **RELATED) is None


def test_live_is_article_objects_live():
    now = timezone.now()
    make_live_article(publish_at=now - timedelta(minutes=1))
    make_article(status=Article.Status.PUBLISHED, publish_at=now + timedelta(minutes=1))
    make_article(status=Article.Status.DRAFT, publish_at=now - timedelta(days=1))
    make_article(status=Article.Status.UNPUBLISHED, publish_at=now - timedelta(days=1))
    make_article(status=Article.Status.REVIEW)
    got = rows.fetch(
        f"SELECT a.id FROM articles_article a WHERE {rows.LIVE} ORDER BY a.id",
        rows.live_params(),
    )
    assert [pk for (pk,) in got] == list(
        Article.objects.live().order_by("pk").values_list("pk", flat=True)
    )
    assert len(got) == 1


def orm_neighbour(article, *, newer):
    """The rule in the ORM: the nearest live article of the same kind after
    (or before) this one by publish time, then key."""
    at, pk = article.publish_at, article.pk
    if newer:
        beyond = Q(publish_at__gt=at) | Q(publish_at=at, pk__gt=pk)
        order = ("publish_at", "pk")
    else:
        beyond = Q(publish_at__lt=at) | Q(publish_at=at, pk__lt=pk)
        order = ("-publish_at", "-pk")
    found = Article.objects.live().filter(beyond, kind=article.kind).order_by(*order)
    return found.values(*LINK).first()


# Articles of either kind, live or not, published within minutes of each
# other: ties and the future included.
article_specs = st.lists(
    st.tuples(
        st.integers(-4, 2),  # minutes from now
        st.sampled_from(Article.Kind.values),
        st.sampled_from([Article.Status.PUBLISHED, Article.Status.DRAFT]),
    ),
    max_size=10,
)
examples = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def make_articles(specs):
    now = timezone.now().replace(microsecond=0)
    for minutes, kind, status in specs:
        make_article(
            status=status, kind=kind, publish_at=now + timedelta(minutes=minutes)
        )


class NeighbourTests(TestCase):
    @examples
    @given(article_specs)
    def test_same_as_the_rule_in_the_orm(self, specs):
        make_articles(specs)
        for article in Article.objects.all():
            assert rows.neighbours(article) == (
                orm_neighbour(article, newer=False),
                orm_neighbour(article, newer=True),
            )


class NewestTests(TestCase):
    @examples
    @given(article_specs, st.integers(0, 4), st.integers(0, 6))
    def test_same_as_the_orm(self, specs, features, briefs):
        make_articles(specs)
        live = Article.objects.live()
        got = rows.newest({Article.Kind.FEATURE: features, Article.Kind.BRIEF: briefs})
        assert got == {
            Article.Kind.FEATURE: list(live.features().values(*LINK)[:features]),
            Article.Kind.BRIEF: list(live.briefs().values(*LINK)[:briefs]),
        }
        assert rows.newest({}) == {}


def test_most_covered_matches_the_orm_ties_by_name():
    now = timezone.now()
    a, b, c, d = (
        make_company(name=n) for n in ("乙公司", "甲公司", "丙公司", "丁公司")
    )
    for companies, when, status in (
        ((a, b), now - timedelta(days=1), Article.Status.PUBLISHED),
        ((a, b, c), now - timedelta(days=6), Article.Status.PUBLISHED),
        ((c,), now - timedelta(days=8), Article.Status.PUBLISHED),  # too old
        ((d, d), now - timedelta(days=1), Article.Status.DRAFT),  # not live
        ((d,), now + timedelta(hours=1), Article.Status.PUBLISHED),  # scheduled
    ):
        make_article(status=status, publish_at=when).companies.add(*companies)
    week_ago = now - timedelta(days=7)
    orm = (
        Article.objects.live()
        .filter(publish_at__gte=week_ago, companies__isnull=False)
        .values("companies__slug", "companies__name")
        .annotate(count=Count("pk", distinct=True))
        .order_by("-count", "companies__name")[:8]
    )
    expected = [
        {
            "slug": r["companies__slug"],
            "name": r["companies__name"],
            "count": r["count"],
        }
        for r in orm
    ]
    assert rows.most_covered(week_ago, 8) == expected
    assert [r["count"] for r in expected] == [2, 2, 1]
    assert rows.most_covered(week_ago, 1) == expected[:1]


def test_author_choices_by_name_as_the_orm_orders_them():
    for name in ("黃小明", "陳大文", "Alice Wong", "李文"):
        make_author(name=name)
    assert rows.author_choices() == list(
        Author.objects.order_by("name", "pk").values_list("slug", "name")
    )


def test_empty_key_lists_read_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert rows.bylines([]) == [] and rows.company_links([]) == []
        for by in ("company_ids", "tag_ids"):
            got = rows.related(
                by=by, company_ids=[], tag_ids=[], exclude=[1], candidates=5,
                limit=4,
            )  # fmt: skip
            assert got == []


def test_related_with_nothing_to_exclude():
    company = make_company()
    article = make_live_article()
    article.companies.add(company)
    got = rows.related(
        by="company_ids", company_ids=[company.pk], tag_ids=[], exclude=[],
        candidates=5, limit=4,
    )  # fmt: skip
    assert [link["pk"] for link in got] == [article.pk]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
def test_reads_by_key_are_prepared_and_the_related_read_is_not(article):
    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [statement for (statement,) in cursor.fetchall()]

    def read():
        return [
            rows.live_article(article.pk).headline,
            rows.live_article_with_parts(article.pk, **RELATED)[1],
            rows.bylines([article.pk]),
            rows.company_links([article.pk]),
            rows.tags(article.pk),
            rows.corrections(article.pk),
            rows.neighbours(article),
            rows.related(
                by="tag_ids",
                company_ids=[1],
                tag_ids=[1],
                exclude=[article.pk],
                candidates=100,
                limit=4,
            ),  # fmt: skip
        ]

    before = prepared()
    with CaptureQueriesContext(connection) as queries:
        logged = read()
    # A logged read (DEBUG, a test counting queries) is not prepared, so the
    # log shows each statement with its values.
    assert len(queries) == 8 and all(q["sql"] for q in queries)
    assert prepared() == before
    assert read() == read() == logged  # the same rows, prepared or not
    new = [statement for statement in prepared() if statement not in before]
    for read_of in (
        "FROM articles_article a WHERE a.id = $1",
        "articles_articleauthor",
        "articles_article_companies ac",
        "taggit_taggeditem ti",
        "articles_correction",
        "UNION ALL",
        "json_agg",
    ):
        assert any(read_of in statement for statement in new), read_of
    assert not any("JOIN taggit_taggeditem l" in statement for statement in new)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
@pytest.mark.django_db(transaction=True)
def test_a_prepared_read_reconnects_when_the_server_dropped_the_connection():
    article = make_live_article()
    article.tags.add("港股")
    assert [name for _pk, name, _slug in rows.tags(article.pk)] == ["港股"]
    connection.connection.close()  # as a restarted server leaves it
    connection.close_if_unusable_or_obsolete()  # what a new request starts with
    assert [name for _pk, name, _slug in rows.tags(article.pk)] == ["港股"]
