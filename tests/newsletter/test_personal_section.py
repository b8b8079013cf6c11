"""The weekly newsletter's "Your companies": export and send carry it."""

import csv
import email
import email.policy
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.mail import get_connection
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from newsletter import composing, exporting, personalising, sending
from newsletter.models import Script, Subscriber
from newsroom import chinese
from tests.factories import make_company, make_live_article
from tests.newsletter.following_helpers import follow, make_subscriber

pytestmark = pytest.mark.django_db

HKT = ZoneInfo("Asia/Hong_Kong")
WEEK = "2026-W10"
with translation.override("zh-hant"):
    SECTION = translation.gettext("Your companies")


@pytest.fixture
def week():
    """An issue with one pick, and two articles about two companies."""
    tencent = make_company("0700.HK", name="騰訊控股")
    alibaba = make_company("9988.HK", name="阿里巴巴")
    make_live_article(
        headline="週報精選", publish_at=datetime(2026, 3, 2, 9, tzinfo=HKT)
    )
    for company, headline in ((tencent, "騰訊季度業績"), (alibaba, "阿里巴巴回購")):
        article = make_live_article(
            headline=headline, publish_at=datetime(2026, 3, 4, 12, tzinfo=HKT)
        )
        article.companies.add(company)
    issue = composing.create_issue(WEEK, subject="週報")
    composing.mark_ready(issue)
    return issue, tencent, alibaba


def bodies(raw: bytes):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = {part.get_content_type(): part for part in message.walk()}
    return parts["text/plain"].get_content(), parts["text/html"].get_content()


def test_followers_get_their_companies_above_the_picks_others_no_section(
    week, tmp_path
):
    issue, tencent, _alibaba = week
    fan = make_subscriber("fan@example.com")
    follow(fan, company=tencent)
    plain = make_subscriber("plain@example.com")
    exporting.export_issue(issue, tmp_path, fmt="eml")
    text, html = bodies((tmp_path / "eml" / f"{fan.pk}.eml").read_bytes())
    assert SECTION in text and SECTION in html
    section = text[text.index(SECTION) :]
    assert "騰訊季度業績" in section.split("==")[1]
    assert "阿里巴巴回購" not in section.split("==")[1]
    assert text.index(SECTION) < text.index("週報精選")
    text, html = bodies((tmp_path / "eml" / f"{plain.pk}.eml").read_bytes())
    assert SECTION not in text and SECTION not in html


def test_simplified_subscribers_get_the_section_converted(week, tmp_path):
    issue, tencent, _alibaba = week
    fan = make_subscriber("fan@example.com", script=Script.HANS)
    follow(fan, company=tencent)
    exporting.export_issue(issue, tmp_path, fmt="eml")
    text, _html = bodies((tmp_path / "eml" / f"{fan.pk}.eml").read_bytes())
    assert chinese.to_simplified(SECTION) in text and "腾讯季度业绩" in text


def test_the_section_is_rendered_once_per_distinct_follow_set(
    week, tmp_path, monkeypatch
):
    issue, tencent, alibaba = week
    for _ in range(3):
        follow(make_subscriber(), company=tencent)
    both = make_subscriber()
    follow(both, company=tencent)
    follow(both, company=alibaba)
    made = []
    original = personalising.PersonalSections._section

    def counting(self, script, article_ids):
        made.append((script, article_ids))
        return original(self, script, article_ids)

    monkeypatch.setattr(personalising.PersonalSections, "_section", counting)
    exporting.export_issue(issue, tmp_path, fmt="mbox")
    assert len(made) == 2


def test_recipients_csv_lists_the_followed_companies(week, tmp_path):
    issue, tencent, alibaba = week
    fan = make_subscriber("fan@example.com")
    follow(fan, company=tencent)
    follow(fan, company=alibaba)
    exporting.export_issue(issue, tmp_path, fmt="mbox")
    with open(tmp_path / "recipients.csv", encoding="utf-8", newline="") as f:
        [row] = list(csv.DictReader(f))
    assert set(row["followed_companies"].split("; ")) == {"騰訊控股", "阿里巴巴"}


def test_the_send_carries_the_section(week):
    issue, tencent, _alibaba = week
    follow(make_subscriber("fan@example.com"), company=tencent)
    make_subscriber("plain@example.com")
    backend = get_connection("django.core.mail.backends.locmem.EmailBackend")
    from django.core import mail

    sending.send_issue(issue, connection=backend)
    by_address = {m.to[0]: m for m in mail.outbox}
    fan_text, _ = bodies(by_address["fan@example.com"].personal.raw)
    plain_text, _ = bodies(by_address["plain@example.com"].personal.raw)
    assert SECTION in fan_text and SECTION not in plain_text


def _queries(issue, tmp_path, count, companies):
    Subscriber.objects.all().delete()
    for n in range(count):
        subscriber = make_subscriber()
        for company in companies[: n % 3]:
            follow(subscriber, company=company)
    with CaptureQueriesContext(connection) as queries:
        exporting.export_issue(issue, tmp_path / str(count), chunk_size=10)
    return len(queries)


def test_personalised_export_queries_do_not_grow_with_subscribers(week, tmp_path):
    issue, tencent, alibaba = week
    few = _queries(issue, tmp_path, 5, [tencent, alibaba])
    many = _queries(issue, tmp_path, 45, [tencent, alibaba])
    assert few == many


def test_every_copy_links_to_the_subscribers_own_page(week, tmp_path):
    from newsletter import tokens

    issue, _tencent, _alibaba = week
    reader = make_subscriber("reader@example.com")
    exporting.export_issue(issue, tmp_path, fmt="eml")
    text, html = bodies((tmp_path / "eml" / f"{reader.pk}.eml").read_bytes())
    path = re.search(r"https?://\S+?(/newsletter/me/[^/\s\"]+/)", text).group(1)
    assert tokens.subscriber_from_manage_token(path.split("/")[3]) == reader
    assert path in html
    for name in (f"{WEEK}.zh-Hant.html", f"{WEEK}.zh-Hant.txt"):
        assert "{{manage_url}}" in (tmp_path / name).read_text(encoding="utf-8")
