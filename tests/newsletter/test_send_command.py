"""send_newsletter for operators: progress, --dry-run and --to proofs."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from newsletter import composing
from newsletter.models import Delivery, Issue, Script, Subscriber
from tests.factories import make_live_article
from tests.terminal import FakeTerminal

pytestmark = pytest.mark.django_db

WEEK = "2026-W11"


@pytest.fixture
def ready_issue(settings):
    settings.SITE_URL = "https://news.example"
    make_live_article(
        kind="feature",
        headline="港股通南向資金創新高",
        publish_at=datetime(2026, 3, 11, 9, tzinfo=ZoneInfo("Asia/Hong_Kong")),
    )
    issue = composing.create_issue(WEEK)
    composing.mark_ready(issue)
    for n, script in enumerate([Script.HANT, Script.HANS, Script.HANT]):
        Subscriber.objects.create(
            email=f"r{n}@example.com", status=Subscriber.Status.ACTIVE, script=script
        )
    Subscriber.objects.create(
        email="gone@example.com", status=Subscriber.Status.UNSUBSCRIBED
    )
    return issue


def test_dry_run_lists_who_would_get_which_edition_and_sends_nothing(ready_issue):
    out = io.StringIO()
    call_command("send_newsletter", WEEK, "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:3] == [
        "r0@example.com\tzh-Hant",
        "r1@example.com\tzh-Hans",
        "r2@example.com\tzh-Hant",
    ]
    assert lines[3] == (
        f"Dry run, nothing sent: {WEEK} would go to 3 subscribers "
        "(1 zh-Hans, 2 zh-Hant)."
    )
    assert mail.outbox == []
    assert not Delivery.objects.exists()
    assert Issue.objects.get(pk=ready_issue.pk).status == Issue.Status.READY


def test_to_sends_a_proof_of_both_editions_to_one_address_only(ready_issue):
    ready_issue.status = Issue.Status.DRAFT
    ready_issue.save()
    out = io.StringIO()
    call_command("send_newsletter", WEEK, "--to", "desk@news.example", stdout=out)
    assert [m.to for m in mail.outbox] == [["desk@news.example"]] * 2
    bodies = [m.message().as_bytes() for m in mail.outbox]
    assert len(set(bodies)) == 2  # one Traditional, one Simplified
    assert "sent 2 proofs to desk@news.example" in out.getvalue()
    assert not Delivery.objects.exists()
    with pytest.raises(CommandError, match="not an email address"):
        call_command("send_newsletter", WEEK, "--to", "desk", stdout=out)


def test_sending_shows_progress_on_a_terminal(ready_issue):
    out = FakeTerminal()
    call_command("send_newsletter", WEEK, stdout=out)
    assert f"\rSending {WEEK}: 3 messages in" in out.getvalue()
    assert len(mail.outbox) == 3


def test_sending_at_verbosity_zero_prints_only_the_summary(ready_issue):
    out = FakeTerminal()
    call_command("send_newsletter", WEEK, stdout=out, verbosity=0)
    assert "\r" not in out.getvalue()
    assert out.getvalue().startswith(f"{WEEK}: sent 3")
