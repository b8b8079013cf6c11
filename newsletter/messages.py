"""One complete MIME message per subscriber, with the headers mailing lists need.

Every message is multipart/alternative (plain text and HTML, UTF-8, base64),
with an RFC 2047 Subject, Message-ID, Date, From, To, List-Id,
List-Unsubscribe (https and mailto) and List-Unsubscribe-Post (RFC 8058
one-click), and the subscriber's own unsubscribe link in both bodies.

Building a message with the email package takes about 3 ms, too slow for
100,000 subscribers. So ``MessageTemplate`` builds the message once per
script with Python's email package, placeholders where the subscriber goes,
and ``render`` substitutes them in the bytes: To, Date, Message-ID,
List-Unsubscribe and the two bodies (base64-encoded per subscriber, so no
line of the result can be too long whatever the body holds).

Header values come from editors (the subject) and settings (the sender): any
line break in them is refused with ``HeaderInjection`` before anything is
built, so "\\r\\nBcc: x@evil" can never become a header.
"""

import base64
import dataclasses
import email.message
import email.utils
import html
import re
import secrets
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import sanitize_address
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from newsroom import chinese

from . import tokens
from .models import Issue, Script
from .rendering import (
    MANAGE_PLACEHOLDER,
    PERSONAL_HTML_PLACEHOLDER,
    PERSONAL_TEXT_PLACEHOLDER,
    UNSUBSCRIBE_PLACEHOLDER,
    RenderedIssue,
    edition_language,
    issue_articles,
    render_issue,
)

ONE_CLICK = "List-Unsubscribe=One-Click"

# Placeholders: ASCII, distinctive, and short enough that the email package
# never folds a header around them.
_TO = b"nr-to@placeholder.invalid"
_DATE = b"nr-date-placeholder"
_MESSAGE_ID = b"<nr-message-id@placeholder.invalid>"
_LIST_UNSUBSCRIBE = b"nr-list-unsubscribe-placeholder"
_TEXT = b"nr-text-body-placeholder"
_HTML = b"nr-html-body-placeholder"


class HeaderInjection(ValueError):
    """A header value holds a line break: refused, it could add headers."""


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def refuse_line_breaks(value: str, what: str) -> str:
    """``value``, unless it holds CR, LF or another control character."""
    if _CONTROL_CHARACTERS.search(value):
        raise HeaderInjection(
            f"{what} contains a line break or control character and was refused "
            f"(it could add mail headers such as Bcc): {value!r}"
        )
    return value


@dataclasses.dataclass(frozen=True)
class Recipient:
    """Who one message is for; what tokens need (pk and email) and the script."""

    pk: int
    email: str
    script: str = Script.HANT
    # What they follow: ("c", company id) and ("t", tag id) keys.
    follows: frozenset = frozenset()


@dataclasses.dataclass(frozen=True)
class PersonalMessage:
    raw: bytes
    message_id: str
    unsubscribe_url: str
    recipient: Recipient
    manage_url: str = ""


def _encoded_address(address: str, what: str) -> str:
    refuse_line_breaks(address, what)
    name, addr = email.utils.parseaddr(address)
    if not addr or "@" not in addr:
        raise ValueError(f"{what} is not an email address: {address!r}")
    if name:
        refuse_line_breaks(name, f"{what} name")
        # An encoded word for a non-ASCII name (新聞室財經 <...>), RFC 2047.
        return email.utils.formataddr((name, addr), charset="utf-8")
    return addr


def _list_id(value: str) -> str:
    """List-Id (RFC 2919): an optional phrase, then the <list id>."""
    refuse_line_breaks(value, "List-Id")
    name, _sep, rest = value.rpartition("<")
    name = name.strip()
    if name and not name.isascii():
        name = Header(name, "utf-8").encode()
    return f"{name} <{rest}" if name else value


def message_id_for(week: str, subscriber_pk: int, domain: str) -> str:
    """The same Message-ID every time for one subscriber's copy of one issue.

    A copy sent again (--resend-unknown after a crash) then carries the same
    ID, and mail programs that already have it can drop the duplicate.
    """
    digest = salted_hmac(
        "newsletter.message-id", f"{week}:{subscriber_pk}", algorithm="sha256"
    ).hexdigest()[:24]
    return f"<{week}.{digest}@{domain}>"


