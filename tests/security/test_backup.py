"""Backups (issue 9, point 8): ``backup`` then ``restore`` into an emptied
database gives back the same rows, revisions, Chinese text byte for byte and
image files; a damaged archive or a row that will not load leaves the
database and the media as they were, with a one-line error."""

import datetime
import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from PIL import Image
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    Author,
    CompanyLinkRemoval,
    Correction,
    Revision,
    SearchDocument,
    Transition,
)
from articles.revisions import record_revision
from articles.roles import ensure_groups
from newsletter.models import Issue, IssuePick, Subscriber, SubscriptionEvent
from newsroom import backups
from tests.factories import make_article, make_author, make_company, make_editor

# Flushing and restoring are whole-database operations: real transactions.
pytestmark = pytest.mark.django_db(transaction=True)

HEADLINE = "𠮷野家在臺灣開新店，吉野家股價升 📈"
DEK = "簡體：央行宣布降准 0.5 个百分点；繁體：臺灣銀行調整利率；異體：裏/里"
BODY = "<p>𠮷（U+20BB7）不在基本多文種平面。騰訊（0700.HK）👍🏽 🇭🇰</p>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def groups():
    # A transactional test starts from a flushed database: the data
    # migration's groups are gone.
    ensure_groups(Group, Permission)


def image_upload(name, size, colour) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    fmt = "PNG" if name.endswith(".png") else "JPEG"
    Image.new("RGB", size, colour).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


def make_newsroom():
    """A little of everything the archive must carry."""
    editor = make_editor(username="編輯甲")
    company = make_company("0700.HK", name="騰訊控股", name_en="Tencent")
    other = make_company("600519.SH", name="贵州茅台")
    author = make_author(
        name="陳大文", photo=image_upload("chan.jpg", (300, 300), "navy")
    )
    article = make_article(
        headline=HEADLINE,
        dek=DEK,
        body=BODY,
        key_points=["𠮷 第一點", "第二點 🚀"],
        hero_image=image_upload("hero.png", (900, 600), "orange"),
        hero_alt="交易大堂",
        authors=[author],
        created_by=editor,
    )
    article.tags.add("央行", "降準", "𠮷野家")
    article.companies.add(company)
    CompanyLinkRemoval.objects.create(article=article, company=other, removed_by=editor)
    record_revision(article, by=editor, note="首版 𠮷", first=True)
    article.headline = HEADLINE + "（更新）"
    article.save()
    record_revision(article, by=editor, note="改標題")
    Transition.objects.create(
        article=article,
        action="publish",
        from_status="draft",
        to_status="published",
        by=editor,
        note="發佈 ✅",
    )
    Correction.objects.create(
        article=article,
        wrong="誤寫為「吉野家」",
        right="應為「𠮷野家」",
        created_by=editor,
    )
    make_article(headline="简体标题：人民币汇率", script=Article.Script.HANS)
    subscriber = Subscriber.objects.create(
        email="reader@example.com", status=Subscriber.Status.ACTIVE, script="zh-Hans"
    )
    SubscriptionEvent.objects.create(
        subscriber=subscriber, kind="confirmed", method="web", detail="確認 𠮷"
    )
    issue = Issue.objects.create(week="2026-W47", subject="財經週報 𠮷")
    IssuePick.objects.create(issue=issue, article=article, position=1)
    return article


class _Milliseconds(DjangoJSONEncoder):
    """Times to the millisecond, as a backup keeps them (Django's JSON
    serialisation): 12:00:00.000412 is written 12:00:00.000 but restored as
    12:00:00, which this encoder writes the same way."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            o = o.replace(microsecond=o.microsecond // 1000 * 1000)
        return super().default(o)


def rows() -> dict:
    """Every backed-up row, serialised with natural keys, per model."""
    found = {}
    for model in backups.backed_up_models():
        label = model._meta.label_lower
        serialised = serializers.serialize(
            "python",
            model._base_manager.order_by("pk"),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=label in backups.BY_NATURAL_KEY,
        )
        found[label] = sorted(
            json.dumps(row, sort_keys=True, ensure_ascii=False, cls=_Milliseconds)
            for row in serialised
        )
    return found


def file_hashes(root: Path) -> dict:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def empty_everything(media: Path):
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media, ignore_errors=True)
    assert not Article.objects.exists() and not User.objects.exists()


def backup(path) -> str:
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    return out.getvalue()


def restore(path, *args) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *args, stdout=out)
    return out.getvalue()


def rewrite(source: Path, target: Path, change) -> None:
    """Copy an archive, each member's bytes through ``change(name, data)``
    (None drops the member)."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            data = change(member.name, old.extractfile(member).read())
            if data is not None:
                info = tarfile.TarInfo(member.name)
                info.size = len(data)
                new.addfile(info, io.BytesIO(data))


# --- the round trip ----------------------------------------------------------------


