"""Alerts about followed companies: when, to whom, and exactly once."""

import datetime
import io
import time
from collections import Counter
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.test import Client
from django.utils import timezone
from taggit.models import Tag

from articles import workflow
from articles.models import Article
from newsletter import alerts
from newsletter.models import AlertDelivery, AlertSettings, Frequency, Subscriber
from tests.factories import make_article, make_company, make_editor, make_live_article
from tests.newsletter.following_helpers import (
    follow,
    local,
    make_subscriber,
    together,
)

pytestmark = pytest.mark.django_db

Status = AlertDelivery.Status
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def about(company, **kwargs):
    article = make_article(dek="一句話摘要", **kwargs)
    article.companies.add(company)
    return article


def publish(article, *, by, at=None, capture):
    with capture(execute=True):
        workflow.publish(article, by=by, at=at)


def run(result):
    """Run an enqueued task as a worker would, then the tasks it enqueued."""
    from django_tasks import default_task_backend

    before = len(default_task_backend.results)
    result.task.call(*result.args, **result.kwargs)
    for later in default_task_backend.results[before:]:
        later.task.call(*later.args, **later.kwargs)


def addresses():
    return Counter(address for message in mail.outbox for address in message.to)


def test_publishing_alerts_immediate_followers_only(
    django_capture_on_commit_callbacks,
):
    company = make_company(name="騰訊控股")
    now = make_subscriber("now@example.com", frequency=Frequency.IMMEDIATE)
    daily = make_subscriber("daily@example.com", frequency=Frequency.DAILY)
    weekly = make_subscriber("weekly@example.com")
    gone = make_subscriber(
        "gone@example.com",
        frequency=Frequency.IMMEDIATE,
        status=Subscriber.Status.UNSUBSCRIBED,
    )
    for subscriber in (now, daily, weekly, gone):
        follow(subscriber, company=company)
    article = about(company, status=Article.Status.REVIEW)
    publish(article, by=make_editor(), capture=django_capture_on_commit_callbacks)
    assert addresses() == {"now@example.com": 1}
    message = mail.outbox[0]
    assert message.subject == article.headline
    assert "騰訊控股" in message.body and "一句話摘要" in message.body


