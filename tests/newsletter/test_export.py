"""Export: HTML and text per edition, recipients.csv, an mbox or .eml files."""

import csv
import email
import email.policy
import mailbox
import re
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from newsletter import composing, exporting, messages, tokens
from newsletter.models import Issue, Script, Subscriber
from newsletter.rendering import render_issue
from tests.factories import make_live_article

pytestmark = pytest.mark.django_db

HKT = ZoneInfo("Asia/Hong_Kong")
WEEK = "2026-W10"
SITE = "https://news.example"
Status = Subscriber.Status


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = "新聞室財經 <newsletter@newsroom.example>"
    settings.NEWSLETTER_LIST_ID = "Weekly newsletter <weekly.newsroom.example>"
    settings.NEWSLETTER_UNSUBSCRIBE_EMAIL = "unsubscribe@newsroom.example"


@pytest.fixture(autouse=True)
def token_clock(monkeypatch):
    """Signed tokens carry the second they were made: hold it still, so a link
    made by the export and one made by the test for comparison are equal."""
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: "1xUy8M")


def subscriber(address, *, status=Status.ACTIVE, script=Script.HANT):
    return Subscriber.objects.create(email=address, status=status, script=script)


@pytest.fixture
def issue():
    make_live_article(
        kind="feature",
        headline="國際銀行業務發展",
        publish_at=datetime(2026, 3, 4, 12, tzinfo=HKT),
    )
    issue = composing.create_issue(WEEK, subject="新聞室財經週報：國際銀行業務發展")
    composing.mark_ready(issue)
    return issue


def export(issue, tmp_path, fmt="eml"):
    return exporting.export_issue(issue, tmp_path, fmt=fmt)


def parse(path_or_bytes):
    raw = (
        path_or_bytes
        if isinstance(path_or_bytes, bytes)
        else path_or_bytes.read_bytes()
    )
    return email.message_from_bytes(raw, policy=email.policy.default)


def bodies(message):
    parts = {part.get_content_type(): part for part in message.walk()}
    return parts["text/plain"].get_content(), parts["text/html"].get_content()


def token_of(url):
    """The token of an unsubscribe link, found by resolving it as the site would."""
    path = urlsplit(url).path
    language = "zh-hans" if path.startswith("/zh-hans/") else "zh-hant"
    with translation.override(language):
        match = resolve(path)
    assert match.view_name == "newsletter:unsubscribe"
    return match.kwargs["token"]


@pytest.mark.parametrize("fmt", ["eml", "mbox"])
def test_exported_files_are_readable_by_their_owner_only(issue, tmp_path, fmt):
    subscriber("reader@example.com")
    (tmp_path / "out").mkdir(mode=0o755)
    (tmp_path / "out" / "recipients.csv").write_text("old")
    (tmp_path / "out" / "recipients.csv").chmod(0o644)
    report = export(issue, tmp_path / "out", fmt=fmt)
    written = [
        path
        for folder in report.files
        for path in ([folder] if folder.is_file() else folder.iterdir())
    ]
    assert len(written) >= 6
    assert {oct(path.stat().st_mode & 0o777) for path in written} == {"0o600"}


# --- the MIME messages ---------------------------------------------------------


def test_eml_files_are_multipart_alternative_with_every_list_header(issue, tmp_path):
    reader = subscriber("reader@example.com")
    export(issue, tmp_path)
    message = parse(tmp_path / "eml" / f"{reader.pk}.eml")
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    for part in message.iter_parts():
        assert part.get_content_charset() == "utf-8"
    assert message["To"] == "reader@example.com"
    assert message["From"].addresses[0].addr_spec == "newsletter@newsroom.example"
    assert message["From"].addresses[0].display_name == "新聞室財經"
    assert re.fullmatch(
        r"<2026-W10\.[0-9a-f]+@newsroom\.example>", message["Message-ID"]
    )
    assert message["Date"].datetime is not None
    assert message["List-Id"] == "Weekly newsletter <weekly.newsroom.example>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = re.findall(r"<([^>]+)>", message["List-Unsubscribe"])
    assert https.startswith(f"{SITE}/newsletter/unsubscribe/")
    assert mailto.startswith("mailto:unsubscribe@newsroom.example?subject=unsubscribe")
    assert https == tokens.unsubscribe_url(reader)
    assert mailto == tokens.unsubscribe_mailto(reader)


def test_chinese_subject_is_rfc2047_encoded_and_decodes_to_the_original(
    issue, tmp_path
):
    reader = subscriber("reader@example.com")
    export(issue, tmp_path)
    raw = (tmp_path / "eml" / f"{reader.pk}.eml").read_bytes()
    head = raw.split(b"\n\n", 1)[0]
    assert b"=?utf-8?" in head
    assert raw.isascii()  # every header encoded, both bodies base64
    assert parse(raw)["Subject"] == "新聞室財經週報：國際銀行業務發展"


