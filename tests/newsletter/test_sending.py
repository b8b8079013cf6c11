"""Sending: frozen recipients, batches, retries, resumable, exactly once."""

import email
import email.policy
import email.utils
import smtplib
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone, translation

from newsletter import composing, sending, subscribing
from newsletter.messages import HeaderInjection
from newsletter.models import Delivery, Issue, Script, Subscriber, SubscriptionEvent
from newsletter.tasks import send_issue_task
from tests.factories import make_live_article

pytestmark = pytest.mark.django_db

HKT = ZoneInfo("Asia/Hong_Kong")
WEEK = "2026-W10"
Status = Subscriber.Status


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://news.example"
    settings.NEWSLETTER_BATCH_SIZE = 3


def subscriber(address, *, status=Status.ACTIVE, script=Script.HANT):
    return Subscriber.objects.create(email=address, status=status, script=script)


def readers(count, **kwargs):
    return [subscriber(f"reader{n}@example.com", **kwargs) for n in range(count)]


@pytest.fixture
def issue():
    make_live_article(
        kind="feature",
        headline="國際銀行業務發展",
        publish_at=datetime(2026, 3, 4, 12, tzinfo=HKT),
    )
    issue = composing.create_issue(WEEK)
    composing.mark_ready(issue)
    return issue


class Backend(BaseEmailBackend):
    """Records what it sends; ``fail(n, message)`` may raise for the n-th call."""

    def __init__(self, fail=None, **kwargs):
        super().__init__(**kwargs)
        self.fail = fail or (lambda n, message: None)
        self.calls = 0
        self.sent = []

    def send_messages(self, email_messages):
        for message in email_messages:
            self.calls += 1
            self.fail(self.calls, message)
            message.message()
            self.sent.append(message)
        return len(email_messages)


def recipients(*backends):
    return sorted(m.to[0] for b in backends for m in b.sent)


def no_sleep(seconds):
    pass


def send(issue, backend, **kwargs):
    kwargs.setdefault("sleep", no_sleep)
    return sending.send_issue(issue, connection=backend, **kwargs)


def statuses(issue):
    return dict(Delivery.objects.filter(issue=issue).values_list("email", "status"))


# --- the plain case ---------------------------------------------------------------


def test_each_active_subscriber_gets_exactly_one_copy_and_the_issue_is_sent(issue):
    active = readers(7)
    backend = Backend()
    report = send(issue, backend)
    assert recipients(backend) == sorted(r.email for r in active)
    assert report.sent == 7
    assert report.complete
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert issue.sent_at is not None
    assert set(statuses(issue).values()) == {Delivery.Status.SENT}
    delivery = Delivery.objects.filter(issue=issue).first()
    assert delivery.message_id.startswith("<2026-W10.")
    assert delivery.sent_at is not None


def test_unsubscribed_bounced_and_pending_addresses_never_receive_an_issue(issue):
    subscriber("active@example.com")
    for status in (Status.PENDING, Status.UNSUBSCRIBED, Status.BOUNCED):
        subscriber(f"{status}@example.com", status=status)
    backend = Backend()
    send(issue, backend)
    assert recipients(backend) == ["active@example.com"]
    assert list(statuses(issue)) == ["active@example.com"]


def test_sent_messages_carry_the_list_headers_and_the_subscribers_script(issue):
    subscriber("hans@example.com", script=Script.HANS)
    backend = Backend()
    send(issue, backend)
    raw = backend.sent[0].message().as_bytes(linesep="\r\n")
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert "/zh-hans/newsletter/unsubscribe/" in parsed["List-Unsubscribe"]
    assert "国际银行" in parsed["Subject"]
    assert parsed["Message-ID"] == Delivery.objects.get().message_id


def test_a_draft_is_not_sent(issue):
    composing.back_to_draft(issue)
    readers(2)
    with pytest.raises(sending.NotReady):
        send(issue, Backend())
    assert not Delivery.objects.exists()


# --- frozen recipients ------------------------------------------------------------


