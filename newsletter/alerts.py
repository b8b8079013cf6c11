"""Alerts: mail about a followed company or tag when an article goes live.

1. ``article_transitioned`` is the hook articles/workflow.py calls after a
   status change commits (settings.ARTICLE_TRANSITION_HOOKS). A publish or
   reschedule enqueues ``fan_out_task`` to run at the article's publish time
   (django-tasks ``run_after``). An unpublish needs nothing: the task checks,
   when it runs, that the article is live and still has the publish time it
   was enqueued for; a rescheduled article has a newer task for its new time.
2. ``fan_out`` writes one pending AlertDelivery per "as soon as it is
   published" follower (bulk inserts; the unique (subscriber, article) row
   is what makes "exactly once" hold) and enqueues ``send_task`` per range
   of subscribers, so several workers share the sending.
3. ``send_pending`` claims each row under a lock on its subscriber (pending →
   sending, committed before the SMTP call), checks the daily cap, sends,
   and marks it sent. Two workers on one range: each row is claimed once. A
   crash after the claim leaves "sending": never resent.
4. ``send_digests`` does the same for "daily digest" subscribers once a day at
   the desk's time (AlertSettings): one message per subscriber listing the
   followed articles of the last 24 hours not yet sent to them.

A correction is an edit, not a status change: it alerts nobody again, and an
article published a second time reaches only who has not had it.
"""

import dataclasses
import datetime
import email.utils
import logging
import smtplib
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django_tasks import default_task_backend, task

from articles.models import Article
from newsroom import chinese, editions

from . import tokens
from .models import (
    AlertDelivery,
    AlertSettings,
    Follow,
    Frequency,
    Script,
    Subscriber,
    postal_address,
)
from .rendering import edition_language

logger = logging.getLogger(__name__)

Status = AlertDelivery.Status
Kind = AlertDelivery.Kind
ONE_CLICK = "List-Unsubscribe=One-Click"
FAN_OUT_CHUNK = 2000
# Subscribers per send task: small enough that workers share a big fan-out.
SEND_RANGE = 500
# A digest lists at most this many articles (newest first).
DIGEST_MAX = 30


# --- 1. the hook ----------------------------------------------------------------


def article_transitioned(*, article_id: int, action: str) -> None:
    """Called by articles/workflow.py after a status change has committed."""
    if action not in ("publish", "reschedule"):
        return
    article = Article.objects.filter(pk=article_id).only("status", "publish_at").first()
    if article is None or article.status != Article.Status.PUBLISHED:
        return
    schedule_fan_out(article)


def schedule_fan_out(article: Article) -> None:
    """Enqueue the fan-out for the article's publish time (now, if it has come)."""
    publish_at = article.publish_at
    args = (article.pk, publish_at.isoformat())
    if publish_at <= timezone.now():
        fan_out_task.enqueue(*args)
    elif default_task_backend.supports_defer:
        fan_out_task.using(run_after=publish_at).enqueue(*args)
    else:
        # The immediate backend (development) cannot wait: `manage.py
        # send_alerts` run by cron fans out what has gone live since.
        logger.info("Alert for article %s waits for send_alerts", article.pk)


@task()
def fan_out_task(article_id: int, publish_at: str) -> int:
    return fan_out(article_id, publish_at=publish_at)


# --- 2. fan-out -----------------------------------------------------------------


def followers(article: Article, frequency: str):
    """Active subscribers (ids) who chose ``frequency`` and follow the article."""
    company_ids = list(article.companies.values_list("pk", flat=True))
    tag_ids = list(article.tags.values_list("pk", flat=True))
    if not company_ids and not tag_ids:
        return Follow.objects.none().values_list("subscriber_id", flat=True)
    return (
        Follow.objects.filter(Q(company_id__in=company_ids) | Q(tag_id__in=tag_ids))
        .filter(subscriber__status=Subscriber.Status.ACTIVE)
        .filter(subscriber__frequency=frequency)
        .order_by("subscriber_id")
        .values_list("subscriber_id", flat=True)
        .distinct()
    )