def test_backup_then_restore_gives_back_the_same_rows_text_and_files(media, tmp_path):
    article = make_newsroom()
    before = rows()
    files_before = file_hashes(media)
    revisions_before = {
        r.pk: json.dumps(r.data, ensure_ascii=False, sort_keys=True).encode()
        for r in Revision.objects.all()
    }
    headline_bytes = Article.objects.get(pk=article.pk).headline.encode("utf-8")
    # What is worth checking is there: hero, renditions, photo; tags; revisions.
    assert any(name.startswith("renditions/") for name in files_before)
    assert any(name.startswith("authors/") for name in files_before)
    assert len(files_before) > 3
    assert len(revisions_before) == 2 and TaggedItem.objects.count() == 3

    archive = tmp_path / "newsroom.tar.gz"
    output = backup(archive)
    assert f"{len(files_before)} media files" in output
    assert archive.stat().st_mode & 0o077 == 0  # owner only: password hashes

    empty_everything(media)
    output = restore(archive)

    assert rows() == before
    assert file_hashes(media) == files_before
    for revision in Revision.objects.all():
        data = json.dumps(revision.data, ensure_ascii=False, sort_keys=True).encode()
        assert data == revisions_before[revision.pk]
    restored = Article.objects.get(pk=article.pk)
    assert restored.headline.encode("utf-8") == headline_bytes
    assert "𠮷".encode() in headline_bytes  # four bytes in UTF-8, outside the BMP
    assert restored.dek == DEK and restored.body == BODY
    assert sorted(restored.tags.names()) == sorted(["央行", "降準", "𠮷野家"])
    assert restored.companies.get().tickers.get().symbol == "0700"
    assert restored.corrections.get().right == "應為「𠮷野家」"
    assert User.objects.get(username="編輯甲").groups.get().name == "Editors"
    assert Group.objects.get(name="Editors").permissions.count() > 0
    assert restored.hero_image.storage.exists(restored.hero_image.name)
    # The search index is rebuilt, not carried.
    assert SearchDocument.objects.count() == Article.objects.count()
    # Counts are reported.
    assert f"Restored {sum(len(r) for r in before.values())} rows" in output
    assert "articles.article: 2" in output


def test_manifest_lists_counts_versions_and_a_hash_for_every_file(media, tmp_path):
    make_newsroom()
    archive = tmp_path / "b.tar.gz"
    backup(archive)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
        for name, entry in manifest["files"].items():
            data = tar.extractfile(name).read()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert len(data) == entry["size"]
    assert names[-1] == "manifest.json"
    assert set(manifest["files"]) == set(names) - {"manifest.json"}
    assert manifest["counts"]["articles.article"] == 2
    assert manifest["counts"]["articles.revision"] == 2
    assert manifest["counts"]["taggit.taggeditem"] == 3
    assert "articles.searchdocument" not in manifest["counts"]
    assert manifest["django"] and manifest["created"]


# --- refusals ----------------------------------------------------------------------


@pytest.fixture
def archive(media, tmp_path):
    """A backup of a small newsroom, and an emptied database and media."""
    make_newsroom()
    path = tmp_path / "good.tar.gz"
    backup(path)
    empty_everything(media)
    return path


def assert_nothing_restored(media: Path):
    assert not Article.objects.exists()
    assert not User.objects.exists()
    assert not Tag.objects.exists()
    assert not Author.objects.exists()
    assert file_hashes(media) == {}


def one_line_error(path, *args) -> str:
    with pytest.raises(CommandError) as caught:
        restore(path, *args)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_missing_file_is_a_clear_error(tmp_path):
    assert "No such file" in one_line_error(tmp_path / "nope.tar.gz")


def test_a_file_that_is_not_a_tar_archive_is_refused(tmp_path):
    path = tmp_path / "notes.tar.gz"
    path.write_text("這不是備份")
    assert "is not a tar archive" in one_line_error(path)


def test_an_archive_without_a_manifest_is_refused(archive, tmp_path, media):
    path = tmp_path / "bare.tar.gz"
    rewrite(archive, path, lambda name, data: None if name == "manifest.json" else data)
    assert "no manifest.json" in one_line_error(path)
    assert_nothing_restored(media)


def test_an_archive_without_its_data_is_refused(archive, tmp_path, media):
    path = tmp_path / "nodata.tar.gz"
    rewrite(archive, path, lambda name, data: None if name == "data.jsonl" else data)
    assert "data.jsonl is missing" in one_line_error(path)
    assert_nothing_restored(media)


def test_a_hash_mismatch_restores_nothing(archive, tmp_path, media):
    path = tmp_path / "damaged.tar.gz"

    def flip_a_byte(name, data):
        if name.startswith("media/articles/"):
            return data[:-1] + bytes([data[-1] ^ 1])
        return data

    rewrite(archive, path, flip_a_byte)
    message = one_line_error(path)
    assert "hash mismatch for media/articles/" in message
    assert_nothing_restored(media)


def test_a_row_that_will_not_load_leaves_the_database_and_media_untouched(
    archive, tmp_path, media
):
    """The data loads in one transaction: the last row fails, so none stays."""
    with tarfile.open(archive) as tar:
        data = tar.extractfile("data.jsonl").read()
    broken = data + b'{"model": "articles.revision", "pk": 999, "fields": {}}\n'

    def swap(name, content):
        if name == "data.jsonl":
            return broken
        if name == "manifest.json":
            manifest = json.loads(content)
            manifest["files"]["data.jsonl"] = {
                "size": len(broken),
                "sha256": hashlib.sha256(broken).hexdigest(),
            }
            return json.dumps(manifest).encode()
        return content

    path = tmp_path / "bad-row.tar.gz"
    rewrite(archive, path, swap)
    assert "nothing was restored" in one_line_error(path)
    assert_nothing_restored(media)
    # The good archive still restores.
    restore(archive)
    assert Article.objects.count() == 2


def test_restore_refuses_a_database_that_holds_articles_unless_forced(archive, media):
    make_article(headline="今天寫的稿")
    message = one_line_error(archive)
    assert "already holds 1 articles" in message and "--force" in message
    assert Article.objects.count() == 1
    assert file_hashes(media) == {}

    # Forced: the archive's rows replace rows with the same keys.
    restore(archive, "--force")
    assert Article.objects.filter(headline=HEADLINE + "（更新）").exists()
    assert file_hashes(media)