def test_alert_carries_rfc_8058_headers_and_both_opt_outs(client):
    company = make_company()
    subscriber = make_subscriber(frequency=Frequency.IMMEDIATE)
    follow(subscriber, company=company)
    article = about(company, status=Article.Status.PUBLISHED)
    alerts.fan_out(article.pk)
    message = mail.outbox[0]
    headers = message.extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/newsletter/alerts-off/" in headers["List-Unsubscribe"]
    assert "alerts" in headers["List-Id"]
    assert "/newsletter/unsubscribe/" in message.body
    assert "/newsletter/me/" in message.body
    # One click, no cookie: alerts stop, the weekly newsletter stays.
    url = headers["List-Unsubscribe"].split(">")[0].lstrip("<")
    response = Client(enforce_csrf_checks=True).post(
        local(url), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.frequency == Frequency.WEEKLY
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_followed_tag_alerts_too():
    tag = Tag.objects.create(name="加息", slug="jia-xi")
    subscriber = make_subscriber(frequency=Frequency.IMMEDIATE)
    follow(subscriber, tag=tag)
    article = make_live_article()
    article.tags.add(tag)
    alerts.fan_out(article.pk)
    assert addresses() == {subscriber.email: 1}


class Scheduling:
    """An article about a followed company, in review, and a clock to move."""

    def __init__(self, capture, monkeypatch):
        from django_tasks import default_task_backend

        self.tasks = default_task_backend.results
        self.capture = capture
        self.monkeypatch = monkeypatch
        self.editor = make_editor()
        company = make_company()
        follow(make_subscriber(frequency=Frequency.IMMEDIATE), company=company)
        self.article = about(company, status=Article.Status.REVIEW)

    def publish(self, at):
        publish(self.article, by=self.editor, at=at, capture=self.capture)

    def unpublish(self):
        with self.capture(execute=True):
            workflow.unpublish(self.article, by=self.editor)

    def run_at(self, moment, result):
        later = moment + datetime.timedelta(minutes=1)
        self.monkeypatch.setattr(timezone, "now", lambda: later)
        run(result)


@pytest.fixture
def scheduling(settings, django_capture_on_commit_callbacks, monkeypatch):
    settings.TASKS = DUMMY
    return Scheduling(django_capture_on_commit_callbacks, monkeypatch)


def in_hours(hours):
    return (timezone.now() + datetime.timedelta(hours=hours)).replace(microsecond=0)


def test_a_scheduled_article_alerts_at_its_minute(scheduling):
    at = in_hours(2)
    scheduling.publish(at)
    [result] = scheduling.tasks
    assert result.task.run_after == at
    assert not mail.outbox  # not yet
    scheduling.run_at(at, result)
    assert len(mail.outbox) == 1


def test_an_unpublished_scheduled_article_does_not_alert(scheduling):
    at = in_hours(2)
    scheduling.publish(at)
    scheduling.unpublish()
    [result] = scheduling.tasks
    scheduling.run_at(at, result)
    assert not mail.outbox


def test_a_rescheduled_article_alerts_at_its_new_time_only(scheduling):
    first, second = in_hours(1), in_hours(3)
    scheduling.publish(first)
    scheduling.publish(second)
    old, new = scheduling.tasks
    assert new.task.run_after == second
    scheduling.run_at(first, old)
    assert not mail.outbox  # not live yet, and not its time any more
    scheduling.run_at(second, old)
    assert not mail.outbox  # the old task's time is gone
    run(new)
    assert len(mail.outbox) == 1


def test_exactly_once_per_subscriber_and_article_even_when_published_again(
    django_capture_on_commit_callbacks,
):
    company, other = make_company(), make_company()
    subscriber = make_subscriber(frequency=Frequency.IMMEDIATE)
    follow(subscriber, company=company)
    follow(subscriber, company=other)  # follows both: still one alert
    article = about(company, status=Article.Status.REVIEW)
    article.companies.add(other)
    editor = make_editor()
    publish(article, by=editor, capture=django_capture_on_commit_callbacks)
    alerts.fan_out(article.pk)
    alerts.send_pending(article.pk)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(article, by=editor)
        workflow.return_to_draft(article, by=editor)
    publish(article, by=editor, capture=django_capture_on_commit_callbacks)
    assert addresses() == {subscriber.email: 1}


def test_a_correction_does_not_alert_again():
    company = make_company()
    subscriber = make_subscriber(frequency=Frequency.IMMEDIATE)
    follow(subscriber, company=company)
    article = about(company, status=Article.Status.PUBLISHED)
    alerts.fan_out(article.pk)
    article.corrections.create(wrong="升 5%", right="升 3%")
    article.headline += "（更正）"
    article.save()
    alerts.fan_out(article.pk)  # even if something asked again
    assert len(mail.outbox) == 1


def test_daily_cap_per_subscriber():
    AlertSettings.objects.create(daily_cap=2)
    company = make_company()
    subscriber = make_subscriber(frequency=Frequency.IMMEDIATE)
    follow(subscriber, company=company)
    articles = [about(company, status=Article.Status.PUBLISHED) for _ in range(3)]
    for article in articles:
        alerts.fan_out(article.pk)
    assert len(mail.outbox) == 2
    capped = AlertDelivery.objects.get(article=articles[2])
    assert (capped.status, capped.reason) == (Status.SKIPPED, "daily cap")


class Crash(BaseException):
    """The worker process dies (not an error the code could handle)."""


class CrashingBackend(locmem.EmailBackend):
    crash_at = 2
    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls == self.crash_at:
            raise Crash
        return super().send_messages(messages)


def test_a_crash_midway_never_sends_anyone_twice(settings):
    settings.TASKS = DUMMY  # fan out now, send below
    company = make_company()
    people = [make_subscriber(frequency=Frequency.IMMEDIATE) for _ in range(4)]
    for person in people:
        follow(person, company=company)
    article = about(company, status=Article.Status.PUBLISHED)
    alerts.fan_out(article.pk)
    CrashingBackend.calls = 0
    with pytest.raises(Crash):
        alerts.send_pending(article.pk, connection=CrashingBackend())
    states = Counter(AlertDelivery.objects.values_list("status", flat=True))
    assert states == {Status.SENT: 1, Status.SENDING: 1, Status.PENDING: 2}
    alerts.send_pending(article.pk)  # the rerun
    alerts.send_pending(article.pk)
    assert set(addresses().values()) == {1}
    assert len(mail.outbox) == 3  # the one lost in the crash is not resent
    assert AlertDelivery.objects.filter(status=Status.SENDING).count() == 1


def test_daily_digest_once_a_day_with_the_days_articles():
    company = make_company()
    daily = make_subscriber(frequency=Frequency.DAILY)
    follow(daily, company=company)
    first = about(company, status=Article.Status.PUBLISHED)
    second = about(company, status=Article.Status.PUBLISHED)
    old = about(
        company,
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(days=2),
    )
    alerts.send_digests()
    alerts.send_digests()
    [message] = mail.outbox
    assert first.headline in message.body and second.headline in message.body
    assert old.headline not in message.body
    assert message.extra_headers["List-Unsubscribe-Post"]


def test_digest_runs_at_the_desks_time_in_hong_kong(settings):
    settings.TASKS = DUMMY
    from django_tasks import default_task_backend

    AlertSettings.objects.create(digest_time=datetime.time(7, 30))
    now = datetime.datetime(2026, 12, 6, 8, 0, tzinfo=datetime.UTC)  # 16:00 HKT
    at = alerts.next_digest_at(now)
    assert timezone.localtime(at).strftime("%d %H:%M") == "07 07:30"
    alerts.schedule_digest(now)
    [result] = default_task_backend.results
    assert result.task.run_after == at
    # A task for a time the desk has since changed does nothing.
    assert alerts.digest_task.call("2026-12-07T09:00:00+08:00") == {}


needs_row_locks = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads need a database server (SQLite's in-memory test database "
    "refuses a second writer)",
)


class SlowBackend(locmem.EmailBackend):
    def send_messages(self, messages):
        time.sleep(0.01)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
@needs_row_locks
def test_two_workers_at_once_send_each_alert_once(settings):
    settings.TASKS = DUMMY
    company = make_company()
    people = [make_subscriber(frequency=Frequency.IMMEDIATE) for _ in range(12)]
    for person in people:
        follow(person, company=company)
    article = about(company, status=Article.Status.PUBLISHED)
    alerts.fan_out(article.pk)
    together(*[lambda: alerts.send_pending(article.pk, connection=SlowBackend())] * 2)
    assert addresses() == {person.email: 1 for person in people}


@pytest.mark.django_db(transaction=True)
@needs_row_locks
def test_two_workers_respect_the_daily_cap(settings):
    settings.TASKS = DUMMY
    AlertSettings.objects.create(daily_cap=1)
    company = make_company()
    person = make_subscriber(frequency=Frequency.IMMEDIATE)
    follow(person, company=company)
    articles = [about(company, status=Article.Status.PUBLISHED) for _ in range(2)]
    for article in articles:
        alerts.fan_out(article.pk)
    together(
        *[
            lambda a=a: alerts.send_pending(a.pk, connection=SlowBackend())
            for a in articles
        ]
    )
    assert len(mail.outbox) == 1


def _fan_out_queries(count):
    from django.test.utils import CaptureQueriesContext

    company = make_company()
    for _ in range(count):
        follow(make_subscriber(frequency=Frequency.IMMEDIATE), company=company)
    article = about(company, status=Article.Status.PUBLISHED)
    with CaptureQueriesContext(connection) as queries:
        created = alerts.fan_out(article.pk)
    assert created == count
    return len(queries)


def test_fan_out_queries_do_not_grow_with_followers(settings):
    settings.TASKS = DUMMY  # enqueue only
    assert _fan_out_queries(3) == _fan_out_queries(40)


def test_simplified_subscribers_get_alerts_in_simplified_with_their_links():
    from newsletter.models import Script

    company = make_company(name="騰訊控股")
    subscriber = make_subscriber(frequency=Frequency.IMMEDIATE, script=Script.HANS)
    follow(subscriber, company=company)
    article = about(company, status=Article.Status.PUBLISHED, headline="騰訊業績")
    alerts.fan_out(article.pk)
    [message] = mail.outbox
    assert message.subject == "腾讯业绩"
    assert "腾讯控股" in message.body
    assert "/zh-hans/" in message.body


def test_send_alerts_command_fans_out_recent_articles_without_a_worker(settings):
    from django.core.management import call_command

    settings.TASKS = DUMMY  # nothing runs by itself
    company = make_company()
    subscriber = make_subscriber(frequency=Frequency.IMMEDIATE)
    follow(subscriber, company=company)
    about(
        company,
        status=Article.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    call_command("send_alerts", stdout=io.StringIO())
    call_command("send_alerts", stdout=io.StringIO())
    assert addresses() == {subscriber.email: 1}


@pytest.mark.parametrize("clock", ["17:59:55", "18:00:00", "18:00:09", "02:00:00"])
def test_digest_time_default_passes_the_checks_at_any_time_of_day(clock):
    # Django warns (fields.W161) about a fixed time default within ten seconds
    # of the clock, read in UTC; `check --deploy` fails on any warning.
    now = datetime.datetime.combine(
        datetime.date(2026, 12, 6), datetime.time.fromisoformat(clock)
    )
    field = AlertSettings._meta.get_field("digest_time")
    with mock.patch("django.db.models.fields._get_naive_now", return_value=now):
        assert field.check() == []
    assert AlertSettings().digest_time == datetime.time(18, 0)