def format_date(value=None) -> str:
    return email.utils.format_datetime(timezone.localtime(value or timezone.now()))


# base64 turns each 57 bytes into one 76-character line.
_BASE64_LINE = 57


class _Base64Body:
    """A body with placeholders, base64-encoded with the placeholders filled in.

    base64 turns each 57 bytes into one line, so a stretch of fixed text that
    starts on a line boundary encodes the same in every copy. The fixed text
    between placeholders is encoded once for each of the 57 places a copy's
    values can leave it starting at (cached as copies need them), and only
    the values and the few bytes around them are encoded per copy: the
    personal section near the top no longer costs the whole body.
    """

    def __init__(self, body: str, *placeholders: str):
        data = body.encode("utf-8")
        found = sorted(
            (data.find(p.encode()), n, p.encode())
            for n, p in enumerate(placeholders)
            if data.find(p.encode()) >= 0
        )
        self.slots = [n for _at, n, _p in found]
        self.segments = []
        start = 0
        for at, _n, placeholder in found:
            self.segments.append(data[start:at])
            start = at + len(placeholder)
        self.segments.append(data[start:])
        self._aligned = {}

    def _split(self, index: int, need: int) -> tuple[bytes, bytes]:
        """Segment ``index`` after its first ``need`` bytes: whole lines encoded,
        and the bytes left over."""
        key = (index, need)
        if key not in self._aligned:
            segment = self.segments[index]
            end = need + (len(segment) - need) // _BASE64_LINE * _BASE64_LINE
            self._aligned[key] = (
                base64.encodebytes(segment[need:end]),
                segment[end:],
            )
        return self._aligned[key]

    def encode(self, *values: str) -> bytes:
        out = []
        pending = b""  # not yet encoded; always starts on a line boundary
        for index, segment in enumerate(self.segments):
            if index:
                pending += values[self.slots[index - 1]].encode("utf-8")
            need = -len(pending) % _BASE64_LINE
            if len(segment) - need < 4 * _BASE64_LINE:
                pending += segment
                continue
            lines, rest = self._split(index, need)
            out.append(base64.encodebytes(pending + segment[:need]))
            out.append(lines)
            pending = rest
        out.append(base64.encodebytes(pending))
        return b"".join(out)


def _part(subtype: str, placeholder: bytes) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype, charset="utf-8")
    del part["MIME-Version"]  # once, on the message itself
    part["Content-Transfer-Encoding"] = "base64"
    part.set_payload(placeholder.decode() + "\n")
    return part


def check_headers(subject: str, *, from_email=None, list_id=None) -> None:
    """Raise HeaderInjection now if these could not go into a message later."""
    refuse_line_breaks(subject, "The subject")
    _encoded_address(from_email or settings.DEFAULT_FROM_EMAIL, "The sender")
    _list_id(list_id or settings.NEWSLETTER_LIST_ID)


