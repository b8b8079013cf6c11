"""An issue exported to a folder, for an email service or for the record.

Writes, for issue 2026-W47:

- ``2026-W47.zh-Hant.html`` and ``.txt``, ``2026-W47.zh-Hans.html`` and
  ``.txt``: each edition's email, the unsubscribe link written as a merge
  tag (``{{unsubscribe_url}}`` unless told otherwise) for the service to
  fill from recipients.csv;
- ``recipients.csv``: email, script, unsubscribe_url for every active
  subscriber, cells that a spreadsheet would run as a formula defused
  (newsroom/spreadsheets.py);
- ``2026-W47.mbox`` (one message per subscriber), or with ``fmt="eml"`` an
  ``eml/`` folder with one ``<subscriber id>.eml`` each.

Subscribers are read in chunks and every message is written as soon as it is
made, so memory stays flat however long the list. The files hold
subscribers' addresses: they are readable by their owner only (0600, the
folder 0700), whatever the umask.
"""

import contextlib
import dataclasses
import os
import re
import time
from pathlib import Path

from newsroom import spreadsheets

# The shared writer defuses formulas; the old names, for callers that use them.
from newsroom.spreadsheets import FORMULA_STARTS  # noqa: F401
from newsroom.spreadsheets import safe_cell as csv_cell  # noqa: F401

from .messages import IssueMessages, Recipient, format_date
from .models import Issue, Subscriber
from .rendering import UNSUBSCRIBE_PLACEHOLDER

FORMATS = ("mbox", "eml")
CHUNK_SIZE = 2000
DEFAULT_MERGE_TAG = "{{unsubscribe_url}}"

# mboxrd: a body line starting "From " (after any ">") gets one more ">".
_MBOX_FROM = re.compile(rb"^(>*From )", re.MULTILINE)


def _mbox_quoted(raw: bytes) -> bytes:
    # Headers and base64 bodies never hold such a line; look before the
    # (slower) regular expression.
    if raw.startswith((b"From ", b">")) or b"\nFrom " in raw or b"\n>" in raw:
        return _MBOX_FROM.sub(rb">\1", raw)
    return raw


@dataclasses.dataclass
class ExportReport:
    week: str
    directory: Path
    messages: int = 0
    by_script: dict = dataclasses.field(default_factory=dict)
    files: list = dataclasses.field(default_factory=list)


def _mbox_separator(sender: str) -> bytes:
    # The "From " line: envelope sender and a ctime()-style date (RFC 4155).
    return f"From {sender} {time.asctime(time.gmtime())}\n".encode()


def _private(path: Path, mode: str):
    """``open(path, mode)`` for a file only its owner may read (0600)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(path, 0o600)  # a file left by an earlier export keeps its mode
    if "b" in mode:
        return os.fdopen(descriptor, mode)
    return os.fdopen(descriptor, mode, encoding="utf-8", newline="")


def export_issue(
    issue: Issue,
    directory,
    *,
    fmt: str = "mbox",
    merge_tag: str = DEFAULT_MERGE_TAG,
    chunk_size: int = CHUNK_SIZE,
) -> ExportReport:
    """Write ``issue``'s files for every active subscriber into ``directory``."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    report = ExportReport(week=issue.week, directory=directory)
    messages = IssueMessages(issue)

    for script, rendered in messages.renderings.items():
        for suffix, body in (("html", rendered.html), ("txt", rendered.text)):
            path = directory / f"{issue.week}.{script}.{suffix}"
            with _private(path, "w") as file:
                file.write(body.replace(UNSUBSCRIBE_PLACEHOLDER, merge_tag))
            report.files.append(path)

    # One Date for the whole export: these copies are made at one time.
    date = format_date()
    subscribers = (
        Subscriber.objects.active()
        .order_by("pk")
        .values_list("pk", "email", "script")
        .iterator(chunk_size=chunk_size)
    )
    csv_path = directory / "recipients.csv"
    mbox_path = directory / f"{issue.week}.mbox"
    eml_dir = directory / "eml"
    if fmt == "eml":
        eml_dir.mkdir(mode=0o700, exist_ok=True)
    separator = _mbox_separator(messages.from_email.rpartition("<")[2].rstrip(">"))
    with contextlib.ExitStack() as stack:
        csv_file = stack.enter_context(_private(csv_path, "w"))
        writer = spreadsheets.writer(csv_file)
        writer.writerow(["email", "script", "unsubscribe_url"])
        mbox = stack.enter_context(_private(mbox_path, "wb")) if fmt == "mbox" else None
        for pk, email, script in subscribers:
            personal = messages.message_for(
                Recipient(pk=pk, email=email, script=script), date=date
            )
            script = messages.script_for(personal.recipient)
            writer.writerow([email, script, personal.unsubscribe_url])
            if mbox is not None:
                mbox.write(separator)
                mbox.write(_mbox_quoted(personal.raw))
                mbox.write(b"\n")
            else:
                with _private(eml_dir / f"{pk}.eml", "wb") as eml:
                    eml.write(personal.raw)
            report.messages += 1
            report.by_script[script] = report.by_script.get(script, 0) + 1
    report.files += [csv_path, mbox_path if fmt == "mbox" else eml_dir]
    return report
