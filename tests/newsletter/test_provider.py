"""An email service through django-anymail: signed reports stop mail, hard
bounces are classified whatever the backend raises, messages keep their parts."""

import base64
import hashlib
import hmac
import json
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests
from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.exceptions import (
    AnymailAPIError,
    AnymailInvalidAddress,
    AnymailUnsupportedFeature,
)
from anymail.message import AnymailRecipientStatus
from django.core import mail

from newsletter import composing, sending
from newsletter.models import Delivery, Issue, Script, Subscriber, SubscriptionEvent
from tests.factories import make_live_article

pytestmark = pytest.mark.django_db

SIGNING_KEY = "mailgun-signing-key"
BASIC = "newsroom:webhook-secret"
TRACKING_URL = "/anymail/mailgun/tracking/"
Status = Subscriber.Status


@pytest.fixture(autouse=True)
def service(settings):
    settings.SITE_URL = "https://news.example"
    settings.ANYMAIL = {
        "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY,
        "WEBHOOK_SECRET": BASIC,
    }


def api_error(code: int) -> AnymailAPIError:
    """What anymail raises when the service answers ``code``."""
    response = requests.Response()
    response.status_code, response.reason, response._content = code, "No", b"{}"
    return AnymailAPIError("refused", status_code=code, response=response)


def active(address, script=Script.HANT):
    return Subscriber.objects.create(email=address, status=Status.ACTIVE, script=script)


def signed(event_data, key=SIGNING_KEY):
    timestamp, token = str(int(time.time())), "a" * 50
    signature = hmac.new(
        key.encode(), (timestamp + token).encode(), hashlib.sha256
    ).hexdigest()
    return json.dumps(
        {
            "signature": {
                "timestamp": timestamp,
                "token": token,
                "signature": signature,
            },
            "event-data": {"timestamp": time.time(), "id": "e1", **event_data},
        }
    )


def post(client, body):
    auth = base64.b64encode(BASIC.encode()).decode()
    return client.post(
        TRACKING_URL,
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )


def test_a_signed_permanent_failure_marks_the_subscriber_bounced(client):
    reader = active("gone@example.com")
    body = signed(
        {
            "event": "failed",
            "severity": "permanent",
            "reason": "bounce",
            "recipient": reader.email,
            "delivery-status": {"code": 550, "message": "5.1.1 No such user"},
        }
    )
    assert post(client, body).status_code == 200
    reader.refresh_from_db()
    assert reader.status == Status.BOUNCED
    event = reader.events.get(kind=SubscriptionEvent.Kind.BOUNCED)
    assert event.method == SubscriptionEvent.Method.PROVIDER
    assert "No such user" in event.detail
    assert not Subscriber.objects.active().filter(pk=reader.pk).exists()


def test_a_signed_complaint_stops_mail_with_its_own_event(client):
    reader = active("angry@example.com")
    assert post(client, signed({"event": "complained", "recipient": reader.email}))
    reader.refresh_from_db()
    assert reader.status == Status.COMPLAINED
    assert reader.events.get().kind == SubscriptionEvent.Kind.COMPLAINED


def test_a_temporary_failure_changes_nothing(client):
    reader = active("full@example.com")
    body = signed(
        {"event": "failed", "severity": "temporary", "recipient": reader.email}
    )
    assert post(client, body).status_code == 200
    reader.refresh_from_db()
    assert reader.status == Status.ACTIVE and not reader.events.exists()


def test_a_badly_signed_report_is_refused_and_changes_nothing(client):
    client.raise_request_exception = False
    reader = active("target@example.com")
    body = signed({"event": "complained", "recipient": reader.email}, key="forged")
    assert post(client, body).status_code == 400
    unauthenticated = client.post(
        TRACKING_URL,
        signed({"event": "complained", "recipient": reader.email}),
        content_type="application/json",
    )
    assert unauthenticated.status_code == 400
    reader.refresh_from_db()
    assert reader.status == Status.ACTIVE


# --- sending through a service ----------------------------------------------------


class Service(AnymailTestBackend):
    """anymail's test backend; ``refuse`` = {address: an error, or "rejected"}."""

    refuse: dict = {}

    def post_to_esp(self, payload, message):
        outcome = self.refuse.get(message.to[0])
        if isinstance(outcome, Exception):
            message.anymail_test_response = outcome
        elif outcome:
            message.anymail_test_response = {
                "recipient_status": {
                    message.to[0]: AnymailRecipientStatus(None, status=outcome)
                }
            }
        return super().post_to_esp(payload, message)


@pytest.fixture
def issue():
    make_live_article(
        kind="feature",
        headline="恒指季度回顧",
        publish_at=datetime(2026, 3, 18, 9, tzinfo=ZoneInfo("Asia/Hong_Kong")),
    )
    issue = composing.create_issue("2026-W12")
    composing.mark_ready(issue)
    return issue


def send(issue, refuse):
    Service.refuse = refuse
    try:
        return sending.send_issue(issue, connection=Service(), sleep=lambda s: None)
    finally:
        Service.refuse = {}


def test_a_service_gets_the_text_html_and_list_headers(issue):
    reader = active("reader@example.com", script=Script.HANS)
    send(issue, {})
    (message,) = mail.outbox
    params = message.anymail_test_params
    assert params["to"][0].addr_spec == reader.email
    assert "List-Unsubscribe" in params["extra_headers"]
    assert (
        params["extra_headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    )
    assert "恒指季度回顾" in params["html_body"]  # the Simplified edition
    assert "恒指季度回顾" in params["text_body"]
    assert Delivery.objects.get().status == Delivery.Status.SENT


@pytest.mark.parametrize(
    "outcome",
    ["rejected", "invalid"],
)
def test_a_hard_bounce_from_a_service_fails_the_delivery_and_bounces(issue, outcome):
    good, bad = active("good@example.com"), active("bad@example.com")
    report = send(issue, {bad.email: outcome})
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == Status.BOUNCED and good.status == Status.ACTIVE
    assert report.failed == 1 and report.sent == 1
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT


def test_a_service_error_is_classified_by_its_status_code(issue):
    busy, refused = active("busy@example.com"), active("other@example.com")
    report = send(
        issue,
        {busy.email: api_error(429)},
    )
    # Retried, then left pending for the next run; nobody bounced.
    assert report.retry_later == 1 and report.sent == 1
    busy.refresh_from_db()
    assert busy.status == Status.ACTIVE
    assert refused.email in [m.to[0] for m in mail.outbox]


def test_credentials_refused_by_the_service_stop_the_run(issue):
    first = active("first@example.com")
    report = send(issue, {first.email: api_error(401)})
    assert "AnymailAPIError" in report.stopped and "401" in report.stopped
    first.refresh_from_db()
    assert first.status == Status.ACTIVE


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (api_error(503), "temporary"),
        (AnymailAPIError("no answer"), "connection"),
        (AnymailInvalidAddress("not an address"), "permanent"),
        (AnymailUnsupportedFeature("no such thing"), "fatal"),
        (type("Odd", (Exception,), {"smtp_code": 550})("odd"), "permanent"),
        (type("Odd", (Exception,), {"smtp_code": 451})("odd"), "temporary"),
    ],
)
def test_errors_of_any_backend_are_classified(error, kind):
    assert sending._classify(error) == kind


def test_a_proof_goes_through_the_service_in_both_editions(issue):
    assert sending.send_proof(issue, "desk@news.example", connection=Service()) == 2
    bodies = [m.anymail_test_params["html_body"] for m in mail.outbox]
    assert "恒指季度回顧" in bodies[0] and "恒指季度回顾" in bodies[1]
