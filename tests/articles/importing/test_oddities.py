"""Issue 17, finding 9: what a writer's import may create and learn, and files."""

import codecs

import pytest

from articles.importing.decoding import (
    MAGIC,
    ImportFileError,
    decode_bytes,
    repair_mojibake,
)
from articles.importing.report import FileReport, warning_message
from articles.importing.storing import ImportOptions, import_text
from articles.models import Article, Author
from tests.factories import make_author, make_writer

COPY = (
    "電動車龍頭季績勝預期\n作者：石家明\n"
    "某電動車集團昨日公布第三季業績，收入按年增長百分之二十八，優於預期。\n"
)


def run(text, **options):
    return import_text(text, FileReport("copy.txt"), ImportOptions(**options))


@pytest.mark.django_db
def test_writer_import_does_not_create_authors_and_leaves_a_warning(writer):
    report = run(COPY, user=writer)
    (result,) = report.created
    assert not Author.objects.filter(name="石家明").exists()
    assert result.authors == []
    (warning,) = [w for w in result.warnings if w.startswith("byline_unresolved")]
    assert "石家明" in warning_message(warning)
    record = Article.objects.get().import_record
    assert any("石家明" in w for w in record.warnings)


@pytest.mark.django_db
def test_writer_import_links_authors_that_exist(writer):
    author = make_author(name="石家明")
    report = run(COPY, user=writer)
    assert list(Article.objects.get(pk=report.created[0].article_id).authors.all()) == [
        author
    ]


@pytest.mark.django_db
def test_editor_import_creates_authors(editor):
    run(COPY, user=editor)
    assert Author.objects.filter(name="石家明").exists()


@pytest.mark.django_db
def test_writer_is_not_told_a_colleague_has_the_same_copy(writer):
    colleague = make_writer(username="colleague")
    run(COPY, user=colleague)
    report = run(COPY, user=writer)
    (result,) = report.articles
    assert not result.duplicate
    assert "duplicate" not in result.error.lower()
    assert "ask an editor" in result.error
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_writer_is_told_of_a_duplicate_of_their_own(writer):
    run(COPY, user=writer)
    (result,) = run(COPY, user=writer).articles
    assert result.duplicate and not result.error


@pytest.mark.parametrize("encoding", ["utf_16_le", "utf_16_be"])
def test_utf16_without_a_bom_is_read(encoding):
    data = COPY.encode(encoding)
    assert not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    assert decode_bytes(data) == (COPY, encoding)


def test_english_utf16_without_a_bom_is_read():
    text = "Markets rally on rate hopes\nBy Jane Doe\nStocks rose on Tuesday.\n"
    assert decode_bytes(text.encode("utf_16_le"))[0] == text


def test_binary_with_zero_bytes_is_still_refused():
    with pytest.raises(ImportFileError):
        decode_bytes(bytes(range(256)) * 8)


def test_big5_hkscs_with_cantonese_characters_is_read():
    text = "港股收市\n𡃁仔話佢哋嘅股票今日升咗好多，啲人都好開心。\n" * 3
    decoded, encoding = decode_bytes(text.encode("big5hkscs"))
    assert decoded == text
    assert encoding.startswith("big5")


def test_gb18030_with_characters_outside_gbk_is_read():
    text = "港股收市报道\n𠮷野家今日公布业绩，收入按年增长百分之十二。\n" * 3
    decoded, encoding = decode_bytes(text.encode("gb18030"))
    assert decoded == text
    assert encoding == "gb18030"


def test_mojibake_is_repaired_and_only_mojibake():
    broken = COPY.encode("utf-8").decode("latin-1")
    assert repair_mojibake(broken) == (COPY, True)
    # Full-width punctuation, curly quotes and accents are left as typed.
    typed = "Café “prices” rose：５%\n"
    assert repair_mojibake(typed) == (typed, False)


@pytest.mark.django_db
def test_a_mojibake_upload_is_imported_repaired_with_a_note(editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.importing.storing import import_upload

    data = COPY.encode("utf-8").decode("latin-1").encode("utf-8")
    report = import_upload(
        SimpleUploadedFile("broken.txt", data), ImportOptions(user=editor)
    )
    assert "mojibake repaired" in report.encoding
    assert report.created[0].headline == "電動車龍頭季績勝預期"


def test_file_type_messages_are_whole_sentences_in_each_language():
    from django.utils import translation

    with translation.override("zh-hant"):
        for magic, _message in MAGIC:
            with pytest.raises(ImportFileError) as error:
                decode_bytes(magic + b"\x00" * 40)
            text = str(error.value)
            assert "zip archive" not in text and " a " not in text, text


@pytest.mark.django_db
def test_a_file_with_no_article_lists_what_it_saw(editor_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from articles.importing.report import render_text

    text = "欲訂閱本站每周免費通訊，請點擊這裏\n免責聲明：僅供參考\n"
    report = run(text)
    assert report.error
    printed = render_text([report])
    assert "免責聲明" in printed and "欲訂閱本站" in printed
    response = editor_client.post(
        reverse("admin:articles_importrecord_import"),
        {"file": SimpleUploadedFile("chrome.txt", text.encode())},
    )
    assert "免責聲明" in response.content.decode()