def test_someone_who_subscribes_after_sending_started_is_not_sent_to(issue):
    readers(4)

    def subscribe_meanwhile(n, message):
        if n == 1:
            subscriber("latecomer@example.com")

    backend = Backend(fail=subscribe_meanwhile)
    send(issue, backend)
    assert "latecomer@example.com" not in recipients(backend)
    assert len(backend.sent) == 4
    assert "latecomer@example.com" not in statuses(issue)


def test_someone_who_unsubscribes_before_their_batch_is_skipped(issue):
    people = readers(6)  # batches of 3
    last = people[-1]

    def unsubscribe_last(n, message):
        if n == 1:
            subscribing.unsubscribe(last, method=SubscriptionEvent.Method.ONE_CLICK)

    backend = Backend(fail=unsubscribe_last)
    report = send(issue, backend)
    assert last.email not in recipients(backend)
    assert len(backend.sent) == 5
    assert statuses(issue)[last.email] == Delivery.Status.SKIPPED
    assert report.skipped == 1
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT


# --- resuming ----------------------------------------------------------------------


def test_a_send_stopped_by_the_backend_resumes_and_sends_each_subscriber_once(issue):
    people = readers(8)

    def server_gone_after_three(n, message):
        if n > 3:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    first = Backend(fail=server_gone_after_three)
    report = send(issue, first)
    assert report.stopped
    assert not report.complete
    assert len(first.sent) == 3
    assert report.total(Delivery.Status.PENDING) == 5
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENDING

    second = Backend()
    report = send(issue, second)
    assert report.complete
    assert recipients(first, second) == sorted(p.email for p in people)
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT


class Crash(BaseException):
    """The process dies between the SMTP call and recording its outcome."""


def test_a_crash_leaves_an_unknown_recipient_that_is_reported_not_resent(issue):
    people = readers(5)

    def crash_on_third(n, message):
        if n == 3:
            raise Crash

    with pytest.raises(Crash):
        send(issue, Backend(fail=crash_on_third))
    unknown = Delivery.objects.get(issue=issue, status=Delivery.Status.SENDING)

    second = Backend()
    report = send(issue, second)
    assert unknown.email not in recipients(second)
    assert report.unknown == [unknown.email]
    assert report.total(Delivery.Status.SENDING) == 1
    assert not report.complete
    # Nothing is pending: the issue is sent, the unknown one is the operator's call.
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT

    third = Backend()
    report = send(issue, third, resend_unknown=True)
    assert recipients(third) == [unknown.email]
    assert report.complete
    assert len(people) == 5


def test_the_command_reports_unknown_recipients_and_exits_non_zero(issue, capsys):
    reader = subscriber("reader@example.com")
    Delivery.objects.create(
        issue=issue, subscriber=reader, email=reader.email, script=reader.script,
        status=Delivery.Status.SENDING,
    )  # fmt: skip
    Issue.objects.filter(pk=issue.pk).update(
        status=Issue.Status.SENDING,
        updated_at=timezone.now() - timedelta(hours=1),  # the run that died
    )
    with pytest.raises(CommandError, match="1 unknown"):
        call_command("send_newsletter", WEEK)
    out = capsys.readouterr().out
    assert "unknown 1" in out
    assert "reader@example.com" in out
    assert mail.outbox == []
    call_command("send_newsletter", WEEK, "--resend-unknown")
    assert [m.to for m in mail.outbox] == [["reader@example.com"]]


# --- temporary and permanent failures ----------------------------------------------


def test_a_4xx_is_retried_with_backoff_then_sent(issue):
    reader = subscriber("reader@example.com")
    waits = []

    def greylist_twice(n, message):
        if n <= 2:
            raise smtplib.SMTPResponseException(451, b"4.7.1 Greylisted, try later")

    backend = Backend(fail=greylist_twice)
    report = send(issue, backend, sleep=waits.append)
    assert recipients(backend) == [reader.email]
    assert waits == list(sending.RETRY_DELAYS)
    assert waits[0] < waits[1]
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 3
    assert report.complete


