"""``manage.py import_articles``: files and folders, bad input, summary, dry run."""

import io

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ImportRecord

from . import samples

pytestmark = pytest.mark.django_db


def command(*args):
    out = io.StringIO()
    call_command("import_articles", *map(str, args), stdout=out)
    return out.getvalue()


def test_folder_is_imported_file_by_file_with_a_summary_table(tmp_path):
    (tmp_path / "export.txt").write_text(samples.CMS_EXPORT, encoding="utf-8")
    (tmp_path / "page.txt").write_bytes(samples.SCRAPED_PAGE.encode("gb18030"))
    (tmp_path / "release.txt").write_bytes(samples.PRESS_RELEASE.encode("utf-16"))
    output = command(tmp_path)
    assert Article.objects.count() == 5
    assert "file" in output and "duplicates skipped" in output
    assert f"{tmp_path / 'export.txt'}" in output
    assert "created #" in output


def test_dry_run_prints_what_would_be_created_and_writes_nothing(tmp_path):
    path = tmp_path / "export.txt"
    path.write_text(samples.CMS_EXPORT, encoding="utf-8")
    output = command(path, "--dry-run")
    assert Article.objects.count() == 0
    assert "[would create] 零跑汽車加快海外布局 與合作夥伴擴大歐洲銷售網絡" in output
    assert "kind: brief; authors: 陳嘉欣; tickers: 1276.HK, 600276.SH" in output
    assert "dropped (newsletter call to action): 欲訂閱本站每周免費通訊" in output


def test_second_run_reports_duplicates(tmp_path):
    path = tmp_path / "feed.txt"
    path.write_text(samples.WIRE_FEED, encoding="utf-8")
    command(path)
    output = command(path)
    assert "[duplicate, skipped]" in output
    assert Article.objects.count() == 2


def test_bad_files_get_one_line_each_and_do_not_stop_the_others(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(samples.WIRE_FEED, encoding="utf-8")
    files = {
        "empty.txt": b"",
        "binary.bin": bytes([0, 159, 146, 150, 0, 1, 2]) * 40,
        "big.txt": "測試".encode() * 1000,
        "garbled.txt": bytes(range(128, 256)) * 3,
        "chrome.txt": "欲訂閱本站每周免費通訊,請點擊這裏\n".encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    out = io.StringIO()
    with pytest.raises(CommandError, match="5 of 6 files failed"):
        call_command(
            "import_articles",
            *(str(tmp_path / name) for name in files),
            str(good),
            "--max-size",
            "0.005",
            stdout=out,
        )
    output = out.getvalue()
    assert "empty.txt: error: The file is empty." in output
    assert "binary.bin: error: This is a binary file, not text." in output
    assert "big.txt: error: File too large" in output
    assert "garbled.txt: error: Cannot decode the file" in output
    assert "chrome.txt: error: No recognisable article in the file." in output
    assert Article.objects.count() == 2
    assert ImportRecord.objects.count() == 2


def test_missing_path_fails(tmp_path):
    with pytest.raises(CommandError):
        command(tmp_path / "nope.txt")