class MessageTemplate:
    """The message of one issue in one script, built once, personalised per copy."""

    def __init__(
        self, rendered: RenderedIssue, *, from_email=None, list_id=None, personal=False
    ):
        self.rendered = rendered
        self.subject = refuse_line_breaks(rendered.subject, "The subject")
        self.from_email = from_email or settings.DEFAULT_FROM_EMAIL
        from_header = _encoded_address(self.from_email, "The sender")
        list_id = _list_id(list_id or settings.NEWSLETTER_LIST_ID)

        message = MIMEMultipart(
            "alternative", boundary=f"nr-alternative-{secrets.token_hex(12)}"
        )
        message["From"] = from_header
        message["To"] = _TO.decode()
        message["Subject"] = Header(self.subject, "utf-8")
        message["Date"] = _DATE.decode()
        message["Message-ID"] = _MESSAGE_ID.decode()
        message["List-Id"] = list_id
        message["List-Unsubscribe"] = _LIST_UNSUBSCRIBE.decode()
        message["List-Unsubscribe-Post"] = ONE_CLICK
        # Out-of-office replies to a newsletter help nobody (Exchange/Outlook).
        message["X-Auto-Response-Suppress"] = "OOF, AutoReply"
        message.attach(_part("plain", _TEXT))
        message.attach(_part("html", _HTML))
        raw = message.as_bytes()
        # With a personal section ("Your companies") when the issue has one.
        self.personal = personal and bool(rendered.personal_html)
        links = (UNSUBSCRIBE_PLACEHOLDER, MANAGE_PLACEHOLDER)
        if self.personal:
            self._text = _Base64Body(
                rendered.personal_text, *links, PERSONAL_TEXT_PLACEHOLDER + "\n"
            )
            self._html = _Base64Body(
                rendered.personal_html, *links, PERSONAL_HTML_PLACEHOLDER + "\n"
            )
        else:
            self._text = _Base64Body(rendered.text, *links)
            self._html = _Base64Body(rendered.html, *links)
        # Each placeholder once, so each substitution below is exact.
        for placeholder in (_TO, _DATE, _MESSAGE_ID, _LIST_UNSUBSCRIBE, _TEXT, _HTML):
            if raw.count(placeholder) != 1:  # pragma: no cover - a bug, not input
                raise RuntimeError(f"placeholder {placeholder!r} lost in the template")
        self._raw = raw

    def render(
        self, *, to: str, unsubscribe_url: str, unsubscribe_mailto: str,
        message_id: str, date: str, section: tuple[str, str] = ("", ""),
        manage_url: str = "",
    ) -> bytes:  # fmt: skip
        """The complete message for one recipient, as bytes (LF line ends)."""
        refuse_line_breaks(to, "The recipient's address")
        manage_url = manage_url or unsubscribe_url
        for value in (unsubscribe_url, unsubscribe_mailto, message_id, date):
            refuse_line_breaks(value, "A header value")
        # Folded by hand: the header holds two long URLs.
        list_unsubscribe = f"<{unsubscribe_url}>,\n <{unsubscribe_mailto}>"
        return (
            self._raw.replace(_TO, _address(to).encode())
            .replace(_DATE, date.encode())
            .replace(_MESSAGE_ID, message_id.encode())
            .replace(_LIST_UNSUBSCRIBE, list_unsubscribe.encode())
            # What RenderedIssue.personalise does, on the encoded bodies.
            .replace(
                _TEXT + b"\n",
                self._encode(self._text, unsubscribe_url, manage_url, section[1]),
            )
            .replace(
                _HTML + b"\n",
                self._encode(
                    self._html,
                    html.escape(unsubscribe_url),
                    html.escape(manage_url),
                    section[0],
                ),
            )
        )

    def _encode(self, body: _Base64Body, link, manage, section: str) -> bytes:
        if self.personal:
            return body.encode(link, manage, section)
        return body.encode(link, manage)


def sender_for(script: str, from_email: str) -> str:
    """The sender as the subscriber's edition writes it: 新闻室财经 for Simplified."""
    name, address = email.utils.parseaddr(from_email)
    if script != Script.HANS or not name:
        return from_email
    # Only the name changes; the header is encoded where every sender is.
    return from_email.replace(name, chinese.to_simplified(name), 1)


def _address(address: str) -> str:
    if address.isascii():
        return address
    # An internationalised domain becomes punycode (Django's rule for sending).
    return sanitize_address(address, "utf-8")


class _LinkPattern:
    """A personal link split around its token, so each copy costs one token."""

    def __init__(self, make_link, probe, make_token=tokens.unsubscribe_token):
        # Tokens carry a timestamp: across a second boundary the link's token
        # and the one made just before it differ, so try again.
        for _attempt in range(3):
            token = make_token(probe)
            link = make_link(probe)
            if link.count(token) == 1:
                self.before, self.after = link.split(token)
                return
        raise RuntimeError("the unsubscribe link does not hold its token")

    def __call__(self, token: str) -> str:
        return f"{self.before}{token}{self.after}"