def test_a_recipient_refused_for_now_stays_pending_and_the_rest_are_sent(issue):
    people = readers(4)
    refused = people[1].email

    def mailbox_full(n, message):
        if message.to == [refused]:
            raise smtplib.SMTPRecipientsRefused({refused: (452, b"Mailbox full")})

    backend = Backend(fail=mailbox_full)
    report = send(issue, backend)
    assert sorted(recipients(backend)) == sorted(
        p.email for p in people if p.email != refused
    )
    assert statuses(issue)[refused] == Delivery.Status.PENDING
    assert report.retry_later == 1
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENDING
    # The next run tries again.
    later = Backend()
    send(issue, later)
    assert recipients(later) == [refused]
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT


@pytest.mark.parametrize(
    "error",
    [
        lambda to: smtplib.SMTPRecipientsRefused({to: (550, b"5.1.1 No such user")}),
        lambda to: smtplib.SMTPDataError(554, b"5.7.1 Rejected"),
    ],
    ids=["recipient-refused", "data-error"],
)
def test_a_5xx_fails_the_delivery_and_bounces_the_subscriber(issue, error):
    good, bad = readers(2)

    def refuse_bad(n, message):
        if message.to == [bad.email]:
            raise error(bad.email)

    backend = Backend(fail=refuse_bad)
    report = send(issue, backend)
    assert recipients(backend) == [good.email]
    assert statuses(issue)[bad.email] == Delivery.Status.FAILED
    assert Delivery.objects.get(email=bad.email).attempts == 1  # not retried
    bad.refresh_from_db()
    assert bad.status == Status.BOUNCED
    event = bad.events.get(kind=SubscriptionEvent.Kind.BOUNCED)
    assert event.method == SubscriptionEvent.Method.SMTP
    assert report.failed == 1
    assert not report.complete
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT


def test_a_refused_sender_stops_the_run_without_bouncing_anyone(issue):
    translation.activate("en")  # the msgids; tests/conftest.py resets it
    people = readers(3)

    def sender_refused(n, message):
        raise smtplib.SMTPSenderRefused(553, b"Sender not allowed", "newsletter@x")

    report = send(issue, Backend(fail=sender_refused))
    assert "sender" in report.stopped
    assert {p.status for p in Subscriber.objects.all()} == {Status.ACTIVE}
    assert set(statuses(issue).values()) == {Delivery.Status.PENDING}
    assert len(people) == 3


class FakeSMTP:
    """Stands in for smtplib.SMTP under Django's SMTP backend."""

    calls = []
    plan = []

    def __init__(self, host, port, **kwargs):
        pass

    def sendmail(self, from_addr, to_addrs, msg):
        if FakeSMTP.plan:
            error = FakeSMTP.plan.pop(0)
            if error:
                raise error
        FakeSMTP.calls.append((from_addr, to_addrs, msg))
        return {}

    def quit(self):
        pass

    def close(self):
        pass


def test_djangos_smtp_backend_gets_crlf_bytes_and_4xx_retries(
    issue, settings, monkeypatch
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    monkeypatch.setattr("django.core.mail.backends.smtp.smtplib.SMTP", FakeSMTP)
    FakeSMTP.calls, FakeSMTP.plan = (
        [],
        [
            smtplib.SMTPResponseException(421, b"Service not available"),
            None,
        ],
    )
    reader = subscriber("reader@example.com")
    report = sending.send_issue(issue, sleep=no_sleep)
    assert report.complete
    [(from_addr, to_addrs, raw)] = FakeSMTP.calls
    # smtplib takes the envelope address out of "name <address>" itself.
    assert email.utils.parseaddr(from_addr)[1] == "newsletter@newsroom.example"
    assert to_addrs == [reader.email]
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")


# --- one run at a time ---------------------------------------------------------------


def test_a_second_send_while_the_first_runs_is_refused_and_each_copy_goes_once(issue):
    people = readers(5)
    refusals = []

    def start_another_send(n, message):
        if n == 2:
            try:
                send(Issue.objects.get(pk=issue.pk), Backend())
            except sending.AlreadySending as error:
                refusals.append(error)

    backend = Backend(fail=start_another_send)
    send(issue, backend)
    assert len(refusals) == 1
    assert recipients(backend) == sorted(p.email for p in people)


def test_a_run_that_died_long_ago_does_not_block_the_next(issue):
    people = readers(3)
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENDING)
    # Fresh lease: refused.
    with pytest.raises(sending.AlreadySending):
        send(issue, Backend())
    Issue.objects.filter(pk=issue.pk).update(
        updated_at=timezone.now() - timedelta(seconds=sending.lease_seconds() + 1)
    )
    # No deliveries were frozen by the dead run here, so the resumed run has none.
    sending._freeze_recipients(issue, only_missing=False)
    backend = Backend()
    assert send(issue, backend).complete
    assert recipients(backend) == sorted(p.email for p in people)