def test_header_lines_stay_within_the_rfc_5322_limit(issue, tmp_path):
    reader = subscriber("reader@example.com")
    export(issue, tmp_path)
    raw = (tmp_path / "eml" / f"{reader.pk}.eml").read_bytes()
    assert max(len(line) for line in raw.split(b"\n")) <= 998


def test_personal_unsubscribe_link_in_each_body_resolves_to_that_subscriber(
    issue, tmp_path
):
    readers = [subscriber(f"reader{n}@example.com") for n in range(3)]
    export(issue, tmp_path)
    for reader in readers:
        message = parse(tmp_path / "eml" / f"{reader.pk}.eml")
        text, html = bodies(message)
        url = tokens.unsubscribe_url(reader)
        assert url in text
        assert f'href="{url}"' in html
        assert tokens.subscriber_from_unsubscribe_token(token_of(url)) == reader
        others = [tokens.unsubscribe_url(o) for o in readers if o != reader]
        assert not any(other in text + html for other in others)


def test_simplified_subscribers_get_the_simplified_edition(issue, tmp_path):
    hans = subscriber("hans@example.com", script=Script.HANS)
    hant = subscriber("hant@example.com", script=Script.HANT)
    export(issue, tmp_path)
    simplified = parse(tmp_path / "eml" / f"{hans.pk}.eml")
    traditional = parse(tmp_path / "eml" / f"{hant.pk}.eml")
    assert simplified["Subject"] == "新闻室财经周报：国际银行业务发展"
    text, html = bodies(simplified)
    assert "国际银行业务发展" in text and "国际银行业务发展" in html
    assert "國際銀行" not in text + html
    assert f"{SITE}/zh-hans/newsletter/unsubscribe/" in text
    assert "國際銀行業務發展" in bodies(traditional)[0]
    token = token_of(re.findall(r"<([^>]+)>", simplified["List-Unsubscribe"])[0])
    assert tokens.subscriber_from_unsubscribe_token(token) == hans


def test_only_active_subscribers_are_exported(issue, tmp_path):
    active = subscriber("active@example.com")
    for status in (Status.PENDING, Status.UNSUBSCRIBED, Status.BOUNCED):
        subscriber(f"{status}@example.com", status=status)
    report = export(issue, tmp_path)
    assert report.messages == 1
    assert [p.name for p in (tmp_path / "eml").iterdir()] == [f"{active.pk}.eml"]
    rows = list(csv.DictReader(open(tmp_path / "recipients.csv", encoding="utf-8")))
    assert [row["email"] for row in rows] == ["active@example.com"]


def test_mbox_holds_one_parsable_message_per_subscriber(issue, tmp_path):
    readers = [
        subscriber(f"r{n}@example.com", script=Script.values[n % 2]) for n in range(4)
    ]
    export(issue, tmp_path, fmt="mbox")
    box = mailbox.mbox(tmp_path / f"{WEEK}.mbox")
    found = [parse(message.as_bytes()) for message in box]
    assert [m["To"] for m in found] == [r.email for r in readers]
    for message in found:
        assert message.get_content_type() == "multipart/alternative"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_exported_html_and_text_carry_the_merge_tag_for_the_unsubscribe_link(
    issue, tmp_path
):
    subscriber("reader@example.com")
    export(issue, tmp_path)
    for script in Script.values:
        html = (tmp_path / f"{WEEK}.{script}.html").read_text(encoding="utf-8")
        text = (tmp_path / f"{WEEK}.{script}.txt").read_text(encoding="utf-8")
        assert 'href="{{unsubscribe_url}}"' in html
        assert "{{unsubscribe_url}}" in text
        assert "10/F, Example Tower" in html
    assert "国际银行" in (tmp_path / f"{WEEK}.zh-Hans.html").read_text(encoding="utf-8")


# --- recipients.csv -------------------------------------------------------------


def test_recipients_csv_has_email_script_and_the_personal_unsubscribe_link(
    issue, tmp_path
):
    hans = subscriber("hans@example.com", script=Script.HANS)
    export(issue, tmp_path)
    with open(tmp_path / "recipients.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows == [
        {
            "email": "hans@example.com",
            "script": "zh-Hans",
            "unsubscribe_url": f"{SITE}/zh-hans/newsletter/unsubscribe/"
            f"{tokens.unsubscribe_token(hans)}/",
            "followed_companies": "",
            "manage_url": f"{SITE}/zh-hans/newsletter/me/{tokens.manage_token(hans)}/",
        }
    ]


