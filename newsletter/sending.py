"""Sending an issue through Django's email backend: once per subscriber, resumable.

1. ``start``: under a row lock on the issue, the recipients are frozen: a
   pending Delivery for every active subscriber (bulk inserts in chunks), and
   the issue becomes "sending". Who subscribes later is not sent this issue.
2. Batches (NEWSLETTER_BATCH_SIZE): claiming one re-checks the subscribers;
   who is no longer active is skipped. Each delivery is marked "sending" and
   committed *before* the SMTP call, then "sent" or "failed" after it. A
   crash in between leaves "sending": the outcome is unknown, the row is
   reported and not resent unless asked (``resend_unknown``).
3. Temporary failures (4xx, lost connections) are retried with backoff; a
   recipient still refused is left pending for the next run, and a server
   that stays unreachable stops the run (run again to resume). Permanent
   failures (5xx) fail the delivery and mark the subscriber bounced.
4. When nothing is pending the issue is "sent".

One run at a time: a run holds a lease on the issue, renewed as it goes. The
issue's ``updated_at`` is the lease: the run writes it and checks on every
batch that it still holds the value it wrote (editors cannot edit an issue
that is being sent, so nothing else writes it meanwhile). A second run that
finds the issue "sending" with a fresh lease is refused; a run that stops,
even on an error, releases it, and a lease whose run died (a killed process)
expires after NEWSLETTER_SEND_LEASE_SECONDS.
"""

import dataclasses
import logging
import smtplib
import time
from datetime import timedelta

from anymail.exceptions import (
    AnymailAPIError,
    AnymailConfigurationError,
    AnymailError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
)
from django.conf import settings
from django.core.mail import get_connection
from django.db import OperationalError, transaction
from django.db import connection as db_connection
from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from newsroom.display import hk_datetime
from newsroom.progress import SILENT

from . import provider, subscribing
from .messages import (
    HeaderInjection,
    IssueMessages,
    Recipient,
    check_headers,
    format_date,
)
from .models import Delivery, Issue, Script, Subscriber
from .personalising import PersonalSections, follow_keys

logger = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 300
# Seconds to wait before the 2nd and 3rd attempt at one message.
RETRY_DELAYS = (5, 30)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
FREEZE_CHUNK = 2000
# How many addresses with an unknown outcome the report names.
REPORTED_UNKNOWN = 50
# PostgreSQL's SQLSTATE for a NOWAIT lock that is held elsewhere.
LOCK_NOT_AVAILABLE = "55P03"

Status = Delivery.Status


class SendRefused(Exception):
    """This send may not start; the message says why."""


class NotReady(SendRefused):
    pass


class AlreadySending(SendRefused):
    pass


class AlreadySent(SendRefused):
    pass


class LeaseLost(SendRefused):
    """Another run took the issue over (this one was presumed dead)."""


class _Stop(Exception):
    """End this run early; what is left stays pending for the next one."""


