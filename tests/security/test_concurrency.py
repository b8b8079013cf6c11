"""Two people at once (issue 9, point 7): nothing done twice, nothing lost.

Real threads, each with its own database connection and its own transactions,
released together by a barrier. They need PostgreSQL: SQLite's shared
in-memory test database refuses a second writer ("database table is locked")
instead of making it wait, so those tests are skipped there. What the row
locks guarantee is also checked one request after the other, on both.

Sending the newsletter twice at once is also covered by
tests/newsletter/test_sending.py::test_two_sends_started_at_once_exactly_one_runs
(sending.send_issue, its own backend); here it is the command itself.
"""

import io
import threading
import time
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from articles import revisions, roles, workflow
from articles.desk.admin import ArticleAdmin
from articles.models import Article, Revision, Transition
from newsletter import composing
from newsletter.models import Delivery, Issue, Subscriber
from newsroom import pagecache
from tests.articles.test_workflow import admin_post_data, change_url
from tests.factories import make_article, make_editor, make_live_article

Status = Article.Status
CHANGELIST = reverse("admin:articles_article_changelist")
HKT = ZoneInfo("Asia/Hong_Kong")

needs_row_locks = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads need a database server (SQLite's shared in-memory test "
    "database refuses, rather than waits for, a second writer)",
)


@pytest.fixture
def groups(db):
    """The roles' groups: a transactional test before this one flushed them."""
    roles.ensure_groups(Group, Permission)


def together(*calls):
    """Run each call in its own thread, all released at the same moment.

    Returns their results in order (an exception raised counts as a result).
    """
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - handed to the test to check
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def editor_client(**kwargs) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(make_editor(**kwargs))
    return client


def said(response, level) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages if m.level == level]


@pytest.fixture
def invalidations(monkeypatch):
    """The times the page cache was told that public content changed."""
    calls = []
    lock = threading.Lock()
    original = pagecache.changed

    def changed():
        with lock:
            calls.append(True)
        original()

    monkeypatch.setattr(pagecache, "changed", changed)
    return calls