def fan_out(article_id: int, *, publish_at: str | None = None) -> int:
    """A pending alert per immediate follower, and send tasks; returns how many.

    Does nothing unless the article is live with the publish time the task
    was enqueued for (unpublished, or moved to a time with its own task).
    """
    article = Article.objects.filter(pk=article_id).first()
    if article is None or not article.is_live:
        return 0
    if publish_at is not None and article.publish_at.isoformat() != publish_at:
        return 0
    now = timezone.now()
    created = 0
    chunk: list[int] = []
    ranges: list[tuple[int, int]] = []
    for subscriber_id in followers(article, Frequency.IMMEDIATE).iterator(
        chunk_size=FAN_OUT_CHUNK
    ):
        chunk.append(subscriber_id)
        if len(chunk) == FAN_OUT_CHUNK:
            created += _insert_pending(article, chunk, now, ranges)
            chunk = []
    if chunk:
        created += _insert_pending(article, chunk, now, ranges)
    for first, last in ranges:
        send_task.enqueue(article.pk, first, last)
    return created


def _insert_pending(article, subscriber_ids, now, ranges) -> int:
    AlertDelivery.objects.bulk_create(
        [
            AlertDelivery(
                subscriber_id=sid, article=article, kind=Kind.IMMEDIATE, created_at=now
            )
            for sid in subscriber_ids
        ],
        ignore_conflicts=True,  # already alerted (published before): not again
        batch_size=FAN_OUT_CHUNK,
    )
    for start in range(0, len(subscriber_ids), SEND_RANGE):
        part = subscriber_ids[start : start + SEND_RANGE]
        ranges.append((part[0], part[-1]))
    return len(subscriber_ids)


@task()
def send_task(article_id: int, first_subscriber: int, last_subscriber: int) -> dict:
    return dataclasses.asdict(
        send_pending(article_id, subscribers=(first_subscriber, last_subscriber))
    )


# --- 3. sending -----------------------------------------------------------------


@dataclasses.dataclass
class AlertReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    capped: int = 0


def hk_day_start(now=None) -> datetime.datetime:
    local = timezone.localtime(now or timezone.now())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def send_pending(
    article_id: int, *, subscribers=None, connection=None, now=None
) -> AlertReport:
    """Send the article's pending immediate alerts (in a subscriber id range)."""
    report = AlertReport()
    rows = AlertDelivery.objects.filter(
        article_id=article_id, kind=Kind.IMMEDIATE, status=Status.PENDING
    )
    if subscribers is not None:
        first, last = subscribers
        rows = rows.filter(subscriber_id__gte=first, subscriber_id__lte=last)
    rows = list(rows.order_by("pk").values_list("pk", "subscriber_id"))
    if not rows:
        return report
    article = Article.objects.live().filter(pk=article_id).first()
    if article is None:
        # Unpublished between the fan-out and now: nobody hears of it.
        report.skipped += AlertDelivery.objects.filter(
            pk__in=[pk for pk, _sid in rows], status=Status.PENDING
        ).update(status=Status.SKIPPED, reason="not live")
        return report
    cap = AlertSettings.current().daily_cap
    connection = connection or get_connection(fail_silently=False)
    reasons = _reasons(article)
    for pk, subscriber_id in rows:
        claimed = _claim(pk, subscriber_id, cap=cap, now=now, report=report)
        if claimed is not None:
            _send(
                [pk],
                claimed,
                [article],
                reasons=reasons,
                connection=connection,
                report=report,
            )
    return report


