"""An issue exported to a folder, for an email service or for the record.

Writes, for issue 2026-W47:

- ``2026-W47.zh-Hant.html`` and ``.txt``, ``2026-W47.zh-Hans.html`` and
  ``.txt``: each edition's email, the unsubscribe link written as a merge
  tag (``{{unsubscribe_url}}`` unless told otherwise) for the service to
  fill from recipients.csv;
- ``recipients.csv``: email, script, unsubscribe_url, followed_companies
  and manage_url (``{{manage_url}}`` in the files) for every active
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
from newsroom.progress import silent

# The shared writer defuses formulas; the old names, for callers that use them.
from newsroom.spreadsheets import FORMULA_STARTS  # noqa: F401
from newsroom.spreadsheets import safe_cell as csv_cell  # noqa: F401

from .messages import IssueMessages, Recipient, format_date
from .models import Follow, Issue, Subscriber
from .personalising import PersonalSections
from .rendering import MANAGE_PLACEHOLDER, UNSUBSCRIBE_PLACEHOLDER

FORMATS = ("mbox", "eml")
CHUNK_SIZE = 2000
DEFAULT_MERGE_TAG = "{{unsubscribe_url}}"
# The subscriber's own page (recipients.csv's manage_url).
MANAGE_MERGE_TAG = "{{manage_url}}"

# mboxrd: a body line starting "From " (after any ">") gets one more ">".
_MBOX_FROM = re.compile(rb"^(>*From )", re.MULTILINE)


def _mbox_quoted(raw: bytes) -> bytes:
    # Headers and base64 bodies never hold such a line; look before the
    # (slower) regular expression.
    if _has_line_to_quote(raw):
        return _MBOX_FROM.sub(rb">\1", raw)
    return raw


def _has_line_to_quote(raw: bytes) -> bool:
    """A line starts with "From " or ">": ``b"\\n>" in raw``, only faster.

    Searching for a line break costs 0.2 ms a copy in base64 bodies (one
    every 77 bytes), a sixth of the personalised export (bench/newsletter.py
    --following); ">" and " " never occur in base64, so look for those.
    """
    if raw.startswith((b"From ", b">")):
        return True
    for byte, before in ((b">", b"\n"), (b" ", b"\nFrom")):
        at = raw.find(byte)
        while at != -1:
            if raw[max(at - len(before), 0) : at] == before:
                return True
            at = raw.find(byte, at + 1)
    return False


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
    progress=silent,
) -> ExportReport:
    """Write ``issue``'s files for every active subscriber into ``directory``.

    ``progress`` (newsroom.progress) counts the messages as they are written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    report = ExportReport(week=issue.week, directory=directory)
    messages = IssueMessages(issue, sections=PersonalSections(issue))

    for script, rendered in messages.renderings.items():
        for suffix, body in (("html", rendered.html), ("txt", rendered.text)):
            path = directory / f"{issue.week}.{script}.{suffix}"
            body = body.replace(UNSUBSCRIBE_PLACEHOLDER, merge_tag)
            with _private(path, "w") as file:
                file.write(body.replace(MANAGE_PLACEHOLDER, MANAGE_MERGE_TAG))
            report.files.append(path)

    # One Date for the whole export: these copies are made at one time.
    date = format_date()
    csv_path = directory / "recipients.csv"
    mbox_path = directory / f"{issue.week}.mbox"
    eml_dir = directory / "eml"
    if fmt == "eml":
        eml_dir.mkdir(mode=0o700, exist_ok=True)
    separator = _mbox_separator(messages.from_email.rpartition("<")[2].rstrip(">"))
    with contextlib.ExitStack() as stack:
        csv_file = stack.enter_context(_private(csv_path, "w"))
        writer = spreadsheets.writer(csv_file)
        writer.writerow(
            ["email", "script", "unsubscribe_url", "followed_companies", "manage_url"]
        )
        mbox = stack.enter_context(_private(mbox_path, "wb")) if fmt == "mbox" else None
        stage = stack.enter_context(
            progress(
                f"Exporting {issue.week}",
                total=Subscriber.objects.active().count(),
                unit="messages",
            )
        )
        for pk, email, script, follows, companies in _recipients(chunk_size):
            stage.advance()
            personal = messages.message_for(
                Recipient(pk=pk, email=email, script=script, follows=follows),
                date=date,
            )
            script = messages.script_for(personal.recipient)
            writer.writerow(
                [
                    email,
                    script,
                    personal.unsubscribe_url,
                    "; ".join(companies),
                    personal.manage_url,
                ]
            )
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


def _recipients(chunk_size: int):
    """(pk, email, script, follow keys, company names) of every active subscriber.

    Two streams in subscriber order, subscribers and their follows, joined
    here: two queries whatever the number of subscribers, memory flat.
    """
    subscribers = (
        Subscriber.objects.active()
        .order_by("pk")
        .values_list("pk", "email", "script")
        .iterator(chunk_size=chunk_size)
    )
    follows = (
        Follow.objects.filter(subscriber__status=Subscriber.Status.ACTIVE)
        .order_by("subscriber_id", "company__name", "pk")
        .values_list("subscriber_id", "company_id", "tag_id", "company__name")
        .iterator(chunk_size=chunk_size)
    )
    pending = next(follows, None)
    for pk, email, script in subscribers:
        keys, names = set(), []
        while pending is not None and pending[0] <= pk:
            if pending[0] == pk:
                _sid, company_id, tag_id, name = pending
                keys.add(("c", company_id) if company_id else ("t", tag_id))
                if name:
                    names.append(name)
            pending = next(follows, None)
        yield pk, email, script, frozenset(keys), names