@pytest.fixture
def slow_revisions(monkeypatch):
    """Whoever gets the row first holds its lock a while: the other request
    arrives while it is held, whatever the scheduler does."""
    original = revisions.record_revision

    def record_revision(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    # The admin calls it through the module, the workflow by its own name.
    monkeypatch.setattr(revisions, "record_revision", record_revision)
    monkeypatch.setattr(workflow, "record_revision", record_revision)


# --- two publish requests ----------------------------------------------------


def publish_by_bulk_action(client, article):
    data = {"action": "publish_selected", ACTION_CHECKBOX_NAME: [article.pk]}
    return lambda: client.post(CHANGELIST, data)


def assert_published_once(article, responses, revisions_before, invalidations):
    winners = [r for r in responses if said(r, messages.SUCCESS)]
    losers = [r for r in responses if said(r, messages.ERROR)]
    assert len(winners) == 1 and len(losers) == 1
    assert all(r.status_code == 302 for r in responses)  # no 500
    (refusal,) = said(losers[0], messages.ERROR)
    assert article.headline in refusal
    assert "not possible while the article is Published" in refusal
    article.refresh_from_db()
    assert article.is_live
    assert Transition.objects.filter(article=article).count() == 1
    assert Transition.objects.get(article=article).action == "publish"
    assert Revision.objects.filter(article=article).count() == revisions_before + 1
    assert len(invalidations) == 1


@pytest.mark.usefixtures("groups", "slow_revisions")
@pytest.mark.django_db(transaction=True)
@needs_row_locks
def test_two_publish_requests_at_once_publish_once(invalidations):
    article = make_article(status=Status.REVIEW, headline="兩位編輯同時發佈")
    amy, ben = editor_client(), editor_client()
    revisions_before = Revision.objects.filter(article=article).count()
    invalidations.clear()  # the article's creation

    responses = together(
        publish_by_bulk_action(amy, article), publish_by_bulk_action(ben, article)
    )

    assert not any(isinstance(r, Exception) for r in responses), responses
    assert_published_once(article, responses, revisions_before, invalidations)


@pytest.mark.usefixtures("groups")
@pytest.mark.django_db(transaction=True)
def test_a_second_publish_of_the_same_article_is_refused_on_any_database(
    invalidations,
):
    """What the row lock serialises, one request after the other (with real
    commits, so invalidations happen as they would outside a test)."""
    article = make_article(status=Status.REVIEW, headline="先後發佈")
    # Both had the list open with the article in review.
    amy, ben = editor_client(), editor_client()
    revisions_before = Revision.objects.filter(article=article).count()
    invalidations.clear()  # the article's creation
    responses = [
        publish_by_bulk_action(amy, article)(),
        publish_by_bulk_action(ben, article)(),
    ]
    assert_published_once(article, responses, revisions_before, invalidations)


# --- two saves of the same version ---------------------------------------------


def post_form(client, url, data):
    return lambda: client.post(url, data)


@pytest.mark.usefixtures("groups", "slow_revisions")
@pytest.mark.django_db(transaction=True)
@needs_row_locks
@pytest.mark.parametrize("button", ["", "publish"])
def test_two_saves_of_the_same_version_at_once_lose_no_text(button, invalidations):
    """One save wins; the other is refused with the person's text still in the
    form. With "Save and publish" pressed by both, it is published once."""
    article = make_article(status=Status.REVIEW, headline="原標題")
    url = change_url(article)
    amy, ben = editor_client(username="amy"), editor_client(username="ben")
    invalidations.clear()  # the article's creation
    texts = {
        "amy": admin_post_data(
            article,
            headline="Amy 的標題",
            body="<p>Amy 寫的第一段</p>",
            workflow_action=button,
        ),
        "ben": admin_post_data(
            article,
            headline="Ben 的標題",
            body="<p>Ben 寫的另一段</p>",
            workflow_action=button,
        ),
    }

    responses = dict(
        zip(
            texts,
            together(
                post_form(amy, url, texts["amy"]), post_form(ben, url, texts["ben"])
            ),
            strict=True,
        )
    )

    assert not any(isinstance(r, Exception) for r in responses.values()), responses
    codes = sorted(r.status_code for r in responses.values())
    assert codes == [200, 302]  # one saved, one form shown again; no 500
    winner = next(name for name, r in responses.items() if r.status_code == 302)
    loser = next(name for name, r in responses.items() if r.status_code == 200)
    # The loser's text is in the form they get back, with the reason ...
    html = responses[loser].content.decode()
    assert f"{loser.capitalize()} 寫的" in html
    assert f'value="{loser.capitalize()} 的標題"' in html
    form = responses[loser].context["adminform"].form
    assert winner in form.errors["__all__"][0]
    # ... and the winner's is saved, once.
    article.refresh_from_db()
    assert article.headline == f"{winner.capitalize()} 的標題"
    assert f"{winner.capitalize()} 寫的" in article.body
    transitions = Transition.objects.filter(article=article)
    if button == "publish":
        assert article.is_live
        assert [t.action for t in transitions] == ["publish"]
        assert len(invalidations) == 1
    else:
        assert article.status == Status.REVIEW
        assert not transitions.exists()
        assert not invalidations  # readers never saw it


@pytest.mark.django_db
def test_a_restore_that_meets_a_newer_save_is_refused_not_a_500(monkeypatch):
    article = make_article(headline="第一版")
    first = revisions.record_revision(article, by=None)
    article.headline = "第二版"
    article.save()
    load = ArticleAdmin._article_or_404

    def loaded_then_someone_saves(admin, request, pk):
        loaded = load(admin, request, pk)
        newer = Article.objects.get(pk=pk)
        newer.headline = "剛剛別人存的版本"
        newer.save()
        return loaded

    monkeypatch.setattr(ArticleAdmin, "_article_or_404", loaded_then_someone_saves)
    client = editor_client()
    url = reverse("admin:articles_article_restore", args=[article.pk, first.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert said(response, messages.ERROR)
    article.refresh_from_db()
    assert article.headline == "剛剛別人存的版本"  # kept, not overwritten


# --- two send_newsletter runs ----------------------------------------------------


class SlowBackend(locmem.EmailBackend):
    """The test outbox, a little slower: the two runs overlap."""

    def send_messages(self, messages):
        time.sleep(0.02)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
@needs_row_locks
def test_two_send_newsletter_runs_at_once_send_each_copy_once(settings):
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    settings.NEWSLETTER_BATCH_SIZE = 2
    settings.SITE_URL = "https://news.example"
    make_live_article(publish_at=datetime(2026, 3, 4, 12, tzinfo=HKT))
    issue = composing.create_issue("2026-W10")
    composing.mark_ready(issue)
    people = [
        Subscriber.objects.create(
            email=f"reader{n}@example.com", status=Subscriber.Status.ACTIVE
        )
        for n in range(7)
    ]

    def run():
        out = io.StringIO()
        call_command("send_newsletter", "2026-W10", stdout=out)
        return out.getvalue()

    outcomes = together(run, run)

    finished = [o for o in outcomes if isinstance(o, str)]
    refused = [o for o in outcomes if isinstance(o, CommandError)]
    assert len(finished) == 1 and len(refused) == 1, outcomes
    copies = Counter(address for message in mail.outbox for address in message.to)
    assert copies == {person.email: 1 for person in people}
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert Delivery.objects.filter(issue=issue).count() == len(people)
    assert set(
        Delivery.objects.filter(issue=issue).values_list("status", flat=True)
    ) == {Delivery.Status.SENT}
