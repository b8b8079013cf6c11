"""Bytes to clean text: size, binary and encoding checks, newlines and NFC.

Every failure is an ``ImportFileError`` whose message is one line an editor
can act on. Sizes are checked before a file is read whole: a path is stat'ed
first and never read past the limit.
"""

import codecs
import re
import unicodedata
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DEFAULT_MAX_MB = 5
# The encodings copy reaches us in. Detection is restricted to them: given
# every codec, short Chinese text often "decodes" as something exotic.
CANDIDATE_ENCODINGS = [
    "utf_8",
    "utf_16",
    "gb18030",
    "big5",
    "big5hkscs",
    "cp950",
    "gbk",
]
# Signatures of files that are not text, with what to tell the editor.
# Each message is whole, so a translation never mixes two languages.
MAGIC = [
    (b"%PDF", gettext_lazy("This is a PDF, not text: save it as plain text first.")),
    (
        b"PK\x03\x04",
        gettext_lazy(
            "This is a zip archive or Word/Excel document, not text: save it as "
            "plain text first."
        ),
    ),
    (
        b"\xd0\xcf\x11\xe0",
        gettext_lazy(
            "This is an old Word/Excel document, not text: save it as plain text first."
        ),
    ),
    (
        b"\x89PNG",
        gettext_lazy("This is a PNG image, not text: save it as plain text first."),
    ),
    (
        b"\xff\xd8\xff",
        gettext_lazy("This is a JPEG image, not text: save it as plain text first."),
    ),
    (
        b"GIF8",
        gettext_lazy("This is a GIF image, not text: save it as plain text first."),
    ),
    (
        b"\x1f\x8b",
        gettext_lazy("This is a gzip archive, not text: save it as plain text first."),
    ),
]
_NEWLINES_RE = re.compile(r"\r\n|\r|\u2028|\u2029|\x85|\x0b|\x0c")
# C0/C1 control characters other than tab and newline: never in copy.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff]")
# Runs of horizontal space longer than this carry no more meaning (a wide gap
# is two): shortening them keeps every pattern the parser runs linear-time,
# since a pattern that opens with \s* restarts inside a run at each position.
_LONG_SPACE_RE = re.compile(
    r"([ \t\u00a0\u3000\u2000-\u200b])[ \t\u00a0\u3000\u2000-\u200b]{4,}"
)


class ImportFileError(Exception):
    """A file that cannot be imported; the message says why, in one line."""


def max_bytes(megabytes: float | None) -> int:
    return int((DEFAULT_MAX_MB if megabytes is None else megabytes) * 1024 * 1024)


def _too_large(size: int, limit: int) -> ImportFileError:
    return ImportFileError(
        _("File too large: %(size).1f MB, the limit is %(limit).1f MB.")
        % {"size": size / 1024 / 1024, "limit": limit / 1024 / 1024}
    )


def read_file(path: Path, *, limit: int) -> bytes:
    """The file's bytes, refusing one over ``limit`` before reading it whole."""
    size = path.stat().st_size
    if size > limit:
        raise _too_large(size, limit)
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew since the stat
        raise _too_large(len(data), limit)
    return data


def read_upload(upload, *, limit: int) -> bytes:
    """An uploaded file's bytes; its size is known before anything is read."""
    if upload.size is not None and upload.size > limit:
        raise _too_large(upload.size, limit)
    data = b"".join(upload.chunks())[: limit + 1]
    if len(data) > limit:
        raise _too_large(len(data), limit)
    return data


def _looks_like_utf16(data: bytes) -> str | None:
    """utf_16_le / utf_16_be for UTF-16 without a BOM, Chinese or Latin.

    Both byte orders are tried; the right one reads as text (Han, Latin,
    punctuation, spacing), the wrong one as characters of unrelated scripts.
    """
    sample = (
        data[: 8192 - 8192 % 2] if len(data) >= 8192 else data[: len(data) // 2 * 2]
    )
    if len(sample) < 4:
        return None
    best, best_score = None, 0.0
    for encoding in ("utf_16_le", "utf_16_be"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = sum(map(_textlike, text)) / len(text)
        if score > best_score:
            best, best_score = encoding, score
    return best if best_score >= 0.9 else None


def _textlike(ch: str) -> bool:
    code = ord(ch)
    return (
        0x20 <= code < 0x7F
        or ch in "\n\r\t"
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0x3400 <= code <= 0x9FFF  # Han
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x2010 <= code <= 0x2027  # dashes, quotes, ellipsis
        or 0x00A0 <= code <= 0x00FF
    )


def repair_mojibake(text: str) -> tuple[str, bool]:
    """``(text, repaired)``: UTF-8 that was read as Latin-1 or cp1252, put back.

    ftfy's ``fix_encoding`` only undoes wrong decodings; it does not change
    width, quotes or anything else an editor typed.
    """
    import ftfy  # imported when used: 18 MB a worker serving readers never needs

    if not ftfy.badness.is_bad(text[:20000]):
        return text, False
    fixed = ftfy.fix_encoding(text)
    return fixed, fixed != text


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("Cannot decode the file as %(encoding)s (byte %(position)d).")
            % {"encoding": encoding, "position": error.start}
        ) from None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """``(text, encoding)`` for a file's bytes, or ImportFileError saying why not.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are decoded strictly;
    anything else is detected by charset-normalizer among Chinese encodings.
    """
    if not data.strip(b" \t\r\n\x00"):
        raise ImportFileError(_("The file is empty."))
    for magic, message in MAGIC:
        if data.startswith(magic):
            raise ImportFileError(str(message))
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(data[3:], "utf_8"), "utf_8_sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(data, "utf_16"), "utf_16"
    elif b"\x00" in data:
        # UTF-16 without a BOM: its newlines and ASCII have a zero byte.
        encoding = _looks_like_utf16(data)
        if encoding is None:
            raise ImportFileError(_("This is a binary file, not text."))
        text = _strict(data, encoding)
    else:
        try:
            text, encoding = data.decode("utf_8"), "utf_8"
        except UnicodeDecodeError:
            from charset_normalizer import from_bytes  # as ftfy: only when used

            best = from_bytes(data, cp_isolation=CANDIDATE_ENCODINGS).best()
            if best is None:
                raise ImportFileError(
                    _(
                        "Cannot decode the file: it is not UTF-8, UTF-16, "
                        "GB18030/GBK or Big5 text."
                    )
                ) from None
            text, encoding = str(best), best.encoding
    # Before counting control characters: UTF-8 read as Latin-1 is full of them.
    text, repaired = repair_mojibake(text)
    if repaired:
        encoding += " (mojibake repaired)"
    controls = len(_CONTROL_RE.findall(text))
    if controls > max(2, len(text) // 100):
        raise ImportFileError(_("This is a binary file, not text."))
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    return text, encoding


def normalise_text(text: str) -> str:
    """One newline character, no control characters, Unicode NFC."""
    text = _NEWLINES_RE.sub("\n", text)
    text = _CONTROL_RE.sub("", text)
    text = _LONG_SPACE_RE.sub(r"\1\1\1\1", text)
    return unicodedata.normalize("NFC", text)
