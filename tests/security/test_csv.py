"""CSV exports (issue 9, point 8): a cell a spreadsheet would run as a formula
is made text, in every CSV the project writes."""

import csv
import io
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from companies.models import Company
from newsletter import composing, exporting
from newsletter.models import Follow, Subscriber
from newsroom import spreadsheets
from tests.factories import make_live_article

ROOT = Path(__file__).resolve().parents[2]
DANGEROUS = [
    '=HYPERLINK("http://evil.example","點我")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "＝１＋１",
    "＋１",
    "－１",
    "＠SUM(A1)",
]


def written_and_read_back(rows) -> list[list[str]]:
    buffer = io.StringIO(newline="")
    spreadsheets.writer(buffer).writerows(rows)
    return list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))


@pytest.mark.parametrize("value", DANGEROUS)
def test_a_cell_starting_a_formula_is_read_back_as_text(value):
    [[cell, after]] = written_and_read_back([[value, "其後"]])
    assert cell == "'" + value
    assert not cell.startswith(spreadsheets.FORMULA_STARTS)
    assert after == "其後"


@pytest.mark.parametrize(
    "address", ["-2+3@example.org", "+news@example.com", "-@example.hk"]
)
def test_a_valid_email_address_is_not_a_formula(address):
    assert written_and_read_back([[address]]) == [[address]]


def test_harmless_cells_and_numbers_are_written_as_they_are():
    rows = [["reader@example.com", "央行，降準", 'say "hi"\nnext line', -5, 1.5]]
    assert written_and_read_back(rows) == [
        ["reader@example.com", "央行，降準", 'say "hi"\nnext line', "-5", "1.5"]
    ]


@pytest.mark.django_db
def test_recipients_csv_defuses_formulas_and_keeps_valid_addresses(tmp_path):
    make_live_article(
        publish_at=datetime(2026, 3, 4, 12, tzinfo=ZoneInfo("Asia/Hong_Kong"))
    )
    issue = composing.create_issue("2026-W10", subject="週報")
    composing.mark_ready(issue)
    written = {
        # Valid addresses a mail service must get as they are.
        "-2+3@example.org": "-2+3@example.org",
        "+cmd@example.com": "+cmd@example.com",
        # Not addresses, or starting with what every spreadsheet runs.
        "=1+2@example.com": "'=1+2@example.com",
        "@sum@example.com": "'@sum@example.com",
        "＝１＋１@example.com": "'＝１＋１@example.com",
    }
    # (An address with a tab, CR or LF never gets this far: the export refuses
    # it as a header injection. The writer tests above cover those starts.)
    Subscriber.objects.bulk_create(
        Subscriber(email=address, status=Subscriber.Status.ACTIVE)
        for address in written
    )
    # The followed companies' names are written too (issue 22).
    hostile = Company.objects.create(name='=HYPERLINK("http://evil.example")')
    Follow.objects.create(subscriber=Subscriber.objects.first(), company=hostile)
    exporting.export_issue(issue, tmp_path, fmt="eml")
    with open(tmp_path / "recipients.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [
        "email",
        "script",
        "unsubscribe_url",
        "followed_companies",
        "manage_url",
    ]
    assert any(row[3].startswith("'=HYPERLINK") for row in rows[1:])
    assert sorted(row[0] for row in rows[1:]) == sorted(written.values())
    for row in rows[1:]:
        for cell in row[1:]:
            assert not cell.startswith(spreadsheets.FORMULA_STARTS), row


def test_every_csv_writer_in_the_project_uses_the_shared_helper():
    writers = re.compile(r"csv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("articles", "companies", "newsletter", "newsroom", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if writers.search(path.read_text(encoding="utf-8"))
        and path != ROOT / "newsroom" / "spreadsheets.py"
    ]
    assert offenders == []