def test_a_stopped_run_releases_its_lease_for_an_immediate_rerun(issue):
    readers(2)

    def down(n, message):
        raise ConnectionRefusedError("connection refused")

    assert send(issue, Backend(fail=down)).stopped
    assert send(issue, Backend()).complete


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads need a database server (SQLite's shared in-memory test "
    "database refuses, rather than waits for, a second writer)",
)
def test_two_sends_started_at_once_exactly_one_runs():
    make_live_article(publish_at=datetime(2026, 3, 4, 12, tzinfo=HKT))
    issue = composing.create_issue(WEEK)
    composing.mark_ready(issue)
    people = readers(6)
    barrier = threading.Barrier(2)
    outcomes, backends = [], []

    def run():
        backend = Backend(fail=lambda n, m: __import__("time").sleep(0.02))
        backends.append(backend)
        try:
            barrier.wait()
            outcomes.append(send(Issue.objects.get(pk=issue.pk), backend))
        except sending.SendRefused as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reports = [o for o in outcomes if isinstance(o, sending.SendReport)]
    refusals = [o for o in outcomes if isinstance(o, sending.SendRefused)]
    assert len(reports) == 1 and len(refusals) == 1
    assert recipients(*backends) == sorted(p.email for p in people)


# --- sent issues ------------------------------------------------------------------


def test_an_issue_already_sent_is_refused_unless_only_missing(issue):
    first_readers = readers(2)
    send(issue, Backend())
    sent_at = Issue.objects.get(pk=issue.pk).sent_at
    newcomer = subscriber("newcomer@example.com")
    with pytest.raises(sending.AlreadySent):
        send(issue, Backend())
    backend = Backend()
    report = send(issue, backend, only_missing=True)
    assert recipients(backend) == [newcomer.email]
    assert report.complete
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert issue.sent_at == sent_at
    assert len(first_readers) == 2


def test_the_command_refuses_an_issue_already_sent(issue):
    readers(1)
    call_command("send_newsletter", WEEK)
    with pytest.raises(CommandError, match="--only-missing"):
        call_command("send_newsletter", WEEK)
    assert len(mail.outbox) == 1


def test_the_command_prints_a_summary(issue, capsys):
    readers(4)
    call_command("send_newsletter", WEEK)
    assert "2026-W10: sent 4, skipped 0, failed 0, unknown 0" in capsys.readouterr().out
    assert len(mail.outbox) == 4


def test_the_task_sends_at_once_with_the_immediate_backend(issue):
    readers(3)
    result = send_issue_task.enqueue(issue.pk)
    assert result.status == "SUCCESSFUL"
    assert result.return_value["sent"] == 3
    assert len(mail.outbox) == 3
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT


def test_the_command_can_enqueue_the_task(issue, capsys):
    readers(2)
    call_command("send_newsletter", WEEK, "--enqueue")
    assert "SUCCESSFUL" in capsys.readouterr().out
    assert len(mail.outbox) == 2


def test_a_subject_with_a_line_break_is_refused_before_anything_is_frozen(issue):
    readers(2)
    Issue.objects.filter(pk=issue.pk).update(subject="週報\r\nBcc: x@evil.example")
    issue.refresh_from_db()
    with pytest.raises(HeaderInjection, match="subject"):
        send(issue, Backend())
    assert not Delivery.objects.exists()
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.READY
    with pytest.raises(CommandError, match="line break"):
        call_command("send_newsletter", WEEK)
    assert mail.outbox == []
