"""An email service through django-anymail: its reports back, and what it is sent.

Beside plain SMTP, ``EMAIL_BACKEND`` may name one of anymail's backends
(``anymail.backends.amazon_ses.EmailBackend``, ``...postmark...``,
``...mailgun...``, ``...sendgrid...``); the service's keys come from
``ANYMAIL_*`` environment variables (README, "Sending mail").

The service reports what happened after it accepted a message through
anymail's tracking webhooks (``/anymail/<service>/tracking/``), which anymail
authenticates (the shared ``ANYMAIL_WEBHOOK_SECRET`` and the service's own
signature) before sending its ``tracking`` signal. A receiver is the only
hook anymail offers; it does nothing but call subscribing.py, which records
the SubscriptionEvent and stops the mail.
"""

import email
import email.policy
import logging

from anymail.backends.base import AnymailBaseBackend
from django.core.mail import EmailMultiAlternatives

from . import subscribing
from .models import Subscriber

logger = logging.getLogger(__name__)

# A service that will not send to an address for one of these reasons has
# seen it bounce (or it is not an address): the same as a hard bounce.
BOUNCING_REJECTIONS = {"bounced", "invalid"}
# Headers of the prepared message that an API-based service must be given.
KEPT_HEADERS = ("Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Id")


def record_tracking_event(sender, event, esp_name, **kwargs) -> None:
    """anymail's ``tracking`` signal: a bounce, complaint or unsubscribe."""
    kind = event.event_type
    if kind == "rejected" and event.reject_reason in BOUNCING_REJECTIONS:
        kind = "bounced"
    if kind not in {"bounced", "complained", "unsubscribed"} or not event.recipient:
        return
    subscriber = Subscriber.objects.with_email(event.recipient).first()
    if subscriber is None:
        return
    detail = " ".join(
        part
        for part in (
            esp_name,
            event.reject_reason,
            event.description,
            event.mta_response,
        )
        if part
    )
    if kind == "bounced":
        subscribing.bounce(
            subscriber, detail=detail, method=subscribing.Method.PROVIDER
        )
    elif kind == "complained":
        subscribing.complain(subscriber, detail=detail)
    else:
        subscribing.unsubscribe(
            subscriber, method=subscribing.Method.PROVIDER, detail=detail
        )
    logger.info("%s reported %s for subscriber %s", esp_name, kind, subscriber.pk)


def sends_raw_messages(connection) -> bool:
    """Whether ``connection`` sends ``message()``'s bytes as they are.

    Django's own backends (SMTP, locmem, console, file) do; anymail's build a
    request to the service from the message's fields instead.
    """
    return not isinstance(connection, AnymailBaseBackend)


def for_service(prepared) -> EmailMultiAlternatives:
    """A prepared newsletter message as fields an email service's API takes.

    The text and HTML parts, the subject, and the list headers of the very
    bytes an SMTP server would get.
    """
    parsed = email.message_from_bytes(
        prepared.message().as_bytes(), policy=email.policy.default
    )
    text = parsed.get_body(("plain",))
    html = parsed.get_body(("html",))
    message = EmailMultiAlternatives(
        subject=prepared.subject,
        body=text.get_content() if text else "",
        from_email=prepared.from_email,
        to=prepared.to,
        headers={name: str(parsed[name]) for name in KEPT_HEADERS if parsed[name]},
    )
    if html:
        message.attach_alternative(html.get_content(), "text/html")
    return message
