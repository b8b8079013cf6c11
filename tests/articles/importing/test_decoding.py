"""Bytes to text: encodings detected, bad files refused with one clear line."""

import codecs
from pathlib import Path

import pytest

from articles.importing import decoding
from articles.importing.decoding import ImportFileError, decode_bytes, normalise_text

from . import samples

TRADITIONAL = samples.CMS_EXPORT
SIMPLIFIED = samples.SCRAPED_PAGE


@pytest.mark.parametrize(
    "data, text",
    [
        (TRADITIONAL.encode("utf-8"), TRADITIONAL),
        (codecs.BOM_UTF8 + TRADITIONAL.encode("utf-8"), TRADITIONAL),
        (TRADITIONAL.encode("utf-16"), TRADITIONAL),
        (SIMPLIFIED.encode("gb18030"), SIMPLIFIED),
        (SIMPLIFIED.encode("gbk"), SIMPLIFIED),
        (samples.WIRE_FEED.encode("big5"), samples.WIRE_FEED),
        (samples.PRESS_RELEASE.encode("utf-16-le"), samples.PRESS_RELEASE),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "gb18030", "gbk", "big5", "utf16le-no-bom"],
)
def test_encodings_are_detected(data, text):
    decoded, _encoding = decode_bytes(data)
    assert decoded == text


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"  \r\n\t ", "empty"),
        (codecs.BOM_UTF8, "empty"),
        (b"%PDF-1.7\n\x00\x01binary", "PDF"),
        (b"PK\x03\x04\x14\x00rest", "zip"),
        (bytes([0, 1, 2, 3, 200, 0, 7, 0, 0, 9]) * 50, "binary"),
        (bytes(range(128, 256)) * 3, "Cannot decode"),
        (codecs.BOM_UTF8 + b"\xff\xfe\xfd text", "Cannot decode"),
    ],
    ids=[
        "empty",
        "whitespace",
        "bom-only",
        "pdf",
        "zip",
        "binary",
        "undecodable",
        "bad-utf8",
    ],  # fmt: skip
)
def test_bad_bytes_are_refused_with_a_reason(data, message):
    with pytest.raises(ImportFileError, match=message):
        decode_bytes(data)


def test_newlines_and_unicode_are_normalised():
    text = normalise_text("a\r\nb\rc\u2028d\x00e" + "e\u0301")
    assert text == "a\nb\nc\nde" + "\u00e9"


def test_file_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2048)

    def no_open(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_open)
    with pytest.raises(ImportFileError, match="too large"):
        decoding.read_file(path, limit=1024)


def test_file_at_the_limit_is_read(tmp_path):
    path = tmp_path / "ok.txt"
    path.write_bytes(b"x" * 1024)
    assert decoding.read_file(path, limit=1024) == b"x" * 1024
