"""CSV for spreadsheets: every cell a spreadsheet would run as a formula is
made text. Every CSV the project writes goes through ``writer``.

Excel, LibreOffice and Google Sheets treat a cell starting with ``=``, ``+``,
``-`` or ``@`` as a formula, and a leading tab, carriage return or line feed
can hide one (OWASP "CSV injection"); with a Chinese or Japanese input method
the full-width ``＝＋－＠`` are converted to the same. A leading apostrophe
makes the cell text and is not shown. Numbers are written as they are.

An email address is not a formula: ``-2+3@example.org`` is a valid address
that a mail service reading recipients.csv must get as it is, so a cell that
is one valid address is left alone, unless it starts with ``=`` (which no
real address does and every spreadsheet runs).
"""

import csv

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value):
    """``value``, made safe to open in a spreadsheet (non-text left alone)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if not value.startswith("=") and _is_email_address(value):
            return value
        return "'" + value
    return value


def _is_email_address(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


class SafeWriter:
    """``csv.writer`` whose rows pass through ``safe_cell``."""

    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(file, **options) -> SafeWriter:
    """A CSV writer for ``file`` (opened with ``newline=""``) that defuses formulas."""
    return SafeWriter(file, **options)