class IssueMessages:
    """Every subscriber's message of one issue, from one rendering per script.

    ``message_for(recipient)`` costs a signed token and a few substitutions;
    nothing is rendered per subscriber.
    """

    def __init__(
        self, issue: Issue, *, from_email=None, renderings=None, sections=None
    ):
        self.issue = issue
        # PersonalSections, or None for the same message to everyone.
        self.sections = sections
        self.from_email = from_email or settings.DEFAULT_FROM_EMAIL
        if renderings is None:
            articles = issue_articles(issue)
            renderings = {
                script: render_issue(issue, script, articles=articles)
                for script in Script.values
            }
        self.renderings = renderings
        self.senders = {
            script: sender_for(script, self.from_email) for script in renderings
        }
        self.templates = {
            script: MessageTemplate(
                rendered,
                from_email=self.senders[script],
                personal=sections is not None,
            )
            for script, rendered in renderings.items()
        }
        _name, address = email.utils.parseaddr(self.from_email)
        self.domain = address.rpartition("@")[2] or "localhost"
        self._links = {}
        self._manage_links = {}
        probe = Recipient(pk=0, email="probe@example.invalid")
        for script in renderings:
            with translation.override(edition_language(script)):
                self._links[script] = _LinkPattern(tokens.unsubscribe_url, probe)
                self._manage_links[script] = _LinkPattern(
                    tokens.manage_url, probe, tokens.manage_token
                )
        self._mailto = _LinkPattern(tokens.unsubscribe_mailto, probe)

    def script_for(self, recipient: Recipient) -> str:
        return recipient.script if recipient.script in self.templates else Script.HANT

    def unsubscribe_url(self, recipient: Recipient, token: str | None = None) -> str:
        token = token or tokens.unsubscribe_token(recipient)
        return self._links[self.script_for(recipient)](token)

    def message_for(self, recipient: Recipient, *, date: str | None = None):
        """The recipient's complete message (a PersonalMessage)."""
        token = tokens.unsubscribe_token(recipient)
        url = self.unsubscribe_url(recipient, token)
        message_id = message_id_for(self.issue.week, recipient.pk, self.domain)
        script = self.script_for(recipient)
        manage_url = self._manage_links[script](tokens.manage_token(recipient))
        section = ("", "")
        if self.sections is not None:
            section = self.sections.for_follows(script, recipient.follows)
        raw = self.templates[script].render(
            to=recipient.email,
            unsubscribe_url=url,
            unsubscribe_mailto=self._mailto(token),
            message_id=message_id,
            date=date or format_date(),
            section=section,
            manage_url=manage_url,
        )
        return PersonalMessage(
            raw=raw,
            message_id=message_id,
            unsubscribe_url=url,
            recipient=recipient,
            manage_url=manage_url,
        )

    def email_message(self, recipient: Recipient, **kwargs) -> "PreparedEmail":
        """The message as something Django's email backends send."""
        personal = self.message_for(recipient, **kwargs)
        return PreparedEmail(
            personal,
            subject=self.templates[self.script_for(recipient)].subject,
            from_email=self.senders[self.script_for(recipient)],
        )


class _Prepared(email.message.Message):
    """A parsed message that serialises to exactly the bytes it was parsed from."""

    raw: bytes | None = None

    def as_bytes(self, unixfrom=False, policy=None, linesep=None):
        if self.raw is None or unixfrom or policy is not None:
            return super().as_bytes(unixfrom=unixfrom, policy=policy)
        if linesep and linesep != "\n":
            return self.raw.replace(b"\n", linesep.encode())
        return self.raw


class PreparedEmail(EmailMessage):
    """A message built by IssueMessages, for Django's backends (SMTP, locmem).

    The backends ask ``message()`` for the email object and send its
    ``as_bytes()``; here that is the prepared bytes, unchanged.
    """

    def __init__(self, personal: PersonalMessage, *, subject: str, from_email: str):
        super().__init__(
            subject=subject,
            body="",
            from_email=from_email,
            to=[personal.recipient.email],
        )
        self.personal = personal
        self.message_id = personal.message_id

    def message(self):
        parsed = email.message_from_bytes(self.personal.raw, _class=_Prepared)
        parsed.raw = self.personal.raw
        return parsed
