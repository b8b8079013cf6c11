"""Tests for ``manage.py seed_demo`` and the demo data in articles/demo.py."""

import re
from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles import demo
from articles.models import Article, ArticleAuthor, Author, Correction, Transition
from articles.roles import EDITORS, WRITERS
from companies.models import Company, Ticker
from tests.factories import make_company

HONG_KONG = ZoneInfo("Asia/Hong_Kong")


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def printed_password(output: str, username: str) -> str:
    match = re.search(rf"^\s*{username}\s.*password: (\S+)$", output, re.MULTILINE)
    assert match, output
    return match.group(1)


def counts() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "authors": Author.objects.count(),
        "companies": Company.objects.count(),
        "tickers": Ticker.objects.count(),
        "articles": Article.objects.count(),
        "bylines": ArticleAuthor.objects.count(),
        "transitions": Transition.objects.count(),
        "corrections": Correction.objects.count(),
        "revisions": sum(a.revisions.count() for a in Article.objects.all()),
    }


# --- The data module, without the database ---------------------------------


def test_demo_data_is_consistent():
    headlines = [spec["headline"] for spec in demo.ARTICLES]
    assert len(headlines) == len(set(headlines)), "headlines are the lookup key"
    company_slugs = {spec["slug"] for spec in demo.COMPANIES}
    author_slugs = {spec["slug"] for spec in demo.AUTHORS}
    usernames = {spec["username"] for spec in demo.USERS}
    for spec in demo.ARTICLES:
        assert spec["companies"] and set(spec["companies"]) <= company_slugs
        assert spec["authors"] and set(spec["authors"]) <= author_slugs
        assert spec["tags"]
        assert spec["created_by"] in usernames
        assert len(spec.get("key_points", [])) <= 8
    for spec in demo.COMPANIES + demo.AUTHORS:
        assert spec["slug"].isascii()
    states = [spec["state"] for spec in demo.ARTICLES]
    assert states.count("scheduled") == 1
    assert states.count("review") == 1
    assert states.count("unpublished") == 1


def test_demo_bodies_have_the_expected_shape():
    features = [s for s in demo.ARTICLES if s["kind"] == "feature"]
    briefs = [s for s in demo.ARTICLES if s["kind"] == "brief"]
    assert len(briefs) >= 10 and len(features) >= 5
    for spec in briefs:
        html = demo.body_html(spec["body"])
        assert 2 <= html.count("<p>") <= 4, spec["headline"]
    tables = [s for s in features if "<table>" in demo.body_html(s["body"])]
    assert len(tables) >= 2
    for spec in features:
        if spec["state"] == "draft":
            continue
        html = demo.body_html(spec["body"])
        assert "<h2>" in html and html.count("<p>") >= 4, spec["headline"]
        assert spec["dek"] and 3 <= len(spec["key_points"]) <= 4


# --- The command -------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_creates_the_newsroom(settings):
    settings.DEBUG = True
    seed()
    assert Article.objects.count() >= 30
    assert Company.objects.count() >= 20
    assert Author.objects.count() >= 4

    user_model = get_user_model()
    editor = user_model.objects.get(username="editor")
    writer = user_model.objects.get(username="writer")
    admin = user_model.objects.get(username="admin")
    assert list(editor.groups.values_list("name", flat=True)) == [EDITORS]
    assert list(writer.groups.values_list("name", flat=True)) == [WRITERS]
    assert editor.is_staff and writer.is_staff
    assert admin.is_superuser and admin.is_staff
    assert editor.author_profile.slug == "chow-wai-lam"
    assert writer.author_profile.slug == "lam-tsz-hin"


@pytest.mark.django_db
def test_articles_are_in_every_workflow_state():
    seed()
    now = timezone.now()
    articles = Article.objects.all()

    scheduled = articles.scheduled()
    assert scheduled.count() == 1
    only = scheduled.get()
    assert not articles.live().filter(pk=only.pk).exists()
    assert timedelta(hours=2) < only.publish_at - now < timedelta(hours=4)

    assert articles.filter(status=Article.Status.DRAFT).count() >= 3
    assert articles.filter(status=Article.Status.REVIEW).count() == 1
    assert articles.filter(status=Article.Status.UNPUBLISHED).count() == 1
    assert articles.live().count() >= 20
    assert articles.briefs().exists() and articles.features().exists()

    # Live articles: in the last few weeks, in Hong Kong business hours.
    for article in articles.live():
        local = article.publish_at.astimezone(HONG_KONG)
        assert now - article.publish_at < timedelta(days=28)
        assert local.weekday() < 5 and 8 <= local.hour < 19, article


