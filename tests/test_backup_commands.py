"""backup and restore for operators: --no-media, --verify, progress in logs."""

import io
import tarfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from articles.models import Article
from tests.factories import make_article, make_author
from tests.terminal import FakeTerminal

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    make_author(
        name="陳大文", photo=SimpleUploadedFile("chan.txt", b"not really an image")
    )
    make_article(headline="騰訊公布業績")


def test_backup_without_media_holds_rows_only(newsroom, tmp_path):
    path = tmp_path / "rows.tar.gz"
    out = io.StringIO()
    call_command("backup", str(path), "--no-media", stdout=out)
    with tarfile.open(path) as archive:
        names = archive.getnames()
    assert names == ["data.jsonl", "manifest.json"]
    assert "no media files (--no-media)" in out.getvalue()
    # Not a terminal: plain lines, one per stage at least.
    assert "Backing up rows: " in out.getvalue() and "\r" not in out.getvalue()


def test_restore_verify_checks_an_archive_and_writes_nothing(newsroom, tmp_path):
    path = tmp_path / "all.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    Article.objects.all().delete()
    out = FakeTerminal()
    call_command("restore", str(path), "--verify", stdout=out)
    assert "Verified, nothing written: " in out.getvalue()
    assert "\rChecking the archive: " in out.getvalue()
    assert not Article.objects.exists()


def test_restore_verify_refuses_a_damaged_archive(newsroom, tmp_path):
    path = tmp_path / "all.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="all.tar.gz"):
        call_command("restore", str(path), "--verify", stdout=io.StringIO())


def test_verbosity_zero_prints_no_progress(newsroom, tmp_path):
    out = io.StringIO()
    call_command("backup", str(tmp_path / "b.tar.gz"), stdout=out, verbosity=0)
    assert out.getvalue().startswith("Backed up ")