def _claim(pk, subscriber_id, *, cap, now, report):
    """Pending → sending for this worker, under the subscriber's lock; or None."""
    now = now or timezone.now()
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        )
        pending = AlertDelivery.objects.filter(pk=pk, status=Status.PENDING)
        if (
            subscriber is None
            or subscriber.status != Subscriber.Status.ACTIVE
            or subscriber.frequency != Frequency.IMMEDIATE
        ):
            report.skipped += pending.update(
                status=Status.SKIPPED, reason="no longer wanted"
            )
            return None
        sent_today = AlertDelivery.objects.filter(
            subscriber_id=subscriber_id,
            kind=Kind.IMMEDIATE,
            status__in=(Status.SENDING, Status.SENT),
            claimed_at__gte=hk_day_start(now),
        ).count()
        if sent_today >= cap:
            report.capped += pending.update(status=Status.SKIPPED, reason="daily cap")
            return None
        if not pending.update(status=Status.SENDING, claimed_at=now):
            return None  # another worker has it
    return subscriber


def _reasons(article: Article) -> dict:
    """{("c", id) or ("t", id): name} of what in the article can be followed."""
    reasons = {("c", c.pk): c.name for c in article.companies.all()}
    reasons.update({("t", t.pk): t.name for t in article.tags.all()})
    return reasons


def _send(pks, subscriber, articles, *, reasons, connection, report, digest=False):
    follows = {
        f.key
        for f in Follow.objects.filter(subscriber=subscriber).only("company", "tag")
    }
    why = [name for key, name in reasons.items() if key in follows]
    message = alert_message(subscriber, articles, why=why, digest=digest)
    AlertDelivery.objects.filter(pk__in=pks).update(
        message_id=message.extra_headers["Message-ID"]
    )
    try:
        connection.send_messages([message])
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Alert to subscriber %s failed: %s", subscriber.pk, error)
        AlertDelivery.objects.filter(pk__in=pks).update(
            status=Status.FAILED, reason=str(error)[:100]
        )
        report.failed += len(pks)
        return
    AlertDelivery.objects.filter(pk__in=pks).update(
        status=Status.SENT, sent_at=timezone.now()
    )
    report.sent += 1


