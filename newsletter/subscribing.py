"""Every change of a subscriber's status: sign up, confirm, unsubscribe, bounce.

The public views, the admin and the commands all call these functions, so a
change is checked, locked, timestamped and recorded (a SubscriptionEvent) the
same way whichever path it takes. Double opt-in: a sign-up only ever makes a
subscriber pending and mails a confirmation link; the link makes them active.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from newsroom import chinese, editions, mailing
from newsroom.edge import has_control_characters

from . import ratelimit, tokens
from .models import Script, Subscriber, SubscriptionEvent

logger = logging.getLogger(__name__)

Status = Subscriber.Status
Kind = SubscriptionEvent.Kind
Method = SubscriptionEvent.Method

CONSENT_PAGE_MAX_LENGTH = 300

_validate_email = EmailValidator(
    message=_("Enter a valid email address, like name@example.com.")
)


def validate_email_address(value: str) -> None:
    """Refuse anything but one plain address; line breaks with a message of their own.

    A CR or LF in an address is how header injection is tried; Django would
    refuse to send it (BadHeaderError), but the person deserves a clear answer
    on the form, not an error page.
    """
    refuse_control_characters(value)
    _validate_email(value)


def refuse_control_characters(value: str) -> None:
    if has_control_characters(value):
        raise ValidationError(
            _("An email address cannot contain line breaks or control characters."),
            code="control_character",
        )


def hash_ip(ip: str) -> str:
    """What the consent record keeps of an IP address: a salted hash, never the IP."""
    return ratelimit.hashed(ip, purpose="consent-ip") if ip else ""


def clean_consent_page(page: str) -> str:
    """A local path (the page a sign-up form was on), or nothing."""
    page = (page or "").strip()
    if not page.startswith("/") or page.startswith("//"):
        return ""
    if has_control_characters(page):
        return ""
    return page[:CONSENT_PAGE_MAX_LENGTH]


def sign_up(
    *,
    email: str,
    script: str = Script.HANT,
    page: str = "",
    ip: str = "",
    method: str = Method.FORM,
    at=None,
    follow: str = "",
) -> Subscriber:
    """Record a sign-up and mail a confirmation link, unless already active.

    ``follow`` ("c:<company id>" or "t:<tag id>") rides in the confirmation
    link and is added when the subscriber confirms (newsletter/following.py).

    An active subscriber is left exactly as they are (nobody can change
    someone else's settings by signing them up again) and gets no email;
    anyone else becomes pending with this consent record and gets a fresh
    link. Callers answering the public must answer the same in every case.
    """
    refuse_control_characters(email)  # before strip() could hide a trailing CR/LF
    email = email.strip()
    validate_email_address(email)
    at = at or timezone.now()
    page = clean_consent_page(page)
    with transaction.atomic():
        subscriber = _subscriber_for_update(email, at=at)
        if subscriber.status == Status.ACTIVE:
            return subscriber
        subscriber.status = Status.PENDING
        subscriber.script = script
        subscriber.consent_at = at
        subscriber.consent_page = page
        subscriber.consent_ip_hash = hash_ip(ip)
        subscriber.full_clean(validate_constraints=False)
        subscriber.save()
        SubscriptionEvent.objects.create(
            subscriber=subscriber,
            kind=Kind.SIGNED_UP,
            method=method,
            at=at,
            detail=page,
        )
    if ratelimit.allow_confirmation_mail(subscriber.email):
        send_confirmation(subscriber, follow=follow)
    else:
        logger.warning("Confirmation email to subscriber %s held back", subscriber.pk)
    return subscriber


def _subscriber_for_update(email: str, *, at) -> Subscriber:
    existing = Subscriber.objects.select_for_update().with_email(email).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Subscriber.objects.create(email=email, created_at=at)
    except IntegrityError:
        # The same address signed up at the same moment in another request.
        return Subscriber.objects.select_for_update().with_email(email).get()


def confirm(subscriber: Subscriber, *, method: str = Method.CONFIRM_LINK, at=None):
    """Make a pending subscriber active; False if they were not pending.

    Only pending: a confirmation link still in the mailbox must not undo a
    later unsubscribe. Repeating it is harmless.
    """
    at = at or timezone.now()
    with transaction.atomic():
        locked = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if locked.status != Status.PENDING:
            changed = False
        else:
            locked.status = Status.ACTIVE
            locked.confirmed_at = at
            # The history is in the events; these say what holds now.
            locked.unsubscribed_at = None
            locked.bounced_at = None
            locked.save()
            SubscriptionEvent.objects.create(
                subscriber=locked, kind=Kind.CONFIRMED, method=method, at=at
            )
            changed = True
    subscriber.refresh_from_db()
    return changed


def unsubscribe(subscriber: Subscriber, *, method: str, at=None, detail: str = ""):
    """Stop all mail to the subscriber at once; False if already unsubscribed."""
    return _stop_mail(
        subscriber,
        status=Status.UNSUBSCRIBED,
        stamp="unsubscribed_at",
        kind=Kind.UNSUBSCRIBED,
        method=method,
        already=(Status.UNSUBSCRIBED,),
        at=at,
        detail=detail,
    )


def bounce(subscriber: Subscriber, *, detail: str = "", at=None, method=Method.SMTP):
    """Stop mail after a permanent delivery failure; False if mail had stopped."""
    return _stop_mail(
        subscriber,
        status=Status.BOUNCED,
        stamp="bounced_at",
        kind=Kind.BOUNCED,
        method=method,
        already=(Status.UNSUBSCRIBED, Status.BOUNCED, Status.COMPLAINED),
        at=at,
        detail=detail,
    )


def complain(subscriber: Subscriber, *, detail: str = "", at=None):
    """Stop mail to someone who marked it as spam; False if it was stopped already."""
    return _stop_mail(
        subscriber,
        status=Status.COMPLAINED,
        stamp="unsubscribed_at",
        kind=Kind.COMPLAINED,
        method=Method.PROVIDER,
        already=(Status.COMPLAINED,),
        at=at,
        detail=detail,
    )


def _stop_mail(subscriber, *, status, stamp, kind, method, already, at, detail):
    """Set ``status`` and its time under a row lock, with its event; once only."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if locked.status in already:
            changed = False
        else:
            locked.status = status
            setattr(locked, stamp, at)
            locked.save()
            SubscriptionEvent.objects.create(
                subscriber=locked, kind=kind, method=method, at=at, detail=detail[:300]
            )
            changed = True
    subscriber.refresh_from_db()
    return changed


def send_confirmation(subscriber: Subscriber, *, follow: str = "") -> None:
    """Queue the confirmation link, in the subscriber's script."""
    send_templated(
        subscriber,
        "confirm",
        lambda: {
            "confirm_url": tokens.confirm_url(subscriber, follow),
            "hours": settings.NEWSLETTER_CONFIRM_HOURS,
        },
    )


def send_templated(subscriber: Subscriber, name: str, make_context) -> None:
    """Queue ``newsletter/email/<name>`` (subject, txt, html) for a subscriber.

    Written once in Traditional Chinese and converted for Simplified readers,
    as the site's pages are. ``make_context`` is called in the subscriber's
    edition, so the links it makes lead there. A task sends it
    (newsroom/mailing.py), so a public page answers as fast, and looks the
    same, whether or not an email goes out.
    """
    simplified = subscriber.script == Script.HANS
    edition = editions.SIMPLIFIED if simplified else editions.TRADITIONAL
    with translation.override(edition):
        # Links lead to the subscriber's edition (/zh-hans/... for Simplified).
        context = {
            "subscriber": subscriber,
            "site_name": settings.NEWSROOM_NAME,
            "newsletter_url": tokens.absolute(reverse("newsletter:index")),
            **make_context(),
        }
    with translation.override(editions.TRADITIONAL):
        subject = render_to_string(f"newsletter/email/{name}_subject.txt", context)
        text = render_to_string(f"newsletter/email/{name}.txt", context)
        html = render_to_string(f"newsletter/email/{name}.html", context)
    # A subject is one line, whatever the template's line breaks.
    subject = " ".join(subject.split())
    if simplified:
        subject = chinese.to_simplified(subject)
        text = chinese.to_simplified(text)
        html = editions.convert_markup(html)
    mailing.send_mail_task.enqueue(
        subject=subject,
        body=text,
        html=html,
        to=[subscriber.email],
        # RFC 3834: out-of-office replies should not answer this.
        headers={"Auto-Submitted": "auto-generated"},
    )