@pytest.mark.parametrize("address", ["=1+2@example.com", "@sum@x.com"])
def test_recipients_csv_cells_cannot_run_as_formulas(issue, tmp_path, address):
    subscriber(address)
    export(issue, tmp_path)
    with open(tmp_path / "recipients.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(exporting.FORMULA_STARTS), cell
    assert rows[1][0] == "'" + address


@pytest.mark.parametrize("value", ["=HYPERLINK()", "+1", "-1", "@A1", "\tx", "\rx"])
def test_csv_cell_defuses_every_formula_start(value):
    assert exporting.csv_cell(value) == "'" + value
    assert exporting.csv_cell("reader@example.com") == "reader@example.com"


# --- header injection -------------------------------------------------------------


def test_a_line_break_in_the_subject_is_refused(issue, tmp_path):
    subscriber("reader@example.com")
    Issue.objects.filter(pk=issue.pk).update(subject="週報\r\nBcc: x@evil.example")
    issue.refresh_from_db()
    with pytest.raises(messages.HeaderInjection, match="subject"):
        export(issue, tmp_path)
    assert not (tmp_path / "eml").exists()


def test_a_line_break_in_the_senders_name_is_refused(issue, settings):
    settings.DEFAULT_FROM_EMAIL = (
        "新聞室\r\nBcc: x@evil.example <newsletter@newsroom.example>"
    )
    with pytest.raises(messages.HeaderInjection, match="sender"):
        messages.MessageTemplate(render_issue(issue, Script.HANT))


def test_a_line_break_in_a_recipient_address_is_refused(issue):
    template = messages.MessageTemplate(render_issue(issue, Script.HANT))
    with pytest.raises(messages.HeaderInjection):
        template.render(
            to="reader@example.com\r\nBcc: x@evil.example",
            unsubscribe_url=f"{SITE}/u/",
            unsubscribe_mailto="mailto:u@example.com",
            message_id="<1@example.com>",
            date=messages.format_date(),
        )


def test_the_export_command_refuses_a_subject_with_a_line_break(issue, tmp_path):
    Issue.objects.filter(pk=issue.pk).update(subject="週報\nBcc: x@evil.example")
    with pytest.raises(CommandError, match="line break"):
        call_command("export_newsletter", WEEK, "--out", str(tmp_path))


# --- the command and its cost -------------------------------------------------------


def test_export_command_writes_every_file(issue, tmp_path, capsys):
    subscriber("reader@example.com")
    call_command("export_newsletter", "2026-w10", "--out", str(tmp_path))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        [
            f"{WEEK}.mbox",
            f"{WEEK}.zh-Hans.html",
            f"{WEEK}.zh-Hans.txt",
            f"{WEEK}.zh-Hant.html",
            f"{WEEK}.zh-Hant.txt",
            "recipients.csv",
        ]
    )
    assert "1 messages" in capsys.readouterr().out


def test_export_command_refuses_drafts_and_unknown_weeks(tmp_path):
    Issue.objects.create(week=WEEK, subject="草稿")
    translation.activate("en")  # the msgids; tests/conftest.py resets it
    with pytest.raises(CommandError, match="draft"):
        call_command("export_newsletter", WEEK, "--out", str(tmp_path))
    with pytest.raises(CommandError, match="no issue"):
        call_command("export_newsletter", "2026-W11", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="ISO week"):
        call_command("export_newsletter", "2026-47", "--out", str(tmp_path))


def _queries_to_export(issue, tmp_path, count):
    Subscriber.objects.all().delete()
    Subscriber.objects.bulk_create(
        Subscriber(email=f"r{n}@example.com", status=Status.ACTIVE)
        for n in range(count)
    )
    with CaptureQueriesContext(connection) as queries:
        exporting.export_issue(issue, tmp_path / str(count), chunk_size=10)
    return len(queries)


def test_export_queries_do_not_grow_with_subscribers(issue, tmp_path):
    # 5 subscribers fit in one chunk of 10, 45 need five: the count is the same.
    assert _queries_to_export(issue, tmp_path, 5) == _queries_to_export(
        issue, tmp_path, 45
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([b"From ", b">", b"\n", b" ", b"a", b"From", b"\n>", b"x>"]),
        max_size=12,
    )
)
def test_the_fast_quoting_check_agrees_with_the_plain_one(pieces):
    raw = b"".join(pieces)
    plain = raw.startswith((b"From ", b">")) or b"\nFrom " in raw or b"\n>" in raw
    assert exporting._has_line_to_quote(raw) == plain