def alert_message(subscriber, articles, *, why, digest=False) -> EmailMultiAlternatives:
    """One alert (one article) or digest (several), in the subscriber's script."""
    simplified = subscriber.script == Script.HANS
    with translation.override(edition_language(subscriber.script)):
        context = {
            "site_name": settings.NEWSROOM_NAME,
            "items": [
                {"article": a, "url": tokens.absolute(a.get_absolute_url())}
                for a in articles
            ],
            "why": why,
            "digest": digest,
            "manage_url": tokens.manage_url(subscriber),
            "alerts_off_url": tokens.alerts_off_url(subscriber),
            "unsubscribe_url": tokens.unsubscribe_url(subscriber),
            "postal_address": postal_address(),
        }
    with translation.override(editions.TRADITIONAL):
        subject = render_to_string("newsletter/email/alert_subject.txt", context)
        text = render_to_string("newsletter/email/alert.txt", context)
        html = render_to_string("newsletter/email/alert.html", context)
    subject = " ".join(subject.split())
    if simplified:
        subject = chinese.to_simplified(subject)
        text = chinese.to_simplified(text)
        html = editions.convert_markup(html)
    _name, address = email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = address.rpartition("@")[2] or "localhost"
    digest_key = ",".join(str(a.pk) for a in articles)
    message_id = salted_hmac(
        "newsletter.alert", f"{subscriber.pk}:{digest_key}", algorithm="sha256"
    ).hexdigest()[:24]
    alerts_off = context["alerts_off_url"]
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[subscriber.email],
        headers={
            "Message-ID": f"<alert.{message_id}@{domain}>",
            # RFC 8058: a POST to the first link stops alerts in one click.
            "List-Unsubscribe": f"<{alerts_off}>, <{_alerts_off_mailto(subscriber)}>",
            "List-Unsubscribe-Post": ONE_CLICK,
            "List-Id": settings.NEWSLETTER_ALERTS_LIST_ID,
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "OOF, AutoReply",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _alerts_off_mailto(subscriber) -> str:
    token = tokens.alerts_off_token(subscriber)
    return (
        f"mailto:{settings.NEWSLETTER_UNSUBSCRIBE_EMAIL}?subject=alerts-off%20{token}"
    )


# --- 4. the daily digest --------------------------------------------------------


def next_digest_at(now=None) -> datetime.datetime:
    """The next digest time the desk set, in Hong Kong, after ``now``."""
    now = timezone.localtime(now or timezone.now())
    at = AlertSettings.current().digest_time
    candidate = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + datetime.timedelta(days=1)


def schedule_digest(now=None) -> None:
    """Enqueue the next digest (a worker that can wait is needed; else cron)."""
    if default_task_backend.supports_defer:
        at = next_digest_at(now)
        digest_task.using(run_after=at).enqueue(at.isoformat())


@task()
def digest_task(for_time: str) -> dict:
    """The digest due at ``for_time``, then the next one.

    A task enqueued for a time the desk has since changed does nothing and
    ends its chain: the change enqueued one for the new time.
    """
    due = datetime.datetime.fromisoformat(for_time)
    if next_digest_at(due - datetime.timedelta(minutes=1)) != due:
        return {}
    report = send_digests(now=due)
    schedule_digest(now=due)
    return dataclasses.asdict(report)


def send_digests(*, now=None, connection=None) -> AlertReport:
    """One message per daily-digest subscriber: their articles of the last 24 h."""
    now = now or timezone.now()
    report = AlertReport()
    articles = {
        a.pk: a
        for a in Article.objects.live()
        .filter(publish_at__gt=now - datetime.timedelta(days=1), publish_at__lte=now)
        .prefetch_related("companies", "tags")
    }
    if not articles:
        return report
    by_key = defaultdict(set)
    for article in articles.values():
        for company in article.companies.all():
            by_key[("c", company.pk)].add(article.pk)
        for tag in article.tags.all():
            by_key[("t", tag.pk)].add(article.pk)
    rows = Follow.objects.filter(
        Q(company_id__in=[k[1] for k in by_key if k[0] == "c"])
        | Q(tag_id__in=[k[1] for k in by_key if k[0] == "t"]),
        subscriber__status=Subscriber.Status.ACTIVE,
        subscriber__frequency=Frequency.DAILY,
    ).values_list("subscriber_id", "company_id", "tag_id")
    wanted = defaultdict(set)
    for subscriber_id, company_id, tag_id in rows:
        key = ("c", company_id) if company_id else ("t", tag_id)
        wanted[subscriber_id] |= by_key.get(key, set())
    connection = connection or get_connection(fail_silently=False)
    for subscriber_id, article_ids in sorted(wanted.items()):
        newest = sorted(article_ids, key=lambda pk: articles[pk].publish_at)[::-1]
        _digest_one(
            subscriber_id,
            [articles[pk] for pk in newest[:DIGEST_MAX]],
            now=now,
            connection=connection,
            report=report,
        )
    return report


def _digest_one(subscriber_id, articles, *, now, connection, report):
    AlertDelivery.objects.bulk_create(
        [
            AlertDelivery(
                subscriber_id=subscriber_id, article=a, kind=Kind.DIGEST, created_at=now
            )
            for a in articles
        ],
        ignore_conflicts=True,
    )
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        )
        if subscriber is None or subscriber.frequency != Frequency.DAILY:
            return
        claim = AlertDelivery.objects.filter(
            subscriber_id=subscriber_id,
            article__in=articles,
            kind=Kind.DIGEST,
            status=Status.PENDING,
        )
        claimed = list(claim.values_list("pk", "article_id"))
        AlertDelivery.objects.filter(
            pk__in=[pk for pk, _a in claimed], status=Status.PENDING
        ).update(status=Status.SENDING, claimed_at=timezone.now())
    if not claimed:
        return
    mine = {a for _pk, a in claimed}
    reasons = {}
    for article in articles:
        reasons.update(_reasons(article))
    _send(
        [pk for pk, _a in claimed],
        subscriber,
        [a for a in articles if a.pk in mine],
        reasons=reasons,
        connection=connection,
        report=report,
        digest=True,
    )
