"""The corpus: copy in shapes the importer was not written for, and what it must give.

tests/articles/importing/corpus/ holds files of our own writing (wire feeds
with and without blank lines, trailing sources in every bracket, credits with
every separator, editor credits, datelines, scraped pages with navigation,
share rows and link lists, press releases with tables, four scripts and four
encodings); expected.json says, per file, each article's headline, authors
and sources. make_corpus.py in the same folder wrote both.
"""

import json
from pathlib import Path

import pytest

from articles.importing.decoding import decode_bytes, normalise_text
from articles.importing.parsing import parse_text
from articles.importing.report import FileReport
from articles.importing.storing import ImportOptions, import_text
from articles.models import Article

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def read(name: str) -> str:
    text, _encoding = decode_bytes((CORPUS / name).read_bytes())
    return normalise_text(text)


def test_the_corpus_has_at_least_thirty_files():
    files = {p.name for p in CORPUS.glob("*.txt")}
    assert len(files) >= 30
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_splits_as_expected(name):
    expected = EXPECTED[name]["articles"]
    parsed = parse_text(read(name)).articles
    assert [a.headline for a in parsed] == [e["headline"] for e in expected]
    for article, want in zip(parsed, expected, strict=True):
        assert article.authors == want["authors"], article.headline
        assert article.sources == want["sources"], article.headline
        body = article.body_text
        for text in want.get("body_excludes", []):
            assert text not in body, (article.headline, text)
        for text in want.get("body_includes", []):
            assert text in body, (article.headline, text)
        if "date" in want:
            assert str(article.dateline) == want["date"]
        if "script" in want:
            assert article.script == want["script"]
        if "title_en" in want:
            assert article.title_en == want["title_en"]
        if want.get("table"):
            assert any(b.kind == "table" for b in article.blocks)
        # Nothing silently lost: every line is in a field or listed as dropped.
        assert article.headline not in body


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_imports_as_drafts(name, editor):
    report = import_text(read(name), FileReport(name), ImportOptions(user=editor))
    assert not report.error
    assert len(report.created) == len(EXPECTED[name]["articles"])
    assert Article.objects.count() == len(report.created)