def lease_seconds() -> int:
    return getattr(settings, "NEWSLETTER_SEND_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)


@dataclasses.dataclass
class SendReport:
    week: str
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retry_later: int = 0
    totals: dict = dataclasses.field(default_factory=dict)
    unknown: list = dataclasses.field(default_factory=list)
    stopped: str = ""

    def total(self, status: str) -> int:
        return self.totals.get(status, 0)

    @property
    def complete(self) -> bool:
        """Nothing failed, nothing unknown, nothing left to send."""
        return not self.stopped and not any(
            self.total(s) for s in (Status.FAILED, Status.SENDING, Status.PENDING)
        )

    def summary(self) -> str:
        return (
            f"{self.week}: sent {self.total(Status.SENT)}, "
            f"skipped {self.total(Status.SKIPPED)}, "
            f"failed {self.total(Status.FAILED)}, "
            f"unknown {self.total(Status.SENDING)}, "
            f"pending {self.total(Status.PENDING)} "
            f"(this run: sent {self.sent}, skipped {self.skipped}, "
            f"failed {self.failed})"
        )

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


# --- starting: the lock, the lease and the frozen recipients -----------------


def _lock_issue(issue_id: int, *, nowait: bool = False) -> Issue:
    queryset = Issue.objects.all()
    if nowait and db_connection.features.has_select_for_update_nowait:
        # PostgreSQL: another run in its start transaction makes this one
        # refuse at once instead of waiting for it.
        queryset = queryset.select_for_update(nowait=True)
    else:
        # On SQLite a no-op: the IMMEDIATE transaction (settings) already
        # serialises writers.
        queryset = queryset.select_for_update()
    try:
        return queryset.get(pk=issue_id)
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise AlreadySending(_("The issue is already being sent.")) from error
        raise


def _freeze_recipients(issue: Issue, *, only_missing: bool) -> int:
    """A pending delivery per active subscriber (who has none, if ``only_missing``)."""
    subscribers = Subscriber.objects.active().order_by("pk")
    if only_missing:
        subscribers = subscribers.exclude(
            Exists(Delivery.objects.filter(issue=issue, subscriber=OuterRef("pk")))
        )
    rows = subscribers.values_list("pk", "email", "script").iterator(
        chunk_size=FREEZE_CHUNK
    )
    created = 0
    chunk = []
    for pk, email, script in rows:
        chunk.append(
            Delivery(issue=issue, subscriber_id=pk, email=email, script=script)
        )
        if len(chunk) == FREEZE_CHUNK:
            Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
            created += len(chunk)
            chunk = []
    if chunk:
        Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
        created += len(chunk)
    return created


def start(issue: Issue, *, only_missing=False, resend_unknown=False):
    """Take the issue for this run; returns the lease. Raises SendRefused."""
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_issue(issue.pk, nowait=True)
        lease_fresh = locked.updated_at > now - timedelta(seconds=lease_seconds())
        if locked.status == Issue.Status.DRAFT:
            raise NotReady(_("The issue is a draft: an editor must mark it ready."))
        if locked.status == Issue.Status.SENDING and lease_fresh:
            raise AlreadySending(
                _(
                    "The issue is already being sent (last activity %(at)s). If "
                    "that run died, try again after %(seconds)s seconds."
                )
                % {
                    "at": hk_datetime(locked.updated_at, seconds=True),
                    "seconds": lease_seconds(),
                }
            )
        if locked.status == Issue.Status.SENT and not (only_missing or resend_unknown):
            raise AlreadySent(
                _(
                    "The issue was sent on %(at)s. Use --only-missing to send it to "
                    "subscribers who have not had it."
                )
                % {"at": hk_datetime(locked.sent_at)}
            )
        if locked.status == Issue.Status.READY or (
            locked.status == Issue.Status.SENT and only_missing
        ):
            _freeze_recipients(locked, only_missing=only_missing)
        # A "sending" issue whose lease expired is resumed: same recipients.
        if resend_unknown:
            Delivery.objects.filter(issue=locked, status=Status.SENDING).update(
                status=Status.PENDING, updated_at=now
            )
        Issue.objects.filter(pk=locked.pk).update(
            status=Issue.Status.SENDING,
            sending_started_at=locked.sending_started_at or now,
            updated_at=now,
        )
    return now


def _renew(issue: Issue, lease):
    """Check this run still holds the lease and renew it; returns the new one."""
    renewed = max(timezone.now(), lease + timedelta(microseconds=1))
    held = Issue.objects.filter(
        pk=issue.pk, status=Issue.Status.SENDING, updated_at=lease
    ).update(updated_at=renewed)
    if not held:
        raise LeaseLost(_("Another run took over this issue; this one stops."))
    return renewed


def _release(issue: Issue, lease) -> None:
    """Let the next run start at once instead of waiting for the lease to expire."""
    expired = lease - timedelta(seconds=lease_seconds() + 1)
    Issue.objects.filter(
        pk=issue.pk, status=Issue.Status.SENDING, updated_at=lease
    ).update(updated_at=expired)


# --- batches ------------------------------------------------------------------


def _claim_batch(issue: Issue, lease, size: int, after: int, report: SendReport):
    """The next pending deliveries after pk ``after``; inactive subscribers skipped.

    Returns (rows to send, renewed lease, last pk seen or None when done).
    Walking forward by pk, a run offers each delivery once: one a server
    refused for now stays pending for the next run, not for this one's loop.
    """
    with transaction.atomic():
        _lock_issue(issue.pk)
        lease = _renew(issue, lease)
        rows = list(
            Delivery.objects.filter(issue=issue, status=Status.PENDING, pk__gt=after)
            .order_by("pk")
            .values_list("pk", "subscriber_id", "email", "script", "subscriber__status")
            [:size]
        )  # fmt: skip
        gone = [row[0] for row in rows if row[4] != Subscriber.Status.ACTIVE]
        if gone:
            # Unsubscribed (or bounced) after the recipients were frozen.
            report.skipped += Delivery.objects.filter(
                pk__in=gone, status=Status.PENDING
            ).update(status=Status.SKIPPED, updated_at=timezone.now())
    batch = [row[:4] for row in rows if row[4] == Subscriber.Status.ACTIVE]
    return batch, lease, (rows[-1][0] if rows else None)


class RefusedByService(Exception):
    """The email service accepted the request but will not deliver to this address."""


def _refused_by_service(email_message) -> RefusedByService | None:
    # anymail, when told to ignore recipients' status, reports them here
    # instead of raising: "rejected" (suppressed after a bounce or complaint)
    # and "invalid" will never be delivered.
    status = getattr(email_message, "anymail_status", None)
    recipients = getattr(status, "recipients", None) or {}
    for address, recipient in recipients.items():
        if recipient.status in {"rejected", "invalid"}:
            return RefusedByService(f"{address}: {recipient.status}")
    return None


def _classify_http(error: BaseException) -> str | None:
    """An email service's error (anymail's, or any with a ``status_code``)."""
    if isinstance(error, AnymailRecipientsRefused | AnymailInvalidAddress):
        return "permanent"
    if isinstance(error, AnymailConfigurationError):
        return "fatal"
    if isinstance(error, AnymailError) and not isinstance(error, AnymailAPIError):
        # Anymail's other errors are about the message or our settings (a
        # feature the service lacks): no recipient's fault, and not passing.
        return "fatal"
    if not isinstance(error, AnymailAPIError) and not hasattr(error, "status_code"):
        return None
    code = getattr(error, "status_code", None)
    if code is None:
        # No answer from the service (anymail wraps the network error).
        return "connection"
    if code in (401, 403):
        return "fatal"  # our credentials
    if code == 429 or code >= 500:
        return "temporary"
    if 400 <= code < 500:
        # The request as a whole was refused (a sender the service does not
        # know, a malformed message): stop rather than bounce everyone.
        return "fatal"
    return "temporary"


def _classify(error: BaseException) -> str:
    """ "permanent", "temporary", "connection" (temporary, reconnect) or "fatal".

    For SMTP's exceptions, an email service's (anymail's, by their status
    code), and anything else that carries an ``smtp_code``.
    """
    if isinstance(error, RefusedByService):
        return "permanent"
    if (http := _classify_http(error)) is not None:
        return http
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        permanent = codes and all(500 <= code < 600 for code in codes)
        return "permanent" if permanent else "temporary"
    if isinstance(error, smtplib.SMTPConnectError):
        return "connection"
    if isinstance(
        error,
        smtplib.SMTPSenderRefused
        | smtplib.SMTPAuthenticationError
        | smtplib.SMTPHeloError,
    ):
        # Our sender, credentials or greeting: not the recipient's fault.
        return "temporary" if 400 <= error.smtp_code < 500 else "fatal"
    if isinstance(error, smtplib.SMTPResponseException):
        if 400 <= error.smtp_code < 500:
            return "temporary"
        if 500 <= error.smtp_code < 600:
            return "permanent"
        return "temporary"
    if isinstance(error, smtplib.SMTPServerDisconnected | OSError):
        return "connection"
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return "fatal"
    if isinstance(error, smtplib.SMTPException):
        return "temporary"
    code = getattr(error, "smtp_code", None)
    if isinstance(code, int) and 400 <= code < 600:
        return "temporary" if code < 500 else "permanent"
    return "unexpected"


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def _reconnect(connection) -> None:
    try:
        connection.close()
    except (smtplib.SMTPException, OSError):
        pass
    try:
        connection.open()
    except (smtplib.SMTPException, OSError):
        # The next attempt raises (and is counted) if it is still down.
        logger.info("Reconnecting to the mail server failed", exc_info=True)


class _Sender:
    """One run: its connection, its sleep, its lease."""

    def __init__(self, issue, messages, connection, sleep, lease, report, progress):
        self.progress = progress
        self.issue = issue
        self.messages = messages
        self.connection = connection
        self.sleep = sleep
        self.lease = lease
        self.report = report
        self.renewed_at = time.monotonic()

    def keep_lease(self) -> None:
        # Long batches (slow servers, retries) renew it between messages.
        if time.monotonic() - self.renewed_at > lease_seconds() / 4:
            self.lease = _renew(self.issue, self.lease)
            self.renewed_at = time.monotonic()

    def deliver(self, email_message):
        """Send with retries: ("sent" | "failed" | "later", attempts, error)."""
        if not provider.sends_raw_messages(self.connection):
            email_message = provider.for_service(email_message)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                if self.connection.send_messages([email_message]):
                    refused = _refused_by_service(email_message)
                    if refused:
                        return "failed", attempt, refused
                    return "sent", attempt, None
                error = smtplib.SMTPException("the backend sent nothing")
            except Exception as caught:  # noqa: BLE001 - classified below
                error = caught
            kind = _classify(error)
            if kind == "permanent":
                return "failed", attempt, error
            if kind == "unexpected":
                raise error
            if kind == "fatal":
                raise _Stop(
                    _("The mail server refused our sender or login: %(error)s")
                    % {"error": _describe(error)}
                ) from error
            if attempt == MAX_ATTEMPTS:
                if kind == "connection":
                    raise _Stop(
                        _("The mail server could not be reached: %(error)s")
                        % {"error": _describe(error)}
                    ) from error
                return "later", attempt, error
            logger.warning(
                "Newsletter %s to %s: %s; retrying",
                self.issue.week,
                email_message.to[0],
                _describe(error),
            )
            self.sleep(RETRY_DELAYS[attempt - 1])
            if kind == "connection":
                _reconnect(self.connection)
        raise AssertionError("unreachable")  # pragma: no cover

    def send_one(self, pk, subscriber_id, email, script, follows=frozenset()) -> None:
        recipient = Recipient(
            pk=subscriber_id, email=email, script=script, follows=follows
        )
        try:
            email_message = self.messages.email_message(recipient, date=format_date())
        except (HeaderInjection, ValueError) as error:
            Delivery.objects.filter(pk=pk, status=Status.PENDING).update(
                status=Status.FAILED,
                last_error=_describe(error),
                updated_at=timezone.now(),
            )
            self.report.failed += 1
            return
        # Committed before the SMTP call: a crash after it leaves "sending",
        # which is never resent by itself.
        claimed = Delivery.objects.filter(pk=pk, status=Status.PENDING).update(
            status=Status.SENDING,
            message_id=email_message.message_id,
            updated_at=timezone.now(),
        )
        if not claimed:
            return
        try:
            outcome, attempts, error = self.deliver(email_message)
        except BaseException as error:
            if isinstance(error, Exception):
                # The backend raised: the message was not accepted.
                Delivery.objects.filter(pk=pk, status=Status.SENDING).update(
                    status=Status.PENDING,
                    last_error=_describe(error),
                    updated_at=timezone.now(),
                )
            raise
        now = timezone.now()
        if outcome == "sent":
            Delivery.objects.filter(pk=pk).update(
                status=Status.SENT,
                attempts=F("attempts") + attempts,
                sent_at=now,
                last_error="",
                updated_at=now,
            )
            self.report.sent += 1
        elif outcome == "failed":
            Delivery.objects.filter(pk=pk).update(
                status=Status.FAILED,
                attempts=F("attempts") + attempts,
                last_error=_describe(error),
                updated_at=now,
            )
            subscribing.bounce(Subscriber(pk=subscriber_id), detail=_describe(error))
            self.report.failed += 1
        else:
            Delivery.objects.filter(pk=pk).update(
                status=Status.PENDING,
                attempts=F("attempts") + attempts,
                last_error=_describe(error),
                updated_at=now,
            )
            self.report.retry_later += 1

    def send_batch(self, batch) -> None:
        follows = follow_keys([row[1] for row in batch])
        self.connection.open()
        try:
            for row in batch:
                self.keep_lease()
                self.send_one(*row, follows=follows.get(row[1], frozenset()))
                self.progress.advance()
        finally:
            try:
                self.connection.close()
            except (smtplib.SMTPException, OSError):
                logger.info("Closing the mail connection failed", exc_info=True)


def _finish(issue: Issue, lease) -> None:
    """Sent, when no delivery is pending any more."""
    with transaction.atomic():
        locked = _lock_issue(issue.pk)
        if locked.status != Issue.Status.SENDING or locked.updated_at != lease:
            raise LeaseLost(_("Another run took over this issue; this one stops."))
        if Delivery.objects.filter(issue=locked, status=Status.PENDING).exists():
            return
        now = timezone.now()
        Issue.objects.filter(pk=locked.pk).update(
            status=Issue.Status.SENT,
            # The first send's date stays when --only-missing sends again.
            sent_at=locked.sent_at or now,
            updated_at=now,
        )


def _totals(issue: Issue, report: SendReport) -> None:
    rows = Delivery.objects.filter(issue=issue).values("status").annotate(n=Count("pk"))
    report.totals = {row["status"]: row["n"] for row in rows}
    report.unknown = list(
        Delivery.objects.filter(issue=issue, status=Status.SENDING)
        .order_by("pk")
        .values_list("email", flat=True)[:REPORTED_UNKNOWN]
    )


def send_issue(
    issue: Issue,
    *,
    resend_unknown: bool = False,
    only_missing: bool = False,
    connection=None,
    sleep=time.sleep,
    batch_size: int | None = None,
    progress=SILENT,
) -> SendReport:
    """Send ``issue`` to its recipients; returns what happened. Raises SendRefused.

    ``progress`` (newsroom.progress) is told the number of messages to send
    and advanced by one per message.
    """
    batch_size = batch_size or settings.NEWSLETTER_BATCH_SIZE
    report = SendReport(week=issue.week)
    # Before the recipients are frozen: an issue being sent cannot be edited.
    check_headers(issue.subject)
    lease = start(issue, only_missing=only_missing, resend_unknown=resend_unknown)
    sender = None
    try:
        issue.refresh_from_db()
        messages = IssueMessages(issue, sections=PersonalSections(issue))
        progress.total = Delivery.objects.filter(
            issue=issue, status=Status.PENDING
        ).count()
        sender = _Sender(
            issue,
            messages,
            connection or get_connection(fail_silently=False),
            sleep,
            lease,
            report,
            progress,
        )
        after = 0
        while after is not None:
            batch, sender.lease, after = _claim_batch(
                issue, sender.lease, batch_size, after, report
            )
            if batch:
                sender.send_batch(batch)
        _finish(issue, sender.lease)
    except _Stop as stop:
        report.stopped = str(stop)
    finally:
        _release(issue, sender.lease if sender else lease)
    issue.refresh_from_db()
    _totals(issue, report)
    return report


# --- before sending: who would get it, and proofs --------------------------------


def planned_recipients(issue: Issue, *, only_missing=False, resend_unknown=False):
    """(email, script) of everyone a send would reach now; writes nothing."""
    if issue.status == Issue.Status.SENDING or (
        issue.status == Issue.Status.SENT and resend_unknown and not only_missing
    ):
        statuses = [Status.PENDING] + ([Status.SENDING] if resend_unknown else [])
        return (
            Delivery.objects.filter(
                issue=issue,
                status__in=statuses,
                subscriber__status=Subscriber.Status.ACTIVE,
            )
            .order_by("pk")
            .values_list("email", "script")
        )
    if issue.status == Issue.Status.SENT and not only_missing:
        return Delivery.objects.none().values_list("email", "script")
    subscribers = Subscriber.objects.active().order_by("pk")
    if only_missing:
        subscribers = subscribers.exclude(
            Exists(Delivery.objects.filter(issue=issue, subscriber=OuterRef("pk")))
        )
    return subscribers.values_list("email", "script")


def send_proof(issue: Issue, to: str, *, scripts=None, connection=None) -> int:
    """The issue as subscribers get it, once per script, to ``to`` (a proof).

    Any status, drafts included; no delivery is recorded and no subscriber is
    touched. Its unsubscribe link belongs to no one. Returns messages sent.
    """
    check_headers(issue.subject)
    connection = connection or get_connection(fail_silently=False)
    messages = IssueMessages(issue)
    emails = [
        messages.email_message(
            Recipient(pk=0, email=to, script=script), date=format_date()
        )
        for script in (scripts or Script.values)
    ]
    if not provider.sends_raw_messages(connection):
        emails = [provider.for_service(prepared) for prepared in emails]
    return connection.send_messages(emails)