@pytest.mark.django_db
def test_every_article_has_authors_companies_tags_and_a_revision():
    seed()
    for article in Article.objects.all():
        assert article.bylines.exists(), article
        assert article.companies.exists(), article
        assert article.tags.exists(), article
        assert article.revisions.exists(), article
        assert article.created_by is not None
    multi = next(a for a in Article.objects.all() if a.bylines.count() > 1)
    assert [b.position for b in multi.bylines.all()] == list(
        range(multi.bylines.count())
    )
    assert Article.objects.exclude(source="").exists()
    assert Article.objects.filter(body__contains="<table>").count() >= 2


@pytest.mark.django_db
def test_status_changes_went_through_the_workflow():
    seed()
    for article in Article.objects.filter(status=Article.Status.PUBLISHED):
        publish = article.transitions.get(to_status=Article.Status.PUBLISHED)
        assert publish.by.username == "editor"
        assert publish.publish_at == article.publish_at
        assert article.first_published_at == article.publish_at
    # A writer's copy went through review before the editor published it.
    writer_copy = Article.objects.filter(
        status=Article.Status.PUBLISHED, created_by__username="writer"
    ).first()
    assert writer_copy.transitions.filter(
        action="submit", by=writer_copy.created_by
    ).exists()
    assert Transition.objects.filter(action="send_back").exclude(note="").exists()
    assert Transition.objects.filter(action="unpublish").exists()
    unlogged = Article.objects.exclude(status=Article.Status.DRAFT).filter(
        transitions__isnull=True
    )
    assert not unlogged.exists()


@pytest.mark.django_db
def test_one_correction_on_a_published_article():
    seed()
    correction = Correction.objects.get()
    assert correction.article.is_live
    assert correction.corrected_at >= correction.article.publish_at


@pytest.mark.django_db
def test_tickers_are_normalised_and_found_in_any_spelling():
    seed()
    assert Ticker.objects.lookup("853.hk").company.slug == "microport"
    assert Ticker.objects.lookup("ocft.us").company.slug == "oneconnect"
    assert set(
        Company.objects.get(slug="ping-an").tickers.values_list("symbol", flat=True)
    ) == {"2318", "601318"}


@pytest.mark.django_db
def test_running_twice_creates_nothing_new(settings):
    settings.DEBUG = True
    seed()
    before = counts()
    output = seed()
    assert counts() == before
    present = re.search(r"articles\s+0 created,\s+(\d+) already present", output)
    assert present and int(present.group(1)) == len(demo.ARTICLES)
    assert re.search(r"^\s*editor\s.*already exists", output, re.MULTILINE)


@pytest.mark.django_db
def test_existing_company_is_reused_by_ticker():
    make_company("0700.HK", name="騰訊", name_en="Tencent", slug="tencent-by-hand")
    seed()
    assert Company.objects.filter(tickers__symbol="0700").count() == 1
    assert not Company.objects.filter(slug="tencent").exists()


@pytest.mark.django_db
def test_debug_on_prints_the_fixed_demo_passwords(settings):
    settings.DEBUG = True
    output = seed()
    assert "http://127.0.0.1:8000/admin/" in output
    user_model = get_user_model()
    for username, password in demo.DEMO_PASSWORDS.items():
        assert printed_password(output, username) == password
        assert user_model.objects.get(username=username).check_password(password)
    assert "Editors group" in output and "Writers group" in output


@pytest.mark.django_db
def test_debug_off_generates_random_passwords(settings):
    settings.DEBUG = False
    output = seed()
    assert "http://127.0.0.1:8000/admin/" in output
    user_model = get_user_model()
    printed = {name: printed_password(output, name) for name in demo.DEMO_PASSWORDS}
    for username, password in printed.items():
        assert password != demo.DEMO_PASSWORDS[username]
        assert len(password) >= 16  # token_urlsafe(12)
        assert user_model.objects.get(username=username).check_password(password)
    assert len(set(printed.values())) == len(printed)


@pytest.mark.django_db
def test_rerun_keeps_existing_passwords(settings):
    settings.DEBUG = False
    first = printed_password(seed(), "editor")
    settings.DEBUG = True
    output = seed()
    editor = get_user_model().objects.get(username="editor")
    assert editor.check_password(first)
    assert not editor.check_password(demo.DEMO_PASSWORDS["editor"])
    assert "password: " not in output


@pytest.mark.django_db
def test_an_editor_login_without_rights_stops_the_run_and_rolls_back():
    get_user_model().objects.create_user(username="editor", password="x-y-z-123")
    with pytest.raises(CommandError, match="Editors group"):
        seed()
    assert not Article.objects.exists()
    assert not Company.objects.exists()
    assert not get_user_model().objects.filter(username="writer").exists()
